/*
 * github.c - the github emitter (not written yet).
 */
#include "emit.h"

static int emit_github(opsc_emit *em)
{
	(void)em;
	return 0;
}

const opsc_emitter opsc_emit_github = { "github", emit_github };
