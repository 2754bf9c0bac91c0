/*
 * base64.h - standard base64 decoding.
 */
#ifndef OPSC_BASE64_H
#define OPSC_BASE64_H

#include <stddef.h>

/* Decodes standard base64 into `out` (capacity `cap`); returns the decoded
 * length, or -1 when `in` is not base64. */
long opsc_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap);

#endif
