/*
 * github.c - GitHub deployment protection as REST request bodies.
 *
 * Per environment with a `protect` block or not (see docs/targets-github.md):
 *
 *   github/environments/<env>.json                  PUT .../environments/{env}
 *   github/environments/<env>.branch-policies.json  POST .../deployment-branch-policies,
 *                                                   one array element per call
 *   github-rulesets/<env>.json                      POST .../rulesets
 *
 * An environment's required reviewers let a job proceed on ONE approval,
 * however many reviewers are listed; more than one approval is enforced by
 * a repository ruleset requiring that many pull-request reviews on the
 * deployment branches. The ruleset lives outside github/ because everything
 * under github/ is an environment request body.
 *
 * Sema already rejects what GitHub would answer with 422 (more than 6
 * reviewers, a wait timer beyond 30 days or in seconds, self-review rules
 * without reviewers, protected and custom branches together, handles with
 * no id, more approvals than listed users); this file checks what only
 * holds on GitHub: approvals need reviewers, and more than one approval
 * needs a ruleset, hence named branches and at most 10. JSON has no
 * comments, so no header.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "verify.h"

/* required_approving_review_count of a ruleset's pull_request rule. */
#define RULESET_MAX_APPROVALS 10

static const opsc_reviewer *find_reviewer(const opsc_project *p, const char *handle)
{
	for (uint32_t i = 0; i < p->nreviewers; i++)
		if (strcmp(p->reviewers[i].handle.s, handle) == 0)
			return &p->reviewers[i];
	return NULL;
}

/* ------------------------------------------------------------------ checks */

/* Only an environment's reviewers approve its deployments: approvals with
 * none listed would leave the environment open. (Sema compares approvals
 * with a non-empty list.) */
static void check_approvers(opsc_emit *em, const opsc_protect *p)
{
	if (p->approvals == 0 || p->reviewers.len)
		return;
	opsc_diag_error(&em->ctx->diags, "github-limit", p->approvals_span,
			"%d approval%s required but no reviewers are listed: on GitHub only an environment's "
			"reviewers approve its deployments",
			p->approvals, p->approvals == 1 ? " is" : "s are");
}

/* The ruleset names the branches it guards: custom patterns, nothing else. */
static void check_ruleset(opsc_emit *em, const opsc_protect *p)
{
	opsc_diags *d = &em->ctx->diags;
	if (p->approvals <= 1 || !p->reviewers.len)
		return;
	if (p->approvals > RULESET_MAX_APPROVALS) {
		opsc_diag_error(d, "github-limit", p->approvals_span,
				"GitHub enforces at most %d approvals (a ruleset's required reviews); %d are required",
				RULESET_MAX_APPROVALS, p->approvals);
		return;
	}
	if (p->branches.len)
		return;
	uint32_t id = opsc_diag_error(d, "github-limit", p->approvals_span,
				      "%d approvals need `branches`: GitHub enforces more than one approval "
				      "with a ruleset on the deployment branches",
				      p->approvals);
	opsc_diag_help(d, id, "deploy from named branches, e.g. branches = [\"main\"]");
}

/* Sema reports unmapped handles; this only guards a Model built elsewhere. */
static void check_ids(opsc_emit *em, const opsc_protect *p)
{
	for (uint32_t i = 0; i < p->reviewers.len; i++) {
		const opsc_str *h = &p->reviewers.items[i];
		if (find_reviewer(&em->model->project, h->s))
			continue;
		uint32_t id = opsc_diag_error(&em->ctx->diags, "reviewer-id", h->span,
					      "reviewer `%s` has no GitHub id: add it to the project's reviewers map",
					      h->s);
		opsc_diag_add_note(&em->ctx->diags, id, em->model->project.span, "the project is here");
	}
}

/* What GitHub cannot enforce, checked at compile time (verify.c): every
 * check runs, so each problem is reported in one pass. */
void opsc_github_check(opsc_emit *em)
{
	const opsc_model *m = em->model;
	if (!m->has_project || !m->project.repo.s)
		return; /* no repository to protect */
	for (uint32_t i = 0; i < m->nenvs; i++) {
		const opsc_protect *p = &m->envs[i].protect;
		check_ids(em, p);
		check_approvers(em, p);
		check_ruleset(em, p);
	}
}

/* ------------------------------------------------------------------ bodies */

static json_t *reviewers_json(opsc_emit *em, const opsc_protect *p)
{
	json_t *list = json_array();
	for (uint32_t i = 0; i < p->reviewers.len; i++) {
		const opsc_reviewer *r = find_reviewer(&em->model->project, p->reviewers.items[i].s);
		json_array_append_new(list, json_pack("{s:s, s:I}", "type", r->team ? "Team" : "User",
						      "id", (json_int_t)r->id));
	}
	return list;
}

/* null: any branch may deploy; otherwise exactly one of the flags is true. */
static json_t *branch_policy_json(const opsc_protect *p)
{
	if (!p->branches.len && !p->protected_branches)
		return json_null();
	return json_pack("{s:b, s:b}", "protected_branches", p->protected_branches,
			 "custom_branch_policies", p->branches.len > 0);
}

/* The whole state, defaults included, so a PUT also clears what an
 * earlier version of the policy set. */
static json_t *environment_json(opsc_emit *em, const opsc_protect *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "wait_timer", json_integer(p->wait_s / 60));
	json_object_set_new(o, "prevent_self_review", json_boolean(p->prevent_self_review));
	json_object_set_new(o, "reviewers", reviewers_json(em, p));
	json_object_set_new(o, "deployment_branch_policy", branch_policy_json(p));
	return o;
}

static json_t *branch_policies_json(const opsc_protect *p)
{
	json_t *list = json_array();
	for (uint32_t i = 0; i < p->branches.len; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "name", p->branches.items[i].s,
						      "type", "branch"));
	return list;
}

static json_t *ruleset_json(opsc_emit *em, const opsc_env *env)
{
	const opsc_protect *p = &env->protect;
	json_t *refs = json_array();
	for (uint32_t i = 0; i < p->branches.len; i++)
		json_array_append_new(refs, json_string(opsc_arena_printf(em->ctx->arena, "refs/heads/%s",
									  p->branches.items[i].s)));
	json_t *params = json_pack("{s:i, s:b, s:b, s:b, s:b}", "required_approving_review_count", p->approvals,
				   "dismiss_stale_reviews_on_push", 1, "require_code_owner_review", 0,
				   "require_last_push_approval", p->prevent_self_review,
				   "required_review_thread_resolution", 0);
	return json_pack("{s:s, s:s, s:s, s:{s:{s:o, s:[]}}, s:[{s:s, s:o}]}",
			 "name", opsc_arena_printf(em->ctx->arena, "opsc-%s-approvals", env->name.s),
			 "target", "branch", "enforcement", "active",
			 "conditions", "ref_name", "include", refs, "exclude",
			 "rules", "type", "pull_request", "parameters", params);
}

/* ------------------------------------------------------------------ output */

/* Serialises and releases `json` (NULL: out of memory inside jansson). */
static int add_json(opsc_emit *em, const char *path, json_t *json, const opsc_srcs *srcs)
{
	char *text = json ? json_dumps(json, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(json);
	if (!text)
		return -ENOMEM;
	const char *data = opsc_arena_printf(em->ctx->arena, "%s\n", text);
	free(text);
	opsc_emit_add(em, path, data, strlen(data), srcs);
	return 0;
}

static int emit_env(opsc_emit *em, const opsc_env *env)
{
	const opsc_protect *p = &env->protect;
	opsc_arena *a = em->ctx->arena;
	opsc_srcs srcs = { 0 };
	opsc_srcs_add(&srcs, env->span);
	if (p->reviewers.len)
		opsc_srcs_add(&srcs, em->model->project.span); /* the ids */
	int rc = add_json(em, opsc_arena_printf(a, "github/environments/%s.json", env->name.s),
			  environment_json(em, p), &srcs);
	if (rc == 0 && p->branches.len)
		rc = add_json(em, opsc_arena_printf(a, "github/environments/%s.branch-policies.json", env->name.s),
			      branch_policies_json(p), &srcs);
	if (rc == 0 && p->approvals > 1)
		rc = add_json(em, opsc_arena_printf(a, "github-rulesets/%s.json", env->name.s),
			      ruleset_json(em, env), &srcs);
	opsc_srcs_free(&srcs);
	return rc;
}

/* The guard behind check_ids: a Model that skipped it (one built without
 * opsc_compile) is not written. */
static bool ids_mapped(const opsc_model *m)
{
	for (uint32_t i = 0; i < m->nenvs; i++)
		for (uint32_t j = 0; j < m->envs[i].protect.reviewers.len; j++)
			if (!find_reviewer(&m->project, m->envs[i].protect.reviewers.items[j].s))
				return false;
	return true;
}

static int emit_github(opsc_emit *em)
{
	const opsc_model *m = em->model;
	if (!m->has_project || !m->project.repo.s)
		return 0; /* no repository to protect */
	if (!ids_mapped(m))
		return -1;
	for (uint32_t i = 0; i < m->nenvs; i++) {
		int rc = emit_env(em, &m->envs[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const opsc_emitter opsc_emit_github = { "github", emit_github };
