/* policy_yaml.c - a YAML policy document to a JSON tree (libyaml events, YAML 1.2 core schema). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "model/model_int.h"
#include "vouch/alloc.h"
#include "vouch/json.h"

#define CORE_TAG "tag:yaml.org,2002:"

typedef struct yframe {
    json_t *node; /* borrowed: owned by its parent or by the root */
    char *key;    /* mapping only: key waiting for its value, or NULL */
} yframe;

typedef struct yctx {
    const char *prefix;
    vouch_error *err;
    json_t *root;
    yframe stack[VOUCH_JSON_MAX_DEPTH];
    size_t depth;
    int documents;
} yctx;

static int yfail(yctx *c, int code, const yaml_mark_t *m, const char *fmt, ...) VOUCH_PRINTF(4, 5);

static int yfail(yctx *c, int code, const yaml_mark_t *m, const char *fmt, ...)
{
    char msg[VOUCH_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (code == VOUCH_ENOMEM)
        return vouch_error_set(c->err, code, "%s: out of memory", c->prefix);
    return vouch_error_set(c->err, code, "%s: line %zu, column %zu: %s", c->prefix, m->line + 1,
                           m->column + 1, msg);
}

static int parser_fail(yctx *c, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->error == YAML_MEMORY_ERROR)
        return vouch_error_set(c->err, VOUCH_ENOMEM, "%s: out of memory", c->prefix);
    if (p->error == YAML_READER_ERROR)
        return vouch_error_set(c->err, VOUCH_EINVAL, "%s: byte %zu: %s", c->prefix,
                               p->problem_offset, problem);
    if (p->context)
        return vouch_error_set(c->err, VOUCH_EINVAL, "%s: line %zu, column %zu: %s %s", c->prefix,
                               p->problem_mark.line + 1, p->problem_mark.column + 1, problem,
                               p->context);
    return yfail(c, VOUCH_EINVAL, &p->problem_mark, "%s", problem);
}

static int is_digits(const char *s, const char *set)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

static int is_core_int(const char *s)
{
    if (s[0] == '0' && s[1] == 'o')
        return is_digits(s + 2, "01234567");
    if (s[0] == '0' && s[1] == 'x')
        return is_digits(s + 2, "0123456789abcdefABCDEF");
    return is_digits(s + (s[0] == '-' || s[0] == '+'), "0123456789");
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and the .inf/.nan spellings */
static int is_core_float(const char *s)
{
    const char *p = s + (s[0] == '-' || s[0] == '+');
    size_t ip = strspn(p, "0123456789"), fp = 0;
    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF"))
        return 1;
    if (p == s && (!strcmp(p, ".nan") || !strcmp(p, ".NaN") || !strcmp(p, ".NAN")))
        return 1;
    p += ip;
    if (*p == '.') {
        fp = strspn(p + 1, "0123456789");
        p += 1 + fp;
    }
    if (ip == 0 && fp == 0)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        p += (*p == '-' || *p == '+');
        if (!is_digits(p, "0123456789"))
            return 0;
        return 1;
    }
    return *p == '\0';
}

/*
 * A number node. A policy accepts no numbers, so only the type matters to
 * the validator; values JSON cannot hold (.inf, .nan, out-of-range
 * integers) are kept as a real or integer 0 rather than refused here.
 */
static json_t *make_number(const char *s, int is_int)
{
    errno = 0;
    if (is_int) {
        int base = s[0] == '0' && (s[1] == 'o' || s[1] == 'x') ? (s[1] == 'o' ? 8 : 16) : 10;
        long long v = strtoll(base == 10 ? s : s + 2, NULL, base);
        return json_integer(errno ? 0 : v);
    }
    double d = strtod(s, NULL);
    return json_real(isfinite(d) ? d : 0.0);
}

typedef enum ykind { Y_STR, Y_NULL, Y_BOOL, Y_INT, Y_FLOAT } ykind;

static ykind resolve_plain(const char *s)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
        if (!strcmp(s, nulls[i]))
            return Y_NULL;
    for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
        if (!strcmp(s, bools[i]))
            return Y_BOOL;
    if (is_core_int(s))
        return Y_INT;
    return is_core_float(s) ? Y_FLOAT : Y_STR;
}

/* The kind a scalar event resolves to, or -1 (error set) for a refused tag. */
static int scalar_kind(yctx *c, const yaml_event_t *e, ykind *out)
{
    const char *v = (const char *)e->data.scalar.value;
    const char *tag = (const char *)e->data.scalar.tag;
    static const struct {
        const char *name;
        ykind kind;
    } core[] = {
        {"str", Y_STR}, {"null", Y_NULL}, {"bool", Y_BOOL}, {"int", Y_INT}, {"float", Y_FLOAT}};
    char q[VOUCH_MODEL__QUOTE_MAX];

    if (!tag) {
        *out = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? resolve_plain(v) : Y_STR;
        return 0;
    }
    if (!strcmp(tag, "!")) { /* the non-specific tag of a quoted scalar */
        *out = Y_STR;
        return 0;
    }
    for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++) {
        if (strncmp(tag, CORE_TAG, strlen(CORE_TAG)) ||
            strcmp(tag + strlen(CORE_TAG), core[i].name))
            continue;
        if (core[i].kind != Y_STR && resolve_plain(v) != core[i].kind)
            return yfail(c, VOUCH_EINVAL, &e->start_mark, "'%s' is not a valid !!%s",
                         vouch_model__quote(q, v), core[i].name);
        *out = core[i].kind;
        return 0;
    }
    return yfail(c, VOUCH_EINVAL, &e->start_mark, "tag '%s' is not allowed",
                 vouch_model__quote(q, tag));
}

static int make_scalar(yctx *c, const yaml_event_t *e, json_t **out)
{
    const char *v = (const char *)e->data.scalar.value;
    size_t len = e->data.scalar.length;
    ykind kind;
    int rc;

    *out = NULL;
    if (memchr(v, '\0', len))
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "NUL bytes are not allowed in scalars");
    if ((rc = scalar_kind(c, e, &kind)) != 0)
        return rc;
    switch (kind) {
    case Y_NULL:
        *out = json_null();
        break;
    case Y_BOOL:
        *out = json_boolean(v[0] == 't' || v[0] == 'T');
        break;
    case Y_INT:
    case Y_FLOAT:
        *out = make_number(v, kind == Y_INT);
        break;
    case Y_STR:
        *out = json_stringn(v, len);
        break;
    }
    return *out ? 0 : yfail(c, VOUCH_ENOMEM, &e->start_mark, "out of memory");
}

/* Refuse anchors and tags on a collection start event. */
static int check_collection(yctx *c, const yaml_event_t *e, const char *anchor, const char *tag,
                            const char *core_name)
{
    char q[VOUCH_MODEL__QUOTE_MAX];
    if (anchor)
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "anchors are not allowed ('&%s')",
                     vouch_model__quote(q, anchor));
    if (tag &&
        (strncmp(tag, CORE_TAG, strlen(CORE_TAG)) || strcmp(tag + strlen(CORE_TAG), core_name)))
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "tag '%s' is not allowed",
                     vouch_model__quote(q, tag));
    if (c->depth >= VOUCH_JSON_MAX_DEPTH)
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "nesting deeper than %d levels",
                     VOUCH_JSON_MAX_DEPTH);
    return 0;
}

/* Give `v` (stolen) to the innermost open collection, or make it the root. */
static int attach(yctx *c, const yaml_event_t *e, json_t *v)
{
    yframe *top = c->depth ? &c->stack[c->depth - 1] : NULL;
    int rc;

    if (!top) {
        c->root = v;
        return 0;
    }
    if (json_is_array(top->node)) {
        if (json_array_append_new(top->node, v) != 0)
            return yfail(c, VOUCH_ENOMEM, &e->start_mark, "out of memory");
        return 0;
    }
    rc = vouch_json_set(top->node, top->key, v);
    vouch_free(top->key);
    top->key = NULL;
    return rc ? yfail(c, rc, &e->start_mark, "out of memory") : 0;
}

/* A scalar inside a mapping with no pending key is the next key. */
static int take_key(yctx *c, const yaml_event_t *e)
{
    yframe *top = &c->stack[c->depth - 1];
    const char *v = (const char *)e->data.scalar.value;
    char q[VOUCH_MODEL__QUOTE_MAX];
    ykind kind;
    int rc;

    if (e->data.scalar.anchor)
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "anchors are not allowed ('&%s')",
                     vouch_model__quote(q, (const char *)e->data.scalar.anchor));
    if ((rc = scalar_kind(c, e, &kind)) != 0)
        return rc;
    if (memchr(v, '\0', e->data.scalar.length))
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "NUL bytes are not allowed in keys");
    if (json_object_get(top->node, v))
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "duplicate key '%s'",
                     vouch_model__quote(q, v));
    top->key = vouch_strdup(v);
    return top->key ? 0 : yfail(c, VOUCH_ENOMEM, &e->start_mark, "out of memory");
}

static int on_scalar(yctx *c, const yaml_event_t *e)
{
    yframe *top = c->depth ? &c->stack[c->depth - 1] : NULL;
    char q[VOUCH_MODEL__QUOTE_MAX];
    json_t *v;
    int rc;

    if (top && json_is_object(top->node) && !top->key)
        return take_key(c, e);
    if (e->data.scalar.anchor)
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "anchors are not allowed ('&%s')",
                     vouch_model__quote(q, (const char *)e->data.scalar.anchor));
    if ((rc = make_scalar(c, e, &v)) != 0)
        return rc;
    return attach(c, e, v);
}

static int on_start(yctx *c, const yaml_event_t *e, int is_map)
{
    yframe *top = c->depth ? &c->stack[c->depth - 1] : NULL;
    const char *anchor =
        (const char *)(is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor);
    const char *tag =
        (const char *)(is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag);
    json_t *v;
    int rc;

    if (top && json_is_object(top->node) && !top->key)
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "mapping keys must be scalars");
    if ((rc = check_collection(c, e, anchor, tag, is_map ? "map" : "seq")) != 0)
        return rc;
    v = is_map ? json_object() : json_array();
    if (!v)
        return yfail(c, VOUCH_ENOMEM, &e->start_mark, "out of memory");
    if ((rc = attach(c, e, v)) != 0)
        return rc;
    c->stack[c->depth].node = v;
    c->stack[c->depth].key = NULL;
    c->depth++;
    return 0;
}

static int on_event(yctx *c, const yaml_event_t *e, int *done)
{
    switch (e->type) {
    case YAML_STREAM_START_EVENT:
        return 0;
    case YAML_DOCUMENT_START_EVENT:
        if (c->documents > 0)
            return yfail(c, VOUCH_EINVAL, &e->start_mark,
                         "multiple documents are not allowed in a policy file");
        if (e->data.document_start.tag_directives.start !=
            e->data.document_start.tag_directives.end)
            return yfail(c, VOUCH_EINVAL, &e->start_mark, "%%TAG directives are not allowed");
        return 0;
    case YAML_DOCUMENT_END_EVENT:
        c->documents++;
        return 0;
    case YAML_ALIAS_EVENT:
        return yfail(c, VOUCH_EINVAL, &e->start_mark, "aliases are not allowed");
    case YAML_SCALAR_EVENT:
        return on_scalar(c, e);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(c, e, 0);
    case YAML_MAPPING_START_EVENT:
        return on_start(c, e, 1);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (c->depth > 0) {
            c->depth--;
            vouch_free(c->stack[c->depth].key); /* libyaml always pairs keys; be safe */
            c->stack[c->depth].key = NULL;
        }
        return 0;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return 0;
    case YAML_NO_EVENT:
        break;
    }
    return yfail(c, VOUCH_EINVAL, &e->start_mark, "unexpected YAML event");
}

int vouch_model__yaml_parse(json_t **out, const char *data, size_t len, const char *prefix,
                            vouch_error *err)
{
    yaml_parser_t parser;
    yctx c;
    int rc = 0, done = 0;

    *out = NULL;
    memset(&c, 0, sizeof(c));
    c.prefix = prefix;
    c.err = err;
    if (!yaml_parser_initialize(&parser))
        return vouch_error_set(err, VOUCH_ENOMEM, "%s: out of memory", prefix);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    while (rc == 0 && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            rc = parser_fail(&c, &parser);
            break;
        }
        rc = on_event(&c, &e, &done);
        yaml_event_delete(&e);
    }
    if (rc == 0 && !c.root)
        rc = vouch_error_set(err, VOUCH_EINVAL, "%s: the document is empty", prefix);
    for (size_t i = 0; i < VOUCH_JSON_MAX_DEPTH; i++)
        vouch_free(c.stack[i].key);
    yaml_parser_delete(&parser);
    if (rc != 0) {
        json_decref(c.root);
        return rc;
    }
    *out = c.root;
    return 0;
}
