/* store_sqlite_artifacts.c - artifacts and their checks in the SQLite backend. */
#include <string.h>

#include "store/store_sqlite_int.h"
#include "vouch/alloc.h"
#include "vouch/json.h"

#define COLS_ARTIFACT                                                                              \
    "id, project_id, digest, name, kind, source_type, source_uri, lifecycle, trust, "              \
    "created_ms, updated_ms"

static void read_artifact(vouch_artifact_rec *out, sqlite3_stmt *q)
{
    char buf[32];
    out->id = sqlite3_column_int64(q, 0);
    out->project_id = sqlite3_column_int64(q, 1);
    vouch_store_sqlite__col_text(out->digest, sizeof(out->digest), q, 2);
    vouch_store_sqlite__col_text(out->name, sizeof(out->name), q, 3);
    vouch_store_sqlite__col_text(out->kind, sizeof(out->kind), q, 4);
    /* The CHECK constraints guarantee these parse; a failure leaves the
     * zero value, which the schema makes unreachable. */
    vouch_store_sqlite__col_text(buf, sizeof(buf), q, 5);
    vouch_source_type_parse(&out->source_type, buf, NULL);
    vouch_store_sqlite__col_text(out->source_uri, sizeof(out->source_uri), q, 6);
    vouch_store_sqlite__col_text(buf, sizeof(buf), q, 7);
    vouch_lifecycle_parse(&out->lifecycle, buf, NULL);
    vouch_store_sqlite__col_text(buf, sizeof(buf), q, 8);
    vouch_trust_parse(&out->trust, buf, NULL);
    out->created_ms = sqlite3_column_int64(q, 9);
    out->updated_ms = sqlite3_column_int64(q, 10);
}

int vouch_store_sqlite__artifact_insert(vouch_store *st, vouch_artifact_rec *rec, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_ARTIFACT_INSERT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, rec->project_id);
    sqlite3_bind_text(q, 2, rec->digest, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, rec->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, rec->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, vouch_source_type_name(rec->source_type), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, rec->source_uri, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, vouch_lifecycle_name(rec->lifecycle), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, vouch_trust_name(rec->trust), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 9, rec->created_ms);
    int rc = sqlite3_step(q);
    if ((rc & 0xff) == SQLITE_CONSTRAINT &&
        sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
        return vouch_error_set(err, VOUCH_EEXISTS, "artifact '%s' already registered", rec->digest);
    if (rc != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot register the artifact", err);
    rec->id = sqlite3_last_insert_rowid(s->db);
    rec->updated_ms = rec->created_ms;
    return 0;
}

int vouch_store_sqlite__artifact_get(vouch_store *st, int64_t project_id, const char *digest,
                                     vouch_artifact_rec *out, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_ARTIFACT_GET, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, project_id);
    sqlite3_bind_text(q, 2, digest, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return vouch_error_set(err, VOUCH_ENOTFOUND, "no artifact '%s' in this project", digest);
    if (rc != SQLITE_ROW)
        return vouch_store_sqlite__fail(s, "cannot read the artifact", err);
    read_artifact(out, q);
    sqlite3_reset(q);
    return 0;
}

int vouch_store_sqlite__artifact_get_by_id(vouch_store *st, int64_t id, vouch_artifact_rec *out,
                                           vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_ARTIFACT_GET_ID, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return vouch_error_set(err, VOUCH_ENOTFOUND, "no artifact with id %lld", (long long)id);
    if (rc != SQLITE_ROW)
        return vouch_store_sqlite__fail(s, "cannot read the artifact", err);
    read_artifact(out, q);
    sqlite3_reset(q);
    return 0;
}

int vouch_store_sqlite__artifact_update_state(vouch_store *st, int64_t id,
                                              vouch_lifecycle lifecycle, vouch_trust trust,
                                              int64_t now_ms, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_ARTIFACT_UPDATE, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, vouch_lifecycle_name(lifecycle), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, vouch_trust_name(trust), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, now_ms);
    if (sqlite3_step(q) != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot update the artifact", err);
    return 0;
}

int vouch_store_sqlite__artifact_list(vouch_store *st, const vouch_artifact_filter *f,
                                      vouch_artifact_cb cb, void *ctx, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = NULL;
    /* Built per call: filters vary and listing is not a hot path. */
    const char *sql = "SELECT " COLS_ARTIFACT " FROM artifacts a WHERE (?1 = 0 OR project_id = ?1)"
                      " AND (?2 IS NULL OR trust = ?2) AND (?3 IS NULL OR lifecycle = ?3)"
                      " AND (?4 IS NULL OR id IN (SELECT p.artifact_id FROM channel_heads h"
                      " JOIN promotions p ON p.id = h.promotion_id"
                      " WHERE h.project_id = ?1 AND h.channel = ?4))"
                      " ORDER BY id";
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return vouch_store_sqlite__fail(s, "cannot list artifacts", err);
    sqlite3_bind_int64(q, 1, f->project_id);
    if (f->trust >= 0)
        sqlite3_bind_text(q, 2, vouch_trust_name((vouch_trust)f->trust), -1, SQLITE_STATIC);
    if (f->lifecycle >= 0)
        sqlite3_bind_text(q, 3, vouch_lifecycle_name((vouch_lifecycle)f->lifecycle), -1,
                          SQLITE_STATIC);
    if (f->channel)
        sqlite3_bind_text(q, 4, f->channel, -1, SQLITE_STATIC);
    int rc, crc = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        vouch_artifact_rec rec;
        read_artifact(&rec, q);
        if ((crc = cb(&rec, ctx)) != 0)
            break;
    }
    if (!crc && rc != SQLITE_DONE)
        crc = vouch_store_sqlite__fail(s, "cannot list artifacts", err);
    sqlite3_finalize(q);
    return crc;
}

int vouch_store_sqlite__artifact_count(vouch_store *st, int64_t project_id, int64_t *out,
                                       vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_ARTIFACT_COUNT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, project_id);
    if (sqlite3_step(q) != SQLITE_ROW)
        return vouch_store_sqlite__fail(s, "cannot count artifacts", err);
    *out = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return 0;
}

int vouch_store_sqlite__check_put(vouch_store *st, int64_t artifact_id, vouch_check_kind kind,
                                  vouch_check_result result, const char *evidence_json,
                                  const char *policy_digest, int64_t now_ms, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_CHECK_PUT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, artifact_id);
    sqlite3_bind_text(q, 2, vouch_check_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, vouch_check_result_name(result), -1, SQLITE_STATIC);
    if (evidence_json)
        sqlite3_bind_text(q, 4, evidence_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, policy_digest, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 6, now_ms);
    if (sqlite3_step(q) != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot store a check", err);
    return 0;
}

int vouch_store_sqlite__check_get_all(vouch_store *st, int64_t artifact_id, vouch_checks *out,
                                      vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    vouch_checks_init(out);
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_CHECK_GET, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, artifact_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        char name[32];
        vouch_check_kind k;
        vouch_check_result r;
        vouch_store_sqlite__col_text(name, sizeof(name), q, 0);
        if (vouch_check_kind_parse(&k, name, NULL) != 0)
            continue;
        vouch_store_sqlite__col_text(name, sizeof(name), q, 1);
        if (vouch_check_result_parse(&r, name, NULL) != 0)
            continue;
        out->result[k] = r;
        if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
            json_t *ev = NULL;
            int prc = vouch_json_parse(&ev, (const char *)sqlite3_column_text(q, 2),
                                       (size_t)sqlite3_column_bytes(q, 2), "stored evidence", err);
            if (prc != 0) {
                sqlite3_reset(q);
                vouch_checks_release(out);
                return prc;
            }
            out->evidence[k] = ev;
        }
        vouch_store_sqlite__col_text(out->policy_digest[k], sizeof(out->policy_digest[k]), q, 3);
        out->checked_ms[k] = sqlite3_column_int64(q, 4);
    }
    if (rc != SQLITE_DONE) {
        vouch_checks_release(out);
        return vouch_store_sqlite__fail(s, "cannot read checks", err);
    }
    return 0;
}
