/*
 * lint_policy.c - the policy finder of `opsc lint` (not written yet: finds nothing).
 */
#include "lint_int.h"

int opsc_lint_find_policy(lint_run *run)
{
	(void)run;
	return 0;
}
