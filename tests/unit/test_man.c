/*
 * test_man.c - opsc-language(5) is generated from the block schemas: every
 * block has its section, with its description, and every attribute of the
 * block its entry there, with its type, "(required)" exactly when it is,
 * and a description. The check is shown to notice each entry missing.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "front.h"

static char *language_page(void)
{
	static const opsc_command *const no_commands[] = { NULL };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(opsc_cli_man(out, "opsc-language", no_commands), 0);
	fclose(out);
	return buf;
}

/* A name as roff writes it: each '-' escaped. */
static void roff_name(char *out, size_t cap, const char *name)
{
	size_t k = 0;
	for (; *name && k + 3 < cap; name++) {
		if (*name == '-')
			out[k++] = '\\';
		out[k++] = *name;
	}
	out[k] = 0;
}

/* The text of the section `.SS "type"` (or `"type (in parent)"`), up to
 * the next section; NULL when there is none. */
static const char *section(const char *page, const sema_schema *s, size_t *len)
{
	char name[64], parent[64], title[160];
	roff_name(name, sizeof name, s->type);
	roff_name(parent, sizeof parent, s->parent ? s->parent : "");
	if (s->parent)
		snprintf(title, sizeof title, "\n.SS \"%s (in %s)\"\n", name, parent);
	else
		snprintf(title, sizeof title, "\n.SS \"%s\"\n", name);
	const char *at = strstr(page, title);
	if (!at)
		return NULL;
	at += strlen(title);
	const char *end = strstr(at, "\n.S");
	*len = end ? (size_t)(end - at) : strlen(at);
	return at;
}

/* The line after the entry `.TP` / `\fBname\fR = ...` of the section, or
 * NULL; *tag is set to the entry's line. */
static const char *entry(const char *sec, size_t len, const char *attr, const char **tag)
{
	char name[64], want[96];
	roff_name(name, sizeof name, attr);
	snprintf(want, sizeof want, ".TP\n\\fB%s\\fR = ", name);
	const char *at = memmem(sec, len, want, strlen(want));
	if (!at)
		return NULL;
	*tag = at + 4;
	const char *nl = strchr(*tag, '\n');
	return nl ? nl + 1 : NULL;
}

/* The first block or attribute the page lacks or gets wrong, as
 * "block.attr: what", or NULL when it has them all. */
static const char *missing(const char *page, char *why, size_t cap)
{
	uint32_t n;
	const sema_schema *all = sema_schema_all(&n);
	for (uint32_t i = 0; i < n; i++) {
		const sema_schema *s = &all[i];
		size_t len;
		const char *sec = section(page, s, &len);
		if (!sec) {
			snprintf(why, cap, "%s: no section", s->type);
			return why;
		}
		if (!s->doc || !*s->doc) {
			snprintf(why, cap, "%s: no description in the schema", s->type);
			return why;
		}
		for (const sema_attr *a = s->attrs; a && a->name; a++) {
			const char *tag, *doc = entry(sec, len, a->name, &tag);
			if (!doc) {
				snprintf(why, cap, "%s.%s: no entry", s->type, a->name);
				return why;
			}
			size_t taglen = (size_t)(strchr(tag, '\n') - tag);
			bool says_required = memmem(tag, taglen, "(required)", 10) != NULL;
			if (says_required != a->required) {
				snprintf(why, cap, "%s.%s: required is %d, the page says %d", s->type, a->name, a->required,
					 says_required);
				return why;
			}
			if (!a->doc || !*a->doc || doc[0] == '.' || doc[0] == '\n') {
				snprintf(why, cap, "%s.%s: no description", s->type, a->name);
				return why;
			}
		}
	}
	return NULL;
}

static void test_man__every_block_and_attribute(void **state)
{
	(void)state;
	char *page = language_page(), why[200];
	const char *gap = missing(page, why, sizeof why);
	if (gap)
		fail_msg("opsc-language(5): %s", gap);
	assert_non_null(strstr(page, ".TH OPSC\\-LANGUAGE 5 "));
	free(page);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The types are the checker's own words: `wait` takes a duration, an
 * environment's `pod_security` the three levels; `limits` is written
 * inside `quota` inside an environment. */
static void test_man__types_from_the_checker(void **state)
{
	(void)state;
	char *page = language_page();
	const sema_schema *env = sema_schema_find("environment", NULL);
	assert_non_null(env);
	size_t len;
	const char *sec = section(page, env, &len), *tag;
	assert_non_null(sec);
	assert_non_null(entry(sec, len, "pod_security", &tag));
	assert_true(starts_with(tag, "\\fBpod_security\\fR = \\fIrestricted, baseline or privileged\\fR\n"));
	assert_non_null(entry(sec, len, "cluster", &tag));
	assert_true(starts_with(tag, "\\fBcluster\\fR = \\fIa string\\fR (required)\n"));
	const sema_schema *protect = sema_schema_find("protect", "environment");
	assert_non_null(protect);
	sec = section(page, protect, &len);
	assert_non_null(sec);
	assert_non_null(entry(sec, len, "wait", &tag));
	assert_true(starts_with(tag, "\\fBwait\\fR = \\fIa duration like \\fB5m\\fI\\fR\n"));
	/* a nested block is shown inside its parents, each closed */
	const sema_schema *limits = sema_schema_find("limits", "quota");
	assert_non_null(limits);
	sec = section(page, limits, &len);
	assert_non_null(sec);
	assert_true(starts_with(sec, "\\fBenvironment\\fR \\fILABEL\\fR { \\fBquota\\fR { \\fBlimits\\fR { ... } } }\n"));
	free(page);
}

/* Each entry and each section, removed from the page, is reported. */
static void test_man__the_check_notices_a_gap(void **state)
{
	(void)state;
	char *page = language_page(), why[200];
	uint32_t n, removed = 0;
	const sema_schema *all = sema_schema_all(&n);
	for (uint32_t i = 0; i < n; i++) {
		size_t len;
		const char *sec = section(page, &all[i], &len);
		assert_non_null(sec);
		char *copy = strdup(page);
		assert_non_null(copy);
		/* the section's title line renamed */
		char *title = copy + (sec - page) - 2;
		while (title > copy && *title != '\n')
			title--;
		title[2] = 'X';
		assert_non_null(missing(copy, why, sizeof why));
		assert_non_null(strstr(why, "no section"));
		free(copy);
		for (const sema_attr *a = all[i].attrs; a && a->name; a++) {
			const char *tag;
			assert_non_null(entry(sec, len, a->name, &tag));
			copy = strdup(page);
			assert_non_null(copy);
			copy[tag - page] = 'X'; /* "\fBname" becomes "XfBname" */
			const char *gap = missing(copy, why, sizeof why);
			assert_non_null(gap);
			char want[128];
			snprintf(want, sizeof want, "%s.%s: no entry", all[i].type, a->name);
			assert_string_equal(gap, want);
			free(copy);
			removed++;
		}
	}
	assert_true(removed > 100); /* every attribute of every block was tried */
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_man__every_block_and_attribute),
		cmocka_unit_test(test_man__types_from_the_checker),
		cmocka_unit_test(test_man__the_check_notices_a_gap),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
