/*
 * prometheus.c - the prometheus emitter (not written yet).
 */
#include "emit.h"

static int emit_prometheus(opsc_emit *em)
{
	(void)em;
	return 0;
}

const opsc_emitter opsc_emit_prometheus = { "prometheus", emit_prometheus };
