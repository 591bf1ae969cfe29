/*
 * service_int.h - shared between the files of the service layer: the
 * service struct, the per-request call context, transactions with their
 * audit chain position, and the handler signature the router dispatches to.
 */
#ifndef VOUCH_SERVICE_INT_H
#define VOUCH_SERVICE_INT_H

#include <limits.h>
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "vouch/buf.h"
#include "vouch/policy.h"
#include "vouch/router.h"
#include "vouch/service.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

typedef struct policy_cache_entry {
    char digest[VOUCH_DIGEST_STR_MAX];
    vouch_policy *policy; /* owned */
} policy_cache_entry;

struct vouch_service {
    vouch_store *store; /* owned */
    char data_dir[PATH_MAX];
    unsigned long long max_source_bytes;
    policy_cache_entry *policies; /* owned, parsed policies by digest */
    size_t npolicies;
    size_t policies_cap;
};

/* One request as the handlers see it. Strings are borrowed from the
 * request and live until the handler returns. */
typedef struct vouch_call {
    const char *actor;
    char correlation_id[VOUCH_CORR_MAX];
    int64_t now_ms;
    char now_str[32];    /* now_ms as RFC 3339, or "" (then formatted on use) */
    const json_t *query; /* never NULL: an empty object when absent */
    const json_t *body;  /* never NULL: an empty object when absent */
    const char *project; /* path parameters, NULL when not in the route */
    const char *digest;
    const char *verb; /* deprecate | retire | revoke */
} vouch_call;

/* A handler fills resp->status and resp->body on success; on failure it
 * returns the code with details in err and leaves resp alone. */
typedef int (*vouch_handler)(vouch_service *svc, vouch_call *c, vouch_response *resp,
                             vouch_error *err);

/* A write transaction and the audit chain position inside it. */
typedef struct vouch_txn {
    vouch_service *svc;
    int64_t next_seq;
    char prev_hash[VOUCH_DIGEST_STR_MAX];
    vouch_buf scratch; /* reused for canonical event text */
} vouch_txn;

int vouch_svc__txn_begin(vouch_service *svc, vouch_txn *t, vouch_error *err);
int vouch_svc__txn_commit(vouch_txn *t, vouch_error *err);
void vouch_svc__txn_abort(vouch_txn *t);

/* What one audit event says; every pointer borrowed. */
typedef struct vouch_audit_input {
    const char *action;
    const vouch_project_rec *project;   /* NULL: not about a project */
    const vouch_artifact_rec *artifact; /* NULL: not about an artifact */
    json_t *transition;                 /* NULL or {"lifecycle":{..},"trust":{..}} */
    json_t *target;                     /* NULL or {"channel","environment"} */
    const char *reason;
    json_t *details;
    const char *policy_digest;
} vouch_audit_input;

/* Append one event inside t (hash chained to the previous one). */
int vouch_svc__audit_emit(vouch_txn *t, const vouch_call *c, const vouch_audit_input *in,
                          vouch_error *err);

/* The canonical text of the event `in` would append next in t, and the
 * same event as a json_t (new reference; the reference the text must
 * equal byte for byte once canonicalized). */
int vouch_svc__audit_event_text(vouch_buf *b, const vouch_txn *t, const vouch_call *c,
                                const vouch_audit_input *in, vouch_error *err);
json_t *vouch_svc__audit_event_json(const vouch_txn *t, const vouch_call *c,
                                    const vouch_audit_input *in);
/* The canonical text of a stored event (`when`: its formatted time, or
 * NULL to format time_ms). */
int vouch_svc__audit_render(vouch_buf *b, const vouch_audit_rec *r, const char *when,
                            vouch_error *err);

/* Audit listing: an audit_list callback appending each stored event (with
 * its "hash") to `events`. */
typedef struct vouch_event_list {
    json_t *events;
    vouch_error *err;
} vouch_event_list;
int vouch_svc__collect_event(const vouch_audit_rec *rec, void *ctx);

/* Parsed policy by digest (cached for the service's life); borrowed. */
int vouch_svc__policy_get(vouch_service *svc, const char *digest, const vouch_policy **out,
                          vouch_error *err);
/* Remember a freshly parsed policy; takes ownership of p in all cases. */
int vouch_svc__policy_cache_put(vouch_service *svc, vouch_policy *p, vouch_error *err);

/* Project by name (NOT_FOUND names it). */
int vouch_svc__project(vouch_service *svc, const char *name, vouch_project_rec *out,
                       vouch_error *err);
/* Artifact by project + digest string (validated as an OCI digest first). */
int vouch_svc__artifact(vouch_service *svc, const vouch_project_rec *p, const char *digest,
                        vouch_artifact_rec *out, vouch_error *err);

/* JSON renderings (new references, NULL only on allocation failure). */
json_t *vouch_svc__artifact_json(const vouch_project_rec *p, const vouch_artifact_rec *a);
json_t *vouch_svc__checks_json(const vouch_checks *checks, int with_evidence);
json_t *vouch_svc__state_change(const char *from, const char *to);
json_t *vouch_svc__time_json(int64_t ms);

/* Recompute trust from stored checks and baseline; writes state and an
 * audit event when it changed. *changed_out (may be NULL) set to 1 then. */
int vouch_svc__rederive(vouch_txn *t, const vouch_call *c, const vouch_project_rec *p,
                        vouch_artifact_rec *a, const vouch_policy *pol, json_t *details,
                        int *changed_out, vouch_error *err);

/* Evaluate the source check of `a` against the allowlist of `pol`:
 * result and a new evidence object (caller json_decref). */
int vouch_svc__source_check(const vouch_policy *pol, const vouch_artifact_rec *a,
                            vouch_check_result *result, json_t **evidence, vouch_error *err);

/* strlen + memcpy into dst[n], truncating; cheaper than snprintf("%s") on
 * the bulk paths. */
void vouch_svc__copy(char *dst, size_t n, const char *src);

/* The local path a file source names (file:/// URLs percent-decoded) into
 * out[n]; -1 when it is not an absolute path or badly encoded. */
int vouch_svc__file_path(char *out, size_t n, const char *uri);
/* 1 when uri holds "." or ".." path segments (also percent-encoded) or an
 * encoded slash, or is a file URL that does not decode to a path. */
int vouch_svc__uri_unsafe(vouch_source_type type, const char *uri);

/* Small helpers for request fields. */
const char *vouch_svc__query(const vouch_call *c, const char *key);
int vouch_svc__respond(vouch_response *resp, int status, json_t *body, vouch_error *err);

/* Handlers, one per route (router.c holds the table). */
int vouch_svc__h_project_create(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_project_list(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_project_show(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_policy_set(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_policy_show(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_policy_verify(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_artifact_register(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_artifact_batch(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_artifact_list(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_artifact_show(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_artifact_state(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_artifact_verify(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_promote(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_status(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_history(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_audit_list(vouch_service *, vouch_call *, vouch_response *, vouch_error *);
int vouch_svc__h_audit_verify(vouch_service *, vouch_call *, vouch_response *, vouch_error *);

#endif
