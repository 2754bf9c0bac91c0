/*
 * policy.h - evaluating `policy` blocks over a Model.
 *
 * A policy's body is the checked AST (for/require/deny, see ast.h). The
 * evaluator walks it with values of a small dynamic type system (below):
 * variables bound by `for` and quantifiers, collections of the Model
 * (`environments`, `roles`, ...), record fields read through ONE table of
 * (record kind, field name) -> type + getter, which sema's policy type
 * checker reads as well (opsc_policy_field_find).
 *
 * Evaluation is bounded: quantifiers range over Model collections and lists
 * only, there is no recursion and no loop other than over finite lists, so
 * it always terminates; and it stops after OPSC_POLICY_STEP_BUDGET
 * expressions, so it terminates soon. Each quantifier and `for` element's
 * values are freed when the element is done: memory does not grow with the
 * number of elements visited. Runtime errors (index out of range, division by
 * zero, a type the checker would have rejected) are diagnostics at the
 * expression, reported once per expression, and the statement is skipped
 * for that binding.
 *
 * The same policies run on the declared Model (spans into .ops files) and
 * on the actual Model read from manifests (spans into YAML files): a
 * finding is located at the offending Model node, wherever it came from.
 */
#ifndef OPSC_POLICY_H
#define OPSC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "model.h"

/* Record kinds: the Model nodes a policy can see. Every one of these
 * structs starts with its `opsc_span span` (checked in policy_fields.c). */
typedef enum {
	OPSC_REC_PROJECT,
	OPSC_REC_ENV,
	OPSC_REC_PROTECT,
	OPSC_REC_QUOTA,
	OPSC_REC_ROLE,
	OPSC_REC_RBAC_RULE,
	OPSC_REC_BINDING,
	OPSC_REC_SUBJECT,
	OPSC_REC_NETWORK,
	OPSC_REC_NET_RULE,
	OPSC_REC_PEER,
	OPSC_REC_PORT,
	OPSC_REC_BACKUP,
	OPSC_REC_ALERT,
	OPSC_REC_RECEIVER,
	OPSC_REC_WORKLOAD,
	OPSC_REC_CONTAINER,
	OPSC_REC_VOLUME,
	OPSC_REC_SECRET,
	OPSC_REC_SECRET_STORE,
	OPSC_REC_SLO,
	OPSC_REC_COUNT
} opsc_record_kind;

/* Types of policy values. UNIT is a literal such as `5m` whose meaning
 * (duration or quantity) is fixed by what it is compared with. */
typedef enum {
	OPSC_PT_NULL,
	OPSC_PT_BOOL,
	OPSC_PT_NUMBER,
	OPSC_PT_STRING,
	OPSC_PT_DURATION, /* seconds */
	OPSC_PT_PERCENT, /* 80% is 80 */
	OPSC_PT_QUANTITY, /* milli-units */
	OPSC_PT_UNIT,
	OPSC_PT_MAP, /* string -> string (labels, selectors) */
	OPSC_PT_LIST,
	OPSC_PT_RECORD,
} opsc_ptype;

/* A static type: `list of role` is { LIST, RECORD, OPSC_REC_ROLE }. */
typedef struct {
	opsc_ptype base;
	opsc_ptype elem; /* LIST only */
	opsc_record_kind record; /* RECORD, or LIST of RECORD */
} opsc_policy_type;

typedef struct opsc_value opsc_value;

struct opsc_value {
	opsc_ptype type;
	union {
		bool b;
		double num; /* NUMBER, DURATION, PERCENT, QUANTITY */
		const char *str; /* STRING */
		struct {
			const opsc_value *items;
			uint32_t len;
		} list;
		const opsc_kvs *map;
		struct {
			opsc_record_kind kind;
			const void *node;
		} rec;
		struct {
			double seconds, milli; /* as a duration (when is_dur), as a quantity */
			bool is_dur;
			const char *text;
		} unit;
	};
	const char *text; /* QUANTITY: as written ("64Gi"), may be NULL */
	/* Where a value read from the Model was written (workload fields), or
	 * NULL: a finding about it is located there rather than at its record. */
	const opsc_span *at;
};

typedef struct opsc_policy_field opsc_policy_field;

/* Reads a field of `node`. Lists are built in `arena` (scratch memory of
 * one evaluation); `model` gives `all`-environment lists. */
typedef opsc_value (*opsc_policy_getter)(opsc_arena *arena, const opsc_model *model,
					 const void *node, const opsc_policy_field *field);

struct opsc_policy_field {
	opsc_record_kind record;
	const char *name; /* as written in policies: e.protect.approvals */
	opsc_policy_type type;
	opsc_policy_getter get;
	size_t off; /* offset of the member the generic getters read */
	const char *arg; /* getter argument (quota resource name), or NULL */
};

/* The field `name` of records of kind `record`, or NULL. */
const opsc_policy_field *opsc_policy_field_find(opsc_record_kind record, const char *name);
/* Every field, for listings and "did you mean". */
const opsc_policy_field *opsc_policy_fields(uint32_t *out_len);
/* "environment", "role", ... for messages. */
const char *opsc_policy_record_name(opsc_record_kind record);

/* A top-level collection (`environments`): its record kind, or -1 when
 * `name` is not one. */
int opsc_policy_collection_find(const char *name);
/* The collection as a list value, built in `arena`. */
opsc_record_kind opsc_policy_collection_kind(int collection);
opsc_value opsc_policy_collection(opsc_arena *arena, const opsc_model *model, int collection);
/* The span of a record (every record struct starts with it). */
opsc_span opsc_policy_record_span(const opsc_value *record);
/* A record's `name` field as a string, or NULL when it has none. */
const char *opsc_policy_record_label(const opsc_value *record);

/* ----------------------------------------------------------- evaluation */

/* Expressions one policy may evaluate over one Model (docs/language.md).
 * Nested quantifiers multiply: four over 300 environments are 8.1e9
 * elements. Past the budget the policy stops with an error at the policy,
 * and the next policy runs. */
#define OPSC_POLICY_STEP_BUDGET 50000000u

typedef struct {
	const char *rule; /* the policy name */
	opsc_severity severity;
	const char *message; /* interpolated, or a description of the condition */
	opsc_span where; /* the offending Model node (.ops or YAML), or the statement */
	opsc_span stmt; /* the require/deny statement in the .ops file */
	opsc_record_kind kind; /* of `node` */
	const void *node; /* the offending Model node, NULL when none was bound */
} opsc_policy_finding;

/* Called for every finding; everything it points to is valid only during
 * the call. Return non-zero to stop evaluating. */
typedef int (*opsc_policy_cb)(void *user, const opsc_policy_finding *finding);

/* Evaluates one policy over `model` with the policy's own severity.
 * Runtime errors go to ctx->diags. Returns 0, or non-zero when the callback
 * stopped the evaluation. */
int opsc_policy_eval(opsc_ctx *ctx, const opsc_model *model, const opsc_policy *policy,
		     opsc_policy_cb cb, void *user);

/* Evaluates every policy of `declared` over `target` (the declared Model
 * itself, or the actual Model read from manifests), with the severities
 * and disabled rules of declared's project block; `project` in policies
 * is declared's. Returns like opsc_policy_eval. */
int opsc_policy_eval_all(opsc_ctx *ctx, const opsc_model *declared, const opsc_model *target,
			 opsc_policy_cb cb, void *user);


#endif
