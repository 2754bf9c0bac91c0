/*
 * alertmanager.c - the routing tree and receivers, twice:
 *
 *   <cluster>/monitoring/alertmanager-config.yaml
 *       an AlertmanagerConfig (monitoring.coreos.com/v1alpha1) for the
 *       Prometheus Operator, the same for every cluster;
 *   alertmanager/alertmanager.yml
 *       a plain Alertmanager configuration for installs without the operator.
 *
 * Secrets are only ever named: a Secret and a key in the AlertmanagerConfig
 * (the operator reads them from the `monitoring` namespace), a file under
 * /etc/alertmanager/secrets/<secret>/<key> in the plain file (where a Secret
 * listed in the Alertmanager resource's `secrets` is mounted). No value ever
 * reaches the output.
 *
 * The plain file keeps to the fields Alertmanager 0.25 (Debian's amtool)
 * accepts: *_file fields exist there for Slack, PagerDuty and email, not for
 * a webhook's URL (`url_file` came in 0.26), so webhooks are left out of it
 * with a warning. The routing proof (alertproof.c) walks every alert
 * down the tree at compile time, with the other checks of verify.c.
 */
#include <inttypes.h>
#include <string.h>

#include "emit.h"
#include "verify.h"
#include "yamlw.h"

#define SECRETS_DIR "/etc/alertmanager/secrets"

static const char *const match_ops[] = {
	[OPSC_MATCH_EQ] = "=",
	[OPSC_MATCH_NE] = "!=",
	[OPSC_MATCH_RE] = "=~",
	[OPSC_MATCH_NRE] = "!~",
};
_Static_assert(sizeof match_ops / sizeof *match_ops == OPSC_MATCH_NRE + 1, "one operator per opsc_match_op");

/* ------------------------------------------------------------ formatting */


static const char *receiver_of(const opsc_route *r)
{
	if (r->receiver)
		return r->receiver->name.s;
	return r->receiver_name.s && *r->receiver_name.s ? r->receiver_name.s : NULL;
}

static void write_durations(opsc_emit *em, opsc_yw *w, const opsc_route *r, const char *const keys[3])
{
	const int64_t secs[3] = { r->group_wait_s, r->group_interval_s, r->repeat_interval_s };
	for (size_t i = 0; i < 3; i++)
		if (secs[i] > 0)
			opsc_yw_kv(w, keys[i], opsc_emit_duration(em, secs[i]));
}

static void write_group_by(opsc_yw *w, const char *key, const opsc_strs *labels)
{
	if (labels->len == 0)
		return;
	opsc_yw_str(w, key);
	opsc_yw_flow_seq(w);
	for (uint32_t i = 0; i < labels->len; i++)
		opsc_yw_str(w, labels->items[i].s);
	opsc_yw_end(w);
}

/* A matcher in Alertmanager's string form: severity="critical". */
static const char *matcher_text(opsc_emit *em, const opsc_matcher *m)
{
	opsc_array(char) buf = { 0 };
	for (const char *c = m->value.s; *c; c++) {
		if (*c == '"' || *c == '\\' || *c == '\n')
			opsc_array_push(&buf, '\\');
		opsc_array_push(&buf, *c == '\n' ? 'n' : *c);
	}
	opsc_array_push(&buf, '\0');
	const char *text = opsc_arena_printf(em->ctx->arena, "%s%s\"%s\"", m->label.s, match_ops[m->op],
					     buf.items);
	opsc_array_free(&buf);
	return text;
}

/* ------------------------------------------------------ notifier writers */

static void crd_secret(opsc_yw *w, const char *key, const opsc_secret_ref *ref)
{
	if (!ref->name.s || !ref->key.s)
		return;
	opsc_yw_key_map(w, key);
	opsc_yw_kv(w, "name", ref->name.s);
	opsc_yw_kv(w, "key", ref->key.s);
	opsc_yw_end(w);
}

static void plain_secret(opsc_emit *em, opsc_yw *w, const char *key, const opsc_secret_ref *ref)
{
	if (!ref->name.s || !ref->key.s)
		return;
	opsc_yw_kv(w, key, opsc_arena_printf(em->ctx->arena, SECRETS_DIR "/%s/%s", ref->name.s, ref->key.s));
}

/* send_resolved is written only when the .ops sets it (true or false):
 * unset, each integration keeps Alertmanager's own default (off for Slack
 * and email, on for PagerDuty and webhooks). */
static void send_resolved(opsc_yw *w, const char *key, const opsc_notifier *n)
{
	if (n->send_resolved_set)
		opsc_yw_kvb(w, key, n->send_resolved);
}

/* A notification text, `|` block where it has newlines; nothing if unset. */
static void text_kv(opsc_yw *w, const char *key, const opsc_str *s)
{
	if (!s->s)
		return;
	opsc_yw_str(w, key);
	opsc_yw_text(w, s->s);
}

/* The email subject: a Subject header, a list of key/value in the CRD, a
 * map in the plain file. */
static void subject(opsc_yw *w, bool plain, const opsc_notifier *n)
{
	if (!n->subject.s)
		return;
	if (plain) {
		opsc_yw_key_map(w, "headers");
		text_kv(w, "Subject", &n->subject);
	} else {
		opsc_yw_key_seq(w, "headers");
		opsc_yw_map(w);
		opsc_yw_kv(w, "key", "Subject");
		text_kv(w, "value", &n->subject);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

static void crd_slack(opsc_emit *em, opsc_yw *w, const opsc_notifier *n)
{
	(void)em;
	opsc_yw_kv(w, "channel", n->channel.s);
	crd_secret(w, "apiURL", &n->api_url);
	send_resolved(w, "sendResolved", n);
	text_kv(w, "title", &n->title);
	text_kv(w, "text", &n->text);
}

static void crd_pagerduty(opsc_emit *em, opsc_yw *w, const opsc_notifier *n)
{
	(void)em;
	crd_secret(w, "routingKey", &n->routing_key);
	send_resolved(w, "sendResolved", n);
	text_kv(w, "description", &n->description);
}

static void crd_webhook(opsc_emit *em, opsc_yw *w, const opsc_notifier *n)
{
	(void)em;
	crd_secret(w, "urlSecret", &n->url);
	send_resolved(w, "sendResolved", n);
}

static void crd_email(opsc_emit *em, opsc_yw *w, const opsc_notifier *n)
{
	(void)em;
	opsc_yw_kv(w, "to", n->to.s);
	opsc_yw_kv(w, "from", n->from.s);
	opsc_yw_kv(w, "smarthost", n->smarthost.s);
	crd_secret(w, "authPassword", &n->auth_password);
	send_resolved(w, "sendResolved", n);
	subject(w, false, n);
	text_kv(w, "text", &n->text);
}

static void plain_slack(opsc_emit *em, opsc_yw *w, const opsc_notifier *n)
{
	opsc_yw_kv(w, "channel", n->channel.s);
	plain_secret(em, w, "api_url_file", &n->api_url);
	send_resolved(w, "send_resolved", n);
	text_kv(w, "title", &n->title);
	text_kv(w, "text", &n->text);
}

static void plain_pagerduty(opsc_emit *em, opsc_yw *w, const opsc_notifier *n)
{
	plain_secret(em, w, "routing_key_file", &n->routing_key);
	send_resolved(w, "send_resolved", n);
	text_kv(w, "description", &n->description);
}

static void plain_email(opsc_emit *em, opsc_yw *w, const opsc_notifier *n)
{
	opsc_yw_kv(w, "to", n->to.s);
	opsc_yw_kv(w, "from", n->from.s);
	opsc_yw_kv(w, "smarthost", n->smarthost.s);
	plain_secret(em, w, "auth_password_file", &n->auth_password);
	send_resolved(w, "send_resolved", n);
	subject(w, true, n);
	text_kv(w, "text", &n->text);
}

typedef void (*notifier_writer)(opsc_emit *em, opsc_yw *w, const opsc_notifier *n);

/* Per integration: its list in each format and how one entry is written.
 * A NULL plain writer: the integration cannot be written to the plain file
 * without an inline secret. */
static const struct {
	const char *crd_key, *plain_key;
	notifier_writer crd, plain;
} kinds[] = {
	[OPSC_RECV_SLACK] = { "slackConfigs", "slack_configs", crd_slack, plain_slack },
	[OPSC_RECV_PAGERDUTY] = { "pagerdutyConfigs", "pagerduty_configs", crd_pagerduty, plain_pagerduty },
	[OPSC_RECV_WEBHOOK] = { "webhookConfigs", "webhook_configs", crd_webhook, NULL },
	[OPSC_RECV_EMAIL] = { "emailConfigs", "email_configs", crd_email, plain_email },
};
_Static_assert(sizeof kinds / sizeof *kinds == OPSC_RECV_EMAIL + 1, "one entry per opsc_receiver_kind");

/* ------------------------------------------------------------ documents */

typedef struct {
	bool plain; /* alertmanager.yml rather than the AlertmanagerConfig */
	const char *group_by, *durations[3], *routes;
} format;

static const format crd_format = { false, "groupBy", { "groupWait", "groupInterval", "repeatInterval" }, "routes" };
static const format plain_format = { true, "group_by", { "group_wait", "group_interval", "repeat_interval" }, "routes" };

static void write_matchers(opsc_emit *em, opsc_yw *w, const format *f, const opsc_route *r)
{
	if (r->nmatchers == 0)
		return;
	opsc_yw_key_seq(w, "matchers");
	for (uint32_t i = 0; i < r->nmatchers; i++) {
		const opsc_matcher *m = &r->matchers[i];
		if (f->plain) {
			opsc_yw_str(w, matcher_text(em, m));
			continue;
		}
		opsc_yw_map(w);
		opsc_yw_kv(w, "name", m->label.s);
		opsc_yw_kv(w, "value", m->value.s);
		opsc_yw_kv(w, "matchType", match_ops[m->op]);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

static void write_route(opsc_emit *em, opsc_yw *w, const format *f, const opsc_route *r)
{
	opsc_yw_map(w);
	opsc_yw_kv(w, "receiver", receiver_of(r));
	write_group_by(w, f->group_by, &r->group_by);
	write_durations(em, w, r, f->durations);
	write_matchers(em, w, f, r);
	if (r->continue_)
		opsc_yw_kvb(w, "continue", true);
	if (r->nchildren) {
		opsc_yw_key_seq(w, f->routes);
		for (uint32_t i = 0; i < r->nchildren; i++)
			write_route(em, w, f, &r->children[i]);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

/* One receiver: its notifiers grouped by integration, in table order. */
static void write_receiver(opsc_emit *em, opsc_yw *w, const format *f, const opsc_receiver *rc)
{
	opsc_yw_map(w);
	opsc_yw_kv(w, "name", rc->name.s);
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		notifier_writer write = f->plain ? kinds[k].plain : kinds[k].crd;
		bool opened = false;
		for (uint32_t i = 0; i < rc->nnotifiers && write; i++) {
			if (rc->notifiers[i].kind != (opsc_receiver_kind)k)
				continue;
			if (!opened)
				opsc_yw_key_seq(w, f->plain ? kinds[k].plain_key : kinds[k].crd_key);
			opened = true;
			opsc_yw_map(w);
			write(em, w, &rc->notifiers[i]);
			opsc_yw_end(w);
		}
		if (opened)
			opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

static void write_receivers(opsc_emit *em, opsc_yw *w, const format *f)
{
	opsc_yw_key_seq(w, "receivers");
	for (uint32_t i = 0; i < em->model->nreceivers; i++)
		write_receiver(em, w, f, &em->model->receivers[i]);
	opsc_yw_end(w);
}

static int write_crd(opsc_emit *em, const char *header, const char **data, size_t *len)
{
	opsc_yw w;
	opsc_yw_open(&w, header);
	opsc_yw_doc(&w);
	opsc_yw_map(&w);
	opsc_yw_kv(&w, "apiVersion", "monitoring.coreos.com/v1alpha1");
	opsc_yw_kv(&w, "kind", "AlertmanagerConfig");
	opsc_yw_key_map(&w, "metadata");
	opsc_yw_kv(&w, "name", "opsc");
	opsc_yw_kv(&w, "namespace", "monitoring");
	opsc_yw_end(&w);
	opsc_yw_key_map(&w, "spec");
	opsc_yw_str(&w, "route");
	write_route(em, &w, &crd_format, &em->model->route);
	write_receivers(em, &w, &crd_format);
	opsc_yw_end(&w);
	opsc_yw_end(&w);
	opsc_yw_end(&w);
	return opsc_yw_close(&w, em->ctx, data, len);
}

static int write_plain(opsc_emit *em, const char *header, const char **data, size_t *len)
{
	opsc_yw w;
	opsc_yw_open(&w, header);
	opsc_yw_doc(&w);
	opsc_yw_map(&w);
	opsc_yw_str(&w, "route");
	write_route(em, &w, &plain_format, &em->model->route);
	write_receivers(em, &w, &plain_format);
	opsc_yw_end(&w);
	opsc_yw_end(&w);
	return opsc_yw_close(&w, em->ctx, data, len);
}

/* ------------------------------------------------------------- checks */

/* net.SplitHostPort with a port, as Alertmanager reads `smarthost`:
 * host:port, [v6]:port; the host may be empty, the port not. */
static bool host_port(const char *s)
{
	const char *colon = strrchr(s, ':');
	if (!colon || !colon[1])
		return false;
	if (*s == '[')
		return colon > s && colon[-1] == ']' && !memchr(s + 1, '[', (size_t)(colon - s - 1));
	return strchr(s, ':') == colon && !strchr(s, '[') && !strchr(s, ']');
}

/* What the plain file cannot say is said once, at the notifier (at
 * compile time: verify.c). */
void opsc_alertmanager_check(opsc_emit *em)
{
	for (uint32_t i = 0; i < em->model->nreceivers; i++) {
		const opsc_receiver *rc = &em->model->receivers[i];
		for (uint32_t j = 0; j < rc->nnotifiers; j++) {
			const opsc_notifier *n = &rc->notifiers[j];
			if (n->kind == OPSC_RECV_WEBHOOK)
				opsc_diag_warning(&em->ctx->diags, "webhook-not-in-plain-config", n->span,
						  "alertmanager/alertmanager.yml leaves this webhook out: "
						  "Alertmanager 0.25 cannot read a webhook URL from a file "
						  "(url_file came in 0.26); the AlertmanagerConfig keeps it");
			if (n->kind == OPSC_RECV_EMAIL && n->smarthost.s && !host_port(n->smarthost.s))
				opsc_diag_error(&em->ctx->diags, "bad-smarthost", n->smarthost.span,
						"`smarthost` is host:port (`smtp.example.com:587`, "
						"`[2001:db8::1]:25`): Alertmanager refuses the configuration");
			if (n->kind == OPSC_RECV_EMAIL && (!n->from.s || !n->smarthost.s))
				opsc_diag_warning(&em->ctx->diags, "email-without-smtp", n->span,
						  "email without `from` and `smarthost` relies on global SMTP "
						  "settings, which alertmanager/alertmanager.yml does not have");
		}
	}
}

static void add_sources(opsc_srcs *srcs, const opsc_model *m)
{
	opsc_srcs_add(srcs, m->route.span);
	for (uint32_t i = 0; i < m->nreceivers; i++)
		opsc_srcs_add(srcs, m->receivers[i].span);
}

static int emit_alertmanager(opsc_emit *em)
{
	int rc;
	if (!em->model->has_route)
		return 0;
	opsc_srcs srcs = { 0 };
	add_sources(&srcs, em->model);
	const char *header = opsc_emit_header(em, &srcs);
	/* Both files are one document, produced by the root route. */
	opsc_span *route = opsc_arena_alloc(em->ctx->arena, sizeof(*route));
	*route = em->model->route.span;
	const char *data;
	size_t len;
	if ((rc = write_crd(em, header, &data, &len)) < 0)
		goto done;
	uint32_t nclusters;
	const char **clusters = opsc_emit_clusters(em, &nclusters);
	for (uint32_t i = 0; i < nclusters; i++)
		opsc_emit_add_docs(em,
				   opsc_arena_printf(em->ctx->arena, "%s/monitoring/alertmanager-config.yaml",
						     clusters[i]),
				   data, len, &srcs, route, 1);
	if ((rc = write_plain(em, header, &data, &len)) < 0)
		goto done;
	opsc_emit_add_docs(em, "alertmanager/alertmanager.yml", data, len, &srcs, route, 1);
done:
	opsc_srcs_free(&srcs);
	return rc;
}

const opsc_emitter opsc_emit_alertmanager = { "alertmanager", emit_alertmanager };
