/*
 * promote.c - explicit promotion into a channel (every rule of the channel
 * checked, the refusal naming the rule), what is in each channel now, and
 * the history of one artifact.
 */
#include <string.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/json.h"

typedef struct promo_req {
    const char *digest;
    const char *channel;
    const char *environment; /* NULL when not given */
} promo_req;

static int parse_promo(promo_req *r, const vouch_call *c, vouch_error *err)
{
    static const char *const keys[] = {"digest", "channel", "environment", NULL};
    int rc;
    r->environment = NULL;
    if ((rc = vouch_json_check_keys(c->body, keys, "promotion", err)) != 0 ||
        (rc = vouch_json_get_string(&r->digest, c->body, "digest", 1, err)) != 0 ||
        (rc = vouch_json_get_string(&r->channel, c->body, "channel", 1, err)) != 0 ||
        (rc = vouch_json_get_string(&r->environment, c->body, "environment", 0, err)) != 0 ||
        (rc = vouch_name_validate(r->channel, "channel", err)) != 0)
        return rc;
    if (r->environment && (rc = vouch_name_validate(r->environment, "environment", err)) != 0)
        return rc;
    return 0;
}

static int deny(vouch_error *err, const char *rule, const promo_req *r, const char *why)
{
    return vouch_error_set_rule(err, VOUCH_EDENIED, rule, "cannot promote '%s' to '%s': %s",
                                r->digest, r->channel, why);
}

static int check_environment(const vouch_channel_rule *rule, const promo_req *r, vouch_error *err)
{
    char list[512] = "";
    size_t off = 0;
    for (size_t i = 0; i < rule->environments_count; i++) {
        if (r->environment && strcmp(rule->environments[i], r->environment) == 0)
            return 0;
        int n =
            snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "", rule->environments[i]);
        if (n > 0 && (size_t)n < sizeof(list) - off)
            off += (size_t)n;
    }
    char why[700];
    if (rule->environments_count == 0) {
        if (!r->environment)
            return 0;
        snprintf(why, sizeof(why), "channel '%s' has no environments, but --env '%s' was given",
                 rule->name, r->environment);
    } else if (!r->environment) {
        snprintf(why, sizeof(why),
                 "channel '%s' deploys to environments (%s): choose one with "
                 "--env",
                 rule->name, list);
    } else {
        snprintf(why, sizeof(why), "environment '%s' is not one of channel '%s' (%s)",
                 r->environment, rule->name, list);
    }
    return deny(err, "environments", r, why);
}

/* Every rule of the channel, in the order a user fixes them. */
static int check_rules(vouch_service *svc, const vouch_call *c, const vouch_policy *pol,
                       const vouch_channel_rule *rule, const vouch_artifact_rec *a,
                       const vouch_checks *checks, const promo_req *r, vouch_error *err)
{
    char why[400];
    int rc;
    if ((rc = check_environment(rule, r, err)) != 0)
        return rc;
    if (a->lifecycle == VOUCH_LIFECYCLE_DEPRECATED || a->lifecycle == VOUCH_LIFECYCLE_RETIRED) {
        snprintf(why, sizeof(why), "it is %s", vouch_lifecycle_name(a->lifecycle));
        return deny(err, "lifecycle", r, why);
    }
    if (a->trust == VOUCH_TRUST_REVOKED || a->trust == VOUCH_TRUST_FAILED) {
        snprintf(why, sizeof(why), "its trust is %s", vouch_trust_name(a->trust));
        return deny(err, "trust", r, why);
    }
    if (!vouch_policy_is_promoter(pol, rule, c->actor)) {
        snprintf(why, sizeof(why), "actor '%s' is not among the promoters of '%s'", c->actor,
                 rule->name);
        return deny(err, "promoters", r, why);
    }
    if (a->source_type != VOUCH_SOURCE_OCI && !rule->allow_non_oci) {
        snprintf(why, sizeof(why),
                 "channel '%s' accepts only OCI artifacts (allowNonOci: false)"
                 " and this one comes from a %s source",
                 rule->name, vouch_source_type_name(a->source_type));
        return deny(err, "allowNonOci", r, why);
    }
    if (rule->from) {
        rc = svc->store->ops->promotion_exists(svc->store, a->id, rule->from, err);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            snprintf(why, sizeof(why), "not in '%s' (promote it there first)", rule->from);
            return deny(err, "from", r, why);
        }
    }
    for (int k = 0; k < VOUCH_CHECK__COUNT; k++) {
        if (!(rule->require & VOUCH_CHECK_BIT(k)) || checks->result[k] == VOUCH_CHECK_PASS)
            continue;
        char name[32];
        snprintf(name, sizeof(name), "require.%s", vouch_check_kind_name((vouch_check_kind)k));
        snprintf(why, sizeof(why), "required check '%s' has not passed (result: %s)%s",
                 vouch_check_kind_name((vouch_check_kind)k),
                 vouch_check_result_name(checks->result[k]),
                 checks->result[k] == VOUCH_CHECK_NOT_RUN ? "; run 'vouch artifact verify'" : "");
        return deny(err, name, r, why);
    }
    return 0;
}

static json_t *promotion_json(const vouch_project_rec *p, const vouch_artifact_rec *a,
                              const vouch_promotion_rec *pr, json_t *checks)
{
    return json_pack("{sI ss ss ss ss so ss so ss ss so}", "id", (json_int_t)pr->id, "project",
                     p->name, "digest", a->digest, "name", a->name, "channel", pr->channel,
                     "environment", pr->environment[0] ? json_string(pr->environment) : json_null(),
                     "actor", pr->actor, "promotedAt", vouch_svc__time_json(pr->promoted_ms),
                     "correlationId", pr->correlation_id, "policyDigest", pr->policy_digest,
                     "checks", checks);
}

/* Already the head there: report it unchanged instead of a new promotion. */
static int already_current(vouch_service *svc, const vouch_project_rec *p,
                           const vouch_artifact_rec *a, const promo_req *r, json_t **out,
                           vouch_error *err)
{
    vouch_promotion_rec head;
    *out = NULL;
    int rc = svc->store->ops->promotion_head(svc->store, p->id, r->channel,
                                             r->environment ? r->environment : "", &head, NULL);
    if (rc == VOUCH_ENOTFOUND)
        return 0;
    if (rc)
        return svc->store->ops->promotion_head(svc->store, p->id, r->channel,
                                               r->environment ? r->environment : "", &head, err);
    if (head.artifact_id == a->id) {
        json_t *checks = NULL;
        if (vouch_json_parse(&checks, head.checks_json, strlen(head.checks_json), NULL, NULL))
            checks = json_null();
        *out = json_pack("{so sb}", "promotion", promotion_json(p, a, &head, checks), "changed", 0);
        if (!*out)
            rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    vouch_free(head.checks_json);
    return rc;
}

static int write_promotion(vouch_txn *t, const vouch_call *c, const vouch_project_rec *p,
                           const vouch_policy *pol, vouch_artifact_rec *a, const promo_req *r,
                           json_t *snapshot, json_t **body, vouch_error *err)
{
    vouch_store *st = t->svc->store;
    vouch_promotion_rec pr;
    json_t *tr = NULL, *target = NULL;
    int rc;

    memset(&pr, 0, sizeof(pr));
    pr.project_id = p->id;
    pr.artifact_id = a->id;
    snprintf(pr.channel, sizeof(pr.channel), "%s", r->channel);
    snprintf(pr.environment, sizeof(pr.environment), "%s", r->environment ? r->environment : "");
    snprintf(pr.actor, sizeof(pr.actor), "%s", c->actor);
    pr.promoted_ms = c->now_ms;
    snprintf(pr.correlation_id, sizeof(pr.correlation_id), "%s", c->correlation_id);
    snprintf(pr.policy_digest, sizeof(pr.policy_digest), "%s", vouch_policy_digest_str(pol));
    if ((rc = vouch_json_canonical_str(&pr.checks_json, NULL, snapshot, err)) != 0)
        return rc;
    if (a->lifecycle == VOUCH_LIFECYCLE_PUBLISHED) {
        tr = json_pack("{s{ss ss}}", "lifecycle", "from", "published", "to", "promoted");
        a->lifecycle = VOUCH_LIFECYCLE_PROMOTED;
        a->updated_ms = c->now_ms;
        if (!tr || (rc = st->ops->artifact_update_state(st, a->id, a->lifecycle, a->trust,
                                                        c->now_ms, err)) != 0)
            goto out;
    }
    target = json_pack("{ss so}", "channel", r->channel, "environment",
                       r->environment ? json_string(r->environment) : json_null());
    vouch_audit_input ev = {.action = "artifact.promote",
                            .project = p,
                            .artifact = a,
                            .transition = tr,
                            .target = target,
                            .policy_digest = pr.policy_digest};
    if (!target) {
        rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = st->ops->promotion_insert(st, &pr, err)) != 0 ||
        (rc = vouch_svc__audit_emit(t, c, &ev, err)) != 0)
        goto out;
    *body = json_pack("{so sb sO}", "promotion", promotion_json(p, a, &pr, json_incref(snapshot)),
                      "changed", 1, "transition", tr ? tr : json_null());
    if (!*body)
        rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
out:
    vouch_free(pr.checks_json);
    json_decref(tr);
    json_decref(target);
    return rc;
}

int vouch_svc__h_promote(vouch_service *svc, vouch_call *c, vouch_response *resp, vouch_error *err)
{
    vouch_project_rec p;
    vouch_artifact_rec a;
    vouch_checks checks;
    const vouch_policy *pol;
    promo_req r;
    vouch_txn t;
    json_t *body = NULL, *snapshot = NULL;
    int rc;

    if ((rc = parse_promo(&r, c, err)) != 0 ||
        (rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__txn_begin(svc, &t, err)) != 0)
        return rc;
    vouch_checks_init(&checks);
    /* Everything is read inside the write transaction: the rules are
     * checked against exactly the state the promotion is written over. */
    if ((rc = vouch_svc__project(svc, c->project, &p, err)) != 0 ||
        (rc = vouch_svc__policy_get(svc, p.policy_digest, &pol, err)) != 0 ||
        (rc = vouch_svc__artifact(svc, &p, r.digest, &a, err)) != 0)
        goto fail;
    const vouch_channel_rule *rule = vouch_policy_channel(pol, r.channel);
    if (!rule) {
        rc = vouch_error_set(err, VOUCH_ENOTFOUND, "no channel '%s' in project '%s'", r.channel,
                             p.name);
        goto fail;
    }
    if ((rc = svc->store->ops->check_get_all(svc->store, a.id, &checks, err)) != 0 ||
        (rc = check_rules(svc, c, pol, rule, &a, &checks, &r, err)) != 0 ||
        (rc = already_current(svc, &p, &a, &r, &body, err)) != 0)
        goto fail;
    if (body) {
        vouch_svc__txn_abort(&t);
        vouch_checks_release(&checks);
        return vouch_svc__respond(resp, 200, body, err);
    }
    snapshot = vouch_svc__checks_json(&checks, 0);
    if (!snapshot) {
        rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = write_promotion(&t, c, &p, pol, &a, &r, snapshot, &body, err)) != 0)
        goto fail;
    json_decref(snapshot);
    vouch_checks_release(&checks);
    if ((rc = vouch_svc__txn_commit(&t, err)) != 0) {
        json_decref(body);
        return rc;
    }
    return vouch_svc__respond(resp, 201, body, err);
fail:
    vouch_svc__txn_abort(&t);
    json_decref(snapshot);
    vouch_checks_release(&checks);
    return rc;
}
