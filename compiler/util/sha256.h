/*
 * sha256.h - SHA-256 (FIPS 180-4), for baseline fingerprints.
 *
 * No library in the dependency set exposes SHA-256 publicly (libgit2 1.5
 * keeps its hash functions internal), and a fingerprint only needs a
 * stable, collision-resistant digest of a few short strings.
 */
#ifndef OPSC_SHA256_H
#define OPSC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	uint32_t nbuf;
} opsc_sha256;

void opsc_sha256_init(opsc_sha256 *ctx);
void opsc_sha256_update(opsc_sha256 *ctx, const void *data, size_t len);
void opsc_sha256_final(opsc_sha256 *ctx, uint8_t digest[32]);

/* The digest of `data` as 64 lowercase hex digits and a NUL. */
void opsc_sha256_hex(char out[65], const void *data, size_t len);
/* Hex-encodes a finished digest. */
void opsc_sha256_to_hex(char out[65], const uint8_t digest[32]);

#endif
