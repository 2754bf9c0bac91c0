/*
 * yamldoc_access.c - the ways into a YAML stream: from a file, under a size
 * limit, and from a node, by key or by path (see yamldoc.h).
 */
#include "yamldoc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "readfile.h"

/* ------------------------------------------------------------------ reading */

/* Reads at most max_len + 1 bytes: enough to tell the file is too large
 * when fstat could not (a pipe, a file growing while read). */
static int read_bounded(char **out, size_t *out_len, opsc_arena *arena, int fd, size_t max_len)
{
	opsc_array(char) buf = { 0 };
	for (;;) {
		opsc_array_reserve(&buf, 65536);
		size_t room = buf.cap - buf.len;
		if (room > max_len + 1 - buf.len)
			room = max_len + 1 - buf.len;
		ssize_t n = read(fd, buf.items + buf.len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			opsc_array_free(&buf);
			return err;
		}
		buf.len += (uint32_t)n;
		if (n == 0 || buf.len > max_len)
			break;
	}
	*out_len = buf.len;
	opsc_array_push(&buf, '\0');
	*out = opsc_array_to_arena(arena, &buf);
	return 0;
}

/* A stream of unknown size (a pipe, a device) that went past the limit. */
static void over_limit(opsc_yamldoc_stream *out, opsc_arena *arena, const char *path,
		       size_t max_len)
{
	opsc_yamldoc_error *e = opsc_arena_alloc(arena, sizeof *e);
	*e = (opsc_yamldoc_error){ 0, 1, 1,
		opsc_arena_printf(arena, "the file is over the %zu-byte limit", max_len) };
	out->path = path;
	out->errors = e;
	out->nerrors = 1;
}

int opsc_yamldoc_read_file(opsc_yamldoc_stream *out, opsc_arena *arena, const char *path,
			   size_t max_len)
{
	int rc = 0;
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int fd = opsc_file_open(path, 0, &st); /* a FIFO is refused, not waited on */

	memset(out, 0, sizeof *out);
	if (fd < 0)
		return fd;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_len) {
		/* refused from its size: not one byte of it is read */
		rc = opsc_yamldoc_parse(out, arena, path, NULL, (size_t)st.st_size, max_len);
		goto done;
	}
	if (max_len > UINT32_MAX - 2)
		max_len = UINT32_MAX - 2;
	rc = read_bounded(&text, &len, arena, fd, max_len);
	if (rc == 0 && len > max_len)
		over_limit(out, arena, path, max_len);
	else if (rc == 0)
		rc = opsc_yamldoc_parse(out, arena, path, text, len, max_len);
done:
	close(fd);
	return rc;
}

/* ------------------------------------------------------------------ lookups */

const opsc_yamldoc_node *opsc_yamldoc_get(const opsc_yamldoc_node *map, const char *key)
{
	if (!map || map->kind != OPSC_YAMLDOC_MAPPING)
		return NULL;
	size_t klen = strlen(key);
	for (uint32_t i = 0; i < map->mapping.len; i++) {
		const opsc_yamldoc_node *k = map->mapping.pairs[i].key;
		if (k->kind == OPSC_YAMLDOC_SCALAR && k->scalar.len == klen &&
		    memcmp(k->scalar.value, key, klen) == 0)
			return map->mapping.pairs[i].value;
	}
	return NULL;
}

/* One step of a path: a name in a mapping or a decimal index in a sequence. */
static const opsc_yamldoc_node *path_step(const opsc_yamldoc_node *node, const char *seg,
					  size_t len)
{
	char name[256];
	if (!node || len >= sizeof name)
		return NULL;
	memcpy(name, seg, len);
	name[len] = '\0';
	if (node->kind == OPSC_YAMLDOC_MAPPING)
		return opsc_yamldoc_get(node, name);
	if (node->kind != OPSC_YAMLDOC_SEQUENCE || len == 0 || strspn(name, "0123456789") != len)
		return NULL;
	unsigned long i = strtoul(name, NULL, 10);
	return i < node->sequence.len ? node->sequence.items[i] : NULL;
}

const opsc_yamldoc_node *opsc_yamldoc_path(const opsc_yamldoc_node *node, const char *path)
{
	while (node && *path) {
		size_t len = strcspn(path, ".");
		node = path_step(node, path, len);
		path += len + (path[len] == '.');
	}
	return node;
}

const char *opsc_yamldoc_str(const opsc_yamldoc_node *node)
{
	return node && node->kind == OPSC_YAMLDOC_SCALAR ? node->scalar.value : NULL;
}

bool opsc_yamldoc_is_null(const opsc_yamldoc_node *node)
{
	static const char *const spellings[] = { "", "~", "null", "Null", "NULL" };
	if (!node || node->kind != OPSC_YAMLDOC_SCALAR || node->scalar.style != OPSC_YAMLDOC_PLAIN ||
	    node->tag)
		return false;
	for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++)
		if (strcmp(node->scalar.value, spellings[i]) == 0)
			return true;
	return false;
}
