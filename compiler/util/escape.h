/*
 * escape.h - one way per output format to write a string opsc did not make
 * itself: file names, resource and manifest names, commit authors, values
 * read from YAML, and messages that quote any of them.
 *
 * Such a string may hold a newline followed by `::error file=...` (a forged
 * GitHub workflow command), an ESC or OSC sequence (a terminal hyperlink, a
 * title change, a cleared screen), a C1 control a terminal reads as CSI, a
 * bidirectional override (text that reads differently than it runs), or bytes
 * that are not UTF-8. Every writer of user-facing output goes through the
 * helper of its format:
 *
 *   text (terminal, opsc check/lint/diff/build)  opsc_esc_text*
 *   GitHub workflow commands                     opsc_esc_github
 *   markdown (the job summary)                   opsc_esc_markdown
 *   SARIF / JSON paths that are not UTF-8        opsc_esc_uri
 *   JSON and SARIF strings                       opsc_esc_utf8 (jansson escapes
 *                                                the rest)
 *
 * The visible escapes: \n, \r, \t; \xHH for another C0 control, DEL or a byte
 * that is not part of valid UTF-8; \uHHHH for a C1 control (U+0080-U+009F) or
 * a bidirectional control (U+202A-U+202E, U+2066-U+2069). A backslash is
 * written as is: the escapes make output safe, not reversible.
 */
#ifndef OPSC_ESCAPE_H
#define OPSC_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alloc.h"

/* One character of s (len > 0) on `out` (NULL: only measure), escaped for a
 * terminal. Returns the bytes of s it consumed (at least 1) and adds the
 * columns written to *width. */
size_t opsc_esc_text_char(FILE *out, const char *s, size_t len, uint32_t *width);
/* s[0..len) escaped for a terminal. */
void opsc_esc_text(FILE *out, const char *s, size_t len);
/* A NUL-terminated string escaped for a terminal. */
void opsc_esc_text_str(FILE *out, const char *s);
/* A string that starts a line of output: as opsc_esc_text_str, and a ':'
 * before the first letter or digit as \x3a, because a GitHub runner reads
 * a line that starts with "::" after white space as a workflow command. */
void opsc_esc_text_line(FILE *out, const char *s);
void opsc_esc_text_linen(FILE *out, const char *s, size_t len);
/* Text of several lines (a rule's explanation, a help): each line as by
 * opsc_esc_text_linen, the lines joined by a newline and `indent`. */
void opsc_esc_text_lines(FILE *out, const char *s, const char *indent);
/* fprintf whose every %s argument is escaped for a terminal: the format
 * itself is opsc's own text; a %s that starts the format or follows a
 * newline in it starts a line (opsc_esc_text_line). Only %s, %u, %zu, %d,
 * %c and %% are known. */
void opsc_esc_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A workflow command's message (property false) or property value: %, CR and
 * LF as the runner decodes them (%25, %0D, %0A), ':' and ',' in properties
 * (%3A, %2C), every other control as in text. */
void opsc_esc_github(FILE *out, const char *s, bool property);

/* Text in a markdown table cell: the characters markdown gives a meaning
 * inline (| ` * _ [ ] < > ~ ! & $ and the backslash) behind a backslash,
 * controls as in text. */
void opsc_esc_markdown(FILE *out, const char *s);

/* Whether s[0..len) is valid UTF-8 (no overlong forms, no surrogates). */
bool opsc_esc_is_utf8(const char *s, size_t len);
/* s if it is valid UTF-8, else a copy in `arena` with each invalid byte as
 * \xHH: jansson takes only UTF-8, and a message must not be lost. */
const char *opsc_esc_utf8(opsc_arena *arena, const char *s);
/* A path as a URI reference (RFC 3986): every byte but the unreserved
 * characters and '/' percent-encoded. In `arena`. */
const char *opsc_esc_uri(opsc_arena *arena, const char *path);

/* "ghp_… (40 chars)": at most the first four characters of `secret` (fewer
 * for short secrets, none that is not printable ASCII) and its length. */
char *opsc_esc_redact(opsc_arena *arena, const char *secret, size_t len);

#endif
