/*
 * man_int.h - internal to cli/: writing roff (man_roff.c), shared by the
 * pages of the commands (cmd_man.c) and of the language (man_language.c).
 */
#ifndef OPSC_MAN_INT_H
#define OPSC_MAN_INT_H

#include <stddef.h>
#include <stdio.h>

/* Text in roff: a backslash and a minus escaped, and a line that would
 * start with a control character protected. */
void opsc_man_roff(FILE *out, const char *s, size_t n);
/* The same, then a line break. */
void opsc_man_line(FILE *out, const char *s);
/* Text in roff whose `backquoted` spans are set in bold; the text around
 * them is in `font` ('R' roman, 'I' italic), which it returns to. */
void opsc_man_text(FILE *out, const char *s, char font);
/* Paragraphs separated by blank lines; a paragraph whose lines are indented
 * by two spaces is an example, kept as written. */
void opsc_man_paragraphs(FILE *out, const char *s);
/* .TH and NAME of page `page` in `section`: "page \- summary". */
void opsc_man_header(FILE *out, const char *page, int section, const char *summary);

/* opsc-language(5), from the block schemas (man_language.c). */
void opsc_man_language(FILE *out);

#endif
