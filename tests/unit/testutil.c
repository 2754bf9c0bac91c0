#include "testutil.h"

#include "alloc.h"

static void *t_malloc(size_t n) { return test_malloc(n); }
static void *t_calloc(size_t n, size_t m) { return test_calloc(n, m); }
static void *t_realloc(void *p, size_t n) { return test_realloc(p, n); }
static void t_free(void *p) { test_free(p); }

int opsc_test_setup_alloc(void **state)
{
	(void)state;
	static const opsc_allocator a = { t_malloc, t_calloc, t_realloc, t_free };
	opsc_alloc_set(&a);
	return 0;
}

int opsc_test_teardown_alloc(void **state)
{
	(void)state;
	opsc_alloc_set(NULL);
	return 0;
}
