/*
 * velero.c - the velero emitter (not written yet).
 */
#include "emit.h"

static int emit_velero(opsc_emit *em)
{
	(void)em;
	return 0;
}

const opsc_emitter opsc_emit_velero = { "velero", emit_velero };
