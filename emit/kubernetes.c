/*
 * kubernetes.c - the kubernetes emitter (not written yet).
 */
#include "emit.h"

static int emit_kubernetes(opsc_emit *em)
{
	(void)em;
	return 0;
}

const opsc_emitter opsc_emit_kubernetes = { "kubernetes", emit_kubernetes };
