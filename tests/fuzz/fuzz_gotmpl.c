/*
 * fuzz_gotmpl.c - libFuzzer target over the Go template parser
 * (compiler/sema_gotmpl.c), in both dialects: any crash, sanitizer report
 * or timeout is a bug, and so is an error outside the input or without a
 * message. The first byte picks the dialect.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sema_gotmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > UINT32_MAX)
		return 0;
	opsc_gotmpl_dialect d = data[0] & 1 ? OPSC_GOTMPL_ALERTMANAGER : OPSC_GOTMPL_PROMETHEUS;
	opsc_gotmpl_error err;
	uint32_t n = (uint32_t)size - 1;
	if (!opsc_gotmpl_check((const char *)data + 1, n, d, &err) &&
	    (err.start > err.end || err.end > n || !err.message[0]))
		abort();
	return 0;
}
