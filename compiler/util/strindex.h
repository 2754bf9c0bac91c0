/*
 * strindex.h - name -> slot index; keys are borrowed, not copied.
 */
#ifndef OPSC_STRINDEX_H
#define OPSC_STRINDEX_H

#include <stdint.h>

typedef struct {
	const char **keys;
	uint32_t *vals;
	uint32_t cap, len;
} opsc_strindex;

/* Room for `n` names. */
void opsc_strindex_init(opsc_strindex *ix, uint32_t n);
void opsc_strindex_free(opsc_strindex *ix);
/* Inserts or finds: returns the existing value, or UINT32_MAX after insert. */
uint32_t opsc_strindex_put(opsc_strindex *ix, const char *key, uint32_t val);
/* The value of `key`, or UINT32_MAX. */
uint32_t opsc_strindex_get(const opsc_strindex *ix, const char *key);

#endif
