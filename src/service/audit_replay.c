/*
 * audit_replay.c - replaying the audit trail into artifact states and
 * channel heads, and comparing the result with the stored tables.
 *
 * The hash chain proves the events were not changed; the replay proves the
 * state tables were not changed behind the events' back (a trust flipped
 * to verified with an SQL UPDATE, a promotion inserted by hand, events
 * dropped from the end of the log while their effects stayed).
 */
#include <stdio.h>
#include <string.h>

#include "service/audit_replay.h"
#include "vouch/alloc.h"
#include "vouch/json.h"

struct vouch_replay {
    json_t *artifacts;  /* "id" -> {"digest","lifecycle","trust","seq"} */
    json_t *heads;      /* "project\x1f" channel "\x1f" env -> artifact id */
    int64_t promotions; /* artifact.promote events */
};

int vouch_svc__replay_new(vouch_replay **out, vouch_error *err)
{
    vouch_replay *r = vouch_calloc(1, sizeof(*r));
    if (r) {
        r->artifacts = json_object();
        r->heads = json_object();
    }
    if (!r || !r->artifacts || !r->heads) {
        vouch_svc__replay_free(r);
        *out = NULL;
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory replaying the audit trail");
    }
    *out = r;
    return 0;
}

void vouch_svc__replay_free(vouch_replay *r)
{
    if (!r)
        return;
    json_decref(r->artifacts);
    json_decref(r->heads);
    vouch_free(r);
}

static const char *str(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int head_key(char *out, size_t n, const char *project, const char *channel, const char *env)
{
    int len = snprintf(out, n, "%s\x1f%s\x1f%s", project, channel, env ? env : "");
    return len > 0 && (size_t)len < n ? 0 : -1;
}

/* Apply a {"from","to"} change of dimension `dim` to the replayed state. */
static int apply_change(json_t *state, const json_t *ev, const char *dim, int64_t seq,
                        vouch_error *err)
{
    const json_t *change = json_object_get(json_object_get(ev, "transition"), dim);
    if (!change)
        return 0;
    const char *from = str(change, "from"), *to = str(change, "to");
    const char *now = str(state, dim);
    if (!to || (from && now && strcmp(from, now) != 0))
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "audit trail inconsistent at event %lld: it moves %s from '%s' "
                               "but the trail had it at '%s'",
                               (long long)seq, dim, from ? from : "?", now ? now : "?");
    if (vouch_json_set(state, dim, json_string(to)) ||
        vouch_json_set(state, "seq", json_integer(seq)))
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    return 0;
}

int vouch_svc__replay_event(vouch_replay *r, const json_t *ev, int64_t seq, vouch_error *err)
{
    const char *action = str(ev, "action");
    const json_t *aid = json_object_get(ev, "artifactId");
    char key[32];
    int rc;
    if (!action || !json_is_integer(aid))
        return 0;
    snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(aid));
    json_t *state = json_object_get(r->artifacts, key);
    if (strcmp(action, "artifact.register") == 0) {
        if (state)
            return vouch_error_set(err, VOUCH_EVERIFY,
                                   "audit trail inconsistent at event %lld: artifact %s is "
                                   "registered twice",
                                   (long long)seq, key);
        state = json_pack("{ss* ss ss sI}", "digest", str(ev, "digest"), "lifecycle", "published",
                          "trust", "unverified", "seq", (json_int_t)seq);
        if (!state || json_object_set_new(r->artifacts, key, state) != 0)
            return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        return 0;
    }
    if (!state)
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "audit trail inconsistent at event %lld: %s of artifact %s "
                               "before its registration",
                               (long long)seq, action, key);
    if ((rc = apply_change(state, ev, "lifecycle", seq, err)) != 0 ||
        (rc = apply_change(state, ev, "trust", seq, err)) != 0)
        return rc;
    if (strcmp(action, "artifact.promote") == 0) {
        const json_t *target = json_object_get(ev, "target");
        char hk[256];
        r->promotions++;
        if (!str(ev, "project") || !str(target, "channel") ||
            head_key(hk, sizeof(hk), str(ev, "project"), str(target, "channel"),
                     str(target, "environment")) != 0)
            return vouch_error_set(err, VOUCH_EVERIFY,
                                   "audit trail inconsistent at event %lld: a promotion "
                                   "without a target",
                                   (long long)seq);
        if (json_object_set_new(r->heads, hk, json_copy((json_t *)aid)) != 0)
            return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    return 0;
}

struct cmp_ctx {
    vouch_replay *r;
    vouch_store *st;
    size_t seen;
    json_t *seen_heads; /* head keys found in the database */
    vouch_error *err;
};

static int compare_artifact(const vouch_artifact_rec *a, void *vctx)
{
    struct cmp_ctx *c = vctx;
    char key[32];
    snprintf(key, sizeof(key), "%lld", (long long)a->id);
    const json_t *s = json_object_get(c->r->artifacts, key);
    c->seen++;
    if (!s || !str(s, "digest") || strcmp(str(s, "digest"), a->digest) != 0)
        return vouch_error_set(c->err, VOUCH_EVERIFY,
                               "state and audit trail disagree: artifact '%s' is in the "
                               "database but no audit event registered it",
                               a->digest);
    const char *lc = vouch_lifecycle_name(a->lifecycle), *tr = vouch_trust_name(a->trust);
    const char *dim = strcmp(str(s, "lifecycle"), lc) != 0 ? "lifecycle"
                      : strcmp(str(s, "trust"), tr) != 0   ? "trust"
                                                           : NULL;
    if (dim)
        return vouch_error_set(c->err, VOUCH_EVERIFY,
                               "state and audit trail disagree: artifact '%s' has %s '%s' in "
                               "the database but '%s' after audit event %lld",
                               a->digest, dim, strcmp(dim, "trust") == 0 ? tr : lc, str(s, dim),
                               (long long)json_integer_value(json_object_get(s, "seq")));
    return 0;
}

static int compare_head(const vouch_promotion_rec *pr, void *vctx)
{
    struct cmp_ctx *c = vctx;
    vouch_project_rec p;
    char hk[256];
    int rc = c->st->ops->project_get_by_id(c->st, pr->project_id, &p, c->err);
    if (rc)
        return rc;
    head_key(hk, sizeof(hk), p.name, pr->channel, pr->environment);
    const json_t *want = json_object_get(c->r->heads, hk);
    c->seen++;
    if (c->seen_heads && json_object_set_new(c->seen_heads, hk, json_true()) != 0)
        return vouch_error_set(c->err, VOUCH_ENOMEM, "out of memory");
    if (!json_is_integer(want) || json_integer_value(want) != pr->artifact_id)
        return vouch_error_set(c->err, VOUCH_EVERIFY,
                               "state and audit trail disagree: what is current in '%s' %s%s "
                               "is not what the last audited promotion put there",
                               pr->channel, pr->environment[0] ? "environment " : "",
                               pr->environment);
    return 0;
}

int vouch_svc__replay_compare(vouch_replay *r, vouch_store *st, vouch_error *err)
{
    struct cmp_ctx c = {r, st, 0, NULL, err};
    vouch_artifact_filter all = {0, -1, -1, NULL};
    int64_t promotions = 0;
    int rc = st->ops->artifact_list(st, &all, compare_artifact, &c, err);
    if (rc)
        return rc;
    if (c.seen != json_object_size(r->artifacts))
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "state and audit trail disagree: the trail registered %zu "
                               "artifacts but the database holds %zu",
                               json_object_size(r->artifacts), c.seen);
    if ((rc = st->ops->promotion_count(st, &promotions, err)) != 0)
        return rc;
    if (promotions != r->promotions)
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "state and audit trail disagree: the trail records %lld "
                               "promotions but the database holds %lld",
                               (long long)r->promotions, (long long)promotions);
    c.seen = 0;
    c.seen_heads = json_object();
    if (!c.seen_heads)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    rc = st->ops->promotion_heads(st, compare_head, &c, err);
    const char *key;
    json_t *val;
    json_object_foreach(r->heads, key, val)
    {
        if (rc != 0)
            break;
        if (json_object_get(c.seen_heads, key))
            continue;
        /* key is "project\x1fchannel\x1fenvironment" */
        const char *ch = strchr(key, '\x1f');
        const char *env = ch ? strchr(ch + 1, '\x1f') : NULL;
        int chlen = ch && env ? (int)(env - ch - 1) : 0;
        rc = vouch_error_set(err, VOUCH_EVERIFY,
                             "state and audit trail disagree: the trail promoted artifact %lld "
                             "into '%.*s'%s%s but the database has no such channel head",
                             (long long)json_integer_value(val), chlen, ch ? ch + 1 : "",
                             env && env[1] ? " environment " : "", env ? env + 1 : "");
    }
    json_decref(c.seen_heads);
    return rc;
}
