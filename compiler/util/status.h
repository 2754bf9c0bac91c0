/*
 * status.h - the exit statuses of every command (docs/integrations.md):
 * 0 clean, 1 findings or errors in the input, 2 a usage or I/O error.
 */
#ifndef OPSC_STATUS_H
#define OPSC_STATUS_H

enum { OPSC_EXIT_OK = 0, OPSC_EXIT_FINDINGS = 1, OPSC_EXIT_USAGE = 2 };

#endif
