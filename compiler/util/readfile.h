/*
 * readfile.h - the one way opsc reads a whole file from disk.
 *
 * A path in a repository can name anything: a FIFO (open(2) would block
 * until a writer comes), a device ("/dev/zero" never ends), a file that
 * grows while it is read, or a /proc file whose size says 0. So a file is
 * opened without blocking, must be a regular file, and is read up to a
 * limit whatever its size says.
 */
#ifndef OPSC_READFILE_H
#define OPSC_READFILE_H

#include <stdint.h>

#include <stddef.h>
#include <sys/stat.h>

/* Returned (negated) for a path that is not a regular file. */
#define OPSC_ENOTREG 4096

/* Opens `path` read-only, without blocking and without a controlling
 * terminal, plus `flags` (O_NOFOLLOW, say). Returns the fd, with *st
 * filled; or -errno, -EISDIR for a directory, -OPSC_ENOTREG for any other
 * file that is not regular (nothing is read from it). */
int opsc_file_open(const char *path, int flags, struct stat *st);

/* Reads the whole regular file `path` into *out (opsc_malloc'd, with a NUL
 * after the *out_len bytes; release with opsc_free). At most `max` + 1
 * bytes are read: a file larger than `max` returns -EFBIG and *out NULL.
 * Errors as opsc_file_open. */
int opsc_file_read(char **out, size_t *out_len, const char *path, int flags, size_t max);

/* What a negative return of the two above means, for a message. */
const char *opsc_file_strerror(int rc);

/* "11.0 MiB, over the 10.0 MiB limit": the note of every reader that skips
 * a file for its size (the scanner, the blob reader, the policy finder), so
 * a file skipped by two of them is listed once. */
void opsc_readfile_too_big(char *buf, size_t cap, uint64_t size, uint64_t limit);

#endif
