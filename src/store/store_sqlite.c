/*
 * store_sqlite.c - the embedded SQLite backend: opening, transactions, the
 * statement cache, policies and projects. Artifacts and checks live in
 * store_sqlite_artifacts.c, promotions and audit events in
 * store_sqlite_history.c.
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT that returned is on
 * disk (kill -9 and power loss); busy_timeout lets concurrent CLI
 * processes queue instead of failing.
 */
#include <string.h>

#include "store/store_sqlite_int.h"
#include "vouch/alloc.h"

static const char *const stmt_sql[SQ__COUNT] = {
    [SQ_POLICY_PUT] = "INSERT OR IGNORE INTO policies(digest, document, created_ms) "
                      "VALUES(?1, ?2, ?3)",
    [SQ_POLICY_GET] = "SELECT document FROM policies WHERE digest = ?1",
    [SQ_PROJECT_INSERT] = "INSERT INTO projects(name, policy_digest, created_ms) "
                          "VALUES(?1, ?2, ?3)",
    [SQ_PROJECT_GET] = "SELECT id, name, policy_digest, created_ms FROM projects "
                       "WHERE name = ?1",
    [SQ_PROJECT_GET_ID] = "SELECT id, name, policy_digest, created_ms FROM projects "
                          "WHERE id = ?1",
    [SQ_PROJECT_LIST] = "SELECT id, name, policy_digest, created_ms FROM projects "
                        "ORDER BY name",
    [SQ_PROJECT_SET_POLICY] = "UPDATE projects SET policy_digest = ?2 WHERE id = ?1",
    [SQ_ARTIFACT_INSERT] = "INSERT INTO artifacts(project_id, digest, name, kind, source_type, "
                           "source_uri, lifecycle, trust, created_ms, updated_ms) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    [SQ_ARTIFACT_GET] = "SELECT id, project_id, digest, name, kind, source_type, source_uri, "
                        "lifecycle, trust, created_ms, updated_ms FROM artifacts "
                        "WHERE project_id = ?1 AND digest = ?2",
    [SQ_ARTIFACT_GET_ID] = "SELECT id, project_id, digest, name, kind, source_type, source_uri, "
                           "lifecycle, trust, created_ms, updated_ms FROM artifacts WHERE id = ?1",
    [SQ_ARTIFACT_UPDATE] = "UPDATE artifacts SET lifecycle = ?2, trust = ?3, updated_ms = ?4 "
                           "WHERE id = ?1",
    [SQ_ARTIFACT_COUNT] = "SELECT count(*) FROM artifacts WHERE project_id = ?1",
    [SQ_CHECK_PUT] = "INSERT INTO checks(artifact_id, kind, result, evidence, policy_digest, "
                     "checked_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
                     "ON CONFLICT(artifact_id, kind) DO UPDATE SET result = excluded.result, "
                     "evidence = excluded.evidence, policy_digest = excluded.policy_digest, "
                     "checked_ms = excluded.checked_ms",
    [SQ_CHECK_GET] = "SELECT kind, result, evidence, policy_digest, checked_ms FROM checks "
                     "WHERE artifact_id = ?1",
    [SQ_PROMOTION_INSERT] = "INSERT INTO promotions(project_id, artifact_id, channel, "
                            "environment, actor, promoted_ms, correlation_id, policy_digest, "
                            "checks) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [SQ_HEAD_PUT] = "INSERT INTO channel_heads(project_id, channel, environment, promotion_id) "
                    "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(project_id, channel, environment) "
                    "DO UPDATE SET promotion_id = excluded.promotion_id",
    [SQ_PROMOTION_HEAD] = "SELECT p.id, p.project_id, p.artifact_id, p.channel, p.environment, "
                          "p.actor, p.promoted_ms, p.correlation_id, p.policy_digest, p.checks "
                          "FROM channel_heads h JOIN promotions p ON p.id = h.promotion_id "
                          "WHERE h.project_id = ?1 AND h.channel = ?2 AND h.environment = ?3",
    [SQ_PROMOTION_EXISTS] = "SELECT 1 FROM promotions WHERE artifact_id = ?1 AND channel = ?2 "
                            "LIMIT 1",
    [SQ_PROMOTION_LIST_ARTIFACT] =
        "SELECT max(id), project_id, artifact_id, channel, environment, actor, promoted_ms, "
        "correlation_id, policy_digest FROM promotions WHERE artifact_id = ?1 "
        "GROUP BY channel, environment ORDER BY max(id)",
    [SQ_AUDIT_HEAD] = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
    [SQ_AUDIT_APPEND] = "INSERT INTO audit_events(seq, time_ms, action, actor, project_id, "
                        "artifact_id, correlation_id, policy_digest, reason, transition, target, "
                        "details, hash, prev_hash) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
};

int vouch_store_sqlite__fail(sq_store *s, const char *what, vouch_error *err)
{
    int ext = sqlite3_extended_errcode(s->db);
    if (ext == SQLITE_FULL)
        return vouch_error_set(err, VOUCH_EIO, "%s: the disk is full", what);
    if ((ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED)
        return vouch_error_set(err, VOUCH_ESTORE,
                               "%s: the database is busy (another vouch is writing); retry", what);
    return vouch_error_set(err, VOUCH_ESTORE, "%s: %s", what, sqlite3_errmsg(s->db));
}

sqlite3_stmt *vouch_store_sqlite__stmt(sq_store *s, enum sq_stmt which, vouch_error *err)
{
    sqlite3_stmt *st = s->stmts[which];
    if (!st) {
        if (sqlite3_prepare_v3(s->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
            SQLITE_OK) {
            vouch_store_sqlite__fail(s, "cannot prepare a statement", err);
            return NULL;
        }
        s->stmts[which] = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

void vouch_store_sqlite__col_text(char *dst, size_t n, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t len = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (len >= n)
        len = n - 1;
    if (len)
        memcpy(dst, t, len);
    dst[len] = '\0';
}

static void sq_close(vouch_store *st)
{
    sq_store *s = (sq_store *)st;
    if (!s)
        return;
    if (s->in_txn)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < SQ__COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    sqlite3_close_v2(s->db);
    vouch_free(s);
}

static int sq_begin(vouch_store *st, int write, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    if (s->in_txn)
        return vouch_error_set(err, VOUCH_EINTERNAL, "a transaction is already open");
    /* No cached statement may still hold an older read snapshot: SQLite
     * refuses to upgrade a stale snapshot to a write lock (BUSY at once,
     * without the busy timeout). */
    for (int i = 0; i < SQ__COUNT; i++)
        if (s->stmts[i])
            sqlite3_reset(s->stmts[i]);
    /* IMMEDIATE takes the write lock up front, so the audit head read at
     * the start of a use case cannot be overtaken by another writer. */
    if (sqlite3_exec(s->db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return vouch_store_sqlite__fail(s, "cannot start a transaction", err);
    s->in_txn = 1;
    return 0;
}

static int sq_commit(vouch_store *st, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = vouch_store_sqlite__fail(s, "cannot commit", err);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_txn = 0;
        return rc;
    }
    s->in_txn = 0;
    return 0;
}

static void sq_rollback(vouch_store *st)
{
    sq_store *s = (sq_store *)st;
    if (!s->in_txn)
        return;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = 0;
}

static int sq_policy_put(vouch_store *st, const char *digest, const char *doc, size_t len,
                         int64_t now_ms, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_POLICY_PUT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
    sqlite3_bind_text64(q, 2, doc, len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_int64(q, 3, now_ms);
    if (sqlite3_step(q) != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot store the policy", err);
    return 0;
}

static int sq_policy_get(vouch_store *st, const char *digest, char **doc_out, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    *doc_out = NULL;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_POLICY_GET, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_text(q, 1, digest, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return vouch_error_set(err, VOUCH_ENOTFOUND, "no stored policy '%s'", digest);
    if (rc != SQLITE_ROW)
        return vouch_store_sqlite__fail(s, "cannot read the policy", err);
    *doc_out =
        vouch_strndup((const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0));
    /* Reset at once: a statement left on its row holds a read snapshot, and
     * a later BEGIN IMMEDIATE on a stale snapshot fails at once with BUSY
     * instead of waiting for the other writer. */
    sqlite3_reset(q);
    if (!*doc_out)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory reading a policy");
    return 0;
}

static void read_project(vouch_project_rec *out, sqlite3_stmt *q)
{
    out->id = sqlite3_column_int64(q, 0);
    vouch_store_sqlite__col_text(out->name, sizeof(out->name), q, 1);
    vouch_store_sqlite__col_text(out->policy_digest, sizeof(out->policy_digest), q, 2);
    out->created_ms = sqlite3_column_int64(q, 3);
}

static int sq_project_insert(vouch_store *st, vouch_project_rec *rec, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_PROJECT_INSERT, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_text(q, 1, rec->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, rec->policy_digest, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, rec->created_ms);
    int rc = sqlite3_step(q);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return vouch_error_set(err, VOUCH_EEXISTS, "project '%s' already exists", rec->name);
    if (rc != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot create the project", err);
    rec->id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

static int project_get_by(sq_store *s, enum sq_stmt which, const char *name, int64_t id,
                          vouch_project_rec *out, vouch_error *err)
{
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, which, err);
    if (!q)
        return VOUCH_ESTORE;
    if (name)
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) {
        if (name)
            return vouch_error_set(err, VOUCH_ENOTFOUND, "no project '%s'", name);
        return vouch_error_set(err, VOUCH_ENOTFOUND, "no project with id %lld", (long long)id);
    }
    if (rc != SQLITE_ROW)
        return vouch_store_sqlite__fail(s, "cannot read the project", err);
    read_project(out, q);
    sqlite3_reset(q);
    return 0;
}

static int sq_project_get(vouch_store *st, const char *name, vouch_project_rec *out,
                          vouch_error *err)
{
    return project_get_by((sq_store *)st, SQ_PROJECT_GET, name, 0, out, err);
}

static int sq_project_get_by_id(vouch_store *st, int64_t id, vouch_project_rec *out,
                                vouch_error *err)
{
    return project_get_by((sq_store *)st, SQ_PROJECT_GET_ID, NULL, id, out, err);
}

static int sq_project_list(vouch_store *st, vouch_project_cb cb, void *ctx, vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_PROJECT_LIST, err);
    if (!q)
        return VOUCH_ESTORE;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        vouch_project_rec rec;
        read_project(&rec, q);
        int crc = cb(&rec, ctx);
        if (crc) {
            sqlite3_reset(q);
            return crc;
        }
    }
    if (rc != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot list projects", err);
    return 0;
}

static int sq_project_set_policy(vouch_store *st, int64_t id, const char *policy_digest,
                                 vouch_error *err)
{
    sq_store *s = (sq_store *)st;
    sqlite3_stmt *q = vouch_store_sqlite__stmt(s, SQ_PROJECT_SET_POLICY, err);
    if (!q)
        return VOUCH_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, policy_digest, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        return vouch_store_sqlite__fail(s, "cannot pin the policy", err);
    return 0;
}

static const struct vouch_store_ops sqlite_ops = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .policy_put = sq_policy_put,
    .policy_get = sq_policy_get,
    .project_insert = sq_project_insert,
    .project_get = sq_project_get,
    .project_get_by_id = sq_project_get_by_id,
    .project_list = sq_project_list,
    .project_set_policy = sq_project_set_policy,
    .artifact_insert = vouch_store_sqlite__artifact_insert,
    .artifact_get = vouch_store_sqlite__artifact_get,
    .artifact_get_by_id = vouch_store_sqlite__artifact_get_by_id,
    .artifact_update_state = vouch_store_sqlite__artifact_update_state,
    .artifact_list = vouch_store_sqlite__artifact_list,
    .artifact_count = vouch_store_sqlite__artifact_count,
    .check_put = vouch_store_sqlite__check_put,
    .check_get_all = vouch_store_sqlite__check_get_all,
    .promotion_insert = vouch_store_sqlite__promotion_insert,
    .promotion_head = vouch_store_sqlite__promotion_head,
    .promotion_exists = vouch_store_sqlite__promotion_exists,
    .promotion_list_artifact = vouch_store_sqlite__promotion_list_artifact,
    .promotion_heads = vouch_store_sqlite__promotion_heads,
    .promotion_count = vouch_store_sqlite__promotion_count,
    .audit_head = vouch_store_sqlite__audit_head,
    .audit_append = vouch_store_sqlite__audit_append,
    .audit_list = vouch_store_sqlite__audit_list,
};

static int pragma(sq_store *s, const char *sql, vouch_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return vouch_store_sqlite__fail(s, "cannot configure the database", err);
    return 0;
}

int vouch_store_sqlite_open(vouch_store **out, const char *path, int create, vouch_error *err)
{
    int rc;
    *out = NULL;
    sq_store *s = vouch_calloc(1, sizeof(*s));
    if (!s)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory opening the database");
    s->base.ops = &sqlite_ops;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        if (!s->db) {
            vouch_free(s);
            return vouch_error_set(err, VOUCH_ENOMEM, "out of memory opening '%s'", path);
        }
        rc = vouch_error_set(err, create ? VOUCH_EIO : VOUCH_ENOTFOUND,
                             "cannot open the database '%s': %s", path, sqlite3_errmsg(s->db));
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    if ((rc = pragma(s, "PRAGMA journal_mode=WAL", err)) != 0 ||
        (rc = pragma(s, "PRAGMA synchronous=FULL", err)) != 0 ||
        (rc = pragma(s, "PRAGMA foreign_keys=ON", err)) != 0 ||
        /* Large batches must not spill dirty pages to the WAL mid-transaction. */
        (rc = pragma(s, "PRAGMA cache_size=-32768", err)) != 0 ||
        (rc = pragma(s, "PRAGMA trusted_schema=OFF", err)) != 0 ||
        (rc = vouch_store_sqlite__migrate(s->db, err)) != 0)
        goto fail;
    *out = &s->base;
    return 0;
fail:
    sq_close(&s->base);
    return rc;
}
