/*
 * scan_context.c - the structural checks: secrets that only the lines
 * around a value reveal, which line-by-line regexes miss.
 *
 *   kubernetes-secret      every value under `data:`/`stringData:` of a
 *                          `kind: Secret` manifest (base64 decoded first)
 *   kubernetes-env-secret  a `name:`/`value:` list item whose name is a
 *                          credential (`- name: DB_PASSWORD` / `value: ...`)
 *   kubeconfig-credential  `client-key-data`, `token`, `password` of a
 *                          kubeconfig's users
 *   terraform-state-secret credential attributes inside a committed state
 *   terraform-state        the committed state file itself (path only)
 *
 * YAML is read by indentation, line by line, without a parser: a check only
 * runs on the lines around a prefilter hit, and a manifest that is not
 * well-formed still deserves a look.
 *
 * A candidate, from a check here or from a rule in scan_run.c, is added by
 * opsc_scan_add_cand at the end of this file.
 */
#define _GNU_SOURCE
#include <string.h>

#include "scan_int.h"
#include "scan_plausible.h"

#define MIN_LEN 6 /* shorter values are not worth a finding */
#define MIN_ENTROPY 2.5
#define MAX_DECODED 512

static const char *const kube_secret_kw[] = { "kind: secret", NULL };
static const char *const kubeconfig_kw[] = { "users:", NULL };
/* Words in the names of credentials (see opsc_scan_credential_name). */
static const char *const credential_kw[] = {
	"password", "passwd", "pwd", "_pass", "-pass", "secret", "token", "apikey", "api_key",
	"api-key", "access_key", "private_key", "signing_key", "encryption_key", "master_key",
	"auth_key", "credential", NULL,
};

/* A state's credentials: the credential words, and the `result` of a
 * random_password or random_string resource. */
static const char *const tfstate_kw[] = {
	"password", "passwd", "pwd", "_pass", "-pass", "secret", "token", "apikey", "api_key",
	"api-key", "access_key", "private_key", "signing_key", "encryption_key", "master_key",
	"auth_key", "credential", "\"result\"", NULL,
};

const opsc_scan_builtin opsc_ctx_rules[OPSC_CTX_COUNT + 1] = {
	[OPSC_CTX_KUBE_SECRET] = { "kubernetes-secret",
				   "Kubernetes Secret committed with a plaintext value", OPSC_SEV_ERROR },
	[OPSC_CTX_KUBE_ENV] = { "kubernetes-env-secret",
				"credential set as a plain environment variable value", OPSC_SEV_ERROR },
	[OPSC_CTX_KUBECONFIG] = { "kubeconfig-credential", "kubeconfig user credential",
				  OPSC_SEV_ERROR },
	[OPSC_CTX_TFSTATE_SECRET] = { "terraform-state-secret", "credential in a Terraform state file",
				      OPSC_SEV_ERROR },
	[OPSC_CTX_COUNT] = { "terraform-state",
			     "Terraform state committed (it holds every managed secret in plaintext)",
			     OPSC_SEV_ERROR },
};

const char *const *const opsc_ctx_keywords[OPSC_CTX_COUNT] = {
	[OPSC_CTX_KUBE_SECRET] = kube_secret_kw,
	[OPSC_CTX_KUBE_ENV] = credential_kw,
	[OPSC_CTX_KUBECONFIG] = kubeconfig_kw,
	[OPSC_CTX_TFSTATE_SECRET] = tfstate_kw,
};

uint32_t opsc_scan_builtins(const opsc_scan_builtin **out)
{
	*out = opsc_ctx_rules;
	return OPSC_CTX_COUNT + 1;
}

/* ------------------------------------------------------------ YAML lines */

typedef struct {
	size_t ls, le; /* line start, end */
	uint32_t col; /* column of the key (after indentation and "- ") */
	bool item; /* starts a list item */
	bool blank; /* empty or a comment */
	const char *key;
	size_t klen;
	size_t voff, vlen; /* the value, unquoted, without a trailing comment */
} yline;

static void trim_value(const char *data, yline *y)
{
	const char *v = data + y->voff;
	size_t n = y->vlen;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\r' || v[n - 1] == ','))
		n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'')) {
		const char *close = memchr(v + 1, v[0], n - 1);
		y->voff++;
		y->vlen = close ? (size_t)(close - v - 1) : n - 1;
		return;
	}
	for (size_t i = 0; i + 1 < n; i++)
		if (v[i] == ' ' && v[i + 1] == '#')
			n = i;
	while (n && v[n - 1] == ' ')
		n--;
	y->vlen = n;
}

static void parse_key(const char *data, yline *y)
{
	const char *p = data + y->ls + y->col, *end = data + y->le;
	char quote = (*p == '"' || *p == '\'') ? *p : 0;
	const char *k = p + (quote != 0), *q = k;
	while (q < end && (quote ? *q != quote : (*q != ':' && *q != ' ')))
		q++;
	const char *colon = q + (quote && q < end);
	while (colon < end && *colon == ' ')
		colon++;
	if (colon >= end || *colon != ':' || (colon + 1 < end && colon[1] != ' '))
		return;
	y->key = k;
	y->klen = (size_t)(q - k);
	const char *v = colon + 1;
	while (v < end && *v == ' ')
		v++;
	y->voff = (size_t)(v - data);
	y->vlen = (size_t)(end - v);
	trim_value(data, y);
}

static void yline_at(const char *data, size_t len, size_t ls, yline *y)
{
	memset(y, 0, sizeof *y);
	y->ls = ls;
	y->le = opsc_scan_line_end(data, len, ls);
	y->col = opsc_scan_indent(data, len, ls, &y->item);
	size_t p = ls + y->col;
	y->blank = p >= y->le || data[p] == '#' || data[p] == '\r';
	if (!y->blank)
		parse_key(data, y);
}

static bool key_is(const yline *y, const char *key)
{
	return y->key && y->klen == strlen(key) && memcmp(y->key, key, y->klen) == 0;
}

static bool doc_separator(const char *data, size_t len, size_t ls)
{
	return len - ls >= 3 && memcmp(data + ls, "---", 3) == 0;
}

/* The nearest line above with a smaller key column, or false at the top of
 * the document. */
static bool yline_parent(const char *data, size_t len, const yline *y, yline *out)
{
	size_t ls = y->ls;
	while (ls > 0) {
		ls = opsc_scan_line_start(data, ls - 1);
		if (doc_separator(data, len, ls))
			return false;
		yline_at(data, len, ls, out);
		if (!out->blank && out->col < y->col)
			return true;
	}
	return false;
}

static bool has_ancestor(const char *data, size_t len, size_t pos, const char *key)
{
	yline y, parent;
	yline_at(data, len, opsc_scan_line_start(data, pos), &y);
	for (int depth = 0; depth < 32 && yline_parent(data, len, &y, &parent); depth++) {
		if (key_is(&parent, key))
			return true;
		y = parent;
	}
	return false;
}

bool opsc_scan_in_sealed_data(const opsc_scan_state *st, size_t pos)
{
	return has_ancestor(st->data, st->len, pos, "encryptedData");
}

/* ---------------------------------------------------------------- values */

static bool worth_reporting(const char *v, size_t n)
{
	return n >= MIN_LEN && opsc_scan_entropy(v, n) >= MIN_ENTROPY;
}

static void report_value(opsc_scan_state *st, opsc_ctx_check check, const yline *y)
{
	const char *v = st->data + y->voff;
	if (y->vlen == 0 || v[0] == '|' || v[0] == '>' || v[0] == '{' || v[0] == '[')
		return;
	if (worth_reporting(v, y->vlen) && !opsc_scan_implausible(st->data, st->len, y->voff, y->vlen))
		opsc_scan_add_cand(st, st->sc->nrules + check, y->voff, y->vlen);
}

/* ------------------------------------------------------- kubernetes-secret */

/* A value of a Secret is reported when its key names a credential and the
 * value is plausible, or, whatever its key, when it is a random token;
 * never for usernames, hosts, certificates, public keys. The value is
 * data[pos, pos+n): the manifest's bytes, or the plaintext a base64 value
 * decodes to. */
static bool secret_value_credential(const yline *y, const char *data, size_t len, size_t pos, size_t n)
{
	const char *v = data + pos;
	if (!worth_reporting(v, n) || opsc_scan_public_material(v, n) ||
	    opsc_scan_non_secret_key(y->key, y->klen))
		return false;
	if (opsc_scan_implausible(data, len, pos, n))
		return false;
	return opsc_scan_credential_name(y->key, y->klen) || opsc_scan_random_token(v, n);
}

/* A base64 value is judged by its plaintext. */
static void report_data_value(opsc_scan_state *st, const yline *y)
{
	unsigned char plain[MAX_DECODED];
	const char *v = st->data + y->voff;
	if (!y->vlen || v[0] == '|' || v[0] == '{' || v[0] == '>')
		return;
	long n = opsc_base64_decode(v, y->vlen, plain, sizeof plain);
	bool report;
	n = n > 0 ? (long)opsc_scan_trim_newline(plain, (size_t)n) : n; /* `echo x | base64` */
	if (n < 0)
		report = secret_value_credential(y, st->data, st->len, y->voff, y->vlen);
	else /* (text that only looks like base64 is judged as written too) */
		report = n > 0 && !opsc_scan_not_secret((const char *)plain, (size_t)n, 0, (size_t)n) &&
			 secret_value_credential(y, (const char *)plain, (size_t)n, 0, (size_t)n) &&
			 !opsc_scan_implausible(st->data, st->len, y->voff, y->vlen);
	if (report)
		opsc_scan_add_cand(st, st->sc->nrules + OPSC_CTX_KUBE_SECRET, y->voff, y->vlen);
}

/* A stringData value, as written. */
static void report_string_value(opsc_scan_state *st, const yline *y)
{
	const char *v = st->data + y->voff;
	if (!y->vlen || v[0] == '|' || v[0] == '>' || v[0] == '{' || v[0] == '[')
		return;
	if (secret_value_credential(y, st->data, st->len, y->voff, y->vlen))
		opsc_scan_add_cand(st, st->sc->nrules + OPSC_CTX_KUBE_SECRET, y->voff, y->vlen);
}

static void kube_secret_section(opsc_scan_state *st, size_t ls, bool base64)
{
	yline y;
	while (ls < st->len) {
		yline_at(st->data, st->len, ls, &y);
		if (doc_separator(st->data, st->len, ls) || (!y.blank && y.col == 0))
			return;
		if (!y.blank && y.key && !base64)
			report_string_value(st, &y);
		else if (!y.blank && y.key)
			report_data_value(st, &y);
		ls = y.le + 1;
	}
}

static void check_kube_secret(opsc_scan_state *st, size_t ls)
{
	yline y;
	yline_at(st->data, st->len, ls, &y);
	if (y.col != 0 || !key_is(&y, "kind") || y.vlen != 6 || memcmp(st->data + y.voff, "Secret", 6))
		return;
	size_t start = ls;
	while (start > 0 && !doc_separator(st->data, st->len, start))
		start = opsc_scan_line_start(st->data, start - 1);
	for (size_t p = start; p < st->len; p = y.le + 1) {
		yline_at(st->data, st->len, p, &y);
		if (p != start && doc_separator(st->data, st->len, p))
			return;
		if (y.col == 0 && (key_is(&y, "data") || key_is(&y, "stringData")) && y.vlen == 0)
			kube_secret_section(st, y.le + 1, key_is(&y, "data"));
	}
}

/* --------------------------------------------------- kubernetes-env-secret */

/* The first line of the list item holding `y` (which has key column col). */
static bool item_start(const char *data, size_t len, const yline *y, yline *out)
{
	*out = *y;
	while (!out->item) {
		if (out->ls == 0)
			return false;
		yline_at(data, len, opsc_scan_line_start(data, out->ls - 1), out);
		if (!out->blank && out->col < y->col)
			return false;
	}
	return out->col == y->col;
}

static void check_kube_env(opsc_scan_state *st, size_t ls)
{
	yline y, it, value = { 0 };
	yline_at(st->data, st->len, ls, &y);
	if (!key_is(&y, "name") || !opsc_scan_credential_name(st->data + y.voff, y.vlen))
		return;
	if (!item_start(st->data, st->len, &y, &it))
		return;
	/* the item's lines: up to a shallower line or the next item */
	for (size_t p = it.ls, first = 1; p < st->len; p = it.le + 1, first = 0) {
		yline_at(st->data, st->len, p, &it);
		if (!first && !it.blank && (it.col < y.col || (it.item && it.col == y.col)))
			break;
		if (!it.blank && it.col == y.col && key_is(&it, "value"))
			value = it;
	}
	if (value.key)
		report_value(st, OPSC_CTX_KUBE_ENV, &value);
}

/* --------------------------------------------------- kubeconfig-credential */

static void check_kubeconfig(opsc_scan_state *st, size_t ls)
{
	yline y;
	yline_at(st->data, st->len, ls, &y);
	if (y.col != 0 || !key_is(&y, "users") || !memmem(st->data, st->len, "clusters:", 9))
		return;
	for (size_t p = y.le + 1; p < st->len; p = y.le + 1) {
		yline_at(st->data, st->len, p, &y);
		if (doc_separator(st->data, st->len, p) || (!y.blank && y.col == 0 && !y.item))
			return;
		if (key_is(&y, "client-key-data") || key_is(&y, "token") || key_is(&y, "password"))
			if (has_ancestor(st->data, st->len, y.ls, "user"))
				report_value(st, OPSC_CTX_KUBECONFIG, &y);
	}
}

/* -------------------------------------------------- terraform-state-secret */

/* `"key": "value"` on one line of a state file's JSON. */
static bool json_pair(const char *data, size_t ls, size_t le, size_t *k, size_t *kl, size_t *v, size_t *vl)
{
	const char *p = memchr(data + ls, '"', le - ls);
	if (!p)
		return false;
	const char *kend = memchr(p + 1, '"', (size_t)(data + le - p - 1));
	if (!kend || kend + 2 >= data + le || kend[1] != ':')
		return false;
	*k = (size_t)(p + 1 - data);
	*kl = (size_t)(kend - p - 1);
	const char *q = kend + 2;
	while (q < data + le && *q == ' ')
		q++;
	*v = (size_t)(q - data);
	*vl = (size_t)(data + le - q);
	return true;
}

static void check_tfstate(opsc_scan_state *st, size_t ls)
{
	size_t le = opsc_scan_line_end(st->data, st->len, ls), k, kl, v, vl;
	if (!json_pair(st->data, ls, le, &k, &kl, &v, &vl))
		return;
	bool generated = kl == 6 && memcmp(st->data + k, "result", 6) == 0 &&
			 memmem(st->data, st->len, "\"random_password\"", 17);
	if (!generated && !opsc_scan_credential_name(st->data + k, kl))
		return;
	/* a sensitive output: "db_password": { ..., "value": "..." } */
	for (int i = 0; i < 6 && vl && st->data[v] == '{' && le < st->len; i++) {
		ls = le + 1;
		le = opsc_scan_line_end(st->data, st->len, ls);
		size_t k2, kl2;
		if (json_pair(st->data, ls, le, &k2, &kl2, &v, &vl) && kl2 == 5 && !memcmp(st->data + k2, "value", 5))
			break;
	}
	if (vl < 2 || st->data[v] != '"')
		return;
	const char *close = memchr(st->data + v + 1, '"', vl - 1);
	size_t n = close ? (size_t)(close - st->data - v - 1) : 0;
	if (worth_reporting(st->data + v + 1, n))
		opsc_scan_add_cand(st, st->sc->nrules + OPSC_CTX_TFSTATE_SECRET, v + 1, n);
}

void opsc_scan_context(opsc_scan_state *st, opsc_ctx_check check, const opsc_scan_window *w)
{
	switch (check) {
	case OPSC_CTX_KUBE_SECRET: check_kube_secret(st, w->start); break;
	case OPSC_CTX_KUBE_ENV: check_kube_env(st, w->start); break;
	case OPSC_CTX_KUBECONFIG: check_kubeconfig(st, w->start); break;
	case OPSC_CTX_TFSTATE_SECRET: check_tfstate(st, w->start); break;
	case OPSC_CTX_COUNT: break;
	}
}

static uint32_t rank_of(const opsc_scanner *sc, uint32_t consumer)
{
	if (consumer == TFSTATE_FILE)
		return 0;
	if (consumer >= sc->nrules)
		return consumer;
	return sc->rules[consumer].generic ? sc->nconsumers + consumer : consumer;
}

void opsc_scan_add_cand(opsc_scan_state *st, uint32_t consumer, size_t offset, size_t len)
{
	if (consumer != TFSTATE_FILE) {
		if (len == 0 || opsc_scan_not_secret(st->data, st->len, offset, len))
			return;
		if (st->sealed && opsc_scan_in_sealed_data(st, offset))
			return;
	}
	opsc_scan_cand c = { (uint32_t)offset, (uint32_t)len, consumer, rank_of(st->sc, consumer) };
	opsc_array_push(&st->cands, c);
}
