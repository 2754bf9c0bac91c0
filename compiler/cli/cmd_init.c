/*
 * cmd_init.c - `opsc init`: a first policies/ for a repository.
 *
 *   flags -> questions (only on a terminal) -> project.ops, environments.ops
 *   in a temporary directory -> opsc check on it -> moved into place whole
 *
 * Nothing that exists is overwritten: when policies/ already holds a .ops
 * file, init names it and writes nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "front.h"
#include "util.h"
#include "repo.h"

enum { OPT_NAME = 1, OPT_ENV, OPT_CLUSTER, OPT_REPO, OPT_OUTPUT, OPT_YES, OPT_QUIET };

static const opsc_option init_options[] = {
	{ OPT_NAME, 0, "name", "NAME", "the project's name (default: the name of DIR)", NULL, NULL },
	{ OPT_ENV, 'e', "env", "NAME",
	  "an environment, also its namespace (repeatable; default: staging and production)", NULL, NULL },
	{ OPT_CLUSTER, 0, "cluster", "NAME", "the cluster the environments run on (default: main)", NULL, NULL },
	{ OPT_REPO, 0, "github-repo", "OWNER/NAME",
	  "the GitHub repository whose deployment environments opsc build configures (default: none, "
	  "left as a comment)", NULL, NULL },
	{ OPT_OUTPUT, 0, "output", "DIR",
	  "where opsc build writes the manifests, relative to DIR (default: clusters)", NULL, NULL },
	{ OPT_YES, 'y', "yes", NULL, "ask nothing, even on a terminal: the flags, else the defaults", NULL, NULL },
	{ OPT_QUIET, 'q', "quiet", NULL, "print nothing but problems", NULL, NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_init = {
	.name = "init",
	.summary = "start a policy: policies/ with a project and its environments",
	.synopsis = "[options] [DIR]",
	.description =
		"Write DIR/policies/project.ops (the project: its name, GitHub repository\n"
		"and output directory) and DIR/policies/environments.ops (one environment\n"
		"per name, on one cluster; production is protected), commented, so that\n"
		"`opsc check` and `opsc build` run on them at once. The warnings of\n"
		"`opsc check` are then what the built-in policies still ask; the\n"
		"commented lines, filled in, answer them. DIR defaults to the current\n"
		"directory; opsc build later wants it inside a Git repository.\n"
		"\n"
		"On a terminal, init asks for each value no flag gives (Enter keeps the\n"
		"default shown); otherwise, or with --yes, it takes the flags and the\n"
		"defaults and says which it chose.\n"
		"\n"
		"Nothing is overwritten: when policies/ already holds a .ops file, init\n"
		"names it and writes nothing. The files are written to a temporary\n"
		"directory, checked, and moved into place whole.\n",
	.options = init_options,
	.operand = OPSC_OPERAND_DIR,
	.exit_status = "0 written, 2 a file is in the way, a value is not valid, or a usage or I/O error.",
	.run = opsc_cmd_init,
};

/* The values init asks for, in the order it asks. */
enum { V_NAME, V_REPO, V_CLUSTER, V_ENVS, V_OUTPUT, NVALUES, VALUE_MAX = 512 };

typedef struct {
	const char *dir;
	char value[NVALUES][VALUE_MAX];
	bool given[NVALUES]; /* by a flag */
	bool yes, quiet;
} init_args;

/* ------------------------------------------------------------ values */

/* A Kubernetes namespace, and so a directory of the output: a DNS label. */
static const char *check_label(const char *s, size_t n)
{
	if (n == 0 || n > 63)
		return "1 to 63 characters";
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return "lower-case letters, digits and '-' only";
	return s[0] == '-' || s[n - 1] == '-' ? "no '-' at the start or the end" : NULL;
}

static const char *check_cluster(const char *s) { return check_label(s, strlen(s)); }

/* Environment names separated by spaces, each a label and each once. */
static const char *check_envs(const char *s)
{
	const char *start = s;
	int count = 0;
	for (size_t n; *(s += strspn(s, " ")); s += n, count++) {
		n = strcspn(s, " ");
		const char *why = check_label(s, n);
		if (why)
			return why;
		for (const char *t = start; t < s; t += strcspn(t, " "), t += strspn(t, " "))
			if (strcspn(t, " ") == n && strncmp(t, s, n) == 0)
				return "each environment once";
	}
	return count ? NULL : "at least one environment";
}

static const char *check_repo(const char *s)
{
	const char *slash = strchr(s, '/');
	if (!*s)
		return NULL; /* none */
	if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/'))
		return "OWNER/NAME, with one '/'";
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./", *s))
			return "letters, digits, '-', '_' and '.' only";
	return NULL;
}

/* Written into a string of the program: printable, nothing to escape. The
 * program itself then checks the output directory (bad-output). */
static const char *check_text(const char *s)
{
	if (!*s)
		return "not empty";
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '"' || *s == '\\' || *s == '$')
			return "no quotes, backslashes, '$' or control characters";
	return NULL;
}

static const char *check_output(const char *s) { return s[0] == '/' ? "a relative path" : check_text(s); }

static const struct {
	int opt;
	const char *question;
	const char *(*check)(const char *);
} values[NVALUES] = {
	[V_NAME] = { OPT_NAME, "Project name", check_text },
	[V_REPO] = { OPT_REPO, "GitHub repository, OWNER/NAME (Enter: none)", check_repo },
	[V_CLUSTER] = { OPT_CLUSTER, "Cluster the environments run on", check_cluster },
	[V_ENVS] = { OPT_ENV, "Environments, separated by spaces", check_envs },
	[V_OUTPUT] = { OPT_OUTPUT, "Output directory of opsc build", check_output },
};

static const char *flag_name(int v) { return init_options[values[v].opt - 1].name; }

/* The default of each value: DIR's name, no repository, "main", staging and
 * production, "clusters". */
static void set_defaults(init_args *a)
{
	char real[PATH_MAX];
	const char *path = realpath(a->dir, real) ? real : a->dir, *base = strrchr(path, '/');
	base = base ? base + 1 : path; /* DIR may not exist yet */
	if (strlen(base) >= VALUE_MAX || check_text(base))
		base = "project";
	memcpy(a->value[V_NAME], base, strlen(base) + 1);
	a->value[V_REPO][0] = '\0';
	strcpy(a->value[V_CLUSTER], "main");
	strcpy(a->value[V_ENVS], "staging production");
	strcpy(a->value[V_OUTPUT], "clusters");
}

/* ------------------------------------------------------------ arguments */

static int set_flag(init_args *a, int id, const char *v)
{
	int i = 0;
	while (values[i].opt != id)
		i++;
	char *dst = a->value[i];
	size_t len = a->given[i] && i == V_ENVS ? strlen(dst) : 0; /* --env adds a word */
	if (len + strlen(v) + 2 > VALUE_MAX)
		return opsc_cli_usage_error(&opsc_command_init, "--%s: too long", flag_name(i));
	snprintf(dst + len, VALUE_MAX - len, "%s%s", len ? " " : "", v);
	a->given[i] = true;
	return 0;
}

/* Returns -1 on a usage error, 1 for --help, 0 otherwise. */
static int parse_args(init_args *a, int argc, char **argv)
{
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_init, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		if (id == OPSC_CLI_HELP || id == OPSC_CLI_ERROR)
			return id == OPSC_CLI_HELP ? 1 : -1;
		if (id == OPSC_CLI_OPERAND && a->dir) {
			opsc_cli_usage_error(&opsc_command_init, "unexpected argument '%s' (one DIR at most)", p.value);
			return -1;
		}
		if (id == OPSC_CLI_OPERAND)
			a->dir = p.value;
		else if (id == OPT_YES)
			a->yes = true;
		else if (id == OPT_QUIET)
			a->quiet = true;
		else if (set_flag(a, id, p.value) < 0)
			return -1;
	}
	if (!a->dir)
		a->dir = ".";
	return 0;
}

/* One question on the terminal until the answer is valid; Enter keeps the
 * default. Returns -1 when the input ends. */
static int ask(init_args *a, int v)
{
	char line[VALUE_MAX], *def = a->value[v];
	for (;;) {
		opsc_esc_printf(stderr, "%s [%s]: ", values[v].question, *def ? def : "none");
		if (!fgets(line, sizeof line, stdin)) {
			fputs("\nopsc init: no answer; nothing written\n", stderr);
			return -1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		for (char *t = line; *t; t++)
			*t = *t == '\t' || *t == ',' ? ' ' : *t;
		const char *answer = line + strspn(line, " "), *why;
		if (!*answer)
			answer = def;
		if (!(why = values[v].check(answer))) {
			memmove(def, answer, strlen(answer) + 1);
			return 0;
		}
		opsc_esc_printf(stderr, "  '%s': %s\n", answer, why);
	}
}

/* The values as the flags that would give them, quoted as a shell needs. */
static void say_chosen(const init_args *a)
{
	fprintf(stderr, "opsc init: %s, so nothing was asked; using",
		a->yes ? "--yes" : "standard input is not a terminal");
	for (int v = 0; v < NVALUES; v++) {
		const char *s = a->value[v];
		if (v == V_REPO && !*s)
			fputs(" (no --github-repo)", stderr);
		for (size_t n; v == V_ENVS && *s; s += n + strspn(s + n, " ")) {
			n = strcspn(s, " ");
			fprintf(stderr, " --env %.*s", (int)n, s);
		}
		if (v != V_ENVS && *s)
			opsc_esc_printf(stderr, strchr(s, ' ') ? " --%s '%s'" : " --%s %s", flag_name(v), s);
	}
	fputs("\n", stderr);
}

/* Every value from its flag, the terminal, or its default; says which it
 * chose when nobody was asked. */
static int settle(init_args *a)
{
	init_args given = *a;
	bool interactive = !a->yes && isatty(STDIN_FILENO);
	set_defaults(a);
	for (int v = 0; v < NVALUES; v++) {
		const char *why = given.given[v] ? values[v].check(given.value[v]) : NULL;
		if (why) {
			opsc_esc_printf(stderr, "opsc init: --%s '%s': %s\n", flag_name(v), given.value[v], why);
			return -1;
		}
		if (given.given[v])
			strcpy(a->value[v], given.value[v]);
		else if (interactive && ask(a, v) < 0)
			return -1;
	}
	if (!interactive && !a->quiet)
		say_chosen(a);
	return 0;
}

/* ------------------------------------------------------------ the files */

static void write_project(FILE *f, const init_args *a)
{
	const char *repo = a->value[V_REPO];
	fprintf(f, "# The project: one per repository. `opsc build` writes the manifests of\n"
		   "# every environment below `output`, relative to the directory that holds\n"
		   "# policies/. Every block and attribute is in docs/language.md; the\n"
		   "# warnings of `opsc check` are what the built-in policies still ask.\n"
		   "\n"
		   "project \"%s\" {\n"
		   "  # The GitHub repository (OWNER/NAME): `opsc build` writes the settings\n"
		   "  # of its deployment environments.\n"
		   "  %srepo = \"%s\"\n"
		   "  output = \"%s\"\n"
		   "\n"
		   "  # The time zone of backup schedules, from the tz database.\n"
		   "  # timezone = \"Europe/Lisbon\"\n"
		   "\n"
		   "  # GitHub reviewers by handle, with their numeric ids, for protect blocks.\n"
		   "  # reviewers = { \"alice\" = 1001, \"@acme/platform\" = 42 }\n"
		   "\n"
		   "  # Re-level or disable lint rules (`opsc explain --list` lists them).\n"
		   "  # rules {\n"
		   "  #   alert-runbook = error\n"
		   "  # }\n"
		   "}\n",
		a->value[V_NAME], *repo ? "" : "# ", *repo ? repo : "owner/name", a->value[V_OUTPUT]);
}

static bool is_production(const char *env, size_t n)
{
	return (n == 10 && strncmp(env, "production", 10) == 0) || (n == 4 && strncmp(env, "prod", 4) == 0);
}

/* A production environment is protected: only main deploys to it. The
 * others on its cluster are asked for reviewers too (production-cluster-
 * review), so they get the block to fill in, commented. */
static void write_environment(FILE *f, const init_args *a, const char *env, int n, bool beside_production)
{
	bool prod = is_production(env, (size_t)n);
	fprintf(f, "\nenvironment \"%.*s\" {\n  cluster = \"%s\"\n  namespace = \"%.*s\"\n", n, env,
		a->value[V_CLUSTER], n, env);
	if (prod && n == 4)
		fputs("  production = true\n", f);
	if (prod)
		fputs("  # The Pod Security level of its namespace: baseline at least for\n"
		      "  # production; restricted is stricter, privileged enforces nothing.\n"
		      "  pod_security = baseline\n"
		      "\n"
		      "  # Who may deploy, once the project names its repo: reviewers who\n"
		      "  # approve, a wait, and the branches allowed to deploy.\n"
		      "  protect {\n"
		      "    # reviewers = [\"@acme/platform\", \"alice\"]\n"
		      "    # approvals = 2\n"
		      "    # wait = 5m\n"
		      "    # prevent_self_review = true\n"
		      "    branches = [\"main\"]\n"
		      "  }\n",
			f);
	else if (beside_production)
		fputs("\n"
		      "  # Its cluster runs production, so its deployments want reviewers too.\n"
		      "  # protect {\n"
		      "  #   reviewers = [\"@acme/platform\"]\n"
		      "  #   prevent_self_review = true\n"
		      "  # }\n",
			f);
	fputs("}\n", f);
}

static void write_environments(FILE *f, const init_args *a)
{
	const char *s = a->value[V_ENVS], *critical = s + strspn(s, " ");
	size_t ncritical = strcspn(critical, " ");
	bool any_production = false;
	for (size_t n; *(s += strspn(s, " ")); s += n) {
		n = strcspn(s, " ");
		if (is_production(s, n) && !any_production)
			critical = s, ncritical = n;
		any_production |= is_production(s, n);
	}
	fprintf(f, "# One environment per namespace, on the cluster that runs it. `opsc build`\n"
		   "# writes its namespace, RBAC, network policies and quota below\n"
		   "# %s/%s/ENVIRONMENT/, and its GitHub environment when the project\n"
		   "# names a repo.\n"
		   "#\n"
		   "# The built-in policies also ask every environment for a default-deny\n"
		   "# network baseline and backups (`opsc check` warns until they are\n"
		   "# there); the standard library has both (backups need Velero and its\n"
		   "# storage location):\n"
		   "#\n"
		   "# import \"std/network\"\n"
		   "# use std.network.baseline { envs = all }\n"
		   "#\n"
		   "# import \"std/backup\"\n"
		   "# use std.backup.tiers { storage = \"default\"  critical = [env.%.*s] }\n",
		a->value[V_OUTPUT], a->value[V_CLUSTER], (int)ncritical, critical);
	s = a->value[V_ENVS];
	for (size_t n; *(s += strspn(s, " ")); s += n) {
		n = strcspn(s, " ");
		write_environment(f, a, s, (int)n, any_production);
	}
}

static const struct {
	const char *name;
	void (*write)(FILE *, const init_args *);
} files[] = {
	{ "project.ops", write_project },
	{ "environments.ops", write_environments },
};

enum { NFILES = sizeof files / sizeof *files };

/* ------------------------------------------------------------ placing them */

/* A .ops file already in policies/ (or policies/ not a directory): the
 * path in the way, or NULL. */
static char *in_the_way(opsc_arena *ar, const char *policies)
{
	struct stat st;
	if (lstat(policies, &st) != 0)
		return NULL;
	if (!S_ISDIR(st.st_mode))
		return (char *)policies;
	char *found = NULL;
	for (int i = 0; i < NFILES && !found; i++) {
		char *p = opsc_arena_printf(ar, "%s/%s", policies, files[i].name);
		if (lstat(p, &st) == 0)
			found = p;
	}
	DIR *d = found ? NULL : opendir(policies);
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (n > 4 && strcmp(e->d_name + n - 4, ".ops") == 0)
			found = opsc_arena_printf(ar, "%s/%s", policies, e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/* path with the text write() gives, O_EXCL, flushed to the disk. */
static int write_new(const char *path, const init_args *a, void (*write_fn)(FILE *, const init_args *))
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	write_fn(f, a);
	int rc = fflush(f) != 0 || ferror(f) || fsync(fd) != 0 ? -1 : 0;
	return fclose(f) != 0 ? -1 : rc;
}

/* The scaffold must pass `opsc check`: the values came from a person. */
static int check_scaffold(const char *policies)
{
	opsc_ctx ctx;
	opsc_model model = { 0 };
	opsc_ctx_init(&ctx);
	int rc = opsc_compile(&model, &ctx, &policies, 1);
	if (rc == 0 && ctx.diags.errors) {
		opsc_render_opts ro = { opsc_diag_want_color(stderr) };
		opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
		fputs("opsc init: these values do not make a valid policy; nothing written\n", stderr);
		rc = -1;
	} else if (rc < 0) {
		fprintf(stderr, "opsc init: internal error (%d) while checking; nothing written\n", rc);
	}
	opsc_ctx_dispose(&ctx);
	return rc;
}

static void remove_tmp(opsc_arena *ar, const char *tmp, const char *tmp_policies)
{
	for (int i = 0; i < NFILES; i++)
		unlink(opsc_arena_printf(ar, "%s/%s", tmp_policies, files[i].name));
	rmdir(tmp_policies);
	rmdir(tmp);
}

/* Into an existing policies/: one hard link per file, which fails rather
 * than replace a file; undone if one fails. */
static int link_files(opsc_arena *ar, const char *tmp_policies, const char *policies)
{
	int linked = 0;
	for (; linked < NFILES; linked++) {
		const char *from = opsc_arena_printf(ar, "%s/%s", tmp_policies, files[linked].name);
		const char *to = opsc_arena_printf(ar, "%s/%s", policies, files[linked].name);
		if (link(from, to) != 0) {
			opsc_esc_printf(stderr, "opsc init: %s: %s; nothing written\n", to, strerror(errno));
			break;
		}
	}
	for (int i = 0; linked < NFILES && i < linked; i++)
		unlink(opsc_arena_printf(ar, "%s/%s", policies, files[i].name));
	return linked == NFILES ? 0 : -1;
}

/* A path below DIR as the user would type it: "policies" for ".". */
static const char *below(opsc_arena *ar, const char *dir, const char *rel)
{
	return strcmp(dir, ".") == 0 ? rel : opsc_arena_printf(ar, "%s/%s", dir, rel);
}

static int write_tmp(opsc_arena *ar, const init_args *a, const char *tmp_policies)
{
	if (mkdir(tmp_policies, 0777) != 0) {
		opsc_esc_printf(stderr, "opsc init: cannot create %s: %s\n", tmp_policies, strerror(errno));
		return -1;
	}
	for (int i = 0; i < NFILES; i++) {
		const char *path = opsc_arena_printf(ar, "%s/%s", tmp_policies, files[i].name);
		if (write_new(path, a, files[i].write) < 0) {
			opsc_esc_printf(stderr, "opsc init: cannot write %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Temporary directory DIR/.opsc-init-XXXXXX/policies, checked, then renamed
 * to DIR/policies (or linked into it file by file when it exists). */
static int place(opsc_arena *ar, const init_args *a, const char *policies)
{
	int rc = -1;
	bool made_dir = false;
	struct stat st;
	char *tmp = opsc_arena_printf(ar, "%s/.opsc-init-XXXXXX", a->dir), *tmp_policies = NULL;
	if (stat(a->dir, &st) != 0 && !(made_dir = mkdir(a->dir, 0777) == 0)) {
		opsc_esc_printf(stderr, "opsc init: cannot create %s: %s\n", a->dir, strerror(errno));
		return -1;
	}
	if (!mkdtemp(tmp)) {
		opsc_esc_printf(stderr, "opsc init: cannot write in %s: %s\n", a->dir, strerror(errno));
		goto done;
	}
	tmp_policies = opsc_arena_printf(ar, "%s/policies", tmp);
	if (write_tmp(ar, a, tmp_policies) < 0 || check_scaffold(tmp_policies) < 0)
		goto done;
	if (lstat(policies, &st) == 0)
		rc = link_files(ar, tmp_policies, policies);
	else if ((rc = rename(tmp_policies, policies)) != 0)
		opsc_esc_printf(stderr, "opsc init: cannot create %s: %s\n", policies, strerror(errno));
	int dfd = rc == 0 ? open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dfd >= 0) { /* the new entry on the disk too */
		fsync(dfd);
		close(dfd);
	}
done:
	if (tmp_policies)
		remove_tmp(ar, tmp, tmp_policies);
	if (rc != 0 && made_dir)
		rmdir(a->dir);
	return rc;
}

static void say_done(const init_args *a, const char *policies)
{
	opsc_repo *repo = NULL;
	bool in_repo = opsc_repo_open(&repo, a->dir) == 0 && repo;
	opsc_repo_free(repo);
	opsc_esc_printf(stderr, "opsc init: wrote %s/%s and %s/%s\n", policies, files[0].name, policies, files[1].name);
	opsc_esc_printf(stderr, "opsc init: next: %s%s%s%s`opsc check` (its warnings are what the built-in "
			"policies still ask), `opsc build --dry-run`\n", strcmp(a->dir, ".") == 0 ? "" : "`cd ",
		strcmp(a->dir, ".") == 0 ? "" : a->dir, strcmp(a->dir, ".") == 0 ? "" : "`, ",
		in_repo ? "" : "`git init`, ");
}

int opsc_cmd_init(int argc, char **argv)
{
	init_args a = { 0 };
	int rc = parse_args(&a, argc, argv);
	if (rc != 0)
		return rc > 0 ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
	opsc_arena *ar = opsc_arena_new();
	const char *policies = below(ar, a.dir, "policies");
	const char *way = in_the_way(ar, policies);
	int exit = OPSC_EXIT_USAGE;
	if (way)
		opsc_esc_printf(stderr, "opsc init: %s exists; nothing written (init starts a policy: edit the "
				"one there, or init another directory)\n", way);
	else if (settle(&a) == 0 && place(ar, &a, policies) == 0)
		exit = OPSC_EXIT_OK;
	if (exit == OPSC_EXIT_OK && !a.quiet)
		say_done(&a, policies);
	opsc_arena_free(ar);
	return exit;
}
