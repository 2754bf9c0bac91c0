/*
 * alertproof.h - the routing proof of the alertmanager emitter: every
 * declared alert reaches a receiver, every route is reached by some alert,
 * every receiver is used by some route. Findings are diagnostics at the
 * alert's, the route's or the receiver's span.
 */
#ifndef OPSC_ALERTPROOF_H
#define OPSC_ALERTPROOF_H

#include "emit.h"

/* Walks the routing tree for every alert of em->model, as Alertmanager's
 * dispatcher does, and reports what it finds in em->ctx->diags.
 * Returns 0, or -1 when PCRE2 could not allocate. */
int opsc_alertproof_check(opsc_emit *em);

/* The receivers Alertmanager delivers `al` to, distinct, in the order the
 * walk reaches them (at most `max`, names owned by the Model); 0 without
 * a route or when it reaches none. */
uint32_t opsc_alertproof_receivers(opsc_emit *em, const opsc_alert *al, const char **out, uint32_t max);

#endif
