/*
 * lint_contradict_secrets.c - ExternalSecrets in the manifests against the
 * Secrets the .ops fill from a store:
 *
 *   external-secret-differs   an ExternalSecret writing a Secret the .ops
 *                             fill from a store reads another store, lacks
 *                             a declared key, or reads a key from another
 *                             remote key or property
 *
 * The ExternalSecrets opsc generates are drift's to compare; this finds
 * the hand-written ones (or ones from another tool) that would fight the
 * generated one over the same Secret. The finding is in the manifest, with
 * the declaring reference as the related location.
 */
#include "lint_policy_int.h"

#include <string.h>

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const opsc_secret *declared_for(const opsc_model *m, const opsc_secret *a)
{
	for (uint32_t i = 0; i < m->nsecrets; i++) {
		const opsc_secret *d = &m->secrets[i];
		if (d->store && same(d->namespace_, a->namespace_) && same(d->name.s, a->name.s))
			return d;
	}
	return NULL;
}

static const opsc_secret_ref *key_of(const opsc_secret *s, const char *key)
{
	for (uint32_t i = 0; i < s->nrefs; i++)
		if (same(s->refs[i]->key.s, key))
			return s->refs[i];
	return NULL;
}

/* What the manifest's remoteRef reads for a declared reference: the
 * defaults are the emitter's (the Secret's name, the key). */
static bool reads_the_same(const opsc_secret *d, const opsc_secret_ref *want, const opsc_secret_ref *got)
{
	const char *key = want->remote.s ? want->remote.s : d->name.s;
	const char *prop = want->property.s ? want->property.s : want->key.s;
	return same(got->remote.s, key) && same(got->property.s, prop);
}

static void add(policy_pass *p, opsc_span where, const opsc_secret *d, const char *msg)
{
	opsc_lint_policy_add(p, "external-secret-differs", (opsc_place){ where, OPSC_IN_ACTUAL },
			     (opsc_place){ d->span, OPSC_IN_DECLARED }, "the .ops reference", msg);
}

static void compare(policy_pass *p, const opsc_secret *a, const opsc_secret *d)
{
	opsc_arena *ar = p->run->out->arena;
	const char *what = opsc_arena_printf(ar, "ExternalSecret for %s/%s", a->namespace_, a->name.s);
	if (!same(a->store_name.s, d->store->name.s)) {
		add(p, a->span, d, opsc_arena_printf(ar, "%s reads store %s; the .ops fill it from %s", what,
						     a->store_name.s ? a->store_name.s : "(none)", d->store->name.s));
		return;
	}
	for (uint32_t i = 0; i < d->nrefs; i++) {
		const opsc_secret_ref *want = d->refs[i];
		const opsc_secret_ref *got = key_of(a, want->key.s);
		if (!got)
			add(p, a->span, d, opsc_arena_printf(ar, "%s has no key %s, which the .ops declare", what,
							     want->key.s));
		else if (!reads_the_same(d, want, got))
			add(p, got->span, d, opsc_arena_printf(ar, "%s reads key %s from %s/%s; the .ops declare %s/%s",
							       what, want->key.s, got->remote.s ? got->remote.s : "",
							       got->property.s ? got->property.s : "",
							       want->remote.s ? want->remote.s : d->name.s,
							       want->property.s ? want->property.s : want->key.s));
	}
}

void opsc_lint_contradict_secrets(policy_pass *p)
{
	for (uint32_t i = 0; i < p->actual->nsecrets; i++) {
		const opsc_secret *a = &p->actual->secrets[i];
		const opsc_secret *d = a->name.s && a->namespace_ ? declared_for(p->declared, a) : NULL;
		if (d)
			compare(p, a, d);
	}
}
