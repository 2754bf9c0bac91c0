/*
 * report_json.c - the structured formats, built with jansson: SARIF 2.1.0
 * (for GitHub code scanning and other SARIF viewers; tests/sarif validates
 * it against the OASIS schema) and opsc's own JSON
 * (documented in docs/integrations.md; its shape only grows).
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "report.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define INFO_URI "https://github.com/opsc/opsc"

/* json_object_set_new that leaves NULL values out. */
static void set_str(json_t *obj, const char *key, const char *value)
{
	if (value)
		json_object_set_new(obj, key, json_string(value));
}

static void set_uint(json_t *obj, const char *key, uint32_t value)
{
	if (value)
		json_object_set_new(obj, key, json_integer(value));
}

static int dump(FILE *out, json_t *root)
{
	int rc = json_dumpf(root, out, JSON_INDENT(2)) == 0 ? 0 : -EIO;
	fputc('\n', out);
	json_decref(root);
	return rc;
}

/* jansson takes only UTF-8, and a string it refuses drops the whole object
 * it was packed into: every text of a finding that may come from the
 * repository is made UTF-8 first (opsc_esc_utf8). Paths stay as they are;
 * each format encodes one that is not UTF-8 as a URI (opsc_esc_uri). */
static const char *utf8_or_null(opsc_arena *tmp, const char *s)
{
	return s ? opsc_esc_utf8(tmp, s) : NULL;
}

static opsc_finding utf8_finding(opsc_arena *tmp, const opsc_finding *in)
{
	opsc_finding f = *in;
	f.rule = opsc_esc_utf8(tmp, in->rule);
	f.message = opsc_esc_utf8(tmp, in->message);
	f.help = utf8_or_null(tmp, in->help);
	f.redacted = utf8_or_null(tmp, in->redacted);
	f.author = utf8_or_null(tmp, in->author);
	f.date = utf8_or_null(tmp, in->date);
	for (uint32_t i = 0; i < f.nrelated; i++)
		f.related[i].message = utf8_or_null(tmp, in->related[i].message);
	return f;
}

/* ----------------------------------------------------------------- SARIF */

static const char *sarif_level(opsc_severity sev)
{
	static const char *const levels[] = { "note", "warning", "error" };
	return levels[sev];
}

static json_t *sarif_text(const char *text)
{
	return json_pack("{s:s}", "text", text ? text : "");
}

/* help: the explanation and the fix, as text and markdown. */
static json_t *sarif_help(opsc_arena *tmp, const opsc_rule *rule, const opsc_finding *f)
{
	const char *expl = rule && rule->explanation ? rule->explanation : f->message;
	const char *fix = rule && rule->fix ? rule->fix : f->help;
	const char *text = opsc_arena_printf(tmp, "%s%s%s", expl, fix ? "\n\nHow to fix: " : "", fix ? fix : "");
	const char *md = opsc_arena_printf(tmp, "%s%s%s\n\nRun `opsc explain %s` for more.", expl,
					   fix ? "\n\n**How to fix:** " : "", fix ? fix : "", f->rule);
	return json_pack("{s:s,s:s}", "text", text, "markdown", md);
}

static json_t *sarif_rule(opsc_arena *tmp, const opsc_finding *f, const opsc_report_opts *o)
{
	const opsc_rule *rule = o->rules ? opsc_rules_find(o->rules, f->rule) : NULL;
	const char *summary = rule && rule->summary && *rule->summary ? rule->summary : f->message;
	const char *full = rule && rule->explanation ? rule->explanation : summary;
	json_t *r = json_pack("{s:s,s:o,s:o,s:o,s:{s:s},s:{s:[ss]}}", "id", f->rule,
			      "shortDescription", sarif_text(summary), "fullDescription", sarif_text(full),
			      "help", sarif_help(tmp, rule, f), "defaultConfiguration", "level",
			      sarif_level(rule ? rule->level : f->severity), "properties", "tags",
			      opsc_report_kind_name_(f->kind),
			      f->kind == OPSC_FINDING_SECRET ? "security" : "gitops");
	return r;
}

static json_t *sarif_artifact(opsc_arena *tmp, const char *path)
{
	return json_pack("{s:s,s:s}", "uri", opsc_esc_uri(tmp, path), "uriBaseId", "%SRCROOT%");
}

static json_t *sarif_location(opsc_arena *tmp, const opsc_location *l)
{
	json_t *region = json_object();
	set_uint(region, "startLine", l->line);
	set_uint(region, "startColumn", l->line ? l->col : 0);
	set_uint(region, "endLine", l->line ? l->end_line : 0);
	set_uint(region, "endColumn", l->line && l->end_line ? l->end_col : 0);
	json_t *phys = json_pack("{s:o}", "artifactLocation", sarif_artifact(tmp, l->path));
	if (json_object_size(region))
		json_object_set_new(phys, "region", region);
	else
		json_decref(region);
	return json_pack("{s:o}", "physicalLocation", phys);
}

static json_t *sarif_message(opsc_arena *tmp, const opsc_finding *f)
{
	if (!f->redacted)
		return sarif_text(f->message);
	return sarif_text(opsc_arena_printf(tmp, "%s: %s", f->message, f->redacted));
}

static json_t *sarif_result(opsc_arena *tmp, const opsc_finding *f, size_t rule_index)
{
	json_t *res = json_pack("{s:s,s:I,s:s,s:o,s:[o]}", "ruleId", f->rule, "ruleIndex",
				(json_int_t)rule_index, "level", sarif_level(f->severity), "message",
				sarif_message(tmp, f), "locations", sarif_location(tmp, &f->where));
	if (f->fingerprint[0])
		json_object_set_new(res, "partialFingerprints", json_pack("{s:s}", "opsc/v1", f->fingerprint));
	if (f->nrelated) {
		json_t *rel = json_array();
		for (uint32_t i = 0; i < f->nrelated; i++) {
			json_t *loc = sarif_location(tmp, &f->related[i]);
			json_object_set_new(loc, "id", json_integer(i));
			json_object_set_new(loc, "message", sarif_text(f->related[i].message ? f->related[i].message
											    : "related"));
			json_array_append_new(rel, loc);
		}
		json_object_set_new(res, "relatedLocations", rel);
	}
	if (f->commit)
		json_object_set_new(res, "properties", json_pack("{s:s,s:s,s:s}", "commit", f->commit, "author",
								 f->author ? f->author : "", "date",
								 f->date ? f->date : ""));
	return res;
}

/* The index of `id` in the rules array, adding it on first use. */
static size_t rule_index(opsc_arena *tmp, json_t *rules, const opsc_finding *f, const opsc_report_opts *o)
{
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r)
	{
		if (strcmp(json_string_value(json_object_get(r, "id")), f->rule) == 0)
			return i;
	}
	json_array_append_new(rules, sarif_rule(tmp, f, o));
	return json_array_size(rules) - 1;
}

static json_t *sarif_invocation(opsc_arena *tmp, const opsc_lint_result *r)
{
	json_t *notes = json_array();
	for (uint32_t i = 0; i < r->notes.len; i++) {
		const opsc_lint_note *n = &r->notes.items[i];
		json_t *loc = json_pack("{s:{s:o}}", "physicalLocation", "artifactLocation", sarif_artifact(tmp, n->path));
		json_array_append_new(notes, json_pack("{s:s,s:{s:s+},s:[o]}", "level", "note", "message", "text",
						       "skipped: ", opsc_esc_utf8(tmp, n->reason), "locations", loc));
	}
	return json_pack("{s:b,s:o}", "executionSuccessful", 1, "toolExecutionNotifications", notes);
}

int opsc_report_sarif_(FILE *out, const opsc_lint_result *r, const opsc_report_opts *o)
{
	json_t *rules = json_array(), *results = json_array();
	opsc_arena *tmp = opsc_arena_new(); /* message and help texts, URIs */
	for (uint32_t i = 0; i < r->findings.len; i++) {
		opsc_finding f = utf8_finding(tmp, &r->findings.items[i]);
		json_array_append_new(results, sarif_result(tmp, &f, rule_index(tmp, rules, &f, o)));
	}
	json_t *driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "opsc", "version", OPSC_VERSION,
				   "informationUri", INFO_URI, "rules", rules);
	json_t *run = json_pack("{s:{s:o},s:o,s:[o]}", "tool", "driver", driver, "results", results,
				"invocations", sarif_invocation(tmp, r));
	int rc = dump(out, json_pack("{s:s,s:s,s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run));
	opsc_arena_free(tmp);
	return rc;
}

/* ------------------------------------------------------------------- JSON */

/* "path" as is when it is UTF-8; else the SARIF artifact URI of it, and
 * "path_encoding": "uri" to say so (docs/integrations.md). */
static json_t *json_location(opsc_arena *tmp, const opsc_location *l)
{
	bool utf8 = opsc_esc_is_utf8(l->path, strlen(l->path));
	json_t *o = json_pack("{s:s}", "path", utf8 ? l->path : opsc_esc_uri(tmp, l->path));
	if (!utf8)
		json_object_set_new(o, "path_encoding", json_string("uri"));
	set_uint(o, "line", l->line);
	set_uint(o, "column", l->col);
	set_uint(o, "end_line", l->end_line);
	set_uint(o, "end_column", l->end_col);
	set_str(o, "message", l->message);
	return o;
}

static json_t *json_finding(opsc_arena *tmp, const opsc_finding *f)
{
	json_t *o = json_pack("{s:s,s:s,s:s}", "kind", opsc_report_kind_name_(f->kind), "rule", f->rule,
			      "severity", opsc_severity_name(f->severity));
	json_object_update_new(o, json_location(tmp, &f->where));
	json_object_set_new(o, "message", json_string(f->message));
	set_str(o, "secret", f->redacted);
	set_str(o, "help", f->help);
	if (f->fingerprint[0])
		json_object_set_new(o, "fingerprint", json_string(f->fingerprint));
	if (f->nrelated) {
		json_t *rel = json_array();
		for (uint32_t i = 0; i < f->nrelated; i++)
			json_array_append_new(rel, json_location(tmp, &f->related[i]));
		json_object_set_new(o, "related", rel);
	}
	if (f->commit)
		json_object_set_new(o, "commit", json_pack("{s:s,s:s,s:s}", "id", f->commit, "author",
							   f->author ? f->author : "", "date", f->date ? f->date : ""));
	return o;
}

static json_t *json_summary(const opsc_lint_result *r)
{
	uint32_t e = opsc_lint_result_count(r, OPSC_SEV_ERROR), w = opsc_lint_result_count(r, OPSC_SEV_WARNING);
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "files", (json_int_t)r->files, "findings",
			 (json_int_t)r->findings.len, "errors", (json_int_t)e, "warnings", (json_int_t)(w - e),
			 "notes", (json_int_t)(r->findings.len - w), "skipped", (json_int_t)r->notes.len,
			 "baselined", (json_int_t)r->baselined);
}

int opsc_report_json_(FILE *out, const opsc_lint_result *r)
{
	json_t *findings = json_array(), *skipped = json_array();
	opsc_arena *tmp = opsc_arena_new(); /* UTF-8 copies, URIs */
	for (uint32_t i = 0; i < r->findings.len; i++) {
		opsc_finding f = utf8_finding(tmp, &r->findings.items[i]);
		json_array_append_new(findings, json_finding(tmp, &f));
	}
	for (uint32_t i = 0; i < r->notes.len; i++) {
		opsc_location l = { .path = r->notes.items[i].path };
		json_t *note = json_location(tmp, &l);
		json_object_set_new(note, "reason", json_string(opsc_esc_utf8(tmp, r->notes.items[i].reason)));
		json_array_append_new(skipped, note);
	}
	int rc = dump(out, json_pack("{s:i,s:o,s:o,s:o}", "version", 1, "findings", findings, "skipped", skipped,
				     "summary", json_summary(r)));
	opsc_arena_free(tmp);
	return rc;
}
