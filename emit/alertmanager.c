/*
 * alertmanager.c - the alertmanager emitter (not written yet).
 */
#include "emit.h"

static int emit_alertmanager(opsc_emit *em)
{
	(void)em;
	return 0;
}

const opsc_emitter opsc_emit_alertmanager = { "alertmanager", emit_alertmanager };
