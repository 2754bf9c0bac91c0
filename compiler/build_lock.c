/*
 * build_lock.c - one `opsc build` at a time per repository.
 *
 * Two builds writing the same output would each remove the other's staging
 * directory and swap in a tree that is neither old nor new. The lock is an
 * flock(2) on a file in the git directory: the kernel drops it when the
 * process ends, however it ends, so a killed build leaves no stale lock,
 * and the file itself is never in the working tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "build.h"

int opsc_build_lock(const char *gitdir, bool wait, FILE *note)
{
	size_t n = strlen(gitdir);
	size_t size = n + sizeof "/" OPSC_BUILD_LOCK;
	char *path = opsc_malloc(size);
	snprintf(path, size, "%s%s%s", gitdir, n && gitdir[n - 1] == '/' ? "" : "/", OPSC_BUILD_LOCK);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	int rc = fd;
	if (fd < 0) {
		fprintf(note, "opsc build: cannot create the build lock %s: %s\n", path, strerror(errno));
		goto done;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		goto done;
	if (errno == EWOULDBLOCK && wait) {
		fprintf(note, "opsc build: waiting for another opsc build in this repository "
			      "(it holds %s)\n", path);
		while ((rc = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
			;
		if (rc == 0) {
			rc = fd;
			goto done;
		}
	}
	if (errno == EWOULDBLOCK)
		fprintf(note, "opsc build: another opsc build is writing in this repository (it holds "
			      "%s); nothing done: run again when it has finished, or use --wait\n", path);
	else
		fprintf(note, "opsc build: cannot lock %s: %s\n", path, strerror(errno));
	close(fd);
	rc = -1;
done:
	opsc_free(path);
	return rc;
}

void opsc_build_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the only descriptor releases the flock */
}
