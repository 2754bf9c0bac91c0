/*
 * testutil.h - shared by the cmocka unit tests: route opsc's allocation hook
 * through cmocka's test_malloc so every test also checks for leaks.
 */
#ifndef OPSC_TESTUTIL_H
#define OPSC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Use as the group setup: installs the counting allocator. */
int opsc_test_setup_alloc(void **state);
/* Use as the group teardown: restores the C library allocator. */
int opsc_test_teardown_alloc(void **state);

#endif
