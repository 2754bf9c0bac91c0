/*
 * sema_gotmpl_int.h - what the Go template lexer and parser share.
 */
#ifndef OPSC_SEMA_GOTMPL_INT_H
#define OPSC_SEMA_GOTMPL_INT_H

#include "util.h"
#include "sema_gotmpl.h"

/* The items of Go's text/template/parse/lex.go. */
typedef enum {
	G_EOF,
	G_ERROR, /* the lexer stopped; the message is in the lexer's error */
	G_TEXT, G_LDELIM, G_RDELIM, G_SPACE,
	G_ASSIGN, G_DECLARE, G_PIPE, G_LPAREN, G_RPAREN,
	G_CHAR, /* any other printable ASCII character, as `,` */
	G_STRING, G_RAWSTRING, G_CHARCONST, G_NUMBER, G_COMPLEX,
	G_BOOL, G_NIL, G_DOT, G_FIELD, G_VARIABLE, G_IDENT,
	/* keywords */
	G_BLOCK, G_BREAK, G_CONTINUE, G_DEFINE, G_ELSE, G_END, G_IF, G_RANGE, G_TEMPLATE, G_WITH,
} gtok_kind;

typedef struct {
	gtok_kind kind;
	uint32_t start, end;
	uint32_t action; /* start of the {{ this token is inside */
} gtok;

typedef opsc_array(gtok) gtok_list;

/* Lexes the whole text: the list ends with G_EOF, or with G_ERROR whose
 * message is in *err (the lexer stops at its first error, as Go's does). */
void gotmpl_lex(const char *s, uint32_t len, gtok_list *out, opsc_gotmpl_error *err);
/* Records the first error only; later ones are consequences. */
void gotmpl_fail(opsc_gotmpl_error *err, uint32_t start, uint32_t end, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Whether the literal [s, s+n) is a number Go's strconv reads (the
 * parser's newNumber); else a message in buf. */
bool gotmpl_number(const char *s, uint32_t n, gtok_kind kind, char *buf, uint32_t cap);
/* Whether a quoted string or character literal has only valid escapes. */
bool gotmpl_quoted(const char *s, uint32_t n, char *buf, uint32_t cap);

#endif
