#include "cst.h"

#include <string.h>

static const char *const kind_names[] = {
	NULL,
#define X(k, n) n,
	OPSC_CST_KINDS(X)
#undef X
};

static const char *const field_names[] = {
	NULL,
#define X(k, n) n,
	OPSC_CST_FIELDS(X)
#undef X
};

_Static_assert(sizeof kind_names / sizeof *kind_names == OPSC_CST_KIND_COUNT, "kind table");
_Static_assert(sizeof field_names / sizeof *field_names == OPSC_FIELD_COUNT, "field table");

/* Aliased symbols (`for` aliased to identifier) have their own ids with the
 * alias's name, so mapping every named symbol by name covers them. */
void opsc_cst_names_init(opsc_cst_names *names, const TSLanguage *lang)
{
	memset(names, 0, sizeof *names);
	names->lang = lang;
	names->nsymbols = ts_language_symbol_count(lang);
	names->kind_of = opsc_calloc(names->nsymbols, 1);
	for (uint32_t s = 0; s < names->nsymbols; s++) {
		if (ts_language_symbol_type(lang, (TSSymbol)s) != TSSymbolTypeRegular)
			continue;
		const char *name = ts_language_symbol_name(lang, (TSSymbol)s);
		for (int k = 1; k < OPSC_CST_KIND_COUNT; k++)
			if (name && strcmp(name, kind_names[k]) == 0)
				names->kind_of[s] = (uint8_t)k;
	}
	names->nfields = ts_language_field_count(lang) + 1;
	names->field_of = opsc_calloc(names->nfields, 1);
	for (uint32_t f = 1; f < names->nfields; f++) {
		const char *name = ts_language_field_name_for_id(lang, (TSFieldId)f);
		for (int k = 1; k < OPSC_FIELD_COUNT; k++)
			if (name && strcmp(name, field_names[k]) == 0) {
				names->field_of[f] = (uint8_t)k;
				names->field_id[k] = (TSFieldId)f;
			}
	}
}

void opsc_cst_names_dispose(opsc_cst_names *names)
{
	opsc_free(names->kind_of);
	opsc_free(names->field_of);
}

/* tree-sitter already knows rows and byte columns: no line search needed. */
opsc_span opsc_cst_span(const opsc_ctx *ctx, uint32_t file, TSNode node)
{
	(void)ctx;
	TSPoint a = ts_node_start_point(node), b = ts_node_end_point(node);
	return (opsc_span){ file, ts_node_start_byte(node), ts_node_end_byte(node),
			    a.row + 1, a.column + 1, b.row + 1, b.column + 1 };
}
