/*
 * build_int.h - what build.c and build_apply.c share.
 */
#ifndef OPSC_BUILD_INT_H
#define OPSC_BUILD_INT_H

#include "emit.h"

/* Sets opsc_build_error() and returns -1. */
int opsc_build_fail_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "a/b", heap-allocated (opsc_free it). */
char *opsc_build_join_(const char *a, const char *b);

/* Writes dir/.opsc-manifest.json: every output's path and its blob id,
 * hashes[i] for output i. */
int opsc_build_manifest_write_(const char *dir, const opsc_outputs *outputs, char (*hashes)[41]);
#endif
