/*
 * build.h - writing generated files into the repository.
 *
 *   plan:  compare the outputs with the output directory and with the
 *          manifest of what opsc wrote last time (.opsc-manifest.json);
 *   apply: build the new tree beside the old one and swap the two in one
 *          rename, so a build killed at any moment leaves either the old
 *          tree or the new one, never a mixture.
 *
 * Files opsc did not write are never touched; generated files edited by
 * hand are not overwritten or removed without `force`.
 */
#ifndef OPSC_BUILD_H
#define OPSC_BUILD_H

#include <stdbool.h>

#include "emit.h"

#define OPSC_BUILD_MANIFEST ".opsc-manifest.json"

typedef enum {
	OPSC_CHANGE_ADD, /* a new file */
	OPSC_CHANGE_UPDATE, /* a generated file with new contents */
	OPSC_CHANGE_UNCHANGED,
	OPSC_CHANGE_REMOVE, /* generated before, not any more */
	OPSC_CHANGE_EDITED, /* generated, then edited by hand: needs force */
	OPSC_CHANGE_FOREIGN, /* a file opsc did not write is in the way */
	OPSC_CHANGE_BLOCKED, /* a symlink or a non-file is in the way */
} opsc_change_kind;

typedef struct {
	char *path; /* relative to the output directory */
	opsc_change_kind kind;
	bool removal; /* EDITED applies to a file that would be removed */
	const opsc_output *output; /* NULL for removals */
} opsc_change;

typedef struct {
	opsc_array(opsc_change) changes; /* sorted by path */
	uint32_t added, updated, unchanged, removed, refused;
} opsc_build_plan;

/* Compares `outputs` with the directory `out` (absolute; it may not exist
 * yet). With force, EDITED and FOREIGN files count as updates. Returns 0,
 * or negative with opsc_build_error() set. */
int opsc_build_plan_make(opsc_build_plan *plan, const char *out, const opsc_outputs *outputs,
			 bool force);
/* Writes the planned tree (the plan must have nothing refused). */
int opsc_build_apply(const opsc_build_plan *plan, const char *out, const opsc_outputs *outputs);
void opsc_build_plan_dispose(opsc_build_plan *plan);

/* The lock that keeps a second `opsc build` out of a repository while one
 * writes: an flock on OPSC_BUILD_LOCK in `gitdir`, held until *fd is
 * closed (opsc_build_unlock) or the process ends. Returns 0 with the lock;
 * OPSC_BUILD_LOCK_BUSY when another process holds it (only without
 * `wait`: with it, the call waits); or -1 with opsc_build_error() set. */
#define OPSC_BUILD_LOCK "opsc-build.lock"
#define OPSC_BUILD_LOCK_BUSY 1
int opsc_build_lock(int *fd, const char *gitdir, bool wait);
void opsc_build_unlock(int fd);

/* The git blob id of `data` in hex (41 bytes with the NUL). libgit2 must
 * be initialised (git_libgit2_init). */
int opsc_build_hash(char hex[41], const char *data, size_t len);
const char *opsc_build_error(void);

/* the rest of the interface */
#include "build_runbook.h"

#endif
