/* policy.c - parse a policy document, give it its digest identity, answer questions about it. */
#include <stdio.h>
#include <string.h>

#include "model/model_int.h"
#include "vouch/alloc.h"
#include "vouch/hash.h"
#include "vouch/json.h"
#include "vouch/policy.h"

/* The policy of a new project (policy.h); parsed like any other document. */
static const char default_policy[] =
    "{\"apiVersion\":\"vouch/v1\",\"kind\":\"Policy\",\"baseline\":[\"digest\"],"
    "\"allowNonOci\":true,\"channels\":["
    "{\"name\":\"dev\",\"require\":[\"digest\"],\"promoters\":[\"*\"]},"
    "{\"name\":\"test\",\"from\":\"dev\",\"require\":[\"digest\"],\"promoters\":[\"*\"]},"
    "{\"name\":\"staging\",\"from\":\"test\",\"require\":[\"digest\"],"
    "\"promoters\":[\"*\"]},"
    "{\"name\":\"prod\",\"from\":\"staging\",\"require\":[\"digest\"],"
    "\"promoters\":[\"*\"]}]}";

static int is_json_document(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char ch = data[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
            continue;
        return ch == '{';
    }
    return 0;
}

static json_t *string_array(const char *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        if (json_array_append_new(a, json_string(items[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *check_array(vouch_check_set set)
{
    json_t *a = json_array();
    for (unsigned k = 0; a && k < (unsigned)VOUCH_CHECK__COUNT; k++) {
        if (!(set & VOUCH_CHECK_BIT(k)))
            continue;
        if (json_array_append_new(a, json_string(vouch_check_kind_name((vouch_check_kind)k)))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *channel_json(const vouch_channel_rule *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (vouch_json_set(o, "name", json_string(r->name)) ||
        vouch_json_set(o, "from", r->from ? json_string(r->from) : json_null()) ||
        vouch_json_set(o, "require", check_array(r->require)) ||
        vouch_json_set(o, "promoters", string_array(r->promoters, r->promoters_count)) ||
        vouch_json_set(o, "allowNonOci", json_boolean(r->allow_non_oci)) ||
        vouch_json_set(o, "environments", string_array(r->environments, r->environments_count))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *groups_json(const vouch_policy *p)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < p->group_count; i++) {
        const vouch_model__group *g = &p->groups[i];
        if (vouch_json_set(o, g->name, string_array(g->members, g->count))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *sources_json(const vouch_policy *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->source_count; i++) {
        const vouch_model__source *src = &p->sources[i];
        json_t *s = json_object();
        if (s && (vouch_json_set(s, "type", json_string(vouch_source_type_name(src->type))) ||
                  vouch_json_set(s, "match", json_string(src->match)))) {
            json_decref(s);
            s = NULL;
        }
        if (json_array_append_new(a, s) != 0) { /* also refuses s == NULL */
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *vouch_policy_to_json(const vouch_policy *p)
{
    json_t *o, *channels;

    if (!p || !(o = json_object()))
        return NULL;
    channels = json_array();
    for (size_t i = 0; channels && i < p->channel_count; i++) {
        if (json_array_append_new(channels, channel_json(&p->channels[i])) != 0) {
            json_decref(channels);
            channels = NULL;
        }
    }
    if (vouch_json_set(o, "apiVersion", json_string("vouch/v1")) ||
        vouch_json_set(o, "kind", json_string("Policy")) ||
        vouch_json_set(o, "baseline", check_array(p->baseline)) ||
        vouch_json_set(o, "allowNonOci", json_boolean(p->allow_non_oci)) ||
        vouch_json_set(o, "groups", groups_json(p)) ||
        vouch_json_set(o, "sources", sources_json(p))) {
        json_decref(channels);
        json_decref(o);
        return NULL;
    }
    if (vouch_json_set(o, "channels", channels) != 0) { /* steals channels */
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Canonical bytes of the normalized document and their sha256. */
static int seal(vouch_policy *p, const char *prefix, vouch_error *err)
{
    json_t *norm = vouch_policy_to_json(p);
    int rc;

    if (!norm)
        return vouch_error_set(err, VOUCH_ENOMEM, "%s: out of memory", prefix);
    rc = vouch_json_canonical_str(&p->canonical, &p->canonical_len, norm, err);
    json_decref(norm);
    if (rc != 0)
        return rc;
    rc = vouch_hash_bytes(&p->digest, VOUCH_DIGEST_SHA256, p->canonical, p->canonical_len, err);
    if (rc != 0)
        return rc;
    vouch_digest_format(p->digest_str, &p->digest);
    return 0;
}

int vouch_policy_parse(vouch_policy **out, const char *data, size_t len, const char *what,
                       vouch_error *err)
{
    char prefix[VOUCH_MODEL__QUOTE_MAX + 16], q[VOUCH_MODEL__QUOTE_MAX], tail[72];
    vouch_policy *p = NULL;
    json_t *doc = NULL;
    int rc;

    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "vouch_policy_parse: out is NULL");
    *out = NULL;
    if (what) {
        /* File names are told apart by their end: keep the tail of long ones. */
        size_t wl = strlen(what);
        if (wl > 60) {
            snprintf(tail, sizeof(tail), "...%s", what + wl - 60);
            what = tail;
        }
        snprintf(prefix, sizeof(prefix), "policy '%s'", vouch_model__quote(q, what));
    } else
        snprintf(prefix, sizeof(prefix), "policy");
    if (!data && len > 0)
        return vouch_error_set(err, VOUCH_EINVAL, "%s: no data", prefix);
    if (len > VOUCH_POLICY_MAX_BYTES)
        return vouch_error_set(err, VOUCH_ETOOBIG, "%s: document is %zu bytes (the limit is %zu)",
                               prefix, len, VOUCH_POLICY_MAX_BYTES);
    if (!data)
        data = "";
    if (is_json_document(data, len))
        rc = vouch_json_parse(&doc, data, len, prefix, err);
    else
        rc = vouch_model__yaml_parse(&doc, data, len, prefix, err);
    if (rc != 0)
        return rc;
    if (!(p = vouch_calloc(1, sizeof(*p)))) {
        json_decref(doc);
        return vouch_error_set(err, VOUCH_ENOMEM, "%s: out of memory", prefix);
    }
    p->doc = doc;
    if ((rc = vouch_model__policy_build(p, doc, prefix, err)) != 0 ||
        (rc = seal(p, prefix, err)) != 0) {
        vouch_policy_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int vouch_policy_default(vouch_policy **out, vouch_error *err)
{
    return vouch_policy_parse(out, default_policy, sizeof(default_policy) - 1, "default", err);
}

void vouch_policy_free(vouch_policy *p)
{
    if (!p)
        return;
    vouch_model__policy_release(p);
    json_decref(p->doc);
    vouch_free(p->canonical);
    vouch_free(p);
}

const vouch_digest *vouch_policy_digest(const vouch_policy *p)
{
    return &p->digest;
}

const char *vouch_policy_digest_str(const vouch_policy *p)
{
    return p->digest_str;
}

const char *vouch_policy_canonical(const vouch_policy *p, size_t *len_out)
{
    if (len_out)
        *len_out = p->canonical_len;
    return p->canonical;
}

vouch_check_set vouch_policy_baseline(const vouch_policy *p)
{
    return p->baseline;
}

int vouch_policy_allow_non_oci(const vouch_policy *p)
{
    return p->allow_non_oci;
}

size_t vouch_policy_channel_count(const vouch_policy *p)
{
    return p->channel_count;
}

const vouch_channel_rule *vouch_policy_channel_at(const vouch_policy *p, size_t i)
{
    return i < p->channel_count ? &p->channels[i] : NULL;
}

const vouch_channel_rule *vouch_policy_channel(const vouch_policy *p, const char *name)
{
    for (size_t i = 0; name && i < p->channel_count; i++)
        if (strcmp(p->channels[i].name, name) == 0)
            return &p->channels[i];
    return NULL;
}

static int group_has(const vouch_policy *p, const char *group, const char *actor)
{
    for (size_t i = 0; i < p->group_count; i++) {
        if (strcmp(p->groups[i].name, group) != 0)
            continue;
        for (size_t j = 0; j < p->groups[i].count; j++)
            if (strcmp(p->groups[i].members[j], actor) == 0)
                return 1;
        return 0;
    }
    return 0;
}

int vouch_policy_is_promoter(const vouch_policy *p, const vouch_channel_rule *rule,
                             const char *actor)
{
    if (!p || !rule || !actor || actor[0] == '\0')
        return 0;
    for (size_t i = 0; i < rule->promoters_count; i++) {
        const char *who = rule->promoters[i];
        if (who[0] == '@') {
            if (group_has(p, who + 1, actor))
                return 1;
        } else if (strcmp(who, "*") == 0 || strcmp(who, actor) == 0) {
            return 1;
        }
    }
    return 0;
}

int vouch_policy_source_allowed(const vouch_policy *p, vouch_source_type type, const char *uri,
                                const char **matched)
{
    if (matched)
        *matched = NULL;
    if (!p || !uri)
        return 0;
    for (size_t i = 0; i < p->source_count; i++) {
        if (p->sources[i].type == type && vouch_glob_match(p->sources[i].match, uri)) {
            if (matched)
                *matched = p->sources[i].match;
            return 1;
        }
    }
    return 0;
}
