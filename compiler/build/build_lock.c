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
#include "build_int.h"

int opsc_build_lock(int *out, const char *gitdir, bool wait)
{
	size_t n = strlen(gitdir);
	size_t size = n + sizeof "/" OPSC_BUILD_LOCK;
	char *path = opsc_malloc(size);
	snprintf(path, size, "%s%s%s", gitdir, n && gitdir[n - 1] == '/' ? "" : "/", OPSC_BUILD_LOCK);
	int rc = 0, fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	*out = -1;
	if (fd < 0) {
		rc = opsc_build_fail_("cannot create the build lock %s: %s", path, strerror(errno));
		goto done;
	}
	while ((rc = flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB)) < 0 && errno == EINTR)
		;
	if (rc == 0) {
		*out = fd;
		goto done;
	}
	rc = errno == EWOULDBLOCK ? OPSC_BUILD_LOCK_BUSY : opsc_build_fail_("cannot lock %s: %s", path, strerror(errno));
	close(fd);
done:
	opsc_free(path);
	return rc;
}

void opsc_build_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the only descriptor releases the flock */
}
