/*
 * units.h - literals with units, checked at compile time. Pure functions:
 * each returns true on success, or false with a message (static string or
 * written to `why`) saying what is wrong in the user's terms.
 */
#ifndef OPSC_UNITS_H
#define OPSC_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "30s" "5m" "4h" "7d" "2w" "1h30m" -> seconds. */
bool opsc_units_duration(const char *text, int64_t *out_seconds, const char **why);
/* Kubernetes quantity "500m" "64Gi" "1.5G" "2" -> milli-units. */
bool opsc_units_quantity(const char *text, double *out_milli, const char **why);
/* Whether the number of a quantity, number[0..len) ("1.5", "2e3"), times
 * 10^e10 and 2^e2 (its suffix) is one the Kubernetes API keeps as written:
 * at most 2^63-1 (quantity.c). */
bool opsc_units_quantity_in_range(const char *number, size_t len, int e10, int e2, const char **why);
/* A quantity of `milli` milli-units written back with a suffix: 1280Mi,
 * 1.5G, 2.1, 500m (into buf, at most cap bytes). */
void opsc_units_quantity_format(char *buf, size_t cap, double milli);
/* "tcp"/"udp"/"sctp" in any case -> "TCP"/"UDP"/"SCTP". */
const char *opsc_units_protocol(const char *text);
/* A 5-field cron expression or @daily-style macro; on error `why` names the
 * bad field (written into buf). */
bool opsc_units_cron(const char *text, char *why, size_t whylen);
/* Longest gap between two firings of a valid cron expression, in seconds
 * (searched over a leap-year cycle of minutes; 0 if it never fires). */
int64_t opsc_units_cron_max_interval(const char *text);
/* Whether a valid schedule can never run (`0 2 31 2 *`: there is no
 * February 31st); `why` then says which day and months. */
bool opsc_units_cron_never(const char *text, char *why, size_t whylen);
/* IPv4 or IPv6 CIDR "10.0.0.0/8". */
bool opsc_units_cidr(const char *text);
/* RFC 1123 label: what Kubernetes requires of namespace names. */
bool opsc_units_dns_label(const char *text);

#endif
