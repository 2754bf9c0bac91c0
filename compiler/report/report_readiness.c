/*
 * report_readiness.c - `opsc lint --report readiness`: the scorecard the
 * operations reviews are written as. Per category, each check (a rule, or
 * for secrets a family of rules) passed or failed over the declared state
 * (findings in .ops files) and the actual state (findings in manifests),
 * and a score: the share of checks passed. A rule the project turned off
 * is "not checked" and left out of the score.
 */
#include "report.h"

#include <string.h>

#include "util.h"

typedef enum { CAT_SECURITY, CAT_BACKUP, CAT_OBSERVABILITY, CAT_PROTECTION, CAT_SECRETS, CAT_COUNT } category;

static const char *const category_names[CAT_COUNT] = {
	"security", "backup and DR", "observability", "deployment protection", "secrets",
};

/* A check: the rules whose id is `id`, or begins with `prefix` (for the
 * secret families, every secret rule not listed before it when `prefix`
 * is ""). `title` is what the report calls it. */
typedef struct {
	category cat;
	const char *id, *prefix, *title;
} check;

static const check checks[] = {
	{ CAT_SECURITY, "no-wildcard-rbac", NULL, NULL },
	{ CAT_SECURITY, "no-cluster-admin-binding", NULL, NULL },
	{ CAT_SECURITY, "undeclared-cluster-admin", NULL, NULL },
	{ CAT_SECURITY, "role-exceeds-declared", NULL, NULL },
	{ CAT_SECURITY, "no-privilege-escalation", NULL, NULL },
	{ CAT_SECURITY, "network-default-deny", NULL, NULL },
	{ CAT_SECURITY, "namespace-without-default-deny", NULL, NULL },
	{ CAT_SECURITY, "network-dns-egress", NULL, NULL },
	{ CAT_SECURITY, "network-selector-matches", NULL, NULL },
	{ CAT_SECURITY, "workload-privileged", NULL, NULL },
	{ CAT_SECURITY, "workload-privilege-escalation", NULL, NULL },
	{ CAT_SECURITY, "workload-run-as-root", NULL, NULL },
	{ CAT_SECURITY, "workload-host-path", NULL, NULL },
	{ CAT_SECURITY, "workload-host-namespaces", NULL, NULL },
	{ CAT_SECURITY, "workload-capabilities", NULL, NULL },
	{ CAT_SECURITY, "workload-default-service-account", NULL, NULL },
	{ CAT_SECURITY, "workload-image-tag", NULL, NULL },
	{ CAT_SECURITY, "workload-image-digest", NULL, NULL },
	{ CAT_SECURITY, "production-pod-security", NULL, NULL },
	{ CAT_BACKUP, "backup-coverage", NULL, NULL },
	{ CAT_BACKUP, "production-backup-whole-namespace", NULL, NULL },
	{ CAT_OBSERVABILITY, "alert-severity", NULL, NULL },
	{ CAT_OBSERVABILITY, "alert-summary", NULL, NULL },
	{ CAT_OBSERVABILITY, "alert-runbook", NULL, NULL },
	{ CAT_OBSERVABILITY, "workload-probes", NULL, NULL },
	{ CAT_PROTECTION, "production-protection", NULL, NULL },
	{ CAT_PROTECTION, "production-cluster-review", NULL, NULL },
	{ CAT_PROTECTION, "production-stricter-than-staging", NULL, NULL },
	{ CAT_PROTECTION, "workload-resources", NULL, NULL },
	{ CAT_PROTECTION, "workload-quota", NULL, NULL },
	{ CAT_PROTECTION, NULL, "drift-", "generated files as built (drift-*)" },
	{ CAT_SECRETS, "inline-secret", NULL, NULL },
	{ CAT_SECRETS, "external-secret-differs", NULL, NULL },
	{ CAT_SECRETS, NULL, "terraform-state", "no committed Terraform state (terraform-state*)" },
	{ CAT_SECRETS, NULL, "kubeconfig-", "no kubeconfig credential (kubeconfig-*)" },
	{ CAT_SECRETS, NULL, "kubernetes-", "no credential in a Secret or env value (kubernetes-*)" },
	{ CAT_SECRETS, NULL, "", "no leaked token or key (every other secret rule)" },
};

#define NCHECKS (sizeof checks / sizeof *checks)

static bool named_before(const char *rule, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		if ((checks[i].id && strcmp(checks[i].id, rule) == 0) ||
		    (checks[i].prefix && *checks[i].prefix && strncmp(rule, checks[i].prefix, strlen(checks[i].prefix)) == 0))
			return true;
	return false;
}

/* Whether a finding's rule (of registry entry `r`, NULL when unknown)
 * belongs to check `c`. */
static bool in_check(size_t c, const char *rule, const opsc_rule *r)
{
	const check *k = &checks[c];
	if (k->id)
		return strcmp(k->id, rule) == 0;
	if (*k->prefix)
		return strncmp(rule, k->prefix, strlen(k->prefix)) == 0;
	return r && r->kind == OPSC_RULE_SECRET && !named_before(rule, c);
}

typedef struct {
	uint32_t declared, actual; /* findings in .ops files, in manifests */
	bool off; /* every rule of the check is disabled */
} tally;

static bool is_ops(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && strcmp(path + n - 4, ".ops") == 0;
}

static void count(const opsc_lint_result *res, const opsc_rules *rules, tally *t)
{
	for (size_t c = 0; c < NCHECKS; c++) {
		const opsc_rule *r = checks[c].id && rules ? opsc_rules_find(rules, checks[c].id) : NULL;
		t[c].off = r && r->disabled;
	}
	for (uint32_t i = 0; i < res->findings.len; i++) {
		const opsc_finding *f = &res->findings.items[i];
		const opsc_rule *r = rules ? opsc_rules_find(rules, f->rule) : NULL;
		for (size_t c = 0; c < NCHECKS; c++)
			if (in_check(c, f->rule, r)) {
				*(is_ops(f->where.path) ? &t[c].declared : &t[c].actual) += 1;
				break;
			}
	}
}

static const char *title_of(size_t c)
{
	return checks[c].title ? checks[c].title : checks[c].id;
}

static unsigned score(uint32_t passed, uint32_t failed)
{
	return passed + failed ? (unsigned)(100 * passed / (passed + failed)) : 100;
}

static void sums(const tally *t, category cat, uint32_t *passed, uint32_t *failed)
{
	for (size_t c = 0; c < NCHECKS; c++)
		if ((checks[c].cat == cat || cat == CAT_COUNT) && !t[c].off) {
			bool fail = t[c].declared + t[c].actual > 0;
			*failed += fail;
			*passed += !fail;
		}
}

/*
 *   security: 16/18 passed, score 88%
 *     FAIL no-wildcard-rbac: 3 findings (0 declared, 3 actual)
 *     pass no-cluster-admin-binding
 */
static void write_text(FILE *out, const tally *t)
{
	for (int cat = 0; cat <= CAT_COUNT; cat++) {
		uint32_t passed = 0, failed = 0;
		sums(t, (category)cat, &passed, &failed);
		fprintf(out, "%s%s: %u/%u passed, score %u%%\n", cat == CAT_COUNT ? "\n" : "",
			cat == CAT_COUNT ? "overall" : category_names[cat], passed, passed + failed, score(passed, failed));
		for (size_t c = 0; cat < CAT_COUNT && c < NCHECKS; c++) {
			if (checks[c].cat != (category)cat)
				continue;
			uint32_t n = t[c].declared + t[c].actual;
			if (t[c].off)
				opsc_esc_printf(out, "  off  %s: not checked (turned off)\n", title_of(c));
			else if (n)
				opsc_esc_printf(out, "  FAIL %s: %u finding%s (%u declared, %u actual)\n", title_of(c), n,
						n == 1 ? "" : "s", t[c].declared, t[c].actual);
			else
				opsc_esc_printf(out, "  pass %s\n", title_of(c));
		}
	}
}

static void write_markdown(FILE *out, const tally *t)
{
	fputs("## opsc readiness\n\n| category | passed | failed | score |\n| --- | ---: | ---: | ---: |\n", out);
	for (int cat = 0; cat <= CAT_COUNT; cat++) {
		uint32_t passed = 0, failed = 0;
		sums(t, (category)cat, &passed, &failed);
		const char *b = cat == CAT_COUNT ? "**" : "";
		fprintf(out, "| %s%s%s | %u | %u | %s%u%%%s |\n", b, cat == CAT_COUNT ? "overall" : category_names[cat], b,
			passed, failed, b, score(passed, failed), b);
	}
	for (int cat = 0; cat < CAT_COUNT; cat++) {
		fprintf(out, "\n### %s\n\n| check | result | declared | actual |\n| --- | --- | ---: | ---: |\n",
			category_names[cat]);
		for (size_t c = 0; c < NCHECKS; c++) {
			if (checks[c].cat != (category)cat)
				continue;
			uint32_t n = t[c].declared + t[c].actual;
			const char *result = t[c].off ? "not checked" : n ? "failed" : "passed";
			fputs("| ", out);
			opsc_esc_markdown(out, title_of(c));
			fprintf(out, " | %s | %u | %u |\n", result, t[c].declared, t[c].actual);
		}
	}
}

int opsc_report_readiness(FILE *out, const opsc_lint_result *res, const opsc_rules *rules, bool markdown)
{
	tally t[NCHECKS];
	memset(t, 0, sizeof t);
	count(res, rules, t);
	if (markdown)
		write_markdown(out, t);
	else
		write_text(out, t);
	return ferror(out) ? -1 : 0;
}
