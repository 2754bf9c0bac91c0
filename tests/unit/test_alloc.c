#include "testutil.h"

#include <string.h>

#include "alloc.h"
#include "array.h"

static void test_alloc__arena_zeroed_and_aligned(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	for (int i = 1; i < 200; i++) {
		unsigned char *p = opsc_arena_alloc(a, (size_t)i * 37);
		assert_int_equal((uintptr_t)p % OPSC_ARENA_ALIGN, 0);
		for (int k = 0; k < i * 37; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xAB, (size_t)i * 37);
	}
	assert_true(opsc_arena_used(a) >= 37u * 199 * 200 / 2);
	opsc_arena_free(a);
}

static void test_alloc__arena_big_blocks_keep_current_chunk(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	char *small = opsc_arena_strdup(a, "before");
	char *big = opsc_arena_alloc(a, 1 << 20);
	char *after = opsc_arena_strdup(a, "after");
	big[(1 << 20) - 1] = 'x';
	assert_string_equal(small, "before");
	assert_string_equal(after, "after");
	opsc_arena_free(a);
}

/* Rewinding gives back everything allocated since the position (small
 * allocations, new chunks and big blocks behind the head), keeps what came
 * before, and hands memory out zeroed again; a million rounds stay flat
 * (the test allocator also finds any chunk it loses). */
static void test_alloc__arena_rewind(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	opsc_arena_pos empty = opsc_arena_tell(a);
	opsc_arena_alloc(a, 1 << 20); /* a big block as the only chunk */
	opsc_arena_rewind(a, empty);
	assert_int_equal(opsc_arena_used(a), 0);
	char *kept = opsc_arena_strdup(a, "kept");
	size_t used = opsc_arena_used(a);
	opsc_arena_pos pos = opsc_arena_tell(a);
	for (int round = 0; round < 1000000; round++) {
		unsigned char *p = opsc_arena_alloc(a, 64);
		for (int k = 0; k < 64; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xCD, 64);
		if (round % 1000 == 0) {
			opsc_arena_alloc(a, 1 << 19); /* big block behind the head */
			for (int k = 0; k < 5; k++)
				memset(opsc_arena_alloc(a, 60000), 0xEF, 60000); /* new chunks */
		}
		opsc_arena_rewind(a, pos);
		assert_int_equal(opsc_arena_used(a), used);
	}
	assert_string_equal(kept, "kept");
	unsigned char *p = opsc_arena_alloc(a, 200000);
	for (int k = 0; k < 200000; k++)
		assert_int_equal(p[k], 0);
	opsc_arena_free(a);
}

static void test_alloc__printf(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	assert_string_equal(opsc_arena_printf(a, "%s:%d", "x", 42), "x:42");
	opsc_arena_free(a);
}

static void test_alloc__array_push_and_to_arena(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	opsc_array(int) xs = { 0 };
	for (int i = 0; i < 1000; i++)
		opsc_array_push(&xs, i * 3);
	uint32_t n = xs.len;
	int *copy = opsc_array_to_arena(a, &xs);
	assert_int_equal(n, 1000);
	assert_null(xs.items);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(copy[i], i * 3);
	opsc_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc__arena_zeroed_and_aligned),
		cmocka_unit_test(test_alloc__arena_big_blocks_keep_current_chunk),
		cmocka_unit_test(test_alloc__arena_rewind),
		cmocka_unit_test(test_alloc__printf),
		cmocka_unit_test(test_alloc__array_push_and_to_arena),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
