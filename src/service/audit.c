/*
 * audit.c - the audit trail: one hash-chained event per mutation, written in
 * the mutation's own transaction; listing; and verification of the chain.
 *
 * An event's hash is SHA-256 over the RFC 8785 canonical JSON of the event
 * (which includes prevHash, the previous event's hash), so changing,
 * dropping or reordering a stored event breaks the chain at that point.
 */
#include <string.h>

#include "service/audit_replay.h"
#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/hash.h"
#include "vouch/json.h"
#include "vouch/timeutil.h"

static const char *const actions[] = {
    "project.create",  "policy.set",       "artifact.register",
    "artifact.verify", "artifact.promote", "artifact.deprecate",
    "artifact.retire", "artifact.revoke",  NULL,
};

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *ref_or_null(json_t *v)
{
    return v ? json_incref(v) : json_null();
}

static json_t *build_event(const vouch_txn *t, const vouch_call *c, const vouch_audit_input *in)
{
    const vouch_artifact_rec *a = in->artifact;
    json_t *ev = json_object();
    if (!ev)
        return NULL;
    int bad = vouch_json_set(ev, "seq", json_integer(t->next_seq)) ||
              vouch_json_set(ev, "time", vouch_svc__time_json(c->now_ms)) ||
              vouch_json_set(ev, "action", json_string(in->action)) ||
              vouch_json_set(ev, "actor", json_string(c->actor)) ||
              vouch_json_set(ev, "project", str_or_null(in->project ? in->project->name : NULL)) ||
              vouch_json_set(ev, "artifactId", a ? json_integer(a->id) : json_null()) ||
              vouch_json_set(ev, "digest", str_or_null(a ? a->digest : NULL)) ||
              vouch_json_set(ev, "kind", str_or_null(a ? a->kind : NULL)) ||
              vouch_json_set(ev, "sourceType",
                             str_or_null(a ? vouch_source_type_name(a->source_type) : NULL)) ||
              vouch_json_set(ev, "transition", ref_or_null(in->transition)) ||
              vouch_json_set(ev, "target", ref_or_null(in->target)) ||
              vouch_json_set(ev, "correlationId", json_string(c->correlation_id)) ||
              vouch_json_set(ev, "policyDigest", str_or_null(in->policy_digest)) ||
              vouch_json_set(ev, "reason", str_or_null(in->reason)) ||
              vouch_json_set(ev, "details", ref_or_null(in->details)) ||
              vouch_json_set(ev, "prevHash", json_string(t->prev_hash));
    if (bad) {
        json_decref(ev);
        return NULL;
    }
    return ev;
}

static int hash_text(char out[VOUCH_DIGEST_STR_MAX], const char *text, size_t len, vouch_error *err)
{
    vouch_digest d;
    int rc = vouch_hash_bytes(&d, VOUCH_DIGEST_SHA256, text, len, err);
    if (rc)
        return rc;
    vouch_digest_format(out, &d);
    return 0;
}

/* A non-negative integer in decimal (ids and sequence numbers). */
static void put_int(vouch_buf *b, int64_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    uint64_t u = v < 0 ? 0 : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    vouch_buf_append(b, tmp + i, sizeof(tmp) - i);
}

/* Canonical text of a string member, or null. */
static void put_str(vouch_buf *b, const char *key, const char *value, vouch_error *err)
{
    vouch_buf_puts(b, key);
    if (value)
        vouch_json_canonical_string(b, value, strlen(value), err);
    else
        vouch_buf_puts(b, "null");
}

static void put_raw(vouch_buf *b, const char *key, const char *text)
{
    vouch_buf_puts(b, key);
    vouch_buf_puts(b, text ? text : "null");
}

/*
 * The canonical (RFC 8785) text of a stored event, written directly: the
 * member names are fixed, so they are emitted in their sorted order
 * without building and sorting a json_t. transition/target/details are
 * already canonical JSON text. `when` is the formatted time_ms, or NULL to
 * format it here. This one function renders for write (the hash), list,
 * export and verify; test_audit checks it byte for byte against
 * vouch_json_canonical() of the same event built as a json_t.
 */
int vouch_svc__audit_render(vouch_buf *b, const vouch_audit_rec *r, const char *when,
                            vouch_error *err)
{
    char tbuf[VOUCH_TIME_STR_MAX];
    vouch_error local;
    vouch_error_clear(&local);
    if (!when && r->time_ms > 0) {
        vouch_time_format_ms(tbuf, r->time_ms);
        when = tbuf;
    }
    put_str(b, "{\"action\":", r->action, &local);
    put_str(b, ",\"actor\":", r->actor, &local);
    vouch_buf_puts(b, ",\"artifactId\":");
    if (r->artifact_id)
        put_int(b, r->artifact_id);
    else
        vouch_buf_puts(b, "null");
    put_str(b, ",\"correlationId\":", r->correlation_id, &local);
    put_raw(b, ",\"details\":", r->details);
    put_str(b, ",\"digest\":", r->digest, &local);
    put_str(b, ",\"kind\":", r->kind, &local);
    put_str(b, ",\"policyDigest\":", r->policy_digest, &local);
    put_str(b, ",\"prevHash\":", r->prev_hash, &local);
    put_str(b, ",\"project\":", r->project, &local);
    put_str(b, ",\"reason\":", r->reason, &local);
    vouch_buf_puts(b, ",\"seq\":");
    put_int(b, r->seq);
    put_str(b, ",\"sourceType\":", r->source_type, &local);
    put_raw(b, ",\"target\":", r->target);
    put_str(b, ",\"time\":", r->time_ms > 0 ? when : NULL, &local);
    put_raw(b, ",\"transition\":", r->transition);
    vouch_buf_putc(b, '}');
    if (local.code)
        return vouch_error_set(err, local.code, "cannot write an audit event: %s", local.message);
    if (b->failed)
        return vouch_error_set(err, b->failed, "cannot write an audit event: %s",
                               b->failed == VOUCH_ENOMEM ? "out of memory" : "too large");
    return 0;
}

/* Canonical texts of an input's objects; owned, freed by texts_release. */
typedef struct event_texts {
    char *transition, *target, *details;
} event_texts;

static void texts_release(event_texts *x)
{
    vouch_free(x->transition);
    vouch_free(x->target);
    vouch_free(x->details);
}

static int canon_opt(char **out, const json_t *v, vouch_error *err)
{
    *out = NULL;
    return v ? vouch_json_canonical_str(out, NULL, v, err) : 0;
}

/* The record `in` becomes as the next event of t; texts hold its objects. */
static int record_of(vouch_audit_rec *r, event_texts *x, const vouch_txn *t, const vouch_call *c,
                     const vouch_audit_input *in, vouch_error *err)
{
    const vouch_artifact_rec *a = in->artifact;
    int rc;
    memset(r, 0, sizeof(*r));
    memset(x, 0, sizeof(*x));
    if ((rc = canon_opt(&x->transition, in->transition, err)) != 0 ||
        (rc = canon_opt(&x->target, in->target, err)) != 0 ||
        (rc = canon_opt(&x->details, in->details, err)) != 0) {
        texts_release(x);
        return rc;
    }
    r->seq = t->next_seq;
    r->time_ms = c->now_ms;
    vouch_svc__copy(r->action, sizeof(r->action), in->action);
    r->actor = c->actor;
    r->project_id = in->project ? in->project->id : 0;
    r->artifact_id = a ? a->id : 0;
    r->correlation_id = c->correlation_id;
    r->policy_digest = in->policy_digest;
    r->reason = in->reason;
    r->transition = x->transition;
    r->target = x->target;
    r->details = x->details;
    memcpy(r->prev_hash, t->prev_hash, sizeof(r->prev_hash));
    r->project = in->project ? in->project->name : NULL;
    r->digest = a ? a->digest : NULL;
    r->kind = a ? a->kind : NULL;
    r->source_type = a ? vouch_source_type_name(a->source_type) : NULL;
    return 0;
}

int vouch_svc__audit_event_text(vouch_buf *b, const vouch_txn *t, const vouch_call *c,
                                const vouch_audit_input *in, vouch_error *err)
{
    vouch_audit_rec r;
    event_texts x;
    int rc = record_of(&r, &x, t, c, in, err);
    if (rc == 0)
        rc = vouch_svc__audit_render(b, &r, c->now_str[0] ? c->now_str : NULL, err);
    texts_release(&x);
    return rc;
}

json_t *vouch_svc__audit_event_json(const vouch_txn *t, const vouch_call *c,
                                    const vouch_audit_input *in)
{
    return build_event(t, c, in);
}

int vouch_svc__audit_emit(vouch_txn *t, const vouch_call *c, const vouch_audit_input *in,
                          vouch_error *err)
{
    vouch_audit_rec rec;
    event_texts x;
    int rc = record_of(&rec, &x, t, c, in, err);
    if (rc)
        return rc;
    vouch_buf_reset(&t->scratch);
    if ((rc = vouch_svc__audit_render(&t->scratch, &rec, c->now_str[0] ? c->now_str : NULL, err)) ==
            0 &&
        (rc = hash_text(rec.hash, t->scratch.ptr, t->scratch.len, err)) == 0 &&
        (rc = t->svc->store->ops->audit_append(t->svc->store, &rec, err)) == 0) {
        memcpy(t->prev_hash, rec.hash, sizeof(t->prev_hash));
        t->next_seq++;
    }
    texts_release(&x);
    return rc;
}

/* ---- listing ------------------------------------------------------------ */

int vouch_svc__collect_event(const vouch_audit_rec *rec, void *vctx)
{
    vouch_event_list *ctx = vctx;
    json_t *ev = NULL;
    vouch_buf text;
    vouch_buf_init(&text, 0);
    int rc = vouch_svc__audit_render(&text, rec, NULL, ctx->err);
    if (rc == 0)
        rc = vouch_json_parse(&ev, text.ptr, text.len, "stored audit event", ctx->err);
    vouch_buf_release(&text);
    if (rc)
        return rc;
    if (!json_is_object(ev) || vouch_json_set(ev, "hash", json_string(rec->hash)) ||
        json_array_append_new(ctx->events, ev) != 0) {
        json_decref(ev);
        return vouch_error_set(ctx->err, VOUCH_ENOMEM, "out of memory listing audit events");
    }
    return 0;
}

int vouch_svc__h_audit_list(vouch_service *svc, vouch_call *c, vouch_response *resp,
                            vouch_error *err)
{
    vouch_audit_filter f = {0, 0, NULL, 0};
    vouch_project_rec p;
    const char *project = vouch_svc__query(c, "project");
    const char *action = vouch_svc__query(c, "action");
    const char *since = vouch_svc__query(c, "since");
    int rc;

    if (project) {
        if ((rc = vouch_svc__project(svc, project, &p, err)) != 0)
            return rc;
        f.project_id = p.id;
    }
    if (action) {
        size_t i;
        for (i = 0; actions[i] && strcmp(actions[i], action) != 0; i++)
            ;
        if (!actions[i])
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "unknown audit action '%s' (known: project.create, "
                                   "policy.set, artifact.register, artifact.verify, "
                                   "artifact.promote, artifact.deprecate, artifact.retire, "
                                   "artifact.revoke)",
                                   action);
        f.action = action;
    }
    if (since && (rc = vouch_time_parse(&f.since_ms, since, err)) != 0)
        return rc;
    vouch_event_list ctx = {json_array(), err};
    if (!ctx.events)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory listing audit events");
    rc = svc->store->ops->audit_list(svc->store, &f, vouch_svc__collect_event, &ctx, err);
    if (rc) {
        json_decref(ctx.events);
        return rc;
    }
    return vouch_svc__respond(resp, 200, json_pack("{so}", "events", ctx.events), err);
}

/* ---- verification ------------------------------------------------------- */

struct verify_ctx {
    vouch_replay *replay;
    int64_t expect_seq;
    char prev[VOUCH_DIGEST_STR_MAX];
    vouch_buf canon;
    vouch_error *err;
};

static int verify_fail(struct verify_ctx *v, const vouch_audit_rec *rec, const char *why)
{
    return vouch_error_set(v->err, VOUCH_EVERIFY,
                           "audit chain broken at event %lld (%s): %s; events before it are "
                           "intact",
                           (long long)rec->seq, rec->action, why);
}

/* Render the stored fields, hash the text, and check both links of the
 * chain: the stored prev hash names the previous event, and the stored
 * hash is the hash of exactly this content. Any edited column (or joined
 * artifact or project field) changes the rendered text. */
static int verify_event(const vouch_audit_rec *rec, void *vctx)
{
    struct verify_ctx *v = vctx;
    char hash[VOUCH_DIGEST_STR_MAX];
    json_t *ev = NULL;
    int rc;

    if (rec->seq != v->expect_seq)
        return vouch_error_set(v->err, VOUCH_EVERIFY,
                               "audit chain broken: event %lld is missing (found %lld next)",
                               (long long)v->expect_seq, (long long)rec->seq);
    if (strcmp(rec->prev_hash, v->prev) != 0)
        return verify_fail(v, rec, "prevHash does not match the previous event's hash");
    vouch_buf_reset(&v->canon);
    if (vouch_svc__audit_render(&v->canon, rec, NULL, NULL) != 0)
        return verify_fail(v, rec, "its stored fields cannot be rendered");
    if ((rc = hash_text(hash, v->canon.ptr, v->canon.len, v->err)) != 0)
        return rc;
    if (strcmp(hash, rec->hash) != 0)
        return verify_fail(v, rec, "its content does not match its stored hash");
    if (vouch_json_parse(&ev, v->canon.ptr, v->canon.len, NULL, NULL) != 0 || !json_is_object(ev)) {
        json_decref(ev);
        return verify_fail(v, rec, "it is not a JSON object");
    }
    rc = vouch_svc__replay_event(v->replay, ev, rec->seq, v->err);
    json_decref(ev);
    if (rc)
        return rc;
    memcpy(v->prev, rec->hash, sizeof(v->prev));
    v->expect_seq++;
    return 0;
}

int vouch_svc__h_audit_verify(vouch_service *svc, vouch_call *c, vouch_response *resp,
                              vouch_error *err)
{
    struct verify_ctx v;
    (void)c;
    v.expect_seq = 1;
    snprintf(v.prev, sizeof(v.prev), "sha256:%064d", 0);
    vouch_buf_init(&v.canon, 0);
    v.err = err;
    int rc = vouch_svc__replay_new(&v.replay, err);
    /* One read transaction: the events and the tables are one snapshot. */
    if (rc == 0 && (rc = svc->store->ops->begin(svc->store, 0, err)) == 0) {
        rc = svc->store->ops->audit_list(svc->store, NULL, verify_event, &v, err);
        if (rc == 0)
            rc = vouch_svc__replay_compare(v.replay, svc->store, err);
        svc->store->ops->rollback(svc->store);
    }
    vouch_svc__replay_free(v.replay);
    vouch_buf_release(&v.canon);
    if (rc)
        return rc;
    return vouch_svc__respond(
        resp, 200,
        json_pack("{sb sI ss}", "ok", 1, "events", (json_int_t)(v.expect_seq - 1), "head", v.prev),
        err);
}
