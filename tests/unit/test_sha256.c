/*
 * test_sha256.c - SHA-256 against the FIPS 180-4 example vectors
 * (csrc.nist.gov "SHA256.pdf", "SHA2_Additional.pdf") and the padding
 * boundaries (55, 56, 63, 64, 119 bytes), in one call and byte by byte.
 */
#include "testutil.h"

#include <string.h>

#include "alloc.h"
#include "sha256.h"

static void check(const char *data, size_t len, const char *want)
{
	char hex[65];
	opsc_sha256_hex(hex, data, len);
	assert_string_equal(hex, want);

	/* the same digest when fed in pieces of every size up to 70 */
	for (size_t step = 1; step <= 70 && step <= len; step += 23) {
		opsc_sha256 ctx;
		uint8_t digest[32];
		opsc_sha256_init(&ctx);
		for (size_t off = 0; off < len; off += step)
			opsc_sha256_update(&ctx, data + off, len - off < step ? len - off : step);
		opsc_sha256_final(&ctx, digest);
		opsc_sha256_to_hex(hex, digest);
		assert_string_equal(hex, want);
	}
}

static void test_sha256__fips_vectors(void **state)
{
	(void)state;
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
			   "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	check(four, strlen(four), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256__million_a(void **state)
{
	(void)state;
	size_t n = 1000000;
	char *a = opsc_malloc(n);
	memset(a, 'a', n);
	check(a, n, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	opsc_free(a);
}

static void test_sha256__padding_boundaries(void **state)
{
	(void)state;
	static const struct {
		size_t n;
		const char *hex;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	};
	char a[128];
	memset(a, 'a', sizeof a);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		check(a, cases[i].n, cases[i].hex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256__fips_vectors),
		cmocka_unit_test(test_sha256__million_a),
		cmocka_unit_test(test_sha256__padding_boundaries),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
