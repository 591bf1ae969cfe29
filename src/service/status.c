/*
 * status.c - what is in each channel and environment now (the head
 * promotion of each), and the history of one artifact (its audit events).
 */
#include <string.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/json.h"

static int head_json(vouch_service *svc, const vouch_project_rec *p, const char *channel,
                     const char *env, json_t **out, vouch_error *err)
{
    vouch_promotion_rec head;
    vouch_artifact_rec a;
    *out = NULL;
    int rc =
        svc->store->ops->promotion_head(svc->store, p->id, channel, env ? env : "", &head, err);
    if (rc == VOUCH_ENOTFOUND) {
        *out = json_null();
        return 0;
    }
    if (rc)
        return rc;
    vouch_free(head.checks_json);
    if ((rc = svc->store->ops->artifact_get_by_id(svc->store, head.artifact_id, &a, err)) != 0)
        return rc;
    *out =
        json_pack("{ss ss ss ss ss so ss ss}", "digest", a.digest, "name", a.name, "kind", a.kind,
                  "lifecycle", vouch_lifecycle_name(a.lifecycle), "trust",
                  vouch_trust_name(a.trust), "promotedAt", vouch_svc__time_json(head.promoted_ms),
                  "actor", head.actor, "correlationId", head.correlation_id);
    return *out ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

static int channel_json(vouch_service *svc, const vouch_project_rec *p,
                        const vouch_channel_rule *rule, json_t **out, vouch_error *err)
{
    json_t *envs = json_array();
    size_t n = rule->environments_count ? rule->environments_count : 1;
    int rc = envs ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *env = rule->environments_count ? rule->environments[i] : NULL;
        json_t *cur;
        if ((rc = head_json(svc, p, rule->name, env, &cur, err)) != 0)
            break;
        json_t *o = json_pack("{so so}", "environment", env ? json_string(env) : json_null(),
                              "current", cur);
        if (!o || json_array_append_new(envs, o) != 0)
            rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    if (rc) {
        json_decref(envs);
        return rc;
    }
    *out = json_pack("{ss so}", "channel", rule->name, "environments", envs);
    return *out ? 0 : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

int vouch_svc__h_status(vouch_service *svc, vouch_call *c, vouch_response *resp, vouch_error *err)
{
    vouch_project_rec p;
    const vouch_policy *pol;
    const char *only = vouch_svc__query(c, "channel");
    int rc;

    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__policy_get(svc, p.policy_digest, &pol, err)) != 0)
        return rc;
    if (only && !vouch_policy_channel(pol, only))
        return vouch_error_set(err, VOUCH_ENOTFOUND, "no channel '%s' in project '%s'", only,
                               p.name);
    json_t *chans = json_array();
    if (!chans)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    for (size_t i = 0; i < vouch_policy_channel_count(pol); i++) {
        const vouch_channel_rule *rule = vouch_policy_channel_at(pol, i);
        json_t *o;
        if (only && strcmp(only, rule->name) != 0)
            continue;
        if ((rc = channel_json(svc, &p, rule, &o, err)) != 0 ||
            (json_array_append_new(chans, o) != 0 &&
             (rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory")) != 0)) {
            json_decref(chans);
            return rc;
        }
    }
    return vouch_svc__respond(resp, 200,
                              json_pack("{ss ss so}", "project", p.name, "policyDigest",
                                        p.policy_digest, "channels", chans),
                              err);
}

int vouch_svc__h_history(vouch_service *svc, vouch_call *c, vouch_response *resp, vouch_error *err)
{
    vouch_project_rec p;
    vouch_artifact_rec a;
    int rc;
    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__artifact(svc, &p, c->digest, &a, err)) != 0)
        return rc;
    vouch_audit_filter f = {p.id, a.id, NULL, 0};
    vouch_event_list ctx = {json_array(), err};
    if (!ctx.events)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    if ((rc = svc->store->ops->audit_list(svc->store, &f, vouch_svc__collect_event, &ctx, err)) !=
        0) {
        json_decref(ctx.events);
        return rc;
    }
    return vouch_svc__respond(
        resp, 200,
        json_pack("{so so}", "artifact", vouch_svc__artifact_json(&p, &a), "events", ctx.events),
        err);
}
