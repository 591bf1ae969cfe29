/* store_sqlite_int.h - shared between the files of the SQLite backend. */
#ifndef VOUCH_STORE_SQLITE_INT_H
#define VOUCH_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"

/* Every statement the backend runs, prepared once and reused. */
enum sq_stmt {
    SQ_POLICY_PUT,
    SQ_POLICY_GET,
    SQ_PROJECT_INSERT,
    SQ_PROJECT_GET,
    SQ_PROJECT_GET_ID,
    SQ_PROJECT_LIST,
    SQ_PROJECT_SET_POLICY,
    SQ_ARTIFACT_INSERT,
    SQ_ARTIFACT_GET,
    SQ_ARTIFACT_GET_ID,
    SQ_ARTIFACT_UPDATE,
    SQ_ARTIFACT_COUNT,
    SQ_CHECK_PUT,
    SQ_CHECK_GET,
    SQ_PROMOTION_INSERT,
    SQ_HEAD_PUT,
    SQ_PROMOTION_HEAD,
    SQ_PROMOTION_EXISTS,
    SQ_PROMOTION_LIST_ARTIFACT,
    SQ_AUDIT_HEAD,
    SQ_AUDIT_APPEND,
    SQ__COUNT
};

typedef struct sq_store {
    vouch_store base; /* first: a vouch_store * is a sq_store * */
    sqlite3 *db;
    sqlite3_stmt *stmts[SQ__COUNT];
    int in_txn;
} sq_store;

/* Prepared statement `which`, reset and with bindings cleared; NULL with
 * err set on failure. Borrowed: owned by the store. */
sqlite3_stmt *vouch_store_sqlite__stmt(sq_store *s, enum sq_stmt which, vouch_error *err);

/* Map a failed sqlite3 call to VOUCH_ESTORE with `what` and SQLite's text. */
int vouch_store_sqlite__fail(sq_store *s, const char *what, vouch_error *err);

/* Copy column `col` as text into dst (size n), truncating safely. */
void vouch_store_sqlite__col_text(char *dst, size_t n, sqlite3_stmt *st, int col);

int vouch_store_sqlite__migrate(sqlite3 *db, vouch_error *err);

/* Per-file operation groups, filled into the ops table by store_sqlite.c. */
int vouch_store_sqlite__artifact_insert(vouch_store *st, vouch_artifact_rec *rec, vouch_error *err);
int vouch_store_sqlite__artifact_get(vouch_store *st, int64_t project_id, const char *digest,
                                     vouch_artifact_rec *out, vouch_error *err);
int vouch_store_sqlite__artifact_get_by_id(vouch_store *st, int64_t id, vouch_artifact_rec *out,
                                           vouch_error *err);
int vouch_store_sqlite__artifact_update_state(vouch_store *st, int64_t id,
                                              vouch_lifecycle lifecycle, vouch_trust trust,
                                              int64_t now_ms, vouch_error *err);
int vouch_store_sqlite__artifact_list(vouch_store *st, const vouch_artifact_filter *f,
                                      vouch_artifact_cb cb, void *ctx, vouch_error *err);
int vouch_store_sqlite__artifact_count(vouch_store *st, int64_t project_id, int64_t *out,
                                       vouch_error *err);
int vouch_store_sqlite__check_put(vouch_store *st, int64_t artifact_id, vouch_check_kind kind,
                                  vouch_check_result result, const char *evidence_json,
                                  const char *policy_digest, int64_t now_ms, vouch_error *err);
int vouch_store_sqlite__check_get_all(vouch_store *st, int64_t artifact_id, vouch_checks *out,
                                      vouch_error *err);
int vouch_store_sqlite__promotion_insert(vouch_store *st, vouch_promotion_rec *rec,
                                         vouch_error *err);
int vouch_store_sqlite__promotion_head(vouch_store *st, int64_t project_id, const char *channel,
                                       const char *environment, vouch_promotion_rec *out,
                                       vouch_error *err);
int vouch_store_sqlite__promotion_exists(vouch_store *st, int64_t artifact_id, const char *channel,
                                         vouch_error *err);
int vouch_store_sqlite__promotion_list_artifact(vouch_store *st, int64_t artifact_id,
                                                vouch_promotion_cb cb, void *ctx, vouch_error *err);
int vouch_store_sqlite__promotion_heads(vouch_store *st, vouch_promotion_cb cb, void *ctx,
                                        vouch_error *err);
int vouch_store_sqlite__promotion_count(vouch_store *st, int64_t *out, vouch_error *err);
int vouch_store_sqlite__audit_head(vouch_store *st, int64_t *seq_out,
                                   char hash_out[VOUCH_DIGEST_STR_MAX], vouch_error *err);
int vouch_store_sqlite__audit_append(vouch_store *st, const vouch_audit_rec *rec, vouch_error *err);
int vouch_store_sqlite__audit_list(vouch_store *st, const vouch_audit_filter *f, vouch_audit_cb cb,
                                   void *ctx, vouch_error *err);

#endif
