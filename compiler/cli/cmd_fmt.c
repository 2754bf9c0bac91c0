/*
 * cmd_fmt.c - `opsc fmt`: parse -> format -> write atomically (or, with
 * --check, compare and report).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"
#include "front.h"

enum { OPT_CHECK = 1 };

static const opsc_option fmt_options[] = {
	{ OPT_CHECK, 0, "check", NULL, "write nothing; list the files that are not formatted", NULL, NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_fmt = {
	.name = "fmt",
	.summary = "format .ops files in the canonical layout",
	.synopsis = "[--check] [PATH...]",
	.description =
		"Rewrite .ops files in the canonical layout: two-space indentation, one\n"
		"statement per line, at most one blank line between statements, lists\n"
		"and maps on one line unless written over several. Comments are kept;\n"
		"strings are copied as written; formatting twice changes nothing.\n"
		"\n"
		"PATH is a .ops file or a directory searched recursively for *.ops files;\n"
		"without PATH, the current directory. `-` reads standard input and writes\n"
		"the result to standard output. Files are replaced atomically (a\n"
		"temporary file renamed over the original, mode kept); a file with\n"
		"syntax errors is left untouched and its errors are reported.\n",
	.options = fmt_options,
	.operand = OPSC_OPERAND_FILE,
	.exit_status = "0 all formatted (or rewritten), 1 --check found files to format or a file has syntax "
		       "errors, 2 usage or I/O error.",
	.run = opsc_cmd_fmt,
};

typedef opsc_array(char *) path_list;

static int cmp_path(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void collect(const char *dir, path_list *out, int depth)
{
	DIR *d = opendir(dir);
	if (!d || depth > 64) {
		if (d)
			closedir(d);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ., .., .git and hidden directories */
		size_t n = strlen(e->d_name), len = strlen(dir) + n + 2;
		char *p = opsc_malloc(len);
		memcpy(p, dir, strlen(dir));
		p[strlen(dir)] = '/';
		memcpy(p + strlen(dir) + 1, e->d_name, n + 1);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && strcmp(e->d_name, "build") != 0) {
			collect(p, out, depth + 1);
			opsc_free(p);
		} else if (n > 4 && strcmp(e->d_name + n - 4, ".ops") == 0 && S_ISREG(st.st_mode)) {
			opsc_array_push(out, p);
		} else {
			opsc_free(p);
		}
	}
	closedir(d);
}

/* temp file in the same directory, fsync, rename: never half a file. */
static int write_atomic(const char *path, const char *data, size_t len)
{
	int rc = 0;
	struct stat st;
	size_t n = strlen(path);
	char *tmp = opsc_malloc(n + 16);
	snprintf(tmp, n + 16, "%s.fmt-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		goto done;
	}
	if (stat(path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) != 0) {
		rc = -errno ? -errno : -EIO;
		close(fd);
		unlink(tmp);
		goto done;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		rc = -errno;
		unlink(tmp);
	}
done:
	opsc_free(tmp);
	return rc;
}

/* 0 formatted, 1 changed (or would), 2 error; prints what it did. */
static int fmt_one(opsc_ctx *ctx, const char *path, bool check, bool stdio)
{
	uint32_t file;
	int rc;
	if (stdio) {
		opsc_array(char) in = { 0 };
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
			opsc_array_reserve(&in, (uint32_t)n);
			memcpy(in.items + in.len, buf, n);
			in.len += (uint32_t)n;
		}
		file = opsc_sources_add(&ctx->sources, "<stdin>", in.items ? in.items : "", in.len, false);
		opsc_array_free(&in);
	} else if ((rc = opsc_sources_read(&file, &ctx->sources, path)) < 0) {
		opsc_esc_printf(stderr, "opsc fmt: %s: %s\n", path, opsc_file_strerror(rc));
		return 2;
	}
	char *out = NULL;
	size_t len = 0;
	rc = opsc_fmt_format(&out, &len, ctx, file);
	if (rc != OPSC_FMT_OK)
		return rc < 0 ? 2 : 1;
	const opsc_source *src = opsc_sources_get(&ctx->sources, file);
	bool same = len == src->len && memcmp(out, src->text, len) == 0;
	int result = 0;
	if (stdio) {
		fwrite(out, 1, len, stdout);
	} else if (!same && check) {
		opsc_esc_printf(stdout, "%s\n", path);
		result = 1;
	} else if (!same) {
		int w = write_atomic(path, out, len);
		if (w < 0) {
			opsc_esc_printf(stderr, "opsc fmt: cannot write %s: %s\n", path, strerror(-w));
			result = 2;
		} else {
			opsc_esc_printf(stdout, "%s\n", path);
		}
	}
	opsc_free(out);
	return result;
}

int opsc_cmd_fmt(int argc, char **argv)
{
	bool check = false;
	path_list paths = { 0 };
	int status = OPSC_EXIT_OK;
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_fmt, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		struct stat st;
		if (id == OPSC_CLI_HELP || id == OPSC_CLI_ERROR) {
			status = id == OPSC_CLI_HELP ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
			goto done;
		} else if (id == OPT_CHECK) {
			check = true;
		} else if (strcmp(p.value, "-") != 0 && stat(p.value, &st) == 0 && S_ISDIR(st.st_mode)) {
			collect(p.value, &paths, 0);
		} else {
			opsc_array_push(&paths, opsc_strdup(p.value));
		}
	}
	if (argc == 1 || (paths.len == 0 && check && argc == 2))
		collect(".", &paths, 0);
	if (paths.len > 1)
		qsort(paths.items, paths.len, sizeof *paths.items, cmp_path);
	for (uint32_t i = 0; i < paths.len; i++) {
		opsc_ctx ctx;
		opsc_ctx_init(&ctx);
		int r = fmt_one(&ctx, paths.items[i], check, strcmp(paths.items[i], "-") == 0);
		opsc_render_opts ro = { opsc_diag_want_color(stderr) };
		opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
		if (r > status)
			status = r;
		opsc_ctx_dispose(&ctx);
	}
done:
	for (uint32_t i = 0; i < paths.len; i++)
		opsc_free(paths.items[i]);
	opsc_array_free(&paths);
	return status;
}
