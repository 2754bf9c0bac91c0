/*
 * fuzz_promql.c - libFuzzer target over the PromQL parser
 * (compiler/promql/): any crash, sanitizer report or timeout is a bug, and
 * so is an error outside the input or without a message.
 */
#include <stdint.h>
#include <stdlib.h>

#include "promql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > UINT32_MAX)
		return 0;
	opsc_promql_error err;
	opsc_promql_type type = OPSC_PROMQL_NONE;
	if (opsc_promql_check((const char *)data, (uint32_t)size, &err, &type)) {
		if (type == OPSC_PROMQL_NONE)
			abort(); /* an accepted expression has a type */
	} else if (err.start > err.end || err.end > size || !err.message[0]) {
		abort();
	}
	return 0;
}
