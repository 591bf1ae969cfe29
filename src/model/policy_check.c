/* policy_check.c - validate a policy document tree into the rules of a vouch_policy. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_int.h"
#include "vouch/alloc.h"
#include "vouch/model.h"
#include "vouch/policy.h"

#define LOC_MAX      128
#define KNOWN_CHECKS "digest, source, signature, provenance, sbom, scan, log" /* enum order */

typedef struct pctx {
    const char *prefix;
    vouch_error *err;
    vouch_policy *p;
} pctx;

static int fail(pctx *c, int code, const char *loc, const char *fmt, ...) VOUCH_PRINTF(4, 5);

/* "<prefix>: <loc>: <message>", or without the place when loc is NULL. */
static int fail(pctx *c, int code, const char *loc, const char *fmt, ...)
{
    char msg[VOUCH_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (loc)
        return vouch_error_set(c->err, code, "%s: %s: %s", c->prefix, loc, msg);
    return vouch_error_set(c->err, code, "%s: %s", c->prefix, msg);
}

static int oom(pctx *c)
{
    return vouch_error_set(c->err, VOUCH_ENOMEM, "%s: out of memory", c->prefix);
}

/* Prefix a message of vouch_name_validate() with the place it applies to. */
static int name_ok(pctx *c, const char *loc, const char *name, const char *what)
{
    vouch_error tmp;
    vouch_error_clear(&tmp);
    if (vouch_name_validate(name, what, &tmp) == 0)
        return 0;
    return fail(c, tmp.code, loc, "%s", tmp.message);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "a mapping";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        break;
    }
    return "null";
}

/* Refuse members of `obj` not named in the NULL-terminated `known`. */
static int check_keys(pctx *c, const char *loc, const json_t *obj, const char *const *known)
{
    const char *key;
    json_t *v;
    char q[VOUCH_MODEL__QUOTE_MAX], list[256];

    json_object_foreach((json_t *)obj, key, v)
    {
        size_t i = 0, used = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (known[i])
            continue;
        list[0] = '\0';
        for (i = 0; known[i] && used < sizeof(list); i++)
            used +=
                (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", known[i]);
        return fail(c, VOUCH_EINVAL, loc, "unknown field '%s' (known: %s)",
                    vouch_model__quote(q, key), list);
    }
    return 0;
}

static int get_bool(pctx *c, const char *loc, const json_t *obj, const char *field, int dflt,
                    int *out)
{
    const json_t *v = json_object_get(obj, field);
    *out = dflt;
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return fail(c, VOUCH_EINVAL, loc, "'%s' must be true or false, not %s", field,
                    type_name(v));
    *out = json_is_true(v);
    return 0;
}

/* A required string member; NULL loc means the top level. */
static int get_string(pctx *c, const char *loc, const json_t *obj, const char *field,
                      const char **out)
{
    const json_t *v = json_object_get(obj, field);
    *out = NULL;
    if (!v)
        return fail(c, VOUCH_EINVAL, loc, "missing field '%s'", field);
    if (!json_is_string(v))
        return fail(c, VOUCH_EINVAL, loc, "'%s' must be a string, not %s", field, type_name(v));
    *out = json_string_value(v);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Some string listed twice in list[0..n), or NULL; sorting a copy keeps long lists cheap. */
static int find_duplicate(pctx *c, const char **list, size_t n, const char **dup)
{
    const char **tmp;

    *dup = NULL;
    if (n < 2)
        return 0;
    if (!(tmp = vouch_calloc(n, sizeof(*tmp))))
        return oom(c);
    memcpy(tmp, list, n * sizeof(*tmp));
    qsort(tmp, n, sizeof(*tmp), cmp_str);
    for (size_t i = 1; i < n && !*dup; i++)
        if (strcmp(tmp[i - 1], tmp[i]) == 0)
            *dup = tmp[i];
    vouch_free(tmp);
    return 0;
}

/*
 * A list of distinct strings (absent: empty). On success *out holds
 * *count borrowed pointers in a new array (NULL when empty).
 */
static int str_list(pctx *c, const char *loc, const char *field, const json_t *v, size_t max,
                    const char ***out, size_t *count)
{
    char q[VOUCH_MODEL__QUOTE_MAX];
    const char **list, *dup;
    size_t n;
    int rc;

    *out = NULL;
    *count = 0;
    if (!v)
        return 0;
    if (!json_is_array(v))
        return fail(c, VOUCH_EINVAL, loc, "'%s' must be a list of strings, not %s", field,
                    type_name(v));
    n = json_array_size(v);
    if (n > max)
        return fail(c, VOUCH_EINVAL, loc, "'%s' has %zu entries (at most %zu are allowed)", field,
                    n, max);
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(v, i);
        if (!json_is_string(item))
            return fail(c, VOUCH_EINVAL, loc, "'%s'[%zu] must be a string, not %s", field, i,
                        type_name(item));
    }
    if (n == 0)
        return 0;
    if (!(list = vouch_calloc(n, sizeof(*list))))
        return oom(c);
    for (size_t i = 0; i < n; i++)
        list[i] = json_string_value(json_array_get(v, i));
    if ((rc = find_duplicate(c, list, n, &dup)) != 0 || dup) {
        vouch_free(list);
        return rc ? rc
                  : fail(c, VOUCH_EINVAL, loc, "duplicate entry '%s' in '%s'",
                         vouch_model__quote(q, dup), field);
    }
    *out = list;
    *count = n;
    return 0;
}

/* A list of distinct check names as a set (absent: dflt). */
static int check_set(pctx *c, const char *loc, const char *field, const json_t *obj,
                     vouch_check_set dflt, vouch_check_set *out)
{
    const json_t *v = json_object_get(obj, field);
    char q[VOUCH_MODEL__QUOTE_MAX];
    vouch_check_set set = 0;
    size_t i;
    json_t *item;

    *out = dflt;
    if (!v)
        return 0;
    if (!json_is_array(v))
        return fail(c, VOUCH_EINVAL, loc, "'%s' must be a list of check names, not %s", field,
                    type_name(v));
    json_array_foreach(v, i, item)
    {
        vouch_check_kind k;
        if (!json_is_string(item))
            return fail(c, VOUCH_EINVAL, loc, "'%s'[%zu] must be a check name, not %s", field, i,
                        type_name(item));
        if (vouch_check_kind_parse(&k, json_string_value(item), NULL) != 0)
            return fail(c, VOUCH_EINVAL, loc, "unknown check '%s' in %s (known: %s)",
                        vouch_model__quote(q, json_string_value(item)), field, KNOWN_CHECKS);
        if (set & VOUCH_CHECK_BIT(k))
            return fail(c, VOUCH_EINVAL, loc, "duplicate check '%s' in %s",
                        vouch_model__quote(q, json_string_value(item)), field);
        set |= VOUCH_CHECK_BIT(k);
    }
    *out = set;
    return 0;
}

static const vouch_model__group *find_group(const vouch_policy *p, const char *name)
{
    for (size_t i = 0; i < p->group_count; i++)
        if (strcmp(p->groups[i].name, name) == 0)
            return &p->groups[i];
    return NULL;
}

static int parse_groups(pctx *c, const json_t *v)
{
    vouch_policy *p = c->p;
    const char *name;
    json_t *members;
    char loc[LOC_MAX], q[VOUCH_MODEL__QUOTE_MAX];
    int rc;

    if (!v)
        return 0;
    if (!json_is_object(v))
        return fail(c, VOUCH_EINVAL, NULL,
                    "'groups' must be a mapping of group names to lists "
                    "of actors, not %s",
                    type_name(v));
    if (json_object_size(v) > VOUCH_MODEL__MAX_GROUPS)
        return fail(c, VOUCH_EINVAL, NULL, "'groups' has %zu entries (at most %d are allowed)",
                    json_object_size(v), VOUCH_MODEL__MAX_GROUPS);
    if (json_object_size(v) > 0 &&
        !(p->groups = vouch_calloc(json_object_size(v), sizeof(*p->groups))))
        return oom(c);
    json_object_foreach((json_t *)v, name, members)
    {
        vouch_model__group *g = &p->groups[p->group_count];
        if ((rc = name_ok(c, "groups", name, "group")) != 0)
            return rc;
        snprintf(loc, sizeof(loc), "groups ('%s')", vouch_model__quote(q, name));
        g->name = name;
        rc = str_list(c, loc, "members", members, VOUCH_MODEL__MAX_MEMBERS, &g->members, &g->count);
        if (rc != 0)
            return rc;
        p->group_count++;
        for (size_t i = 0; i < g->count; i++) {
            snprintf(loc, sizeof(loc), "groups ('%s')[%zu]", vouch_model__quote(q, name), i);
            if ((rc = name_ok(c, loc, g->members[i], "actor")) != 0)
                return rc;
        }
    }
    return 0;
}

static int parse_source(pctx *c, const json_t *v, size_t idx)
{
    static const char *const known[] = {"type", "match", NULL};
    vouch_model__source *s = &c->p->sources[idx];
    const char *type;
    char loc[LOC_MAX];
    vouch_error tmp;
    int rc;

    snprintf(loc, sizeof(loc), "sources[%zu]", idx);
    if (!json_is_object(v))
        return fail(c, VOUCH_EINVAL, loc, "must be a mapping with 'type' and 'match', not %s",
                    type_name(v));
    if ((rc = check_keys(c, loc, v, known)) != 0 || (rc = get_string(c, loc, v, "type", &type)) ||
        (rc = get_string(c, loc, v, "match", &s->match)))
        return rc;
    vouch_error_clear(&tmp);
    if (vouch_source_type_parse(&s->type, type, &tmp) != 0)
        return fail(c, VOUCH_EINVAL, loc, "%s", tmp.message);
    if (s->match[0] == '\0')
        return fail(c, VOUCH_EINVAL, loc, "'match' must not be empty");
    if (strlen(s->match) > VOUCH_MODEL__MAX_MATCH)
        return fail(c, VOUCH_EINVAL, loc, "'match' is longer than %d bytes",
                    VOUCH_MODEL__MAX_MATCH);
    for (size_t j = 0; j < idx; j++) {
        const vouch_model__source *o = &c->p->sources[j];
        if (o->type == s->type && strcmp(o->match, s->match) == 0)
            return fail(c, VOUCH_EINVAL, loc, "duplicate of sources[%zu]", j);
    }
    return 0;
}

static int parse_sources(pctx *c, const json_t *v)
{
    size_t n;
    int rc;

    if (!v)
        return 0;
    if (!json_is_array(v))
        return fail(c, VOUCH_EINVAL, NULL, "'sources' must be a list, not %s", type_name(v));
    n = json_array_size(v);
    if (n > VOUCH_MODEL__MAX_SOURCES)
        return fail(c, VOUCH_EINVAL, NULL, "'sources' has %zu entries (at most %d are allowed)", n,
                    VOUCH_MODEL__MAX_SOURCES);
    if (n > 0 && !(c->p->sources = vouch_calloc(n, sizeof(*c->p->sources))))
        return oom(c);
    for (size_t i = 0; i < n; i++) {
        if ((rc = parse_source(c, json_array_get(v, i), i)) != 0)
            return rc;
        c->p->source_count++;
    }
    return 0;
}

static int check_promoter(pctx *c, const char *loc, size_t i, const char *who)
{
    char where[LOC_MAX + 32], q[VOUCH_MODEL__QUOTE_MAX];

    if (strcmp(who, "*") == 0)
        return 0;
    if (who[0] == '@') {
        if (find_group(c->p, who + 1))
            return 0;
        return fail(c, VOUCH_EINVAL, loc,
                    "promoter '%s' names an undefined group (define it under 'groups')",
                    vouch_model__quote(q, who));
    }
    snprintf(where, sizeof(where), "%s: promoters[%zu]", loc, i);
    return name_ok(c, where, who, "actor");
}

/* The members of one channel except `from`, which needs every name first. */
static int channel_fields(pctx *c, vouch_channel_rule *r, const json_t *v, const char *loc)
{
    const char **list;
    size_t n;
    int rc;

    if ((rc = check_set(c, loc, "require", v, 0, &r->require)) != 0)
        return rc;
    rc = str_list(c, loc, "promoters", json_object_get(v, "promoters"), VOUCH_MODEL__MAX_PROMOTERS,
                  &list, &n);
    if (rc != 0)
        return rc;
    r->promoters = list;
    r->promoters_count = n;
    for (size_t i = 0; i < n; i++)
        if ((rc = check_promoter(c, loc, i, list[i])) != 0)
            return rc;
    if ((rc = get_bool(c, loc, v, "allowNonOci", c->p->allow_non_oci, &r->allow_non_oci)) != 0)
        return rc;
    rc = str_list(c, loc, "environments", json_object_get(v, "environments"),
                  VOUCH_MODEL__MAX_ENVIRONMENTS, &list, &n);
    if (rc != 0)
        return rc;
    r->environments = list;
    r->environments_count = n;
    for (size_t i = 0; i < n; i++) {
        char where[LOC_MAX + 48];
        snprintf(where, sizeof(where), "%.*s: environments[%zu]", (int)LOC_MAX, loc, i);
        if ((rc = name_ok(c, where, list[i], "environment")) != 0)
            return rc;
    }
    return 0;
}

static int parse_channel(pctx *c, const json_t *v, size_t idx)
{
    static const char *const known[] = {"name",        "from",         "require", "promoters",
                                        "allowNonOci", "environments", NULL};
    vouch_channel_rule *r = &c->p->channels[idx];
    const json_t *from;
    char loc[LOC_MAX];
    int rc;

    snprintf(loc, sizeof(loc), "channels[%zu]", idx);
    if (!json_is_object(v))
        return fail(c, VOUCH_EINVAL, loc, "must be a mapping, not %s", type_name(v));
    if ((rc = get_string(c, loc, v, "name", &r->name)) != 0 ||
        (rc = name_ok(c, loc, r->name, "channel")))
        return rc;
    for (size_t j = 0; j < idx; j++)
        if (strcmp(c->p->channels[j].name, r->name) == 0)
            return fail(c, VOUCH_EINVAL, loc, "duplicate channel name '%s' (also channels[%zu])",
                        r->name, j);
    snprintf(loc, sizeof(loc), "channels[%zu] ('%s')", idx, r->name);
    if ((rc = check_keys(c, loc, v, known)) != 0)
        return rc;
    from = json_object_get(v, "from");
    if (from && !json_is_null(from) && !json_is_string(from))
        return fail(c, VOUCH_EINVAL, loc, "'from' must be a channel name or null, not %s",
                    type_name(from));
    r->from = json_string_value(from); /* NULL for null or absent */
    if (r->from && r->from[0] == '\0')
        return fail(c, VOUCH_EINVAL, loc, "'from' must not be empty (leave it out or use null)");
    return channel_fields(c, r, v, loc);
}

static size_t channel_index(const vouch_policy *p, const char *name)
{
    for (size_t i = 0; i < p->channel_count; i++)
        if (strcmp(p->channels[i].name, name) == 0)
            return i;
    return (size_t)-1;
}

/* Every `from` names another channel, and following them never comes back. */
static int check_from(pctx *c)
{
    const vouch_policy *p = c->p;
    size_t next[VOUCH_MODEL__MAX_CHANNELS], seen[VOUCH_MODEL__MAX_CHANNELS];
    char q[VOUCH_MODEL__QUOTE_MAX];

    for (size_t i = 0; i < p->channel_count; i++) {
        const vouch_channel_rule *r = &p->channels[i];
        next[i] = r->from ? channel_index(p, r->from) : (size_t)-1;
        seen[i] = 0;
        if (r->from && next[i] == (size_t)-1)
            return fail(c, VOUCH_EINVAL, NULL,
                        "channels[%zu] ('%s'): from '%s' is not a channel of this policy", i,
                        r->name, vouch_model__quote(q, r->from));
        if (next[i] == i)
            return fail(c, VOUCH_EINVAL, NULL,
                        "channels[%zu] ('%s'): from names the channel itself", i, r->name);
    }
    /* seen[k] = start+1 of the walk that first reached k; each walk stops at known ground */
    for (size_t start = 0; start < p->channel_count; start++) {
        size_t k = start;
        while (k != (size_t)-1 && seen[k] == 0) {
            seen[k] = start + 1;
            k = next[k];
        }
        if (k == (size_t)-1 || seen[k] != start + 1)
            continue;
        char path[VOUCH_ERROR_MSG_MAX];
        size_t used = (size_t)snprintf(path, sizeof(path), "%s", p->channels[k].name);
        size_t j = next[k];
        do {
            if (used < sizeof(path))
                used += (size_t)snprintf(path + used, sizeof(path) - used, " -> %s",
                                         p->channels[j].name);
            j = (j == k) ? (size_t)-1 : next[j];
        } while (j != (size_t)-1);
        return fail(c, VOUCH_EINVAL, NULL, "from cycle: %s", path);
    }
    return 0;
}

static int parse_channels(pctx *c, const json_t *v)
{
    size_t n;
    int rc;

    if (!v)
        return fail(c, VOUCH_EINVAL, NULL, "missing field 'channels'");
    if (!json_is_array(v))
        return fail(c, VOUCH_EINVAL, NULL, "'channels' must be a list, not %s", type_name(v));
    n = json_array_size(v);
    if (n == 0)
        return fail(c, VOUCH_EINVAL, NULL, "'channels' must list at least one channel");
    if (n > VOUCH_MODEL__MAX_CHANNELS)
        return fail(c, VOUCH_EINVAL, NULL, "'channels' has %zu entries (at most %d are allowed)", n,
                    VOUCH_MODEL__MAX_CHANNELS);
    if (!(c->p->channels = vouch_calloc(n, sizeof(*c->p->channels))))
        return oom(c);
    for (size_t i = 0; i < n; i++) {
        rc = parse_channel(c, json_array_get(v, i), i);
        c->p->channel_count = i + 1; /* release what the failed channel holds too */
        if (rc != 0)
            return rc;
    }
    return check_from(c);
}

static int check_header(pctx *c, const json_t *doc)
{
    static const char *const known[] = {"apiVersion", "kind",    "baseline", "allowNonOci",
                                        "groups",     "sources", "channels", NULL};
    const char *s;
    char q[VOUCH_MODEL__QUOTE_MAX];
    int rc;

    if (!json_is_object(doc))
        return fail(c, VOUCH_EINVAL, NULL, "a policy must be a mapping, not %s", type_name(doc));
    if ((rc = get_string(c, NULL, doc, "apiVersion", &s)) != 0)
        return rc;
    if (strcmp(s, "vouch/v1") != 0)
        return fail(c, VOUCH_EINVAL, NULL, "apiVersion must be 'vouch/v1', not '%s'",
                    vouch_model__quote(q, s));
    if ((rc = get_string(c, NULL, doc, "kind", &s)) != 0)
        return rc;
    if (strcmp(s, "Policy") != 0)
        return fail(c, VOUCH_EINVAL, NULL, "kind must be 'Policy', not '%s'",
                    vouch_model__quote(q, s));
    return check_keys(c, NULL, doc, known);
}

int vouch_model__policy_build(vouch_policy *p, const json_t *doc, const char *prefix,
                              vouch_error *err)
{
    pctx c = {prefix, err, p};
    int rc;

    if ((rc = check_header(&c, doc)) != 0)
        return rc;
    rc = check_set(&c, NULL, "baseline", doc, VOUCH_CHECK_BIT(VOUCH_CHECK_DIGEST), &p->baseline);
    if (rc != 0 || (rc = get_bool(&c, NULL, doc, "allowNonOci", 1, &p->allow_non_oci)) != 0)
        return rc;
    if ((rc = parse_groups(&c, json_object_get(doc, "groups"))) != 0 ||
        (rc = parse_sources(&c, json_object_get(doc, "sources"))) != 0)
        return rc;
    return parse_channels(&c, json_object_get(doc, "channels"));
}

void vouch_model__policy_release(vouch_policy *p)
{
    for (size_t i = 0; i < p->group_count; i++)
        vouch_free(p->groups[i].members);
    for (size_t i = 0; i < p->channel_count; i++) {
        vouch_free((void *)p->channels[i].promoters);
        vouch_free((void *)p->channels[i].environments);
    }
    vouch_free(p->groups);
    vouch_free(p->sources);
    vouch_free(p->channels);
    p->groups = NULL;
    p->sources = NULL;
    p->channels = NULL;
    p->group_count = p->source_count = p->channel_count = 0;
}
