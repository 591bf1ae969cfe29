/*
 * states.c - explicit state changes of an artifact: deprecate and retire
 * (lifecycle), revoke (trust, terminal), and re-deriving trust from the
 * stored checks when the policy or the checks change.
 */
#include <string.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/json.h"

#define REASON_MAX 1024

/* Re-run the source check when it ran under another policy: it depends
 * only on the allowlist, so a new policy must be able to tighten it. */
static int refresh_source_check(vouch_txn *t, const vouch_call *c, const vouch_artifact_rec *a,
                                const vouch_policy *pol, vouch_checks *checks, vouch_error *err)
{
    const int k = VOUCH_CHECK_SOURCE;
    const char *digest = vouch_policy_digest_str(pol);
    if (!checks->checked_ms[k] || strcmp(checks->policy_digest[k], digest) == 0)
        return 0;
    vouch_check_result r;
    json_t *ev = NULL;
    char *text = NULL;
    int rc = vouch_svc__source_check(pol, a, &r, &ev, err);
    if (rc == 0)
        rc = vouch_json_canonical_str(&text, NULL, ev, err);
    if (rc == 0)
        rc = t->svc->store->ops->check_put(t->svc->store, a->id, VOUCH_CHECK_SOURCE, r, text,
                                           digest, c->now_ms, err);
    vouch_free(text);
    if (rc == 0) {
        checks->result[k] = r;
        json_decref(checks->evidence[k]);
        checks->evidence[k] = ev;
        ev = NULL;
    }
    json_decref(ev);
    return rc;
}

int vouch_svc__rederive(vouch_txn *t, const vouch_call *c, const vouch_project_rec *p,
                        vouch_artifact_rec *a, const vouch_policy *pol, json_t *details,
                        int *changed_out, vouch_error *err)
{
    vouch_store *st = t->svc->store;
    vouch_checks checks;
    int rc;

    if (changed_out)
        *changed_out = 0;
    if ((rc = st->ops->check_get_all(st, a->id, &checks, err)) != 0)
        return rc;
    if ((rc = refresh_source_check(t, c, a, pol, &checks, err)) != 0)
        goto out;
    vouch_trust before = a->trust;
    vouch_trust after = vouch_trust_derive(before, checks.result, vouch_policy_baseline(pol));
    if (after == before)
        goto out;
    if ((rc = st->ops->artifact_update_state(st, a->id, a->lifecycle, after, c->now_ms, err)) != 0)
        goto out;
    a->trust = after;
    a->updated_ms = c->now_ms;
    json_t *tr = json_pack("{s{ss ss}}", "trust", "from", vouch_trust_name(before), "to",
                           vouch_trust_name(after));
    vouch_audit_input ev = {.action = "artifact.verify",
                            .project = p,
                            .artifact = a,
                            .transition = tr,
                            .details = details,
                            .policy_digest = vouch_policy_digest_str(pol)};
    rc = tr ? vouch_svc__audit_emit(t, c, &ev, err)
            : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    json_decref(tr);
    if (rc == 0 && changed_out)
        *changed_out = 1;
out:
    vouch_checks_release(&checks);
    return rc;
}

static int apply_verb(const char *verb, vouch_artifact_rec *a, json_t **transition,
                      vouch_error *err)
{
    int rc;
    const char *dim, *from, *to;
    if (strcmp(verb, "revoke") == 0) {
        if (a->trust == VOUCH_TRUST_REVOKED)
            return vouch_error_set(err, VOUCH_ECONFLICT, "artifact '%s' is already revoked",
                                   a->digest);
        dim = "trust";
        from = vouch_trust_name(a->trust);
        to = vouch_trust_name(VOUCH_TRUST_REVOKED);
        a->trust = VOUCH_TRUST_REVOKED;
    } else {
        vouch_lifecycle target =
            strcmp(verb, "retire") == 0 ? VOUCH_LIFECYCLE_RETIRED : VOUCH_LIFECYCLE_DEPRECATED;
        if (a->lifecycle == target)
            return vouch_error_set(err, VOUCH_ECONFLICT, "artifact '%s' is already %s", a->digest,
                                   vouch_lifecycle_name(target));
        if ((rc = vouch_lifecycle_check_transition(a->lifecycle, target, err)) != 0)
            return rc;
        dim = "lifecycle";
        from = vouch_lifecycle_name(a->lifecycle);
        to = vouch_lifecycle_name(target);
        a->lifecycle = target;
    }
    *transition = json_pack("{s{ss ss}}", dim, "from", from, "to", to);
    return *transition ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

int vouch_svc__h_artifact_state(vouch_service *svc, vouch_call *c, vouch_response *resp,
                                vouch_error *err)
{
    static const char *const keys[] = {"reason", NULL};
    vouch_project_rec p;
    vouch_artifact_rec a;
    const char *reason = NULL;
    json_t *tr = NULL;
    vouch_txn t;
    char action[32];
    int rc;

    if ((rc = vouch_json_check_keys(c->body, keys, "request", err)) != 0 ||
        (rc = vouch_json_get_string(&reason, c->body, "reason", 0, err)) != 0)
        return rc;
    if (reason && strlen(reason) > REASON_MAX)
        return vouch_error_set(err, VOUCH_ETOOBIG, "reason is longer than %d bytes", REASON_MAX);
    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__txn_begin(svc, &t, err)) != 0)
        return rc;
    /* Read inside the write transaction: the state we check is the state we change. */
    if ((rc = vouch_svc__artifact(svc, &p, c->digest, &a, err)) != 0 ||
        (rc = apply_verb(c->verb, &a, &tr, err)) != 0)
        goto fail;
    snprintf(action, sizeof(action), "artifact.%s", c->verb);
    vouch_audit_input ev = {.action = action,
                            .project = &p,
                            .artifact = &a,
                            .transition = tr,
                            .reason = reason,
                            .policy_digest = p.policy_digest};
    if ((rc = svc->store->ops->artifact_update_state(svc->store, a.id, a.lifecycle, a.trust,
                                                     c->now_ms, err)) != 0 ||
        (rc = vouch_svc__audit_emit(&t, c, &ev, err)) != 0)
        goto fail;
    if ((rc = vouch_svc__txn_commit(&t, err)) != 0) {
        json_decref(tr);
        return rc;
    }
    a.updated_ms = c->now_ms;
    return vouch_svc__respond(
        resp, 200,
        json_pack("{so so}", "artifact", vouch_svc__artifact_json(&p, &a), "transition", tr), err);
fail:
    vouch_svc__txn_abort(&t);
    json_decref(tr);
    return rc;
}
