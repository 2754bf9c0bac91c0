/*
 * scan_files.c - scanning a list of files on worker threads.
 *
 * Each worker owns an opsc_scan_state and one read buffer it reuses (so
 * memory is bounded by threads x the size limit). Workers take files in
 * order from a shared counter; results are parked in a per-file slot and
 * delivered by whichever worker completes the next file in input order, so
 * the callback sees files in order and never two at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan_int.h"

#define BINARY_PROBE 8192u

typedef struct {
	bool done;
	opsc_scan_file_status status;
	char *reason;
	uint64_t size;
	opsc_array(opsc_scan_hit) hits;
	opsc_array(char *) secrets;
} slot;

typedef struct {
	const opsc_scanner *sc;
	const char *const *paths;
	uint32_t n;
	int rootfd;
	uint64_t max_size;
	opsc_scan_file_cb cb;
	void *user;
	pthread_mutex_t mu;
	uint32_t next_job, next_emit;
	bool stop;
	int err;
	slot *slots;
} job;

typedef struct {
	job *job;
	opsc_scan_state *st;
	opsc_array(char) buf;
	slot *cur;
	const char *data;
} worker;

static void slot_dispose(slot *s)
{
	opsc_free(s->reason);
	for (uint32_t i = 0; i < s->secrets.len; i++)
		opsc_free(s->secrets.items[i]);
	opsc_array_free(&s->hits);
	opsc_array_free(&s->secrets);
	s->reason = NULL;
}

static void skip(slot *s, opsc_scan_file_status status, const char *reason)
{
	s->status = status;
	s->reason = opsc_strdup(reason);
}

static int collect(void *user, const opsc_scan_hit *hit)
{
	worker *w = user;
	opsc_array_push(&w->cur->hits, *hit);
	opsc_array_push(&w->cur->secrets, opsc_strndup(w->data + hit->offset, hit->len));
	return 0;
}

/* One read(2) of the whole file into the reused buffer. */
static int read_all(worker *w, int fd, size_t size, size_t *got)
{
	opsc_array_reserve(&w->buf, (uint32_t)size + 1);
	*got = 0;
	while (*got < size) {
		ssize_t r = read(fd, w->buf.items + *got, size - *got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return 0;
}

static void scan_one(worker *w, uint32_t i, slot *s)
{
	job *j = w->job;
	char reason[96];
	struct stat sb;
	size_t got = 0;
	int fd = openat(j->rootfd, j->paths[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* a FIFO must not block */
	int rc = fd < 0 ? -errno : fstat(fd, &sb) < 0 ? -errno : 0;
	if (rc == 0 && !S_ISREG(sb.st_mode)) {
		skip(s, OPSC_SCAN_FILE_UNREADABLE, "not a regular file");
		goto done;
	}
	if (rc == 0 && (uint64_t)sb.st_size > j->max_size) {
		opsc_readfile_too_big(reason, sizeof reason, (uint64_t)sb.st_size, j->max_size);
		s->size = (uint64_t)sb.st_size;
		skip(s, OPSC_SCAN_FILE_TOO_BIG, reason);
		goto done;
	}
	if (rc == 0)
		rc = read_all(w, fd, (size_t)sb.st_size, &got);
	if (rc < 0) {
		skip(s, OPSC_SCAN_FILE_UNREADABLE, strerror(-rc));
		goto done;
	}
	s->size = got;
	if (memchr(w->buf.items, 0, got < BINARY_PROBE ? got : BINARY_PROBE)) {
		skip(s, OPSC_SCAN_FILE_BINARY, "binary file");
		goto done;
	}
	w->cur = s;
	w->data = w->buf.items;
	if (opsc_scan_buffer(w->st, j->paths[i], w->buf.items, got, collect, w) < 0)
		skip(s, OPSC_SCAN_FILE_UNREADABLE, "too large to scan");
done:
	if (fd >= 0)
		close(fd);
}

/* Delivers every finished file that is next in order. Called locked. */
static void emit_ready(job *j)
{
	while (j->next_emit < j->n && j->slots[j->next_emit].done) {
		slot *s = &j->slots[j->next_emit];
		opsc_scan_file_result r = {
			.path = j->paths[j->next_emit], .index = j->next_emit, .status = s->status,
			.reason = s->reason, .size = s->size, .hits = s->hits.items,
			.secrets = (const char *const *)s->secrets.items, .nhits = s->hits.len,
		};
		if (!j->stop && j->cb(j->user, &r))
			j->stop = true;
		slot_dispose(s);
		j->next_emit++;
	}
}

static void *work(void *arg)
{
	worker *w = arg;
	job *j = w->job;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		uint32_t i = j->stop ? j->n : j->next_job++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->n)
			break;
		slot s = { 0 };
		scan_one(w, i, &s);
		s.done = true;
		pthread_mutex_lock(&j->mu);
		j->slots[i] = s;
		emit_ready(j);
		pthread_mutex_unlock(&j->mu);
	}
	return NULL;
}

static unsigned thread_count(unsigned threads, uint32_t n)
{
	if (threads == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (threads > n)
		threads = n ? n : 1;
	return threads > 64 ? 64 : threads;
}

static int run_workers(job *j, unsigned nthreads)
{
	int rc = 0;
	unsigned started = 0;
	worker *ws = opsc_calloc(nthreads, sizeof *ws);
	pthread_t *tids = opsc_calloc(nthreads, sizeof *tids);
	for (unsigned t = 0; t < nthreads; t++) {
		ws[t].job = j;
		if (opsc_scan_state_new(&ws[t].st, j->sc) < 0) {
			rc = -ENOMEM;
			goto done;
		}
	}
	/* the calling thread is worker 0 */
	for (started = 1; started < nthreads; started++)
		if (pthread_create(&tids[started], NULL, work, &ws[started]) != 0)
			break;
	work(&ws[0]);
done:
	for (unsigned t = 1; t < started; t++)
		pthread_join(tids[t], NULL);
	for (unsigned t = 0; t < nthreads; t++) {
		opsc_scan_state_free(ws[t].st);
		opsc_array_free(&ws[t].buf);
	}
	opsc_free(ws);
	opsc_free(tids);
	return rc;
}

int opsc_scan_files_ex(const opsc_scanner *sc, const char *const *paths, const char *root,
		       uint32_t n, const opsc_scan_files_opts *opts, opsc_scan_file_cb cb, void *user)
{
	job j = {
		.sc = sc, .paths = paths, .n = n, .cb = cb, .user = user,
		.max_size = opts && opts->max_size ? opts->max_size : OPSC_SCAN_MAX_FILE_SIZE,
		.rootfd = AT_FDCWD,
	};
	int rc = 0;
	if (root && *root) {
		j.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (j.rootfd < 0)
			return -errno;
	}
	pthread_mutex_init(&j.mu, NULL);
	j.slots = opsc_calloc(n ? n : 1, sizeof *j.slots);
	rc = run_workers(&j, thread_count(opts ? opts->threads : 0, n));
	for (uint32_t i = 0; i < n; i++)
		slot_dispose(&j.slots[i]);
	opsc_free(j.slots);
	pthread_mutex_destroy(&j.mu);
	if (j.rootfd != AT_FDCWD)
		close(j.rootfd);
	return rc;
}

int opsc_scan_files(const opsc_scanner *sc, const char *const *paths, const char *root,
		    uint32_t n, unsigned threads, opsc_scan_file_cb cb, void *user)
{
	opsc_scan_files_opts opts = { .threads = threads };
	return opsc_scan_files_ex(sc, paths, root, n, &opts, cb, user);
}
