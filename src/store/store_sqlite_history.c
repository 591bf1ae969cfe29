/* store_sqlite_history.c - promotions, channel heads and audit events in the SQLite backend. */
#include <stdio.h>
#include <string.h>

#include "store/store_sqlite_int.h"
#include "vouch/alloc.h"
#include "vouch/digest.h"

int vouch_store_sqlite__promotion_insert(vouch_store *st, vouch_promotion_rec *rec,
                                         vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_PROMOTION_INSERT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, rec->project_id);
    sqlite3_bind_int64(q, 2, rec->artifact_id);
    sqlite3_bind_text(q, 3, rec->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, rec->environment, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, rec->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 6, rec->promoted_ms);
    sqlite3_bind_text(q, 7, rec->correlation_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, rec->policy_digest, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 9, rec->checks_json ? rec->checks_json : "[]", -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot record the promotion", err);
    rec->id = sqlite3_last_insert_rowid(s->db);

    q = vouch_store_sqlite__stmt(s, SQ_HEAD_PUT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, rec->project_id);
    sqlite3_bind_text(q, 2, rec->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, rec->environment, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, rec->id);
    if (sqlite3_step(q) != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot move the channel head", err);
    return 0;
}

/* Columns 0..8 as in SQ_PROMOTION_HEAD / SQ_PROMOTION_LIST_ARTIFACT. */
static void read_promotion(vouch_promotion_rec *out, sqlite3_stmt *q)
{
    out->id = sqlite3_column_int64(q, 0);
    out->project_id = sqlite3_column_int64(q, 1);
    out->artifact_id = sqlite3_column_int64(q, 2);
    vouch_store_sqlite__col_text(out->channel, sizeof(out->channel), q, 3);
    vouch_store_sqlite__col_text(out->environment, sizeof(out->environment), q, 4);
    vouch_store_sqlite__col_text(out->actor, sizeof(out->actor), q, 5);
    out->promoted_ms = sqlite3_column_int64(q, 6);
    vouch_store_sqlite__col_text(out->correlation_id, sizeof(out->correlation_id), q, 7);
    vouch_store_sqlite__col_text(out->policy_digest, sizeof(out->policy_digest), q, 8);
    out->checks_json = NULL;
}

int vouch_store_sqlite__promotion_head(vouch_store *st, int64_t project_id, const char *channel,
                                       const char *environment, vouch_promotion_rec *out,
                                       vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_PROMOTION_HEAD, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, project_id);
    sqlite3_bind_text(q, 2, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, environment ? environment : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return VOUCH_ENOTFOUND; /* an empty channel is normal: no message */
    if (rc != SQLITE_ROW)
        return vouch_store_sqlite__fail(s, "cannot read the channel head", err);
    read_promotion(out, q);
    out->checks_json =
        vouch_strndup((const char *)sqlite3_column_text(q, 9), (size_t)sqlite3_column_bytes(q, 9));
    sqlite3_reset(q);
    if (!out->checks_json)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory reading a promotion");
    return 0;
}

int vouch_store_sqlite__promotion_exists(vouch_store *st, int64_t artifact_id, const char *channel,
                                         vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_PROMOTION_EXISTS, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, artifact_id);
    sqlite3_bind_text(q, 2, channel, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return vouch_store_sqlite__fail(s, "cannot read promotions", err);
}

int vouch_store_sqlite__promotion_list_artifact(vouch_store *st, int64_t artifact_id,
                                                vouch_promotion_cb cb, void *ctx, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_PROMOTION_LIST_ARTIFACT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, artifact_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        vouch_promotion_rec rec;
        read_promotion(&rec, q);
        int crc = cb(&rec, ctx);
        if (crc) {
            sqlite3_reset(q);
            return crc;
        }
    }
    if (rc != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot list promotions", err);
    return 0;
}

int vouch_store_sqlite__promotion_heads(vouch_store *st, vouch_promotion_cb cb, void *ctx,
                                        vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = NULL;
    const char *sql = "SELECT p.id, h.project_id, p.artifact_id, h.channel, h.environment, "
                      "p.actor, p.promoted_ms, p.correlation_id, p.policy_digest "
                      "FROM channel_heads h JOIN promotions p ON p.id = h.promotion_id "
                      "ORDER BY h.project_id, h.channel, h.environment";
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return vouch_store_sqlite__fail(s, "cannot list channel heads", err);
    int rc, crc = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        vouch_promotion_rec rec;
        read_promotion(&rec, q);
        if ((crc = cb(&rec, ctx)) != 0)
            break;
    }
    if (!crc && rc != SQLITE_DONE)
        crc = vouch_store_sqlite__fail(s, "cannot list channel heads", err);
    sqlite3_finalize(q);
    return crc;
}

int vouch_store_sqlite__promotion_count(vouch_store *st, int64_t *out, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM promotions", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        return vouch_store_sqlite__fail(s, "cannot count promotions", err);
    }
    *out = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return 0;
}

/* Hashes are "sha256:<hex>" in memory and their 32 bytes on disk. */
/* "sha256:<hex>" -> its 32 bytes, through the digest parser. */
static int hash_bytes(unsigned char out[32], const char *hash)
{
    vouch_digest d;
    if (vouch_digest_parse_str(&d, hash, NULL) != 0 || d.alg != VOUCH_DIGEST_SHA256)
        return -1;
    memcpy(out, d.bytes, 32);
    return 0;
}

static void col_hash(char out[VOUCH_DIGEST_STR_MAX], sqlite3_stmt *q, int col)
{
    const unsigned char *b = sqlite3_column_blob(q, col);
    if (!b || sqlite3_column_bytes(q, col) != 32) {
        out[0] = '\0'; /* not a hash: verification reports the mismatch */
        return;
    }
    memcpy(out, "sha256:", 7);
    vouch_hex_encode(out + 7, b, 32);
}

static void bind_opt(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
}

int vouch_store_sqlite__audit_head(vouch_store *st, int64_t *seq_out,
                                   char hash_out[VOUCH_DIGEST_STR_MAX], vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_AUDIT_HEAD, err);
    if (!q)
        return VOUCH_ESTORE;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) {
        *seq_out = 0;
        hash_out[0] = '\0';
        return 0;
    }
    if (rc != SQLITE_ROW)
        return vouch_store_sqlite__fail(s, "cannot read the audit head", err);
    *seq_out = sqlite3_column_int64(q, 0);
    col_hash(hash_out, q, 1);
    sqlite3_reset(q);
    return 0;
}

int vouch_store_sqlite__audit_append(vouch_store *st, const vouch_audit_rec *rec, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    unsigned char hash[32], prev[32];
    if (hash_bytes(hash, rec->hash) != 0 || hash_bytes(prev, rec->prev_hash) != 0)
        return vouch_error_set(err, VOUCH_EINTERNAL, "audit event %lld: malformed hash",
                               (long long)rec->seq);
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_AUDIT_APPEND, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, rec->seq);
    sqlite3_bind_int64(q, 2, rec->time_ms);
    sqlite3_bind_text(q, 3, rec->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, rec->actor, -1, SQLITE_STATIC);
    if (rec->project_id)
        sqlite3_bind_int64(q, 5, rec->project_id);
    if (rec->artifact_id)
        sqlite3_bind_int64(q, 6, rec->artifact_id);
    sqlite3_bind_text(q, 7, rec->correlation_id, -1, SQLITE_STATIC);
    bind_opt(q, 8, rec->policy_digest);
    bind_opt(q, 9, rec->reason);
    bind_opt(q, 10, rec->transition);
    bind_opt(q, 11, rec->target);
    bind_opt(q, 12, rec->details);
    sqlite3_bind_blob(q, 13, hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(q, 14, prev, 32, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot append the audit event", err);
    return 0;
}

static const char *col_opt(sqlite3_stmt *q, int col)
{
    return sqlite3_column_type(q, col) == SQLITE_NULL ? NULL
                                                      : (const char *)sqlite3_column_text(q, col);
}

static void read_audit(vouch_audit_rec *rec, sqlite3_stmt *q)
{
    rec->seq = sqlite3_column_int64(q, 0);
    rec->time_ms = sqlite3_column_int64(q, 1);
    vouch_store_sqlite__col_text(rec->action, sizeof(rec->action), q, 2);
    rec->actor = col_opt(q, 3);
    rec->project_id = sqlite3_column_int64(q, 4);
    rec->artifact_id = sqlite3_column_int64(q, 5);
    rec->correlation_id = col_opt(q, 6);
    rec->policy_digest = col_opt(q, 7);
    rec->reason = col_opt(q, 8);
    rec->transition = col_opt(q, 9);
    rec->target = col_opt(q, 10);
    rec->details = col_opt(q, 11);
    col_hash(rec->hash, q, 12);
    col_hash(rec->prev_hash, q, 13);
    rec->project = col_opt(q, 14);
    rec->digest = col_opt(q, 15);
    rec->kind = col_opt(q, 16);
    rec->source_type = col_opt(q, 17);
}

int vouch_store_sqlite__audit_list(vouch_store *st, const vouch_audit_filter *f, vouch_audit_cb cb,
                                   void *ctx, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = NULL;
    char sql[1024];
    /* Only the filters given go into the WHERE clause, so that SQLite can
     * use the artifact index for history queries. */
    snprintf(sql, sizeof(sql),
             "SELECT e.seq, e.time_ms, e.action, e.actor, e.project_id, e.artifact_id, "
             "e.correlation_id, e.policy_digest, e.reason, e.transition, e.target, e.details, "
             "e.hash, e.prev_hash, p.name, a.digest, a.kind, a.source_type "
             "FROM audit_events e LEFT JOIN projects p ON p.id = e.project_id "
             "LEFT JOIN artifacts a ON a.id = e.artifact_id WHERE 1%s%s%s%s ORDER BY e.seq",
             f && f->project_id ? " AND e.project_id = ?1" : "",
             f && f->artifact_id ? " AND e.artifact_id = ?2" : "",
             f && f->action ? " AND e.action = ?3" : "",
             f && f->since_ms ? " AND e.time_ms >= ?4" : "");
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return vouch_store_sqlite__fail(s, "cannot list audit events", err);
    if (f && f->project_id)
        sqlite3_bind_int64(q, 1, f->project_id);
    if (f && f->artifact_id)
        sqlite3_bind_int64(q, 2, f->artifact_id);
    if (f && f->action)
        sqlite3_bind_text(q, 3, f->action, -1, SQLITE_STATIC);
    if (f && f->since_ms)
        sqlite3_bind_int64(q, 4, f->since_ms);
    int rc, crc = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        vouch_audit_rec rec;
        read_audit(&rec, q);
        if ((crc = cb(&rec, ctx)) != 0)
            break;
    }
    if (!crc && rc != SQLITE_DONE)
        crc = vouch_store_sqlite__fail(s, "cannot list audit events", err);
    sqlite3_finalize(q);
    return crc;
}
