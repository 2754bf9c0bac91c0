/*
 * scan_forms.c - the forms a value is written in that say it is no secret
 * whatever rule found it: references to a secret manager, templates and
 * ciphertext (opsc_scan_reference), and the public values that follow a
 * secret's format (opsc_scan_public_value).
 *
 * Below both scan_text.c (opsc_scan_not_secret applies them to every rule)
 * and scan_plausible.c (the plausibility layer applies them first): tables
 * and short tests over bytes, calling neither.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

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
			name = opsc_scan_ident_char((unsigned char)v[i]) || v[i] == '-' || v[i] == '.' ||
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
		if (!isalnum((unsigned char)v[i]) && !opsc_scan_one_of(v[i], "+/="))
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
