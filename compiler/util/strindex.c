/*
 * strindex.c - an open-addressing table from borrowed strings to slots
 * (FNV-1a, linear probing), sized once for the names it will hold.
 */
#include "strindex.h"

#include <string.h>

#include "alloc.h"

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void opsc_strindex_init(opsc_strindex *ix, uint32_t n)
{
	ix->cap = 16;
	while (ix->cap < n * 2 + 2)
		ix->cap *= 2;
	ix->keys = opsc_calloc(ix->cap, sizeof *ix->keys);
	ix->vals = opsc_calloc(ix->cap, sizeof *ix->vals);
	ix->len = 0;
}

void opsc_strindex_free(opsc_strindex *ix)
{
	opsc_free(ix->keys);
	opsc_free(ix->vals);
}

/* Inserts or finds: returns the existing value, or UINT32_MAX after insert. */
uint32_t opsc_strindex_put(opsc_strindex *ix, const char *key, uint32_t val)
{
	uint32_t i = hash(key) & (ix->cap - 1);
	while (ix->keys[i]) {
		if (strcmp(ix->keys[i], key) == 0)
			return ix->vals[i];
		i = (i + 1) & (ix->cap - 1);
	}
	ix->keys[i] = key;
	ix->vals[i] = val;
	ix->len++;
	return UINT32_MAX;
}

uint32_t opsc_strindex_get(const opsc_strindex *ix, const char *key)
{
	uint32_t i = hash(key) & (ix->cap - 1);
	while (ix->keys[i]) {
		if (strcmp(ix->keys[i], key) == 0)
			return ix->vals[i];
		i = (i + 1) & (ix->cap - 1);
	}
	return UINT32_MAX;
}
