/*
 * scan_plausible.h - whether a value could be a credential at all: the
 * plausibility layer the generic rules and the structural checks share.
 *
 * A provider rule knows its secret's format (`ghp_` and 36 characters); a
 * generic rule or a structural check only knows a key (`password:`,
 * a key of a Kubernetes Secret) and takes what follows. What follows is
 * often not a value: a reference to a secret manager (`op://...`), a
 * template (`{{ .X }}`, `${VAR}`), structure (`valueFrom:`), the name of a
 * Secret (`existingSecret: app-secret`), an expression (`os.getenv(...)`),
 * prose, or a word with digits (`ingress-627`). These functions tell.
 */
#ifndef OPSC_SCAN_PLAUSIBLE_H
#define OPSC_SCAN_PLAUSIBLE_H

#include <stdbool.h>
#include <stddef.h>

/* ---- scan_forms.c */

/* The name of the reference or template form `v` is written in ("1Password
 * reference", "Helm template", ...), or NULL when it is none. Applies to
 * every rule: a reference is never a secret. */
const char *opsc_scan_reference(const char *v, size_t n);

/* Documentation examples and public values that follow a secret's format:
 * jwt.io's example token, Stripe publishable keys. Applies to every rule. */
const char *opsc_scan_public_value(const char *v, size_t n);

/* ---- scan_plausible.c */

/* Why the value at data[pos, pos+vlen), found after a credential-named key,
 * is not a credential, or NULL when it may be one. The text before the
 * value gives its key and quoting; the text after it, prose. */
const char *opsc_scan_implausible(const char *data, size_t len, size_t pos, size_t vlen);

/* Whether a value is credential-like on its own, whatever its key: long,
 * random and not a word, a name, a host or public key material. The test
 * for keys of a Kubernetes Secret whose names say nothing. */
bool opsc_scan_random_token(const char *v, size_t n);

/* Certificates, public keys and known_hosts lines: public by design. */
bool opsc_scan_public_material(const char *v, size_t n);

/* Keys whose values are never credentials (usernames, hosts, ports,
 * names of Secrets, certificates): "username", "existingSecret". */
bool opsc_scan_non_secret_key(const char *key, size_t n);

/* The length of decoded bytes without the one line break `echo x | base64`
 * leaves at their end. */
size_t opsc_scan_trim_newline(const unsigned char *s, size_t n);

/* The key a value is assigned to (`key: v`, `"key" = "v"`, `key := v`):
 * its offset and length in `data`, or false when there is none. */
bool opsc_scan_key_before(const char *data, size_t pos, size_t *start, size_t *len);

#endif
