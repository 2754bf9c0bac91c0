/*
 * schema.h - the block schemas of the language: which blocks nest where,
 * their labels and attributes with their types. sema checks against them;
 * the language server completes and explains from them.
 */
#ifndef OPSC_SCHEMA_H
#define OPSC_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
	A_STRING, A_INT, A_NUMBER, A_BOOL, A_DURATION, A_QUANTITY, A_PERCENT, A_CRON,
	A_STRINGS, /* list of strings; bare words allowed (verbs, label names) */
	A_ENV_REFS, /* `all` or a list of env.NAME */
	A_RECEIVER, /* receiver.NAME */
	A_SECRET, /* secret("name", "key") */
	A_MAP, /* { key = "value" } */
	A_ALERT_SEVERITY, /* critical | warning | info */
	A_LEVEL, /* error | warning | note */
	A_PATTERN, /* a PCRE2 pattern in a string or raw string */
	A_PEERS, /* all | [namespace(..), pods(..), cidr(..)] */
	A_PORTS, /* [53/udp, 443/tcp] */
	A_SUBJECTS, /* [user(..), group(..), service_account(..)] */
	A_DIRECTIONS, /* [ingress, egress] */
	A_ID_MAP, /* { "alice" = 1001 } */
	A_LEVEL_OR_OFF, /* rules { id = warning | off } */
	A_COUNT, /* a whole number of objects: 10, 1k (quota counts) */
	A_STORE, /* store.NAME (sema_secrets.c) */
	A_SECRETS, /* a list of secret(..) */
	A_POD_SECURITY, /* restricted | baseline | privileged */
} sema_type;

typedef struct {
	const char *name;
	sema_type type;
	bool required;
	const char *doc; /* one line, for opsc-language(5); `code` in backquotes */
} sema_attr;

typedef struct sema_schema sema_schema;
struct sema_schema {
	const char *type; /* block type as written */
	const char *parent; /* enclosing block type; NULL at the top level */
	uint8_t min_labels, max_labels;
	const char *labels_hint; /* what the labels are, for messages */
	const sema_attr *attrs; /* NULL-name terminated; NULL: any attribute (rules, use) */
	bool statements; /* allows when / for / require / deny */
	const char *doc; /* one line, for opsc-language(5) */
};

const sema_schema *sema_schema_find(const char *type, const char *parent);
/* Every schema, in the order of the reference (a block before the blocks
 * nested in it). */
const sema_schema *sema_schema_all(uint32_t *n);
/* Block types allowed inside `parent` (NULL: top level), for suggestions. */
uint32_t sema_schema_children(const char *parent, const char **out, uint32_t max);
const sema_attr *sema_schema_attr(const sema_schema *s, const char *name);
const char *sema_type_name(sema_type t);

#endif
