/*
 * embed.h - .ops modules compiled into the binary (stdlib and built-in
 * policies), generated at build time by stdlib/embed.py.
 */
#ifndef OPSC_EMBED_H
#define OPSC_EMBED_H

#include <stddef.h>

typedef struct {
	const char *name; /* "std/alerts", "policies/secrets" */
	const char *file; /* "alerts.ops": shown in diagnostics */
	const char *text;
	size_t len;
} opsc_embedded;

/* Both tables end with an entry whose name is NULL. */
extern const opsc_embedded opsc_stdlib[];
extern const opsc_embedded opsc_builtin_policies[];

const opsc_embedded *opsc_embed_find(const opsc_embedded *table, const char *name);

#endif
