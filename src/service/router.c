/*
 * router.c - the one table mapping method + path to a handler. The CLI
 * (in-process) and the HTTP server (over the wire) both come through
 * vouch_router_handle(), so each capability exists once; docs/api.md
 * describes the routes.
 */
#include <string.h>

#include "service/service_int.h"
#include "vouch/alloc.h"
#include "vouch/json.h"
#include "vouch/random.h"
#include "vouch/timeutil.h"

#define MAX_SEGMENTS    8
#define MAX_SEGMENT_LEN 256

typedef struct route {
    const char *method;
    const char *pattern; /* segments; "{project}", "{digest}", "{verb}" capture */
    vouch_handler handler;
    int needs_service;
} route;

static const route routes[] = {
    {"POST", "/v1/projects", vouch_svc__h_project_create, 1},
    {"GET", "/v1/projects", vouch_svc__h_project_list, 1},
    {"GET", "/v1/projects/{project}", vouch_svc__h_project_show, 1},
    {"PUT", "/v1/projects/{project}/policy", vouch_svc__h_policy_set, 1},
    {"GET", "/v1/projects/{project}/policy", vouch_svc__h_policy_show, 1},
    {"POST", "/v1/policies/verify", vouch_svc__h_policy_verify, 0},
    {"POST", "/v1/projects/{project}/artifacts", vouch_svc__h_artifact_register, 1},
    {"POST", "/v1/projects/{project}/artifacts/batch", vouch_svc__h_artifact_batch, 1},
    {"GET", "/v1/projects/{project}/artifacts", vouch_svc__h_artifact_list, 1},
    {"GET", "/v1/projects/{project}/artifacts/{digest}", vouch_svc__h_artifact_show, 1},
    {"POST", "/v1/projects/{project}/artifacts/{digest}/verify", vouch_svc__h_artifact_verify, 1},
    {"POST", "/v1/projects/{project}/artifacts/{digest}/{verb}", vouch_svc__h_artifact_state, 1},
    {"GET", "/v1/projects/{project}/artifacts/{digest}/history", vouch_svc__h_history, 1},
    {"POST", "/v1/projects/{project}/promotions", vouch_svc__h_promote, 1},
    {"GET", "/v1/projects/{project}/status", vouch_svc__h_status, 1},
    {"GET", "/v1/audit", vouch_svc__h_audit_list, 1},
    {"POST", "/v1/audit/verify", vouch_svc__h_audit_verify, 1},
};

static const char *const verbs[] = {"deprecate", "retire", "revoke", NULL};

typedef struct segs {
    char buf[1024];
    const char *seg[MAX_SEGMENTS];
    size_t n;
} segs;

/* Split "/a/b/c" into segments; refuses empty, "." and ".." segments. */
static int split_path(segs *s, const char *path, vouch_error *err)
{
    size_t len = strlen(path);
    if (path[0] != '/' || len >= sizeof(s->buf))
        return vouch_error_set(err, VOUCH_ENOTFOUND, "no route for path '%.100s'", path);
    memcpy(s->buf, path, len + 1);
    s->n = 0;
    char *p = s->buf + 1;
    while (*p) {
        char *slash = strchr(p, '/');
        if (slash)
            *slash = '\0';
        if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0 || strlen(p) > MAX_SEGMENT_LEN ||
            s->n == MAX_SEGMENTS)
            return vouch_error_set(err, VOUCH_ENOTFOUND, "no route for path '%.100s'", path);
        s->seg[s->n++] = p;
        if (!slash)
            break;
        p = slash + 1;
        if (!*p) /* trailing slash */
            return vouch_error_set(err, VOUCH_ENOTFOUND, "no route for path '%.100s'", path);
    }
    return 0;
}

static int is_verb(const char *s)
{
    for (size_t i = 0; verbs[i]; i++)
        if (strcmp(verbs[i], s) == 0)
            return 1;
    return 0;
}

/* 1 when the path fits the pattern; captures go into c. */
static int match(const char *pattern, const segs *s, vouch_call *c)
{
    const char *p = pattern + 1;
    size_t i = 0;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (i >= s->n)
            return 0;
        if (len == 9 && strncmp(p, "{project}", len) == 0) {
            c->project = s->seg[i];
        } else if (len == 8 && strncmp(p, "{digest}", len) == 0) {
            c->digest = s->seg[i];
        } else if (len == 6 && strncmp(p, "{verb}", len) == 0) {
            if (!is_verb(s->seg[i]))
                return 0;
            c->verb = s->seg[i];
        } else if (strlen(s->seg[i]) != len || strncmp(p, s->seg[i], len) != 0) {
            return 0;
        }
        i++;
        p += len;
        if (*p == '/')
            p++;
    }
    return i == s->n;
}

static int valid_correlation_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= VOUCH_CORR_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.' || ch == ':'))
            return 0;
    }
    return 1;
}

static int prepare_call(vouch_call *c, const vouch_request *req, vouch_error *err)
{
    int rc;
    if (!req->actor)
        return vouch_error_set(err, VOUCH_EAUTH, "no actor: every request needs one");
    if ((rc = vouch_name_validate(req->actor, "actor", err)) != 0)
        return rc;
    c->actor = req->actor;
    if (req->correlation_id) {
        if (!valid_correlation_id(req->correlation_id))
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "invalid correlation id '%.64s': use 1-128 characters of "
                                   "A-Z a-z 0-9 . _ : -",
                                   req->correlation_id);
        snprintf(c->correlation_id, sizeof(c->correlation_id), "%s", req->correlation_id);
    } else if ((rc = vouch_random_uuid(c->correlation_id, err)) != 0) {
        return rc;
    }
    if (req->body && !json_is_object(req->body))
        return vouch_error_set(err, VOUCH_EINVAL, "the request body must be a JSON object");
    if (req->query) {
        const char *k;
        json_t *v;
        if (!json_is_object(req->query))
            return vouch_error_set(err, VOUCH_EINVAL, "the query must be an object");
        json_object_foreach((json_t *)req->query, k, v)
        {
            if (!json_is_string(v))
                return vouch_error_set(err, VOUCH_EINVAL, "query parameter '%s' must be a string",
                                       k);
        }
    }
    c->now_ms = vouch_time_now_ms();
    vouch_time_format_ms(c->now_str, c->now_ms);
    return 0;
}

json_t *vouch_error_body(int code, const char *message, const char *rule)
{
    json_t *details = json_object();
    if (details && rule && rule[0])
        json_object_set_new(details, "rule", json_string(rule));
    return json_pack("{s{ss ss so}}", "error", "code", vouch_error_code_name(code), "message",
                     message, "details", details ? details : json_object());
}

static void fail(vouch_response *resp, int code, const vouch_error *err, int status)
{
    resp->code = code;
    resp->status = status ? status : vouch_error_http_status(code);
    resp->body = vouch_error_body(code, vouch_error_message(err, code), err ? err->rule : NULL);
}

static int dispatch(vouch_service *svc, const vouch_request *req, vouch_response *resp,
                    vouch_error *err, int *status)
{
    segs s = {.n = 0};
    int rc, path_matched = 0;
    json_t *empty_q = NULL, *empty_b = NULL;
    if ((rc = split_path(&s, req->path ? req->path : "", err)) != 0)
        return rc;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        vouch_call c;
        memset(&c, 0, sizeof(c));
        if (!match(routes[i].pattern, &s, &c))
            continue;
        path_matched = 1;
        if (strcmp(routes[i].method, req->method ? req->method : "") != 0)
            continue;
        if (routes[i].needs_service && !svc)
            return vouch_error_set(err, VOUCH_EINTERNAL, "no data directory is open");
        if ((rc = prepare_call(&c, req, err)) != 0)
            return rc;
        c.query = req->query ? req->query : (empty_q = json_object());
        c.body = req->body ? req->body : (empty_b = json_object());
        if (!c.query || !c.body)
            rc = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        else
            rc = routes[i].handler(svc, &c, resp, err);
        json_decref(empty_q);
        json_decref(empty_b);
        return rc;
    }
    if (path_matched) {
        *status = 405;
        return vouch_error_set(err, VOUCH_EINVAL, "method %s is not allowed on '%.100s'",
                               req->method ? req->method : "(none)", req->path);
    }
    return vouch_error_set(err, VOUCH_ENOTFOUND, "no route for %s '%.100s'",
                           req->method ? req->method : "(none)", req->path);
}

int vouch_router_handle(vouch_service *svc, const vouch_request *req, vouch_response *resp)
{
    vouch_error err;
    int status = 0;
    vouch_error_clear(&err);
    resp->status = 0;
    resp->body = NULL;
    resp->code = 0;
    int rc = dispatch(svc, req, resp, &err, &status);
    if (rc) {
        json_decref(resp->body);
        fail(resp, rc, &err, status);
    } else if (!resp->body) {
        fail(resp, VOUCH_EINTERNAL, NULL, 0);
    }
    if (!resp->body) /* out of memory even for the error: a static-free fallback */
        resp->code = resp->code ? resp->code : VOUCH_ENOMEM;
    return resp->code;
}

void vouch_response_release(vouch_response *resp)
{
    if (!resp)
        return;
    json_decref(resp->body);
    resp->body = NULL;
}
