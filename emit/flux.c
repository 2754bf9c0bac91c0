/*
 * flux.c - the flux emitter (not written yet).
 */
#include "emit.h"

static int emit_flux(opsc_emit *em)
{
	(void)em;
	return 0;
}

const opsc_emitter opsc_emit_flux = { "flux", emit_flux };
