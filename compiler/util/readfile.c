/*
 * readfile.c - reading a whole file, bounded and never blocking (see
 * readfile.h).
 */
#include "readfile.h"

#include <stdio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

int opsc_file_open(const char *path, int flags, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | flags);
	if (fd < 0)
		return -errno;
	int rc = fstat(fd, st) < 0 ? -errno : S_ISDIR(st->st_mode) ? -EISDIR
					  : !S_ISREG(st->st_mode)   ? -OPSC_ENOTREG
								    : fd;
	if (rc < 0)
		close(fd);
	return rc;
}

/* Reads until end of file or `max` + 1 bytes, whichever comes first: the
 * size fstat gave is only a first guess (procfs says 0, files grow). */
static int read_upto(char **out, size_t *out_len, int fd, size_t hint, size_t max)
{
	size_t cap = (hint < max ? hint : max) + 2, len = 0;
	char *buf = opsc_malloc(cap);
	for (;;) {
		if (len + 1 == cap) {
			cap = cap > max / 2 ? max + 2 : cap * 2;
			buf = opsc_realloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			opsc_free(buf);
			return err;
		}
		len += (size_t)n;
		if (n == 0 || len > max)
			break;
	}
	if (len > max) {
		opsc_free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

int opsc_file_read(char **out, size_t *out_len, const char *path, int flags, size_t max)
{
	struct stat st;
	*out = NULL;
	*out_len = 0;
	int fd = opsc_file_open(path, flags, &st);
	if (fd < 0)
		return fd;
	int rc = (uint64_t)st.st_size > max ? -EFBIG : read_upto(out, out_len, fd, (size_t)st.st_size, max);
	close(fd);
	return rc;
}

const char *opsc_file_strerror(int rc)
{
	if (rc == -OPSC_ENOTREG)
		return "not a regular file (opsc reads no FIFO, device or socket)";
	if (rc == -EFBIG)
		return "file too large";
	return strerror(-rc);
}

static void human_size(char *out, size_t cap, uint64_t bytes)
{
	if (bytes >= 1048576)
		snprintf(out, cap, "%.1f MiB", (double)bytes / 1048576.0);
	else if (bytes >= 1024)
		snprintf(out, cap, "%.1f KiB", (double)bytes / 1024.0);
	else
		snprintf(out, cap, "%u bytes", (unsigned)bytes);
}

void opsc_readfile_too_big(char *buf, size_t cap, uint64_t size, uint64_t limit)
{
	char have[32], max[32];
	human_size(have, sizeof have, size);
	human_size(max, sizeof max, limit);
	snprintf(buf, cap, "%s, over the %s limit", have, max);
}
