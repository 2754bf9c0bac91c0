/*
 * lsp.h - the interface of lsp/: `opsc lsp`, the language server for
 * editors over stdio (lsp_int.h says which file does what).
 */
#ifndef OPSC_LSP_H
#define OPSC_LSP_H

#include <stdio.h>

/* Serves one client on `in`/`out` until `exit` or the end of input: 0
 * after `shutdown` then `exit`, 1 otherwise (the `lsp` command's status). */
int opsc_lsp_serve(FILE *in, FILE *out);

#endif
