/*
 * sema_slo.h - the recording rules of an SLO, in the form Sloth generates:
 * the error ratio over each alert window and over the SLO's period
 * (slo:sli_error:ratio_rate<W>), then the objective, the error budget and
 * its burn (slo:objective:ratio, slo:error_budget:ratio, ...). Sema builds
 * them to check every expression with the PromQL parser; the SLO emitter
 * writes the same list.
 */
#ifndef OPSC_SEMA_SLO_H
#define OPSC_SEMA_SLO_H

#include "util.h"
#include "model.h"


/* The recording rules of `slo`, in Sloth's order; returns how many. */
uint32_t opsc_slo_rules(opsc_arena *a, const opsc_slo *slo, opsc_slo_rule *out);

/* "<service>-<name>": the sloth_id label and the suffix of group names. */
const char *opsc_slo_id(opsc_arena *a, const opsc_slo *slo);

/* A number as the rules write it: shortest of up to 12 significant digits. */
const char *opsc_slo_number(opsc_arena *a, double v);

#endif
