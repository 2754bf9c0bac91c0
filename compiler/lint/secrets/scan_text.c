/*
 * scan_text.c - byte-level helpers of the secret scanner: entropy, lines,
 * base64, and the tests that tell a value which is not a secret.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "scan_int.h"
#include "scan_plausible.h"

double opsc_scan_entropy(const char *s, size_t len)
{
	uint32_t count[256] = { 0 };
	for (size_t i = 0; i < len; i++)
		count[(unsigned char)s[i]]++;
	double h = 0;
	for (int c = 0; c < 256; c++)
		if (count[c]) {
			double p = (double)count[c] / (double)len;
			h -= p * log2(p);
		}
	return h;
}

bool opsc_scan_may_be_secret(const char *s, size_t len)
{
	if (len < 12)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
			return false; /* prose, PromQL, commands */
	return opsc_scan_entropy(s, len) >= 3.3;
}

size_t opsc_scan_line_start(const char *data, size_t pos)
{
	while (pos > 0 && data[pos - 1] != '\n')
		pos--;
	return pos;
}

size_t opsc_scan_line_end(const char *data, size_t len, size_t pos)
{
	const char *nl = pos < len ? memchr(data + pos, '\n', len - pos) : NULL;
	return nl ? (size_t)(nl - data) : len;
}

uint32_t opsc_scan_indent(const char *data, size_t len, size_t ls, bool *item)
{
	size_t p = ls;
	*item = false;
	while (p < len && data[p] == ' ')
		p++;
	if (p + 1 < len && data[p] == '-' && data[p + 1] == ' ') {
		*item = true;
		p += 2;
		while (p < len && data[p] == ' ')
			p++;
	}
	return (uint32_t)(p - ls);
}

/* ------------------------------------------------------------ not secrets */

static bool has_ci(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return true;
	return false;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool all_of(const char *s, size_t len, int (*pred)(int))
{
	for (size_t i = 0; i < len; i++)
		if (!pred((unsigned char)s[i]))
			return false;
	return len > 0;
}

/* Words that only ever appear in values somebody has still to fill in. */
static const char *const placeholder_words[] = {
	"changeme", "change_me", "change-me", "replaceme", "replace_me", "replace-me",
	"your-", "your_", "yourapikey", "yourtoken", "yourpassword", "placeholder",
	"redacted", "dummy", "example", "fake", "xxxx", "****", "...", "<", ">", "${", "{{",
	"notreal", "not-a-real", "insert_", "insert-", "fill_in", "fill-in", "todo",
	"sample", "secret_here", "token_here", "key_here", "password_here",
};

/* Text right before a value that makes it a digest or a checksum. */
static const char *const hash_prefixes[] = {
	"sha256:", "sha512:", "sha384:", "sha1:", "md5:", "sha256-", "sha512-",
	"sha384-", "sha1-", "h1:", "sha256=", "sha1=", "blake2b-", "xxh64:",
};

static int is_path_char(int c)
{
	return islower(c) || isdigit(c) || c == '/' || c == '.' || c == '_' || c == '-';
}

/* "/run/secrets/db-password": where a secret is mounted, not the secret. */
static bool is_path(const char *s, size_t len)
{
	return len > 1 && s[0] == '/' && all_of(s, len, is_path_char);
}

/* Whole values that are only ever defaults in examples. */
static const char *const placeholder_values[] = {
	"password", "secret", "postgres", "root", "admin", "pass", "test", "example",
	"default", "none", "null", "true", "false", "token", "guest", "user",
};

static bool placeholder_value(const char *v, size_t len)
{
	for (size_t i = 0; i < sizeof placeholder_values / sizeof *placeholder_values; i++)
		if (strlen(placeholder_values[i]) == len && strncasecmp(v, placeholder_values[i], len) == 0)
			return true;
	return false;
}

bool opsc_scan_uuid(const char *s, size_t len)
{
	if (len != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static int is_ident_char(int c)
{
	return isupper(c) || isdigit(c) || c == '_';
}

static bool preceded_by(const char *data, size_t pos, const char *prefix)
{
	size_t n = strlen(prefix);
	return pos >= n && strncasecmp(data + pos - n, prefix, n) == 0;
}

/* `checksum/config: ...`, `"integrity": ...`: the key says it is a hash. */
static bool checksum_key(const char *data, size_t pos)
{
	size_t ls = opsc_scan_line_start(data, pos);
	static const char *const words[] = { "checksum", "integrity", "digest", "hash" };
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (has_ci(data + ls, pos - ls, words[i]))
			return true;
	return false;
}

/* A 40-hex value where the line speaks of git: commits, refs, action pins. */
static bool git_sha(const char *data, size_t len, size_t pos, size_t vlen)
{
	if (vlen != 40 || !all_of(data + pos, vlen, isxdigit))
		return false;
	size_t ls = opsc_scan_line_start(data, pos), le = opsc_scan_line_end(data, len, pos);
	static const char *const words[] = { "commit", "sha", "rev", "ref", "git", "uses:", "@" };
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (has_ci(data + ls, le - ls, words[i]))
			return true;
	return false;
}

const char *opsc_scan_not_secret(const char *data, size_t len, size_t pos, size_t vlen)
{
	const char *v = data + pos;
	for (size_t i = 0; i < sizeof placeholder_words / sizeof *placeholder_words; i++)
		if (has_ci(v, vlen, placeholder_words[i]))
			return "placeholder";
	if (placeholder_value(v, vlen))
		return "placeholder";
	if (opsc_scan_reference(v, vlen))
		return "reference";
	if (opsc_scan_public_value(v, vlen))
		return "public value";
	for (size_t i = 0; i < sizeof hash_prefixes / sizeof *hash_prefixes; i++)
		if (preceded_by(data, pos, hash_prefixes[i]) || starts_with(v, vlen, hash_prefixes[i]))
			return "digest";
	if (checksum_key(data, pos))
		return "checksum";
	if (starts_with(v, vlen, "ENC[") || preceded_by(data, pos, "ENC["))
		return "sops ciphertext";
	if (is_path(v, vlen))
		return "file path";
	if (git_sha(data, len, pos, vlen))
		return "git sha";
	if (all_of(v, vlen, isdigit))
		return "number";
	if (vlen > 2 && all_of(v, vlen, is_ident_char) && memchr(v, '_', vlen) && !isdigit((unsigned char)v[0]))
		return "variable name";
	return NULL;
}

/* Key suffixes (lowercased, '-' as '_') that name a credential. */
static const char *const credential_suffixes[] = {
	"password", "passwd", "_pwd", "_pass", "secret", "token", "apikey", "api_key",
	"access_key", "secret_key", "private_key", "signing_key", "encryption_key",
	"master_key", "auth_key", "credentials", "credential",
};

bool opsc_scan_credential_name(const char *key, size_t len)
{
	char norm[128];
	if (len == 0 || len >= sizeof norm)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = (char)tolower((unsigned char)key[i]);
		norm[i] = c == '-' ? '_' : c;
	}
	for (size_t i = 0; i < sizeof credential_suffixes / sizeof *credential_suffixes; i++) {
		size_t n = strlen(credential_suffixes[i]);
		if (len >= n && memcmp(norm + len - n, credential_suffixes[i], n) == 0)
			return true;
	}
	return false;
}

/* ----------------------------------------------------------------- base64 */

/* -------------------------------------------------------------- file kinds */

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static const char *const lockfiles[] = {
	"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "go.sum",
	"Cargo.lock", "poetry.lock", "Pipfile.lock", "composer.lock", "Gemfile.lock",
	".terraform.lock.hcl", "flake.lock", "mix.lock", "packages.lock.json", "uv.lock",
	"pdm.lock", "gradle.lockfile", "Podfile.lock", "pubspec.lock", "conan.lock",
};

bool opsc_scan_lockfile(const char *path)
{
	const char *base = basename_of(path);
	for (size_t i = 0; i < sizeof lockfiles / sizeof *lockfiles; i++)
		if (strcmp(base, lockfiles[i]) == 0)
			return true;
	return false;
}

bool opsc_scan_tfstate(const char *path)
{
	const char *base = basename_of(path);
	size_t n = strlen(base);
	if (n >= 8 && strcmp(base + n - 8, ".tfstate") == 0)
		return true;
	return strstr(base, ".tfstate.") != NULL && n >= 7 && strcmp(base + n - 7, ".backup") == 0;
}
