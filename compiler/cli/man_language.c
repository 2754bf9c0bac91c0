/*
 * man_language.c - opsc-language(5): the blocks of the language, their
 * labels, nested blocks and attributes with their types, from the same
 * schemas sema checks against (compiler/front/sema_schema.c), between a
 * written preamble (literals, files, templates) and postamble (secret
 * references, policies, an example). A block or an attribute added to
 * the schemas is on the page with its description; tests/unit/test_man.c
 * checks that each one is.
 */
#include <string.h>

#include "front.h"
#include "man_int.h"

static const char preamble[] =
	".SH DESCRIPTION\n"
	"A \\fI.ops\\fR file declares the GitOps policy of an organisation:\n"
	"environments and their GitHub protection rules, RBAC, network policies,\n"
	"quotas, backups, alerts and their routing, policies over all of it, and\n"
	"secret\\-scanning rules.\n"
	".BR opsc\\-check (1)\n"
	"type\\-checks the files,\n"
	".BR opsc\\-build (1)\n"
	"compiles them into Kubernetes, Velero, Prometheus, Alertmanager, GitHub and\n"
	"Flux and External Secrets manifests.\n"
	"The files of a repository live in \\fIpolicies/\\fR; its parent is the\n"
	"project directory.\n"
	".BR opsc\\-init (1)\n"
	"writes a first one.\n"
	"The complete reference, with the Model fields policies read, is\n"
	"\\fIdocs/language.md\\fR in the opsc sources.\n"
	".SH LEXICAL STRUCTURE\n"
	"Comments run from \\fB#\\fR or \\fB//\\fR to the end of the line, or between\n"
	"\\fB/*\\fR and \\fB*/\\fR.\n"
	"Identifiers are letters, digits, \\fB_\\fR and \\fB\\-\\fR, not starting with a\n"
	"digit; a \\fB\\-\\fR between two words is part of the name, so subtraction\n"
	"needs spaces.\n"
	"Attributes are written \\fIname\\fR \\fB=\\fR \\fIvalue\\fR and need no separator.\n"
	".SH LITERALS\n"
	".TP\n"
	".B string\n"
	"\\fB\"on ${env.name}\\en\"\\fR: escapes \\fB\\e\\e \\e\" \\en \\er \\et \\e$ \\eu{1F600}\\fR;\n"
	"\\fB${expr}\\fR interpolates.\n"
	".TP\n"
	".B raw string\n"
	"Between backquotes: no escapes, may span lines, still interpolates\n"
	"\\fB${...}\\fR (\\fB$${\\fR for a literal \\fB${\\fR).\n"
	".TP\n"
	".B number, duration, quantity, percentage\n"
	"\\fB2\\fR, \\fB0.05\\fR; \\fB30s 5m 4h 7d 2w 1h30m\\fR; Kubernetes quantities\n"
	"\\fB500m 64Gi 1.5G\\fR; \\fB80%\\fR.\n"
	"Where a duration is expected \\fB5m\\fR is five minutes, where a quantity is\n"
	"expected \\fB500m\\fR is half a CPU: the unit is checked against the attribute.\n"
	".TP\n"
	".B port\n"
	"\\fB53/udp\\fR, \\fB443/tcp\\fR, \\fB8000\\-8080/tcp\\fR.\n"
	".TP\n"
	".B cron\n"
	"A string of five fields where a schedule is expected: \\fB\"0 2 * * *\"\\fR.\n"
	".TP\n"
	".B boolean, null, list, map\n"
	"\\fBtrue\\fR, \\fBfalse\\fR, \\fBnull\\fR (the attribute is omitted),\n"
	"\\fB[get, list, \"watch\"]\\fR, \\fB{ tier = \"critical\" }\\fR.\n"
	".SH FILES, IMPORTS AND TEMPLATES\n"
	".nf\n"
	".RS 4\n"
	"import \"std/alerts\"              # a module of the standard library\n"
	"import \"./teams.ops\" as teams    # a local file, inside the project\n"
	"use std.alerts.infrastructure { cpu = 90%  runbook_base = \"https://runbooks.example\" }\n"
	".RE\n"
	".fi\n"
	".PP\n"
	"A \\fBtemplate\\fR declares \\fBparam\\fRs (typed, or typed by their default)\n"
	"and blocks; \\fBuse\\fR instantiates it with its parameters set.\n"
	"The standard library: \\fBstd/alerts\\fR, \\fBstd/backup\\fR, \\fBstd/rbac\\fR,\n"
	"\\fBstd/network\\fR, \\fBstd/quota\\fR.\n"
	".SH BLOCKS\n"
	"Each block is written \\fItype\\fR [\\fIlabel\\fR...] \\fB{\\fR ... \\fB}\\fR and\n"
	"holds attributes, \\fIname\\fR \\fB=\\fR \\fIvalue\\fR, and the blocks nested in\n"
	"it.\n"
	"An attribute marked \\fIrequired\\fR must be given; any other may be\n"
	"omitted, or set to \\fBnull\\fR, and its default applies.\n"
	"A value is checked against the type shown, after template parameters are\n"
	"substituted.\n";

static const char postamble[] =
	".SH SECRET REFERENCES\n"
	"Secrets are never inlined: a value of type \\fBsecret\\fR is a key of a\n"
	"Kubernetes Secret, \\fBsecret(\\fR\\fINAME\\fR\\fB, \\fR\\fIKEY\\fR\\fB)\\fR, or\n"
	"\\fBsecret(\\fR\\fINAME\\fR\\fB, \\fR\\fIKEY\\fR\\fB, {\\fR \\fIoptions\\fR \\fB})\\fR\n"
	"with the options \\fBkind\\fR (what the secret is: \\fBapi_token\\fR,\n"
	"\\fBpassword\\fR, \\fBkubeconfig\\fR or any other word), \\fBrotate\\fR (its\n"
	"rotation period), \\fBstore\\fR (\\fBstore.\\fR\\fINAME\\fR, the\n"
	"\\fBsecret_store\\fR that fills it), \\fBremote\\fR and \\fBproperty\\fR (where\n"
	"in the store) and \\fBrefresh\\fR (how often the store is read).\n"
	"A reference filled from a store becomes an ExternalSecret, and its\n"
	"rotation period gives it a \\fBSecretRotationDue\\fR alert.\n"
	".SH POLICIES\n"
	"A \\fBpolicy\\fR holds \\fBrequire\\fR and \\fBdeny\\fR statements over the Model\n"
	"(\\fBenvironments roles bindings networks backups alerts receivers workloads\n"
	"secrets secret_stores\\fR), with \\fBfor\\fR ... \\fBin\\fR ... \\fBwhere\\fR and\n"
	"the quantifiers \\fBall any none count\\fR; it is checked by\n"
	".BR opsc\\-lint (1)\n"
	"against the .ops files and the committed manifests alike.\n"
	".SH EXAMPLE\n"
	".nf\n"
	".RS 4\n"
	"project \"vmshift\" {\n"
	"  repo = \"acme/vmshift\"\n"
	"  output = \"clusters\"\n"
	"}\n"
	"\n"
	"environment \"production\" {\n"
	"  cluster = \"lke\\-production\"\n"
	"  protect {\n"
	"    reviewers = [\"@acme/platform\"]\n"
	"    approvals = 2\n"
	"    wait = 5m\n"
	"    branches = [\"main\"]\n"
	"  }\n"
	"}\n"
	".RE\n"
	".fi\n"
	".SH SEE ALSO\n"
	".BR opsc (1),\n"
	".BR opsc\\-init (1),\n"
	".BR opsc\\-check (1),\n"
	".BR opsc\\-build (1),\n"
	".BR opsc\\-fmt (1),\n"
	".BR opsc\\-lint (1)\n";

/* The schema of the block `s` nests in; NULL for a top-level one. */
static const sema_schema *parent_of(const sema_schema *s)
{
	uint32_t n;
	const sema_schema *all = sema_schema_all(&n);
	for (uint32_t i = 0; s->parent && i < n; i++)
		if (strcmp(all[i].type, s->parent) == 0)
			return &all[i];
	return NULL;
}

/* The opening of block `s`, its parents' first: `environment LABEL {`. */
static void opening(FILE *out, const sema_schema *s)
{
	const sema_schema *p = parent_of(s);
	if (p)
		opening(out, p);
	fputs("\\fB", out);
	opsc_man_roff(out, s->type, strlen(s->type));
	fputs("\\fR ", out);
	for (uint8_t i = 0; i < s->max_labels; i++)
		fputs("\\fILABEL\\fR ", out);
	fputs("{ ", out);
}

/* `environment LABEL { protect { ... } }`: the block as written where it
 * nests. */
static void synopsis(FILE *out, const sema_schema *s)
{
	opening(out, s);
	fputs("...", out);
	for (const sema_schema *p = s; p; p = parent_of(p))
		fputs(" }", out);
	fputc('\n', out);
}

static void put_attr(FILE *out, const sema_attr *a)
{
	fputs(".TP\n\\fB", out);
	opsc_man_roff(out, a->name, strlen(a->name));
	fputs("\\fR = \\fI", out);
	opsc_man_text(out, sema_type_name(a->type), 'I');
	fputs(a->required ? "\\fR (required)\n" : "\\fR\n", out);
	opsc_man_text(out, a->doc, 'R');
	fputc('\n', out);
}

/* The blocks nested in `s`, as "Blocks: a, b." */
static void put_children(FILE *out, const sema_schema *s)
{
	const char *kids[32];
	uint32_t n = sema_schema_children(s->type, kids, 32);
	for (uint32_t i = 0; i < n; i++) {
		fputs(i == 0 ? ".PP\nBlocks: \\fB" : ", \\fB", out);
		opsc_man_roff(out, kids[i], strlen(kids[i]));
		fputs("\\fR", out);
	}
	if (n)
		fputs(".\n", out);
}

static void put_block(FILE *out, const sema_schema *s)
{
	fputs(".SS \"", out);
	opsc_man_roff(out, s->type, strlen(s->type));
	if (s->parent) {
		fputs(" (in ", out);
		opsc_man_roff(out, s->parent, strlen(s->parent));
		fputc(')', out);
	}
	fputs("\"\n", out);
	synopsis(out, s);
	fputs(".PP\n", out);
	opsc_man_text(out, s->doc, 'R');
	fputc('\n', out);
	if (s->max_labels) {
		fprintf(out, ".PP\nLabel%s: ", s->max_labels > 1 ? "s" : "");
		opsc_man_roff(out, s->labels_hint, strlen(s->labels_hint));
		fputs(".\n", out);
	}
	put_children(out, s);
	for (const sema_attr *a = s->attrs; a && a->name; a++)
		put_attr(out, a);
}

void opsc_man_language(FILE *out)
{
	fputs(".\\\" Generated by `opsc __man opsc-language` from the block schemas.\n", out);
	opsc_man_header(out, "opsc-language", 5, "the .ops policy language of opsc");
	fputs(preamble, out);
	uint32_t n;
	const sema_schema *all = sema_schema_all(&n);
	for (uint32_t i = 0; i < n; i++)
		put_block(out, &all[i]);
	fputs(postamble, out);
}
