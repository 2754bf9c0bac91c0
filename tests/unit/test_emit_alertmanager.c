#include "testutil.h"

#include <string.h>

#include "emitutil.h"

/* The alertmanager emitter writes nothing for a project without environments. */
static void test_emit_alertmanager__empty_project(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_alertmanager, "project \"p\" { repo = \"o/r\" }\n"), 0);
	assert_int_equal(f.out.files.len, 0);
	opsc_test_emit_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_alertmanager__empty_project),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
