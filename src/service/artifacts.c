/*
 * artifacts.c - registering artifacts (one or a batch in one transaction),
 * showing and listing them, lifecycle transitions (deprecate, retire) and
 * revocation, and re-deriving trust from stored checks.
 */
#include <string.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/digest.h"
#include "vouch/json.h"

/* One batch is one transaction: bound what a single request can hold. */
#define BATCH_MAX 1000000

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static int validate_uri(vouch_source_type type, const char *uri, vouch_error *err)
{
    if (!uri[0])
        return vouch_error_set(err, VOUCH_EINVAL, "sourceUri must not be empty");
    if (strlen(uri) >= VOUCH_URI_MAX)
        return vouch_error_set(err, VOUCH_ETOOBIG, "sourceUri is longer than %d bytes",
                               VOUCH_URI_MAX - 1);
    if (!printable(uri) || strchr(uri, ' '))
        return vouch_error_set(err, VOUCH_EINVAL,
                               "sourceUri must not contain spaces or control characters");
    if (vouch_svc__uri_unsafe(type, uri))
        return vouch_error_set(err, VOUCH_EINVAL,
                               "sourceUri '%s' must not hold '.' or '..' path segments or "
                               "encoded slashes (write the normalized location)",
                               uri);
    switch (type) {
    case VOUCH_SOURCE_FILE:
        if (uri[0] != '/' && strncmp(uri, "file:///", 8) != 0)
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "sourceUri '%s' of a file source must be an absolute path "
                                   "or a file:/// URL",
                                   uri);
        break;
    case VOUCH_SOURCE_HTTP:
        if (strncmp(uri, "http://", 7) != 0 && strncmp(uri, "https://", 8) != 0)
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "sourceUri '%s' of an http source must start with http:// "
                                   "or https://",
                                   uri);
        break;
    case VOUCH_SOURCE_OCI:
        if (strstr(uri, "://"))
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "sourceUri '%s' of an oci source must be a reference "
                                   "(registry/repository[:tag]) without a scheme",
                                   uri);
        break;
    case VOUCH_SOURCE_S3:
        if (strncmp(uri, "s3://", 5) != 0)
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "sourceUri '%s' of an s3 source must start with s3://", uri);
        break;
    default:
        break;
    }
    return 0;
}

/* Validate one registration request object into rec (project id unset). */
static int parse_registration(vouch_artifact_rec *rec, const json_t *o, vouch_error *err)
{
    static const char *const keys[] = {"name", "kind", "sourceType", "sourceUri", "digest", NULL};
    const char *name, *kind, *stype, *uri, *digest;
    vouch_digest d;
    int rc;

    if (!json_is_object(o))
        return vouch_error_set(err, VOUCH_EINVAL, "an artifact must be a JSON object");
    if ((rc = vouch_json_check_keys(o, keys, "artifact", err)) != 0 ||
        (rc = vouch_json_get_string(&name, o, "name", 1, err)) != 0 ||
        (rc = vouch_json_get_string(&kind, o, "kind", 1, err)) != 0 ||
        (rc = vouch_json_get_string(&stype, o, "sourceType", 1, err)) != 0 ||
        (rc = vouch_json_get_string(&uri, o, "sourceUri", 1, err)) != 0 ||
        (rc = vouch_json_get_string(&digest, o, "digest", 1, err)) != 0)
        return rc;
    if ((rc = vouch_digest_parse_str(&d, digest, err)) != 0)
        return rc;
    if (!name[0] || strlen(name) >= VOUCH_ART_NAME_MAX || !printable(name))
        return vouch_error_set(err, VOUCH_EINVAL,
                               "artifact name must be 1 to %d printable characters",
                               VOUCH_ART_NAME_MAX - 1);
    if ((rc = vouch_kind_validate(kind, err)) != 0 ||
        (rc = vouch_source_type_parse(&rec->source_type, stype, err)) != 0 ||
        (rc = validate_uri(rec->source_type, uri, err)) != 0)
        return rc;
    vouch_digest_format(rec->digest, &d);
    vouch_svc__copy(rec->name, sizeof(rec->name), name);
    vouch_svc__copy(rec->kind, sizeof(rec->kind), kind);
    vouch_svc__copy(rec->source_uri, sizeof(rec->source_uri), uri);
    rec->lifecycle = VOUCH_LIFECYCLE_PUBLISHED;
    rec->trust = VOUCH_TRUST_UNVERIFIED;
    return 0;
}

/* Register rec inside t. *created_out: 1 new, 0 identical one existed. */
static int register_one(vouch_txn *t, const vouch_call *c, const vouch_project_rec *p,
                        vouch_artifact_rec *rec, int *created_out, vouch_error *err)
{
    vouch_store *st = t->svc->store;
    vouch_artifact_rec old;
    rec->project_id = p->id;
    rec->created_ms = c->now_ms;
    int rc = st->ops->artifact_insert(st, rec, NULL);
    if (rc == VOUCH_EEXISTS) {
        if ((rc = st->ops->artifact_get(st, p->id, rec->digest, &old, err)) != 0)
            return rc;
        const char *field = strcmp(old.name, rec->name) != 0               ? "name"
                            : strcmp(old.kind, rec->kind) != 0             ? "kind"
                            : old.source_type != rec->source_type          ? "sourceType"
                            : strcmp(old.source_uri, rec->source_uri) != 0 ? "sourceUri"
                                                                           : NULL;
        if (field)
            return vouch_error_set(err, VOUCH_ECONFLICT,
                                   "artifact '%s' is already registered in project '%s' with "
                                   "another %s",
                                   rec->digest, p->name, field);
        *rec = old;
        *created_out = 0;
        return 0;
    }
    if (rc)
        return st->ops->artifact_insert(st, rec, err); /* report with details */
    vouch_audit_input ev = {.action = "artifact.register",
                            .project = p,
                            .artifact = rec,
                            .policy_digest = p->policy_digest};
    *created_out = 1;
    return vouch_svc__audit_emit(t, c, &ev, err);
}

int vouch_svc__h_artifact_register(vouch_service *svc, vouch_call *c, vouch_response *resp,
                                   vouch_error *err)
{
    vouch_project_rec p;
    vouch_artifact_rec a;
    vouch_txn t;
    int rc, created = 0;

    memset(&a, 0, sizeof(a));
    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = parse_registration(&a, c->body, err)) != 0)
        return rc;
    if ((rc = vouch_svc__txn_begin(svc, &t, err)) != 0)
        return rc;
    if ((rc = register_one(&t, c, &p, &a, &created, err)) != 0) {
        vouch_svc__txn_abort(&t);
        return rc;
    }
    if ((rc = vouch_svc__txn_commit(&t, err)) != 0)
        return rc;
    return vouch_svc__respond(
        resp, created ? 201 : 200,
        json_pack("{so sb}", "artifact", vouch_svc__artifact_json(&p, &a), "created", created),
        err);
}

/* Put "artifacts[i]: " in front of the message already in err. */
static int prefix_index(vouch_error *err, int rc, size_t i)
{
    if (err && err->code) {
        char prefix[40];
        int n = snprintf(prefix, sizeof(prefix), "artifacts[%zu]: ", i);
        size_t plen = (size_t)n, mlen = strlen(err->message);
        if (plen + mlen >= sizeof(err->message))
            mlen = sizeof(err->message) - plen - 1;
        memmove(err->message + plen, err->message, mlen);
        memcpy(err->message, prefix, plen);
        err->message[plen + mlen] = '\0';
    }
    return rc;
}

int vouch_svc__h_artifact_batch(vouch_service *svc, vouch_call *c, vouch_response *resp,
                                vouch_error *err)
{
    static const char *const keys[] = {"artifacts", NULL};
    vouch_project_rec p;
    vouch_txn t;
    size_t created = 0, unchanged = 0, i;
    int rc;

    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_json_check_keys(c->body, keys, "batch", err)) != 0)
        return rc;
    const json_t *list = json_object_get(c->body, "artifacts");
    if (!json_is_array(list))
        return vouch_error_set(err, VOUCH_EINVAL, "field 'artifacts' must be an array");
    if (json_array_size(list) > BATCH_MAX)
        return vouch_error_set(err, VOUCH_ETOOBIG,
                               "a batch holds at most %d artifacts; split the list", BATCH_MAX);
    if ((rc = vouch_svc__txn_begin(svc, &t, err)) != 0)
        return rc;
    for (i = 0; i < json_array_size(list); i++) {
        vouch_artifact_rec a;
        int was_created = 0;
        memset(&a, 0, sizeof(a));
        rc = parse_registration(&a, json_array_get(list, i), err);
        if (rc == 0)
            rc = register_one(&t, c, &p, &a, &was_created, err);
        if (rc) {
            vouch_svc__txn_abort(&t);
            return prefix_index(err, rc, i);
        }
        if (was_created)
            created++;
        else
            unchanged++;
    }
    if ((rc = vouch_svc__txn_commit(&t, err)) != 0)
        return rc;
    return vouch_svc__respond(resp, 200,
                              json_pack("{sI sI sI}", "count", (json_int_t)i, "created",
                                        (json_int_t)created, "unchanged", (json_int_t)unchanged),
                              err);
}

struct alist_ctx {
    const vouch_project_rec *p;
    json_t *arr;
    vouch_error *err;
};

static int add_artifact(const vouch_artifact_rec *a, void *vctx)
{
    struct alist_ctx *ctx = vctx;
    json_t *o = vouch_svc__artifact_json(ctx->p, a);
    if (!o || json_array_append_new(ctx->arr, o) != 0)
        return vouch_error_set(ctx->err, VOUCH_ENOMEM, "out of memory listing artifacts");
    return 0;
}

int vouch_svc__h_artifact_list(vouch_service *svc, vouch_call *c, vouch_response *resp,
                               vouch_error *err)
{
    vouch_project_rec p;
    vouch_artifact_filter f = {0, -1, -1, NULL};
    const char *trust = vouch_svc__query(c, "trust");
    const char *lifecycle = vouch_svc__query(c, "lifecycle");
    const vouch_policy *pol;
    int rc;

    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0)
        return rc;
    f.project_id = p.id;
    if (trust) {
        vouch_trust v;
        if ((rc = vouch_trust_parse(&v, trust, err)) != 0)
            return rc;
        f.trust = (int)v;
    }
    if (lifecycle) {
        vouch_lifecycle v;
        if ((rc = vouch_lifecycle_parse(&v, lifecycle, err)) != 0)
            return rc;
        f.lifecycle = (int)v;
    }
    f.channel = vouch_svc__query(c, "channel");
    if (f.channel) {
        if ((rc = vouch_svc__policy_get(svc, p.policy_digest, &pol, err)) != 0)
            return rc;
        if (!vouch_policy_channel(pol, f.channel))
            return vouch_error_set(err, VOUCH_ENOTFOUND, "no channel '%s' in project '%s'",
                                   f.channel, p.name);
    }
    struct alist_ctx ctx = {&p, json_array(), err};
    if (!ctx.arr)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    if ((rc = svc->store->ops->artifact_list(svc->store, &f, add_artifact, &ctx, err)) != 0) {
        json_decref(ctx.arr);
        return rc;
    }
    return vouch_svc__respond(resp, 200, json_pack("{so}", "artifacts", ctx.arr), err);
}

struct chan_ctx {
    vouch_service *svc;
    json_t *arr;
    vouch_error *err;
};

static int add_channel(const vouch_promotion_rec *pr, void *vctx)
{
    struct chan_ctx *ctx = vctx;
    vouch_promotion_rec head;
    int current = 0;
    int rc = ctx->svc->store->ops->promotion_head(ctx->svc->store, pr->project_id, pr->channel,
                                                  pr->environment, &head, NULL);
    if (rc == 0) {
        current = head.artifact_id == pr->artifact_id;
        vouch_free(head.checks_json);
    }
    json_t *o = json_pack("{ss so so sb}", "channel", pr->channel, "environment",
                          pr->environment[0] ? json_string(pr->environment) : json_null(),
                          "promotedAt", vouch_svc__time_json(pr->promoted_ms), "current", current);
    if (!o || json_array_append_new(ctx->arr, o) != 0)
        return vouch_error_set(ctx->err, VOUCH_ENOMEM, "out of memory");
    return 0;
}

int vouch_svc__h_artifact_show(vouch_service *svc, vouch_call *c, vouch_response *resp,
                               vouch_error *err)
{
    vouch_project_rec p;
    vouch_artifact_rec a;
    vouch_checks checks;
    int rc;

    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__artifact(svc, &p, c->digest, &a, err)) != 0)
        return rc;
    if ((rc = svc->store->ops->check_get_all(svc->store, a.id, &checks, err)) != 0)
        return rc;
    json_t *o = vouch_svc__artifact_json(&p, &a);
    struct chan_ctx ctx = {svc, json_array(), err};
    if (!o || !ctx.arr || vouch_json_set(o, "checks", vouch_svc__checks_json(&checks, 1))) {
        rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto out;
    }
    rc = svc->store->ops->promotion_list_artifact(svc->store, a.id, add_channel, &ctx, err);
    if (rc == 0 && vouch_json_set(o, "channels", json_incref(ctx.arr)))
        rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    if (rc == 0) {
        rc = vouch_svc__respond(resp, 200, json_pack("{sO}", "artifact", o), err);
    }
out:
    json_decref(ctx.arr);
    json_decref(o);
    vouch_checks_release(&checks);
    return rc;
}
