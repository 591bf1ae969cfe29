/*
 * verify.c - `artifact verify`: run the checks vouch can run itself (the
 * content digest of file and http sources, the source allowlist), store
 * them as first-class metadata under the current policy, and derive trust.
 *
 * The content is hashed before the write transaction opens, so a slow
 * download never holds the database lock; the artifact is re-read inside
 * the transaction so a concurrent revocation is not overwritten.
 */
#include <string.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/hash.h"
#include "vouch/json.h"

int vouch_svc__source_check(const vouch_policy *pol, const vouch_artifact_rec *a,
                            vouch_check_result *result, json_t **evidence, vouch_error *err)
{
    const char *matched = NULL;
    const char *type = vouch_source_type_name(a->source_type);
    char path[VOUCH_URI_MAX];
    const char *subject = a->source_uri;
    /* File sources match by the path they name, whether written as a path
     * or as a file:/// URL; a location that is not normalized never matches. */
    if (a->source_type == VOUCH_SOURCE_FILE &&
        vouch_svc__file_path(path, sizeof(path), a->source_uri) == 0)
        subject = path;
    if (vouch_svc__uri_unsafe(a->source_type, a->source_uri)) {
        *result = VOUCH_CHECK_FAIL;
        *evidence = json_pack("{ss ss ss}", "sourceType", type, "sourceUri", a->source_uri,
                              "reason", "the location holds '.' or '..' segments");
    } else if (vouch_policy_source_allowed(pol, a->source_type, subject, &matched)) {
        *result = VOUCH_CHECK_PASS;
        *evidence = json_pack("{ss ss ss}", "sourceType", type, "sourceUri", a->source_uri,
                              "matched", matched ? matched : "");
    } else {
        *result = VOUCH_CHECK_FAIL;
        *evidence = json_pack("{ss ss ss}", "sourceType", type, "sourceUri", a->source_uri,
                              "reason", "no entry of the policy's sources allowlist matches");
    }
    return *evidence ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

/* The digest check: hash the bytes at the source and compare. Errors that
 * prevent reading the source are returned (nothing is recorded then). */
static int digest_check(vouch_service *svc, const vouch_artifact_rec *a, vouch_check_result *result,
                        json_t **evidence, vouch_error *err)
{
    vouch_digest want, got;
    uint64_t size = 0;
    vouch_error herr;
    int rc;

    if ((rc = vouch_digest_parse_str(&want, a->digest, err)) != 0)
        return rc;
    vouch_error_clear(&herr);
    if (a->source_type == VOUCH_SOURCE_FILE) {
        char path[VOUCH_URI_MAX];
        if (vouch_svc__file_path(path, sizeof(path), a->source_uri) != 0)
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "cannot verify '%s': '%s' is not a local path", a->digest,
                                   a->source_uri);
        rc = vouch_hash_file(&got, want.alg, path, svc->max_source_bytes, &size, &herr);
    } else if (a->source_type == VOUCH_SOURCE_HTTP) {
        vouch_fetch_opts o = {svc->max_source_bytes, 0, 0, 0, NULL};
        rc = vouch_hash_url(&got, want.alg, a->source_uri, &o, &size, &herr);
    } else {
        *result = VOUCH_CHECK_NOT_RUN;
        *evidence = json_pack("{ss ss}", "sourceUri", a->source_uri, "reason",
                              "vouch cannot fetch this source type yet; the digest check "
                              "was not run");
        return *evidence ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    if (rc) {
        /* Unreadable is not "wrong bytes": report it and record nothing. */
        int code = rc == VOUCH_EIO ? VOUCH_EVERIFY : rc;
        return vouch_error_set(err, code, "cannot verify '%s': %s", a->digest, herr.message);
    }
    char actual[VOUCH_DIGEST_STR_MAX];
    vouch_digest_format(actual, &got);
    *result = vouch_digest_equal(&want, &got) ? VOUCH_CHECK_PASS : VOUCH_CHECK_FAIL;
    *evidence = json_pack("{ss ss ss sI}", "sourceUri", a->source_uri, "expected", a->digest,
                          "actual", actual, "bytes", (json_int_t)size);
    return *evidence ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

struct run {
    vouch_check_kind kind;
    vouch_check_result result;
    json_t *evidence;
};

static int store_runs(vouch_txn *t, const vouch_call *c, const vouch_artifact_rec *a,
                      const char *policy_digest, struct run *runs, size_t n, vouch_error *err)
{
    for (size_t i = 0; i < n; i++) {
        char *text = NULL;
        int rc = vouch_json_canonical_str(&text, NULL, runs[i].evidence, err);
        if (rc == 0)
            rc = t->svc->store->ops->check_put(t->svc->store, a->id, runs[i].kind, runs[i].result,
                                               text, policy_digest, c->now_ms, err);
        vouch_free(text);
        if (rc)
            return rc;
    }
    return 0;
}

static int record(vouch_service *svc, vouch_call *c, const vouch_project_rec *p,
                  const vouch_policy *pol, vouch_artifact_rec *a, struct run *runs, size_t n,
                  vouch_error *err)
{
    vouch_checks checks;
    vouch_txn t;
    json_t *tr = NULL, *details = NULL;
    int rc;
    const char *pdigest = vouch_policy_digest_str(pol);

    if ((rc = vouch_svc__txn_begin(svc, &t, err)) != 0)
        return rc;
    vouch_checks_init(&checks);
    if ((rc = vouch_svc__artifact(svc, p, a->digest, a, err)) != 0)
        goto fail;
    if (a->trust == VOUCH_TRUST_REVOKED) {
        rc = vouch_error_set_rule(err, VOUCH_EDENIED, "trust",
                                  "cannot verify '%s': it is revoked, and revocation is final",
                                  a->digest);
        goto fail;
    }
    if ((rc = store_runs(&t, c, a, pdigest, runs, n, err)) != 0 ||
        (rc = svc->store->ops->check_get_all(svc->store, a->id, &checks, err)) != 0)
        goto fail;
    vouch_trust before = a->trust;
    vouch_trust after = vouch_trust_derive(before, checks.result, vouch_policy_baseline(pol));
    details = json_object();
    for (size_t i = 0; details && i < n; i++)
        if (vouch_json_set(details, vouch_check_kind_name(runs[i].kind),
                           json_string(vouch_check_result_name(runs[i].result))))
            break;
    if (after != before)
        tr = json_pack("{s{ss ss}}", "trust", "from", vouch_trust_name(before), "to",
                       vouch_trust_name(after));
    if (!details || (after != before && !tr)) {
        rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto fail;
    }
    a->trust = after;
    vouch_audit_input ev = {.action = "artifact.verify",
                            .project = p,
                            .artifact = a,
                            .transition = tr,
                            .policy_digest = pdigest};
    json_t *wrapped = json_pack("{sO}", "checks", details);
    ev.details = wrapped;
    rc = wrapped ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    if (rc == 0)
        rc = svc->store->ops->artifact_update_state(svc->store, a->id, a->lifecycle, after,
                                                    c->now_ms, err);
    if (rc == 0)
        rc = vouch_svc__audit_emit(&t, c, &ev, err);
    json_decref(wrapped);
    if (rc)
        goto fail;
    rc = vouch_svc__txn_commit(&t, err);
    a->updated_ms = c->now_ms;
    json_decref(tr);
    json_decref(details);
    vouch_checks_release(&checks);
    return rc;
fail:
    vouch_svc__txn_abort(&t);
    json_decref(tr);
    json_decref(details);
    vouch_checks_release(&checks);
    return rc;
}

int vouch_svc__h_artifact_verify(vouch_service *svc, vouch_call *c, vouch_response *resp,
                                 vouch_error *err)
{
    static const char *const keys[] = {NULL};
    vouch_project_rec p;
    vouch_artifact_rec a;
    const vouch_policy *pol;
    struct run runs[2] = {{VOUCH_CHECK_DIGEST, VOUCH_CHECK_NOT_RUN, NULL},
                          {VOUCH_CHECK_SOURCE, VOUCH_CHECK_NOT_RUN, NULL}};
    int rc;

    if ((rc = vouch_json_check_keys(c->body, keys, "verify request", err)) != 0 ||
        (rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__artifact(svc, &p, c->digest, &a, err)) != 0 ||
        (rc = vouch_svc__policy_get(svc, p.policy_digest, &pol, err)) != 0)
        return rc;
    if (a.trust == VOUCH_TRUST_REVOKED)
        return vouch_error_set_rule(err, VOUCH_EDENIED, "trust",
                                    "cannot verify '%s': it is revoked, and revocation is final",
                                    a.digest);
    if ((rc = digest_check(svc, &a, &runs[0].result, &runs[0].evidence, err)) != 0 ||
        (rc = vouch_svc__source_check(pol, &a, &runs[1].result, &runs[1].evidence, err)) != 0)
        goto out;
    vouch_trust before = a.trust;
    if ((rc = record(svc, c, &p, pol, &a, runs, 2, err)) != 0)
        goto out;
    json_t *checks = json_array();
    for (size_t i = 0; checks && i < 2; i++)
        json_array_append_new(checks,
                              json_pack("{ss ss sO}", "check", vouch_check_kind_name(runs[i].kind),
                                        "result", vouch_check_result_name(runs[i].result),
                                        "evidence", runs[i].evidence));
    rc = vouch_svc__respond(resp, 200,
                            json_pack("{so ss ss so}", "artifact", vouch_svc__artifact_json(&p, &a),
                                      "previousTrust", vouch_trust_name(before), "trust",
                                      vouch_trust_name(a.trust), "checks", checks),
                            err);
out:
    json_decref(runs[0].evidence);
    json_decref(runs[1].evidence);
    return rc;
}
