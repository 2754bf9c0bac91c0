/*
 * scan_plausible.c - the plausibility layer of the secret scanner: the
 * reference and template forms of secret managers and templating systems,
 * the keys whose values are names, and the shapes of values (words with
 * digits, hosts, expressions, prose) that are not credentials.
 *
 * Everything here is a table or a short test over bytes; nothing parses.
 * The generic rules and the structural checks call opsc_scan_implausible,
 * every rule goes through opsc_scan_reference and opsc_scan_public_value
 * (via opsc_scan_not_secret).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "scan_int.h"
#include "scan_plausible.h"

/* ------------------------------------------------------------ references */

typedef struct {
	const char *prefix, *what;
} form;

/* Values that start like this point at a secret kept elsewhere, or are
 * filled in by a template engine before anything reads them. */
static const form reference_forms[] = {
	{ "op://", "1Password reference" },
	{ "vault:", "Vault reference" },
	{ "ref+", "vals reference" },
	{ "!vault", "Ansible Vault" },
	{ "$ANSIBLE_VAULT", "Ansible Vault ciphertext" },
	{ "${{", "GitHub Actions expression" },
	{ "${", "variable interpolation" },
	{ "$(", "variable substitution" },
	{ "{{", "template" },
	{ "{%", "template" },
	{ "((", "BOSH/Concourse variable" },
	{ "<%", "ERB template" },
	{ "#{", "interpolation" },
	{ "%{", "Terraform directive" },
	{ "[[", "template" },
	{ "ENC[", "SOPS ciphertext" },
	{ "AGE-ENCRYPTED", "age ciphertext" },
	{ "-----BEGIN AGE ENCRYPTED FILE-----", "age ciphertext" },
	{ "arn:aws:secretsmanager:", "AWS Secrets Manager reference" },
	{ "arn:aws:ssm:", "AWS SSM parameter reference" },
	{ "secretsmanager:", "AWS Secrets Manager reference" },
	{ "awssm://", "AWS Secrets Manager reference" },
	{ "gcpsm://", "Google Secret Manager reference" },
	{ "sm://", "Google Secret Manager reference" },
	{ "azkv://", "Azure Key Vault reference" },
	{ "keyvault://", "Azure Key Vault reference" },
	{ "@Microsoft.KeyVault(", "Azure Key Vault reference" },
	{ "doppler://", "Doppler reference" },
	{ "infisical://", "Infisical reference" },
	{ "bws://", "Bitwarden reference" },
	{ "env://", "environment reference" },
	{ "env:", "environment reference" },
	{ "file://", "file reference" },
	{ "lookup(", "lookup" },
	{ "!Ref", "CloudFormation reference" },
	{ "!Sub", "CloudFormation substitution" },
	{ "!GetAtt", "CloudFormation reference" },
	{ "!secret", "Home Assistant secret" },
	{ "!env", "environment reference" },
	{ "!ENV", "environment reference" },
	/* Terraform, shells, CI, code */
	{ "$", "variable" }, { "@", "reference" }, { "var.", "Terraform variable" },
	{ "local.", "Terraform local" }, { "module.", "Terraform module output" },
	{ "data.", "Terraform data source" }, { "each.", "Terraform iteration" },
	{ "secrets.", "CI secret" }, { "env.", "environment reference" },
	{ "vars.", "CI variable" }, { "process.env", "environment reference" },
	{ "os.environ", "environment reference" }, { "./", "file path" }, { "../", "file path" },
	{ "~/", "file path" }, { "file:", "file reference" }, { "arn:", "AWS resource name" },
};

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* strchr for a byte: NUL is in no set. */
static bool one_of(int c, const char *set)
{
	return c != 0 && strchr(set, c) != NULL;
}

/* {VAR}, %VAR%, __VAR__, @VAR@, <placeholder>, [PLACEHOLDER], a YAML
 * alias *name or anchor &name: a name in delimiters (`<...>` may hold
 * spaces). */
static bool delimited_name(const char *v, size_t n)
{
	static const char *const delims[][2] = {
		{ "{", "}" }, { "%", "%" }, { "__", "__" }, { "@", "@" }, { "<", ">" }, { "[", "]" },
		{ "*", "" }, { "&", "" },
	};
	for (size_t d = 0; d < sizeof delims / sizeof *delims; d++) {
		size_t open = strlen(delims[d][0]), close = strlen(delims[d][1]);
		if (n <= open + close || memcmp(v, delims[d][0], open) != 0 ||
		    memcmp(v + n - close, delims[d][1], close) != 0)
			continue;
		bool name = true;
		for (size_t i = open; i < n - close && name; i++)
			name = ident_char((unsigned char)v[i]) || v[i] == '-' || v[i] == '.' ||
			       (delims[d][0][0] == '<' && v[i] == ' ');
		if (name)
			return true;
	}
	return false;
}

/* Sealed Secrets ciphertext: base64 of a 2-byte length (0x02 0x00..0x03:
 * "AgA".."AgD") before the wrapped session key, hundreds of bytes long
 * (a generic rule sees its first 200). */
static bool sealed_ciphertext(const char *v, size_t n)
{
	if (n < 180 || memcmp(v, "Ag", 2) != 0 || v[2] < 'A' || v[2] > 'D')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !one_of(v[i], "+/="))
			return false;
	return true;
}

const char *opsc_scan_reference(const char *v, size_t n)
{
	if (sealed_ciphertext(v, n))
		return "Sealed Secrets ciphertext";
	for (size_t i = 0; i < sizeof reference_forms / sizeof *reference_forms; i++) {
		size_t k = strlen(reference_forms[i].prefix);
		if (n >= k && memcmp(v, reference_forms[i].prefix, k) == 0)
			return reference_forms[i].what;
	}
	if (delimited_name(v, n))
		return "placeholder name";
	if (memmem(v, n, "{{", 2) || memmem(v, n, "${", 2) || memmem(v, n, "}}", 2))
		return "template";
	return NULL;
}

/* ------------------------------------------------------- public values */

/* Payloads of the JSON Web Tokens documentation shows (jwt.io's
 * {"sub":"1234567890","name":"John Doe",...}). */
static const char *const doc_jwt_payloads[] = {
	"eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lI",
	"eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUs",
	"eyJpc3MiOiJleGFtcGxlIi",
};

static const char *const public_prefixes[] = {
	"pk_live_", "pk_test_", /* Stripe publishable keys: shipped to browsers */
	"pub-", /* Mailgun public validation keys */
};

const char *opsc_scan_public_value(const char *v, size_t n)
{
	/* {"alg":"HS256",...} alone: a token's header, public by design */
	if (n > 10 && memcmp(v, "eyJhbGciOi", 10) == 0 && !memchr(v, '.', n))
		return "JWT header";
	const char *dot = memchr(v, '.', n);
	if (n > 4 && memcmp(v, "eyJ", 3) == 0 && dot)
		for (size_t i = 0; i < sizeof doc_jwt_payloads / sizeof *doc_jwt_payloads; i++) {
			size_t k = strlen(doc_jwt_payloads[i]);
			size_t rest = n - (size_t)(dot + 1 - v);
			if (rest >= k && memcmp(dot + 1, doc_jwt_payloads[i], k) == 0)
				return "documentation example token";
		}
	for (size_t i = 0; i < sizeof public_prefixes / sizeof *public_prefixes; i++) {
		size_t k = strlen(public_prefixes[i]);
		if (n >= k && memcmp(v, public_prefixes[i], k) == 0)
			return "publishable key";
	}
	return NULL;
}

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
	while (p > 0 && one_of(data[p - 1], "\"' \t"))
		p--;
	if (p == 0 || !one_of(data[p - 1], ":=>"))
		return false;
	while (p > 0 && one_of(data[p - 1], ":=>"))
		p--;
	while (p > 0 && one_of(data[p - 1], "\"' \t"))
		p--;
	size_t end = p;
	while (p > 0 && (ident_char((unsigned char)data[p - 1]) || data[p - 1] == '-' || data[p - 1] == '.'))
		p--;
	*ks = p;
	*kn = end - p;
	return end > p;
}

/* ---------------------------------------------------------------- shapes */

static bool vowel(int c)
{
	return one_of(tolower(c), "aeiouy");
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
		if (one_of(c, "-_./:")) {
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
		if (!isdigit((unsigned char)v[i]) && !one_of(v[i], ".-+e"))
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
		if (!ident_char((unsigned char)v[i]) && v[i] != '-')
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
