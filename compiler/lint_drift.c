/*
 * lint_drift.c - the drift finder of `opsc lint` (not written yet: finds nothing).
 */
#include "lint_int.h"

int opsc_lint_find_drift(lint_run *run)
{
	(void)run;
	return 0;
}
