/*
 * rules.c - the lint rule registry, `opsc explain`'s text, and the
 * project's re-levelling of rules.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NONE OPSC_NO_SPAN
#define BUILTIN(id, kind, sev, summary, explanation, fix) \
	{ id, OPSC_RULE_##kind, OPSC_SEV_##sev, summary, explanation, fix, NONE, OPSC_SEV_##sev, false, false, NULL, NULL }

static const char secret_fix[] =
	"Remove the value from the file, then rotate the credential: it stays in the Git history. "
	"Reference it from a Secret managed by SealedSecrets, External Secrets or SOPS instead. "
	"For a false positive, add `opsc:ignore[ID] why it is no secret` on the line, or an `allow_values` "
	"pattern to the rule.";

static const char tfstate_fix[] =
	"Remove the file from the repository and from its history, rotate everything it held, and keep "
	"state in an encrypted remote backend (S3, GCS, Terraform Cloud); add `*.tfstate*` to .gitignore.";

/* The checks written in C. The structural secret checks must match
 * opsc_scan_builtins() (ids and severities); tests/unit/test_rules.c
 * holds them in step. */
static const opsc_rule builtins[] = {
	BUILTIN("baseline-expired", POLICY, ERROR, "a baseline entry is past its expiry date",
		"A baseline entry accepted a finding until a date (`expires`) that has passed: the exception was "
		"meant to be temporary, and its owner was to fix the finding by then. The entry still "
		"suppresses the finding; this finding reports the entry itself, at its line in the baseline.",
		"Fix the finding and remove the entry, or, if the exception still holds, agree a new date with "
		"its owner and update `expires`."),
	BUILTIN("drift-edited", DRIFT, ERROR, "a generated file was edited by hand",
		"`opsc build` writes the manifests Flux applies, each with a header naming the .ops file that "
		"produced it. This file differs from what it was generated as: someone edited it by hand, and "
		"the next `opsc build` will silently undo the edit. The finding is at the first differing line, "
		"with the .ops line that produces it as a related location.",
		"Make the change in the .ops file that produces the line and run `opsc build`; if the edit was a "
		"mistake, `opsc build` restores the file."),
	BUILTIN("drift-missing", DRIFT, ERROR, "a file `opsc build` generates is not in the repository",
		"The .ops sources produce this file but it is not committed, so Flux never applies it: the "
		"cluster lacks an object the policy declares (a network policy, a backup schedule, an alert).",
		"Run `opsc build` and commit the generated files with the .ops change."),
	BUILTIN("drift-stale", DRIFT, ERROR, "a generated file the .ops sources no longer produce",
		"The file was written by an earlier `opsc build` (its header or the build manifest says so), but "
		"the .ops sources no longer produce it: an environment, role or backup was removed or renamed "
		"and the old output stayed. Flux keeps applying an object the policy no longer declares.",
		"Run `opsc build` (it removes the files it recorded writing) or delete the file, and commit the "
		"result with the .ops change."),
	BUILTIN("external-secret-differs", POLICY, ERROR,
		"an ExternalSecret in the manifests contradicts the store the .ops fill its Secret from",
		"An ExternalSecret manifest writes a Secret that the .ops fill from a secret store, but reads "
		"another store, lacks a key the .ops declare, or reads a key from another remote key or "
		"property. Two ExternalSecrets owning one Secret overwrite each other at every refresh, so "
		"the workloads get whichever value was written last. The ExternalSecrets `opsc build` writes "
		"are compared by drift; this is one written by hand or by another tool.",
		"Remove the hand-written ExternalSecret and commit the one `opsc build` writes, or change the "
		"reference in the .ops (its `store`, `remote`, `property`) and rebuild."),
	BUILTIN("ignore-without-reason", POLICY, WARNING, "an `opsc:ignore` suppression gives no reason",
		"An inline `# opsc:ignore[rule-id]` comment must say why the finding is accepted (`# opsc:ignore[rule-id] "
		"the node exporter reads /proc of the host`), so the next reader can tell a decision from a "
		"shortcut. Without a reason it suppresses nothing: the finding it names is still reported. This "
		"holds for every finder: policy findings in YAML and .ops, drift findings, and secrets (where a "
		"bare `opsc:ignore` used to be enough). The end of a comment (`*/`, `-->`) is no reason.",
		"Write the reason after the closing bracket, on the same line."),
	BUILTIN("inline-secret", SECRET, ERROR, "a secret is inlined in a .ops file",
		"An attribute that holds a credential (a PagerDuty routing key, a webhook URL) is written as a "
		"string in the .ops source instead of a reference to a Kubernetes Secret, so the credential is in "
		"the repository in plaintext. It is also an error of `opsc check` and `opsc build`, whose "
		"snippets show it redacted; `opsc lint` still scans the repository for secrets, and checks drift "
		"and policies once it is replaced.",
		"Write `secret(\"name\", \"key\")` naming a key of a Secret managed by SealedSecrets, External "
		"Secrets or SOPS, and rotate the credential: it stays in the Git history."),
	BUILTIN("invalid-kustomization", POLICY, ERROR, "a kustomization cannot be rendered as written",
		"opsc renders every kustomization.yaml (and the directories Flux Kustomizations point at) as "
		"`kustomize build` and Flux do, and checks the policies on the objects as applied. This one "
		"names a resource, component or patch that is not in the repository, includes itself through "
		"other kustomizations (a cycle), or has a patch that matches no object or does not apply: "
		"`kustomize build`, and Flux with it, fails on the directory.",
		"Fix the path or the patch at the reported line; `kustomize build DIR` shows the same error."),
	BUILTIN("invalid-yaml", POLICY, ERROR, "a YAML file does not parse",
		"A `.yaml` or `.yml` file of the repository is not valid YAML, so no policy can be checked "
		"against what it declares, and Flux fails to apply the directory holding it (its other "
		"objects included). The finding is at the first syntax error; the other files are still "
		"checked.",
		"Fix the syntax at the reported line (indentation, an unclosed quote or bracket, a tab); "
		"`opsc build` never writes such a file, so a generated one was edited by hand."),
	BUILTIN("kubeconfig-credential", SECRET, ERROR, "kubeconfig user credential",
		"A kubeconfig with a user credential (`client-key-data`, `token` or `password`) is committed: "
		"whoever can read the repository, or any clone of it, can act on the cluster as that user.",
		"Remove the file and revoke the credential (issue a new client certificate or token); keep "
		"kubeconfigs out of the repository with .gitignore."),
	BUILTIN("kubernetes-env-secret", SECRET, ERROR, "credential set as a plain environment variable value",
		"A container environment variable whose name is a credential (`DB_PASSWORD`, `API_TOKEN`) is set "
		"with a literal `value:` in a manifest, so the credential is in the repository in plaintext.",
		"Use `valueFrom: secretKeyRef:` pointing at a Secret managed by SealedSecrets, External Secrets "
		"or SOPS, and rotate the credential."),
	BUILTIN("kubernetes-secret", SECRET, ERROR, "Kubernetes Secret committed with a plaintext value",
		"A `kind: Secret` manifest with values under `data:` or `stringData:` is committed. Base64 is an "
		"encoding, not encryption: anyone who can read the repository, and its history forever, can "
		"read the value. A key is reported when its name is a credential's and its value (decoded) "
		"is plausible, or, whatever its name, when its value is a random token: usernames, hosts, "
		"names, certificates, public keys, known_hosts lines and secret-manager references are not.",
		"Remove the manifest, rotate the credential, and commit a SealedSecret, an ExternalSecret or a "
		"SOPS-encrypted file instead."),
	BUILTIN("namespace-without-default-deny", POLICY, ERROR,
		"a managed namespace has no default-deny network policy in the manifests",
		"A namespace that an .ops environment manages, and that the committed manifests create or put "
		"objects in, has among those manifests no NetworkPolicy selecting every pod that denies "
		"ingress, none that denies egress, or no egress "
		"rule reaching DNS (port 53). Kubernetes allows all traffic to and from pods that no policy "
		"selects, so whatever the .ops say, the cluster applies an open namespace; with egress denied "
		"and no DNS, its pods cannot resolve any name. Checked on the manifests only: the declared "
		"side is the `network-default-deny` and `network-dns-egress` policies.",
		"Run `opsc build` and commit the network policies it writes (std/network's default-deny-all "
		"and allow-dns), or add the missing NetworkPolicy objects by hand."),
	BUILTIN("role-exceeds-declared", POLICY, ERROR,
		"a Role or ClusterRole in the manifests grants more than the declared role",
		"A Role or ClusterRole manifest has the name of a role declared in .ops but grants a verb, a "
		"resource, an API group, a resource name or a URL the declared role does not. Flux applies the "
		"manifest, so the people and pipelines bound to the role hold permissions nobody reviewed in "
		"the policy. The finding is at the first rule granting more, naming what it grants.",
		"Remove the extra permissions from the manifest, or grant them in the .ops role (where they are "
		"reviewed) and run `opsc build`."),
	BUILTIN("terraform-state", SECRET, ERROR,
		"Terraform state committed (it holds every managed secret in plaintext)",
		"A Terraform state file (`*.tfstate`, `*.tfstate.backup`) is committed. State records every "
		"attribute of every managed resource in plaintext, generated passwords and keys included, so "
		"committing it leaks all of them.",
		tfstate_fix),
	BUILTIN("terraform-state-secret", SECRET, ERROR, "credential in a Terraform state file",
		"A credential attribute (a password, token or private key) inside a committed Terraform state "
		"file. It is reported beside `terraform-state` so the finding points at the value to rotate.",
		tfstate_fix),
	BUILTIN("undeclared-cluster-admin", POLICY, ERROR, "a binding to cluster-admin that no .ops declares",
		"A RoleBinding or ClusterRoleBinding manifest grants the built-in cluster-admin role, and no "
		"`bind` block of the .ops declares a binding of that name to cluster-admin. cluster-admin can do "
		"anything to every object of the cluster; a binding added beside the policy instead of in it "
		"escapes review and every check of the declared Model.",
		"Delete the manifest and bind a least-privilege role in .ops. If it is the one emergency "
		"binding, name it as the project's `break_glass`."),
};

const opsc_rule *opsc_rules_builtin(uint32_t *out_len)
{
	*out_len = sizeof builtins / sizeof *builtins;
	return builtins;
}

const char *opsc_rule_kind_name(opsc_rule_kind kind)
{
	static const char *const names[] = { "secret", "drift", "policy", "check" };
	return names[kind];
}

const char *opsc_severity_name(opsc_severity severity)
{
	static const char *const names[] = { "note", "warning", "error" };
	return names[severity];
}

/* ------------------------------------------------------------ the registry */

static void add(opsc_rules *rules, opsc_rule r)
{
	if (!r.id || opsc_rules_find(rules, r.id))
		return;
	r.level = r.severity;
	opsc_array_push(&rules->items, r);
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const opsc_rule *)a)->id, ((const opsc_rule *)b)->id);
}

/* A policy's description is its summary and its explanation; the
 * statements' messages say how to fix each finding. */
static opsc_rule from_policy(const opsc_policy *p)
{
	const char *d = p->description.s;
	return (opsc_rule){ .id = p->name.s, .kind = OPSC_RULE_POLICY, .severity = p->severity,
			    .summary = d ? d : "", .explanation = d, .defined = p->span };
}

static opsc_rule from_secret(const opsc_secret_rule *s)
{
	return (opsc_rule){ .id = s->id.s, .kind = OPSC_RULE_SECRET, .severity = s->severity,
			    .summary = s->description.s ? s->description.s : "", .fix = secret_fix,
			    .defined = s->span, .example = s->example.s, .ignores = s->ignores.s };
}

static void sort(opsc_rules *rules)
{
	if (rules->items.len)
		qsort(rules->items.items, rules->items.len, sizeof *rules->items.items, by_id);
	rules->sorted = rules->items.len;
}

/* What the structural secret checks find and leave alone (scan_context.c,
 * scan_plausible.c), shown by `opsc explain` as the .ops rules' examples. */
static const struct {
	const char *id, *example, *ignores;
} builtin_examples[] = {
	{ "kubeconfig-credential", "users:\n- name: admin\n  user:\n    token: 8f3Kq2LmZx7vW9pT4yR1nB6c",
	  "users:\n- name: admin\n  user:\n    exec:\n      command: kubelogin" },
	{ "kubernetes-env-secret", "env:\n  - name: DB_PASSWORD\n    value: hunt3r2-Re4l-s3cret",
	  "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}" },
	{ "kubernetes-secret", "kind: Secret\nstringData:\n  password: Xk2#9fLq0vR7mZ2p",
	  "kind: Secret\nstringData:\n  username: app\n  CLUSTER_NAME: staging\n  password: op://vault/db/password" },
	{ "terraform-state", "a file named terraform.tfstate", "terraform.tfstate.d/ directories without state files" },
	{ "terraform-state-secret", "\"type\": \"random_password\", ... \"result\": \"Xk2#9fLq0vR7mZ2pQw8YeN4b\"",
	  "\"length\": 24, \"special\": true" },
};

void opsc_rules_init(opsc_rules *rules)
{
	memset(rules, 0, sizeof *rules);
	for (size_t i = 0; i < sizeof builtins / sizeof *builtins; i++) {
		opsc_rule r = builtins[i];
		for (size_t k = 0; k < sizeof builtin_examples / sizeof *builtin_examples; k++)
			if (strcmp(r.id, builtin_examples[k].id) == 0) {
				r.example = builtin_examples[k].example;
				r.ignores = builtin_examples[k].ignores;
			}
		add(rules, r);
	}
	uint32_t nchecks;
	const opsc_rule *checks = opsc_rules_checks(&nchecks);
	for (uint32_t i = 0; i < nchecks; i++)
		add(rules, checks[i]);
	sort(rules);
}

void opsc_rules_add_model(opsc_rules *rules, const opsc_model *model)
{
	for (uint32_t i = 0; i < model->npolicies; i++)
		add(rules, from_policy(&model->policies[i]));
	for (uint32_t i = 0; i < model->nsecret_rules; i++)
		add(rules, from_secret(&model->secret_rules[i]));
	sort(rules);
}

void opsc_rules_dispose(opsc_rules *rules)
{
	if (rules)
		opsc_array_free(&rules->items);
}

/* Every finding looks its rule up (tens of thousands on a large
 * repository): a binary search of the sorted part, then the few rules
 * added since the last sort. */
const opsc_rule *opsc_rules_find(const opsc_rules *rules, const char *id)
{
	const opsc_rule *r = opsc_find_str(rules->items.items, rules->sorted, sizeof *r, id); /* id comes first */
	if (r)
		return r;
	for (uint32_t i = rules->sorted; i < rules->items.len; i++)
		if (strcmp(rules->items.items[i].id, id) == 0)
			return &rules->items.items[i];
	return NULL;
}

/* Levenshtein distance with two rows; ids are short. */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(b), *prev = opsc_malloc((n + 1) * sizeof *prev), *cur = opsc_malloc((n + 1) * sizeof *cur);
	for (size_t j = 0; j <= n; j++)
		prev[j] = j;
	for (size_t i = 1; a[i - 1]; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= n; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t d = prev[n];
	opsc_free(prev);
	opsc_free(cur);
	return d;
}

const char *opsc_rules_suggest(const opsc_rules *rules, const char *id)
{
	size_t limit = strlen(id) / 3 > 2 ? strlen(id) / 3 : 2, best = limit + 1;
	const char *found = NULL;
	for (uint32_t i = 0; i < rules->items.len; i++) {
		size_t d = distance(id, rules->items.items[i].id);
		if (d < best) {
			best = d;
			found = rules->items.items[i].id;
		}
	}
	return found;
}

void opsc_rules_apply_project(opsc_rules *rules, const opsc_project *project, opsc_diags *diags)
{
	for (uint32_t i = 0; i < rules->items.len; i++) {
		opsc_rule *r = &rules->items.items[i];
		r->disabled = !opsc_rules_adopted_level(project, r->id, r->severity, &r->level);
	}
	for (uint32_t i = 0; project && i < project->nrules; i++) {
		const opsc_rule_setting *s = &project->rules[i];
		if (s->rule.s && strcmp(s->rule.s, OPSC_RULES_READINESS) == 0)
			continue; /* the group: applied above */
		opsc_rule *r = (opsc_rule *)opsc_rules_find(rules, s->rule.s);
		if (!r) {
			uint32_t d = opsc_diag_error(diags, "unknown-rule", s->rule.span, "unknown lint rule `%s`", s->rule.s);
			const char *near = opsc_rules_suggest(rules, s->rule.s);
			if (near)
				opsc_diag_help(diags, d, "did you mean `%s`?", near);
			else
				opsc_diag_help(diags, d, "`opsc explain --list` lists every rule");
			continue;
		}
		if (r->kind == OPSC_RULE_CHECK) {
			/* check and build do not read this block: lint alone
			 * re-levelling it would break the one verdict */
			opsc_diag_error(diags, "unknown-rule", s->rule.span,
					"`%s` is a check of the .ops sources, enforced alike by check, lint "
					"and build: it cannot be re-levelled", s->rule.s);
			continue;
		}
		r->level = s->severity;
		r->disabled = s->disabled;
		r->relevelled = true;
	}
}

bool opsc_rules_level(const opsc_project *project, const char *id, opsc_severity def, opsc_severity *out)
{
	bool on = opsc_rules_adopted_level(project, id, def, out);
	for (uint32_t i = 0; project && i < project->nrules; i++) {
		const opsc_rule_setting *s = &project->rules[i];
		if (s->rule.s && strcmp(s->rule.s, id) == 0) {
			if (s->disabled)
				return false;
			*out = s->severity;
			on = true;
		}
	}
	return on;
}

/* ----------------------------------------------------------------- explain */

static void print_defined(FILE *out, const opsc_rule *r, const opsc_sources *sources)
{
	const opsc_source *src = sources ? opsc_sources_get(sources, r->defined.file) : NULL;
	if (src)
		opsc_esc_printf(out, "defined:   %s%s:%u\n", src->embedded ? "(built in) " : "", src->path,
				r->defined.line);
}

void opsc_rules_explain(FILE *out, const opsc_rule *r, const opsc_sources *sources)
{
	/* a rule of the user's .ops speaks in its author's words: escaped */
	opsc_esc_printf(out, "%s: %s\n\n", r->id, r->summary);
	fprintf(out, "kind:      %s\n", opsc_rule_kind_name(r->kind));
	if (r->relevelled)
		fprintf(out, "severity:  %s (set by the project; default %s)\n",
			r->disabled ? "off" : opsc_severity_name(r->level), opsc_severity_name(r->severity));
	else if (r->level != r->severity || r->disabled)
		fprintf(out, "severity:  %s (a readiness rule: %s once the project sets `rules { readiness = %s }`)\n",
			r->disabled ? "off" : opsc_severity_name(r->level), opsc_severity_name(r->severity),
			opsc_severity_name(r->severity));
	else
		fprintf(out, "severity:  %s\n", opsc_severity_name(r->severity));
	print_defined(out, r, sources);
	if (r->explanation) {
		fputc('\n', out);
		opsc_esc_text_lines(out, r->explanation, "");
		fputc('\n', out);
	}
	if (r->example) {
		fputs("\nFinds:\n    ", out);
		opsc_esc_text_lines(out, r->example, "    ");
		fputc('\n', out);
	}
	if (r->ignores) {
		fputs("Ignores:\n    ", out);
		opsc_esc_text_lines(out, r->ignores, "    ");
		fputc('\n', out);
	}
	if (r->fix) {
		fputs("\nHow to fix: ", out);
		opsc_esc_text_lines(out, r->fix, "");
		fputc('\n', out);
	}
	if (r->kind == OPSC_RULE_CHECK) {
		fputs("\n`opsc check`, `opsc lint` and `opsc build` all report it; it cannot be re-levelled.\n", out);
		return;
	}
	opsc_esc_printf(out, "\nRe-level or disable it in the project block:\n"
			"  project \"NAME\" { rules { %s = warning } }   # error, warning, note or off\n",
			r->id);
}

/* An indented code block: examples hold backticks and line breaks. */
static void print_md_example(FILE *out, const char *what, const char *text)
{
	fprintf(out, "\n**%s:**\n\n    ", what);
	for (const char *p = text; *p; p++)
		if (*p == '\n')
			fputs("\n    ", out);
		else
			fputc(*p, out);
	fputc('\n', out);
}

static void list_markdown(FILE *out, const opsc_rules *rules)
{
	fputs("| id | kind | severity | summary |\n| --- | --- | --- | --- |\n", out);
	for (uint32_t i = 0; i < rules->items.len; i++) {
		const opsc_rule *r = &rules->items.items[i];
		fprintf(out, "| [`%s`](#%s) | %s | %s | %s |\n", r->id, r->id, opsc_rule_kind_name(r->kind),
			opsc_severity_name(r->severity), r->summary);
	}
	for (uint32_t i = 0; i < rules->items.len; i++) {
		const opsc_rule *r = &rules->items.items[i];
		fprintf(out, "\n### %s\n\n%s, %s by default. %s\n", r->id, opsc_rule_kind_name(r->kind),
			opsc_severity_name(r->severity), r->explanation ? r->explanation : r->summary);
		if (r->example)
			print_md_example(out, "Finds", r->example);
		if (r->ignores)
			print_md_example(out, "Ignores", r->ignores);
		if (r->fix)
			fprintf(out, "\n**How to fix:** %s\n", r->fix);
	}
}

void opsc_rules_list(FILE *out, const opsc_rules *rules, bool markdown)
{
	if (markdown) {
		list_markdown(out, rules);
		return;
	}
	int width = 0;
	for (uint32_t i = 0; i < rules->items.len; i++) {
		int n = (int)strlen(rules->items.items[i].id);
		width = n > width ? n : width;
	}
	for (uint32_t i = 0; i < rules->items.len; i++) {
		const opsc_rule *r = &rules->items.items[i];
		fprintf(out, "%-*s  %-6s  %-7s  %s\n", width, r->id, opsc_rule_kind_name(r->kind),
			r->disabled ? "off" : opsc_severity_name(r->level), r->summary);
	}
}
