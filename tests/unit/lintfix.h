/*
 * lintfix.h - running `opsc lint` in a test and disposing of what it made.
 */
#ifndef OPSC_LINTFIX_H
#define OPSC_LINTFIX_H

#include "gitfix.h"
#include "lint.h"

typedef struct {
	opsc_ctx ctx;
	opsc_rules rules;
	opsc_lint_result res;
	const char *error;
	int rc;
} lint_out;

/* Runs lint with `opts`; fails the test on an operational error or an
 * error in the .ops files. */
void lintfix_run(lint_out *o, const opsc_lint_opts *opts);
/* Writes `ops` as policies/NAME (`ops_path`), then what `opsc build` writes
 * from it under clusters/, and stages both (the commit is the caller's). */
void lintfix_write_build(gitfix *f, const char *ops_path, const char *ops);
void lintfix_done(lint_out *o);

#endif
