/*
 * projects.c - projects and their policies: create, list, show, set a new
 * policy (stored by digest, pinned, trust re-derived from stored checks),
 * show, and verify a policy document without storing it.
 */
#include <string.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/json.h"

static json_t *channel_names(const vouch_policy *pol)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < vouch_policy_channel_count(pol); i++)
        if (json_array_append_new(arr, json_string(vouch_policy_channel_at(pol, i)->name))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static int project_json(vouch_service *svc, const vouch_project_rec *p, json_t **out,
                        vouch_error *err)
{
    const vouch_policy *pol;
    int64_t count = 0;
    int rc;
    *out = NULL;
    if ((rc = vouch_svc__policy_get(svc, p->policy_digest, &pol, err)) != 0 ||
        (rc = svc->store->ops->artifact_count(svc->store, p->id, &count, err)) != 0)
        return rc;
    *out = json_pack("{ss ss so so sI}", "name", p->name, "policyDigest", p->policy_digest,
                     "createdAt", vouch_svc__time_json(p->created_ms), "channels",
                     channel_names(pol), "artifactCount", (json_int_t)count);
    return *out ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

int vouch_svc__h_project_create(vouch_service *svc, vouch_call *c, vouch_response *resp,
                                vouch_error *err)
{
    static const char *const keys[] = {"name", NULL};
    const char *name = NULL;
    vouch_policy *pol = NULL;
    vouch_project_rec p;
    vouch_txn t;
    json_t *body = NULL;
    int rc;

    if ((rc = vouch_json_check_keys(c->body, keys, "project", err)) != 0 ||
        (rc = vouch_json_get_string(&name, c->body, "name", 1, err)) != 0 ||
        (rc = vouch_name_validate(name, "project", err)) != 0)
        return rc;
    if ((rc = vouch_policy_default(&pol, err)) != 0)
        return rc;
    memset(&p, 0, sizeof(p));
    snprintf(p.name, sizeof(p.name), "%s", name);
    snprintf(p.policy_digest, sizeof(p.policy_digest), "%s", vouch_policy_digest_str(pol));
    p.created_ms = c->now_ms;
    size_t len;
    const char *doc = vouch_policy_canonical(pol, &len);
    if ((rc = vouch_svc__txn_begin(svc, &t, err)) != 0)
        goto out;
    vouch_audit_input ev = {
        .action = "project.create", .project = &p, .policy_digest = p.policy_digest};
    if ((rc = svc->store->ops->policy_put(svc->store, p.policy_digest, doc, len, c->now_ms, err)) !=
            0 ||
        (rc = svc->store->ops->project_insert(svc->store, &p, err)) != 0 ||
        (rc = vouch_svc__audit_emit(&t, c, &ev, err)) != 0) {
        vouch_svc__txn_abort(&t);
        goto out;
    }
    if ((rc = vouch_svc__txn_commit(&t, err)) != 0)
        goto out;
    rc = vouch_svc__policy_cache_put(svc, pol, err);
    pol = NULL;
    if (rc || (rc = project_json(svc, &p, &body, err)) != 0)
        goto out;
    rc = vouch_svc__respond(resp, 201, json_pack("{so}", "project", body), err);
out:
    vouch_policy_free(pol);
    return rc;
}

struct plist_ctx {
    vouch_service *svc;
    json_t *arr;
    vouch_error *err;
};

static int add_project(const vouch_project_rec *p, void *vctx)
{
    struct plist_ctx *ctx = vctx;
    json_t *o;
    int rc = project_json(ctx->svc, p, &o, ctx->err);
    if (rc)
        return rc;
    if (json_array_append_new(ctx->arr, o) != 0)
        return vouch_error_set(ctx->err, VOUCH_ENOMEM, "out of memory");
    return 0;
}

int vouch_svc__h_project_list(vouch_service *svc, vouch_call *c, vouch_response *resp,
                              vouch_error *err)
{
    (void)c;
    struct plist_ctx ctx = {svc, json_array(), err};
    if (!ctx.arr)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    /* policy_get inside the callback reads the store while the list
     * statement is open; that is fine with SQLite and needs no txn. */
    int rc = svc->store->ops->project_list(svc->store, add_project, &ctx, err);
    if (rc) {
        json_decref(ctx.arr);
        return rc;
    }
    return vouch_svc__respond(resp, 200, json_pack("{so}", "projects", ctx.arr), err);
}

int vouch_svc__h_project_show(vouch_service *svc, vouch_call *c, vouch_response *resp,
                              vouch_error *err)
{
    vouch_project_rec p;
    json_t *o;
    int rc;
    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = project_json(svc, &p, &o, err)) != 0)
        return rc;
    return vouch_svc__respond(resp, 200, json_pack("{so}", "project", o), err);
}

static int parse_document(vouch_policy **out, const vouch_call *c, vouch_error *err)
{
    static const char *const keys[] = {"document", "source", NULL};
    const char *doc = NULL, *source = NULL;
    char what[160];
    int rc;
    *out = NULL;
    if ((rc = vouch_json_check_keys(c->body, keys, "policy request", err)) != 0 ||
        (rc = vouch_json_get_string(&doc, c->body, "document", 1, err)) != 0 ||
        (rc = vouch_json_get_string(&source, c->body, "source", 0, err)) != 0)
        return rc;
    snprintf(what, sizeof(what), "%s", source ? source : "(request)");
    size_t len = json_string_length(json_object_get(c->body, "document"));
    return vouch_policy_parse(out, doc, len, what, err);
}

struct rederive_ctx {
    vouch_txn *t;
    const vouch_call *c;
    const vouch_project_rec *p;
    const vouch_policy *pol;
    json_t *changed;
    json_t *details;
    vouch_error *err;
    vouch_artifact_rec *list; /* collected first: no writes while listing */
    size_t n, cap;
};

static int collect_artifact(const vouch_artifact_rec *a, void *vctx)
{
    struct rederive_ctx *ctx = vctx;
    if (ctx->n == ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap * 2 : 64, bytes;
        if (vouch_mul_overflow(cap, sizeof(*ctx->list), &bytes) != 0)
            return vouch_error_set(ctx->err, VOUCH_ENOMEM, "too many artifacts");
        vouch_artifact_rec *n = vouch_realloc(ctx->list, bytes);
        if (!n)
            return vouch_error_set(ctx->err, VOUCH_ENOMEM, "out of memory");
        ctx->list = n;
        ctx->cap = cap;
    }
    ctx->list[ctx->n++] = *a;
    return 0;
}

static int rederive_all(struct rederive_ctx *ctx, vouch_service *svc)
{
    vouch_artifact_filter f = {ctx->p->id, -1, -1, NULL};
    int rc = svc->store->ops->artifact_list(svc->store, &f, collect_artifact, ctx, ctx->err);
    for (size_t i = 0; rc == 0 && i < ctx->n; i++) {
        vouch_artifact_rec *a = &ctx->list[i];
        vouch_trust before = a->trust;
        int changed = 0;
        rc = vouch_svc__rederive(ctx->t, ctx->c, ctx->p, a, ctx->pol, ctx->details, &changed,
                                 ctx->err);
        if (rc == 0 && changed &&
            json_array_append_new(ctx->changed, json_pack("{ss ss ss}", "digest", a->digest, "from",
                                                          vouch_trust_name(before), "to",
                                                          vouch_trust_name(a->trust))) != 0)
            rc = vouch_error_set(ctx->err, VOUCH_ENOMEM, "out of memory");
    }
    vouch_free(ctx->list);
    return rc;
}

int vouch_svc__h_policy_set(vouch_service *svc, vouch_call *c, vouch_response *resp,
                            vouch_error *err)
{
    vouch_policy *pol = NULL;
    vouch_project_rec p;
    vouch_txn t;
    int rc;

    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = parse_document(&pol, c, err)) != 0)
        return rc;
    const char *digest = vouch_policy_digest_str(pol);
    char previous[VOUCH_DIGEST_STR_MAX];
    snprintf(previous, sizeof(previous), "%s", p.policy_digest);
    if (strcmp(digest, previous) == 0) {
        json_t *body = json_pack("{ss ss ss sb s[]}", "project", p.name, "policyDigest", digest,
                                 "previousPolicyDigest", previous, "changed", 0, "rederived");
        vouch_policy_free(pol);
        return vouch_svc__respond(resp, 200, body, err);
    }
    size_t len;
    const char *doc = vouch_policy_canonical(pol, &len);
    json_t *details = json_pack("{ss ss}", "cause", "policy.set", "previousPolicyDigest", previous);
    struct rederive_ctx ctx = {&t, c, &p, pol, json_array(), details, err, NULL, 0, 0};
    if (!details || !ctx.changed) {
        rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = vouch_svc__txn_begin(svc, &t, err)) != 0)
        goto out;
    snprintf(p.policy_digest, sizeof(p.policy_digest), "%s", digest);
    json_t *pdetails = json_pack("{ss}", "previousPolicyDigest", previous);
    vouch_audit_input ev = {
        .action = "policy.set", .project = &p, .policy_digest = digest, .details = pdetails};
    if ((rc = svc->store->ops->policy_put(svc->store, digest, doc, len, c->now_ms, err)) != 0 ||
        (rc = svc->store->ops->project_set_policy(svc->store, p.id, digest, err)) != 0 ||
        (rc = vouch_svc__audit_emit(&t, c, &ev, err)) != 0 || (rc = rederive_all(&ctx, svc)) != 0 ||
        (rc = vouch_svc__txn_commit(&t, err)) != 0) {
        json_decref(pdetails);
        vouch_svc__txn_abort(&t); /* also fine after a failed commit */
        goto out;
    }
    json_decref(pdetails);
    json_t *body =
        json_pack("{ss ss ss sb sO}", "project", p.name, "policyDigest", digest,
                  "previousPolicyDigest", previous, "changed", 1, "rederived", ctx.changed);
    rc = vouch_svc__policy_cache_put(svc, pol, err);
    pol = NULL;
    if (rc == 0)
        rc = vouch_svc__respond(resp, 200, body, err);
    else
        json_decref(body);
out:
    json_decref(details);
    json_decref(ctx.changed);
    vouch_policy_free(pol);
    return rc;
}

int vouch_svc__h_policy_show(vouch_service *svc, vouch_call *c, vouch_response *resp,
                             vouch_error *err)
{
    vouch_project_rec p;
    const vouch_policy *pol;
    int rc;
    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__policy_get(svc, p.policy_digest, &pol, err)) != 0)
        return rc;
    return vouch_svc__respond(resp, 200,
                              json_pack("{ss ss so}", "project", p.name, "policyDigest",
                                        p.policy_digest, "policy", vouch_policy_to_json(pol)),
                              err);
}

int vouch_svc__h_policy_verify(vouch_service *svc, vouch_call *c, vouch_response *resp,
                               vouch_error *err)
{
    vouch_policy *pol = NULL;
    (void)svc;
    int rc = parse_document(&pol, c, err);
    if (rc)
        return rc;
    json_t *body = json_pack("{sb ss so}", "valid", 1, "policyDigest", vouch_policy_digest_str(pol),
                             "policy", vouch_policy_to_json(pol));
    vouch_policy_free(pol);
    return vouch_svc__respond(resp, 200, body, err);
}
