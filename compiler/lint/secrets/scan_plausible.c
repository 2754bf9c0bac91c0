/*
 * scan_plausible.c - the plausibility layer of the secret scanner: public
 * key material, the keys whose values are names, and the shapes of values
 * (words with digits, hosts, expressions, prose) that are not credentials.
 *
 * Everything here is a table or a short test over bytes; nothing parses.
 * The generic rules and the structural checks call opsc_scan_implausible;
 * the reference and template forms it tries first are scan_forms.c's,
 * which every rule goes through (via opsc_scan_not_secret).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "scan_int.h"
#include "scan_plausible.h"

/* ------------------------------------------------------ public material */

static const char *const public_material[] = {
	"-----BEGIN CERTIFICATE", "-----BEGIN PUBLIC KEY", "-----BEGIN RSA PUBLIC KEY",
	"-----BEGIN X509 CRL", "-----BEGIN PGP PUBLIC KEY", "ssh-rsa ", "ssh-ed25519 ",
	"ssh-dss ", "ecdsa-sha2-", "sk-ssh-ed25519", "|1|", /* hashed known_hosts */
};

bool opsc_scan_public_material(const char *v, size_t n)
{
	for (size_t i = 0; i < sizeof public_material / sizeof *public_material; i++)
		if (memmem(v, n < 256 ? n : 256, public_material[i], strlen(public_material[i])))
			return true;
	return false;
}

/* ------------------------------------------------------------------ keys */

/* Key endings (lowercase, separators dropped) whose values are names,
 * hosts, identifiers or public material, never credentials. */
static const char *const non_secret_key_ends[] = {
	"username", "user", "login", "email", "mail", "host", "hostname", "hosts", "server",
	"url", "uri", "endpoint", "address", "addr", "port", "database", "dbname", "name",
	"cluster", "region", "zone", "bucket", "domain", "namespace", "path", "file", "dir",
	"ref", "crt", "cert", "certificate", "pub", "publickey", "knownhosts", "cabundle",
	"clientid", "appid", "tenantid", "accountid", "projectid", "keyid", "type", "mode",
	"version", "enabled", "algorithm", "method", "length", "ttl", "expiry", "timeout",
	"format", "provider", "issuer", "audience", "scope", "scopes", "field", "header",
	"prefix", "description", "label", "kind", "store", "storeref", "template", "env",
	"policy", "role", "group", "image", "location", "source", "target",
};

/* Key parts that make the whole key a pointer at a Secret. */
static const char *const non_secret_key_parts[] = {
	"existingsecret", "secretkeyref", "secretref", "valuefrom", "secretname", "fromsecret",
	"secretstore", "externalsecret", "sealedsecret", "secretsmanager",
};

static size_t normalize_key(const char *key, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		if (isalnum((unsigned char)key[i]))
			out[k++] = (char)tolower((unsigned char)key[i]);
	out[k] = 0;
	return k;
}

bool opsc_scan_non_secret_key(const char *key, size_t n)
{
	char norm[128];
	size_t k = normalize_key(key, n, norm, sizeof norm);
	if (k == 0)
		return false;
	for (size_t i = 0; i < sizeof non_secret_key_parts / sizeof *non_secret_key_parts; i++)
		if (strstr(norm, non_secret_key_parts[i]))
			return true;
	for (size_t i = 0; i < sizeof non_secret_key_ends / sizeof *non_secret_key_ends; i++) {
		size_t e = strlen(non_secret_key_ends[i]);
		if (k >= e && memcmp(norm + k - e, non_secret_key_ends[i], e) == 0)
			return true;
	}
	return false;
}

/* The key before a value: `key: v`, `"key" = "v"`, `key := v`, `key => v`. */
bool opsc_scan_key_before(const char *data, size_t pos, size_t *ks, size_t *kn)
{
	size_t p = pos;
	while (p > 0 && opsc_scan_one_of(data[p - 1], "\"' \t"))
		p--;
	if (p == 0 || !opsc_scan_one_of(data[p - 1], ":=>"))
		return false;
	while (p > 0 && opsc_scan_one_of(data[p - 1], ":=>"))
		p--;
	while (p > 0 && opsc_scan_one_of(data[p - 1], "\"' \t"))
		p--;
	size_t end = p;
	while (p > 0 && (opsc_scan_ident_char((unsigned char)data[p - 1]) || data[p - 1] == '-' || data[p - 1] == '.'))
		p--;
	*ks = p;
	*kn = end - p;
	return end > p;
}

/* ---------------------------------------------------------------- shapes */

static bool vowel(int c)
{
	return opsc_scan_one_of(tolower(c), "aeiouy");
}

/* A run of letters a person could read out: a vowel, no five consonants
 * in a row, or an acronym of up to four ("dns", "rndc", "TLS"). Random
 * letters rarely pass. */
static bool pronounceable(const char *s, size_t n)
{
	uint32_t vowels = 0, run = 0;
	bool capitalized = n > 1 && isupper((unsigned char)s[0]) && islower((unsigned char)s[1]);
	if (n <= 4 && !capitalized) /* "Zqkw" is no acronym */
		return true;
	for (size_t i = 0; i < n; i++) {
		run = vowel(s[i]) ? 0 : run + 1;
		vowels += vowel(s[i]);
		if (run > 4)
			return false;
	}
	return vowels > 0 || n == 1;
}

/* A word is lowercase, UPPERCASE or Capitalized: "TABcjs" is not one. */
static bool one_case(const char *s, size_t n)
{
	bool lower = false, upper_after_first = false;
	for (size_t i = 0; i < n; i++) {
		lower |= islower((unsigned char)s[i]) != 0;
		upper_after_first |= i > 0 && isupper((unsigned char)s[i]);
	}
	return !(lower && upper_after_first);
}

/* Words, optionally joined by - _ . / and with a few digits: "ingress-627",
 * "deployment57", "ExternalSecret", "some-SUPER-secret-password". Tokens
 * are cut at separators, at a lower-to-upper case change and between
 * letters and digits; random strings fall apart into mixed-case and
 * one- or two-letter pieces. */
static bool word_like(const char *v, size_t n)
{
	uint32_t digit_runs = 0, digits = 0, long_words = 0, short_words = 0;
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)v[i];
		size_t j = i + 1;
		if (opsc_scan_one_of(c, "-_./:")) {
			i = j;
			continue;
		}
		if (isdigit(c)) {
			while (j < n && isdigit((unsigned char)v[j]))
				j++;
			digit_runs++;
			digits += (uint32_t)(j - i);
		} else if (isalpha(c)) {
			while (j < n && isalpha((unsigned char)v[j]) &&
			       !(isupper((unsigned char)v[j]) && islower((unsigned char)v[j - 1])))
				j++;
			/* "JWTSecret": the acronym ends before the capital of the next word */
			for (size_t k = i + 1; k + 1 < j; k++)
				if (isupper((unsigned char)v[k - 1]) && isupper((unsigned char)v[k]) &&
				    islower((unsigned char)v[k + 1])) {
					j = k;
					break;
				}
			if (!one_case(v + i, j - i) || !pronounceable(v + i, j - i))
				return false;
			long_words += j - i >= 3;
			short_words += j - i <= 2;
		} else {
			return false; /* punctuation: a password more likely than a word */
		}
		i = j;
	}
	/* "k8s-homelab-runner": two short pieces; random text has many */
	return long_words > 0 && short_words <= 2 && digit_runs <= 2 && digits <= 6;
}

/* "1.25e-07", "87654321-4321-210987654321": numbers, not credentials. */
static bool numeric(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]) && !opsc_scan_one_of(v[i], ".-+e"))
			return false;
	return isdigit((unsigned char)v[0]);
}

static bool host_or_name_path(const char *v, size_t n)
{
	/* "postgres-rw.database.svc", "random_password.x.result", "config.api_token" */
	if (!memchr(v, '.', n))
		return false;
	size_t seg = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || v[i] == '.') {
			if (seg == 0 || seg > 24)
				return false;
			seg = 0;
			continue;
		}
		if (seg == 0 && !isalpha((unsigned char)v[i]))
			return false;
		if (!opsc_scan_ident_char((unsigned char)v[i]) && v[i] != '-')
			return false;
		seg++;
	}
	return true;
}

/* "home-assistant-7c48d.json": the name of a file. */
static bool file_name(const char *v, size_t n)
{
	static const char *const exts[] = {
		".json", ".yaml", ".yml", ".txt", ".conf", ".cfg", ".ini", ".env", ".toml", ".xml",
		".crt", ".pem", ".key", ".p12", ".jks", ".sh", ".py", ".js", ".tf", ".properties",
	};
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
		size_t k = strlen(exts[i]);
		if (n > k && strncasecmp(v + n - k, exts[i], k) == 0)
			return true;
	}
	return false;
}

static bool email(const char *v, size_t n)
{
	const char *at = memchr(v, '@', n);
	return at && at > v && memchr(at, '.', (size_t)(v + n - at)) && !memchr(v, ':', n);
}

/* `secret: ExternalSecret to sync (required)`: words after an unquoted
 * value. `password=x ansible_user=y` (the next word an assignment) is not. */
static bool prose_after(const char *data, size_t len, size_t pos, size_t vlen)
{
	if (pos > 0 && (data[pos - 1] == '"' || data[pos - 1] == '\''))
		return false;
	for (size_t i = 0; i < vlen; i++) /* a word starts prose; "Xk29f https://..." does not */
		if (!isalpha((unsigned char)data[pos + i]) && data[pos + i] != '-')
			return false;
	size_t p = pos + vlen;
	if (p >= len || data[p] != ' ')
		return false;
	while (p < len && data[p] == ' ')
		p++;
	if (p >= len || !(isalpha((unsigned char)data[p]) || data[p] == '('))
		return false;
	for (size_t q = p; q < len && data[q] != ' ' && data[q] != '\n'; q++)
		if (data[q] == '=')
			return false;
	return true;
}

/* "1234567890abcdefghi", "8312341g-5678-abcd": runs of consecutive
 * characters, what people type for an example. One run of six, or two
 * of four; random text rarely holds one of four. */
static bool typed_sequence(const char *v, size_t n)
{
	uint32_t run = 1, fours = 0;
	for (size_t i = 1; i < n; i++) {
		run = isalnum((unsigned char)v[i]) && v[i] == v[i - 1] + 1 ? run + 1 : 1;
		if (run == 6)
			return true;
		fours += run == 4;
	}
	return fours >= 2;
}

/* A value that is base64 of printable text ("cGFzc3dvcmQ=": "password")
 * is judged by that text. */
static const char *decoded_implausible(const char *v, size_t n)
{
	unsigned char plain[256];
	if (n < 8 || n > 340 || n % 4)
		return NULL;
	long k = opsc_base64_decode(v, n, plain, sizeof plain);
	k = k > 0 ? (long)opsc_scan_trim_newline(plain, (size_t)k) : k;
	if (k < 4)
		return NULL;
	for (long i = 0; i < k; i++)
		if (plain[i] < 0x20 || plain[i] > 0x7e)
			return NULL;
	const char *p = (const char *)plain;
	if (opsc_scan_not_secret(p, (size_t)k, 0, (size_t)k) || word_like(p, (size_t)k) ||
	    numeric(p, (size_t)k) || typed_sequence(p, (size_t)k) || opsc_scan_entropy(p, (size_t)k) < 2.5)
		return "base64 of a word or placeholder";
	return NULL;
}

const char *opsc_scan_implausible(const char *data, size_t len, size_t pos, size_t vlen)
{
	const char *v = data + pos, *why;
	size_t ks, kn;
	if ((why = opsc_scan_reference(v, vlen)))
		return why;
	if (opsc_scan_key_before(data, pos, &ks, &kn) && opsc_scan_non_secret_key(data + ks, kn))
		return "names a Secret or a non-secret field";
	if (v[vlen - 1] == ':')
		return "structure";
	if (opsc_scan_uuid(v, vlen))
		return "uuid";
	if (memchr(v, '(', vlen) || memchr(v, '{', vlen))
		return "expression";
	if (memmem(v, vlen, "://", 3))
		return "URL";
	if (email(v, vlen))
		return "email address";
	if (host_or_name_path(v, vlen))
		return "name or host";
	if (file_name(v, vlen))
		return "file name";
	if (numeric(v, vlen))
		return "number";
	if (word_like(v, vlen))
		return "words and digits";
	if (prose_after(data, len, pos, vlen))
		return "prose";
	if (typed_sequence(v, vlen))
		return "typed sequence";
	return decoded_implausible(v, vlen);
}

size_t opsc_scan_trim_newline(const unsigned char *s, size_t n)
{
	if (n && s[n - 1] == '\n')
		n--;
	if (n && s[n - 1] == '\r')
		n--;
	return n;
}

bool opsc_scan_random_token(const char *v, size_t n)
{
	if (n < 16 || opsc_scan_entropy(v, n) < 3.5 || opsc_scan_public_material(v, n) || opsc_scan_uuid(v, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)v[i]))
			return false;
	return !opsc_scan_reference(v, n) && !word_like(v, n) && !host_or_name_path(v, n) &&
	       !email(v, n) && !memmem(v, n, "://", 3);
}
