/*
 * store.h - the persistence interface of libvouch (internal module API).
 *
 * The service layer talks to a backend only through `struct
 * vouch_store_ops`, as SQLite talks to its VFS: the embedded SQLite backend
 * (store_sqlite.c) is the default; PostgreSQL is the scale-out path.
 *
 * Transactions: the service opens one transaction per use case with
 * begin(write=1) and every mutating call must happen inside it; commit()
 * makes it durable before returning (an acknowledged write survives
 * kill -9 and power loss). Reads outside a write transaction see the last
 * committed state.
 *
 * Records use fixed-size fields so that ownership stays trivial: the
 * service validates lengths before they reach the store (VOUCH_*_MAX).
 * Every call returns 0 or a VOUCH_E* code with details in err.
 */
#ifndef VOUCH_STORE_H
#define VOUCH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "vouch/digest.h"
#include "vouch/error.h"
#include "vouch/model.h"

#define VOUCH_NAME_MAX     64   /* project/channel/environment/actor names, with NUL */
#define VOUCH_ART_NAME_MAX 256  /* artifact names, with NUL */
#define VOUCH_KIND_MAX     65   /* artifact kinds, with NUL */
#define VOUCH_URI_MAX      2048 /* source URIs, with NUL */
#define VOUCH_CORR_MAX     129  /* correlation ids, with NUL */

typedef struct vouch_store vouch_store;

typedef struct vouch_project_rec {
    int64_t id;
    char name[VOUCH_NAME_MAX];
    char policy_digest[VOUCH_DIGEST_STR_MAX];
    int64_t created_ms;
} vouch_project_rec;

typedef struct vouch_artifact_rec {
    int64_t id;
    int64_t project_id;
    char digest[VOUCH_DIGEST_STR_MAX];
    char name[VOUCH_ART_NAME_MAX];
    char kind[VOUCH_KIND_MAX];
    vouch_source_type source_type;
    char source_uri[VOUCH_URI_MAX];
    vouch_lifecycle lifecycle;
    vouch_trust trust;
    int64_t created_ms;
    int64_t updated_ms;
} vouch_artifact_rec;

/* The stored checks of one artifact, one slot per check kind. */
typedef struct vouch_checks {
    vouch_check_result result[VOUCH_CHECK__COUNT];
    json_t *evidence[VOUCH_CHECK__COUNT]; /* owned; NULL when never run */
    char policy_digest[VOUCH_CHECK__COUNT][VOUCH_DIGEST_STR_MAX];
    int64_t checked_ms[VOUCH_CHECK__COUNT]; /* 0 when never run */
} vouch_checks;

void vouch_checks_init(vouch_checks *c);
void vouch_checks_release(vouch_checks *c);

typedef struct vouch_promotion_rec {
    int64_t id;
    int64_t project_id;
    int64_t artifact_id;
    char channel[VOUCH_NAME_MAX];
    char environment[VOUCH_NAME_MAX]; /* "" when the channel has none */
    char actor[VOUCH_NAME_MAX];
    int64_t promoted_ms;
    char correlation_id[VOUCH_CORR_MAX];
    char policy_digest[VOUCH_DIGEST_STR_MAX];
    char *checks_json; /* owned (vouch_free); canonical JSON array */
} vouch_promotion_rec;

/*
 * One audit event as stored: its fields, not its text. The canonical JSON
 * that is hashed is rendered from these by the service (audit.c) on write,
 * list, verify and export, so the store keeps ~200 bytes an event instead
 * of the ~800 of the text, and the fields an artifact already holds
 * (digest, kind, source type) or a project (name) are joined in on list.
 * String pointers are borrowed: the caller's on append, valid during the
 * callback on list. NULL means JSON null.
 */
typedef struct vouch_audit_rec {
    int64_t seq;
    int64_t time_ms;
    char action[32];
    int64_t project_id;  /* 0: none */
    int64_t artifact_id; /* 0: none */
    const char *actor;
    const char *correlation_id;
    const char *policy_digest;
    const char *reason;
    const char *transition;               /* canonical JSON text of an object, or NULL */
    const char *target;                   /* likewise */
    const char *details;                  /* likewise */
    char hash[VOUCH_DIGEST_STR_MAX];      /* "sha256:<hex>" (stored as 32 bytes) */
    char prev_hash[VOUCH_DIGEST_STR_MAX]; /* likewise */
    /* Filled by audit_list from the joined project and artifact rows. */
    const char *project;
    const char *digest;
    const char *kind;
    const char *source_type;
} vouch_audit_rec;

typedef struct vouch_artifact_filter {
    int64_t project_id;  /* 0: every project */
    int trust;           /* -1: any */
    int lifecycle;       /* -1: any */
    const char *channel; /* NULL: any; else currently the head in that channel */
} vouch_artifact_filter;

typedef struct vouch_audit_filter {
    int64_t project_id;  /* 0: any */
    int64_t artifact_id; /* 0: any */
    const char *action;  /* NULL: any */
    int64_t since_ms;    /* 0: any */
} vouch_audit_filter;

/* Callbacks return 0 to continue or a VOUCH_E* code to stop with it. */
typedef int (*vouch_project_cb)(const vouch_project_rec *rec, void *ctx);
typedef int (*vouch_artifact_cb)(const vouch_artifact_rec *rec, void *ctx);
typedef int (*vouch_promotion_cb)(const vouch_promotion_rec *rec, void *ctx);
typedef int (*vouch_audit_cb)(const vouch_audit_rec *rec, void *ctx);

struct vouch_store_ops {
    void (*close)(vouch_store *st);

    int (*begin)(vouch_store *st, int write, vouch_error *err);
    int (*commit)(vouch_store *st, vouch_error *err);
    void (*rollback)(vouch_store *st);

    int (*policy_put)(vouch_store *st, const char *digest, const char *doc, size_t len,
                      int64_t now_ms, vouch_error *err);
    /* *doc_out is a heap string the caller frees with vouch_free. */
    int (*policy_get)(vouch_store *st, const char *digest, char **doc_out, vouch_error *err);

    /* Sets rec->id. A taken name is VOUCH_EEXISTS. */
    int (*project_insert)(vouch_store *st, vouch_project_rec *rec, vouch_error *err);
    int (*project_get)(vouch_store *st, const char *name, vouch_project_rec *out, vouch_error *err);
    int (*project_get_by_id)(vouch_store *st, int64_t id, vouch_project_rec *out, vouch_error *err);
    int (*project_list)(vouch_store *st, vouch_project_cb cb, void *ctx, vouch_error *err);
    int (*project_set_policy)(vouch_store *st, int64_t id, const char *policy_digest,
                              vouch_error *err);

    /* Sets rec->id. An existing (project, digest) is VOUCH_EEXISTS. */
    int (*artifact_insert)(vouch_store *st, vouch_artifact_rec *rec, vouch_error *err);
    int (*artifact_get)(vouch_store *st, int64_t project_id, const char *digest,
                        vouch_artifact_rec *out, vouch_error *err);
    int (*artifact_get_by_id)(vouch_store *st, int64_t id, vouch_artifact_rec *out,
                              vouch_error *err);
    int (*artifact_update_state)(vouch_store *st, int64_t id, vouch_lifecycle lifecycle,
                                 vouch_trust trust, int64_t now_ms, vouch_error *err);
    int (*artifact_list)(vouch_store *st, const vouch_artifact_filter *f, vouch_artifact_cb cb,
                         void *ctx, vouch_error *err);
    int (*artifact_count)(vouch_store *st, int64_t project_id, int64_t *out, vouch_error *err);

    int (*check_put)(vouch_store *st, int64_t artifact_id, vouch_check_kind kind,
                     vouch_check_result result, const char *evidence_json,
                     const char *policy_digest, int64_t now_ms, vouch_error *err);
    /* Fills *out (initialized by the call); release with vouch_checks_release. */
    int (*check_get_all)(vouch_store *st, int64_t artifact_id, vouch_checks *out, vouch_error *err);

    /* Sets rec->id and makes it the head of (project, channel, environment). */
    int (*promotion_insert)(vouch_store *st, vouch_promotion_rec *rec, vouch_error *err);
    /* Head of (project, channel, environment): VOUCH_ENOTFOUND when none.
     * out->checks_json is owned by the caller. */
    int (*promotion_head)(vouch_store *st, int64_t project_id, const char *channel,
                          const char *environment, vouch_promotion_rec *out, vouch_error *err);
    /* 1 when the artifact was ever promoted into channel (any environment), else 0;
     * negative on error. */
    int (*promotion_exists)(vouch_store *st, int64_t artifact_id, const char *channel,
                            vouch_error *err);
    /* Latest promotion per (channel, environment) of one artifact, oldest first;
     * checks_json is NULL in these records. */
    int (*promotion_list_artifact)(vouch_store *st, int64_t artifact_id, vouch_promotion_cb cb,
                                   void *ctx, vouch_error *err);

    /* Every channel head of every project: (project, channel, environment)
     * -> artifact; checks_json is NULL in these records. */
    int (*promotion_heads)(vouch_store *st, vouch_promotion_cb cb, void *ctx, vouch_error *err);
    int (*promotion_count)(vouch_store *st, int64_t *out, vouch_error *err);

    /* Highest seq and its hash; seq 0 and hash "" for an empty log. */
    int (*audit_head)(vouch_store *st, int64_t *seq_out, char hash_out[VOUCH_DIGEST_STR_MAX],
                      vouch_error *err);
    int (*audit_append)(vouch_store *st, const vouch_audit_rec *rec, vouch_error *err);
    /* Events in ascending seq order. */
    int (*audit_list)(vouch_store *st, const vouch_audit_filter *f, vouch_audit_cb cb, void *ctx,
                      vouch_error *err);
};

struct vouch_store {
    const struct vouch_store_ops *ops;
};

/*
 * Open (creating when `create`) the SQLite store at `path`, in WAL mode
 * with foreign keys on and synchronous=FULL, and apply pending migrations.
 * Caller owns *out (st->ops->close).
 */
int vouch_store_sqlite_open(vouch_store **out, const char *path, int create, vouch_error *err);

/* Schema version the code expects (highest migration). */
int vouch_store_sqlite_schema_version(void);

#endif
