/*
 * store_sqlite_schema.c - versioned migrations of the SQLite store.
 *
 * Each entry moves the schema from version i to i+1 and is applied in the
 * same transaction that records the new version, so a crash leaves the
 * database at one version or the next, never between. Entries are never
 * edited once released: changes are new entries.
 */
#include <sqlite3.h>
#include <stdio.h>

#include "store/store_sqlite_int.h"

/* CHECK constraints spell out OR chains rather than IN lists: SQLite
 * evaluates a CHECK's IN list through an ephemeral table on every row
 * written, which made bulk registration a third slower. */
static const char *const migrations[] = {
    /* 1: the foundation model */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE policies("
    "  digest TEXT PRIMARY KEY, document TEXT NOT NULL, created_ms INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE projects("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  policy_digest TEXT NOT NULL REFERENCES policies(digest),"
    "  created_ms INTEGER NOT NULL);"
    "CREATE TABLE artifacts("
    "  id INTEGER PRIMARY KEY,"
    "  project_id INTEGER NOT NULL REFERENCES projects(id),"
    "  digest TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
    "  source_type TEXT NOT NULL CHECK(source_type = 'oci' OR source_type = 's3' OR"
    "    source_type = 'http' OR source_type = 'file' OR source_type = 'git' OR"
    "    source_type = 'upload'),"
    "  source_uri TEXT NOT NULL,"
    "  lifecycle TEXT NOT NULL CHECK(lifecycle = 'published' OR lifecycle = 'promoted' OR"
    "    lifecycle = 'deprecated' OR lifecycle = 'retired'),"
    "  trust TEXT NOT NULL CHECK(trust = 'unverified' OR trust = 'verified' OR"
    "    trust = 'failed_verification' OR trust = 'revoked'),"
    "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    "  UNIQUE(project_id, digest));"
    "CREATE TABLE checks("
    "  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),"
    "  kind TEXT NOT NULL CHECK(kind = 'digest' OR kind = 'source' OR kind = 'signature' OR"
    "    kind = 'provenance' OR kind = 'sbom' OR kind = 'scan' OR kind = 'log'),"
    "  result TEXT NOT NULL CHECK(result = 'pass' OR result = 'fail' OR result = 'not_run'),"
    "  evidence TEXT, policy_digest TEXT NOT NULL, checked_ms INTEGER NOT NULL,"
    "  PRIMARY KEY(artifact_id, kind)) WITHOUT ROWID;"
    "CREATE TABLE promotions("
    "  id INTEGER PRIMARY KEY,"
    "  project_id INTEGER NOT NULL REFERENCES projects(id),"
    "  artifact_id INTEGER NOT NULL REFERENCES artifacts(id),"
    "  channel TEXT NOT NULL, environment TEXT NOT NULL,"
    "  actor TEXT NOT NULL, promoted_ms INTEGER NOT NULL,"
    "  correlation_id TEXT NOT NULL, policy_digest TEXT NOT NULL,"
    "  checks TEXT NOT NULL);"
    "CREATE INDEX promotions_by_artifact ON promotions(artifact_id, channel);"
    "CREATE TABLE channel_heads("
    "  project_id INTEGER NOT NULL REFERENCES projects(id),"
    "  channel TEXT NOT NULL, environment TEXT NOT NULL,"
    "  promotion_id INTEGER NOT NULL REFERENCES promotions(id),"
    "  PRIMARY KEY(project_id, channel, environment)) WITHOUT ROWID;"
    "CREATE TABLE audit_events("
    "  seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, action TEXT NOT NULL,"
    "  actor TEXT NOT NULL, project_id INTEGER, artifact_id INTEGER,"
    "  correlation_id TEXT NOT NULL, policy_digest TEXT, reason TEXT,"
    "  transition TEXT, target TEXT, details TEXT,"
    "  hash BLOB NOT NULL, prev_hash BLOB NOT NULL);"
    "CREATE INDEX audit_by_artifact ON audit_events(artifact_id)"
    "  WHERE artifact_id IS NOT NULL;",
};

int vouch_store_sqlite_schema_version(void)
{
    return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

static int exec(sqlite3 *db, const char *sql, vouch_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        vouch_error_set(err, VOUCH_ESTORE, "cannot migrate the database: %s",
                        msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return VOUCH_ESTORE;
    }
    return 0;
}

static int user_version(sqlite3 *db, int *out, vouch_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return vouch_error_set(err, VOUCH_ESTORE, "cannot read the schema version: %s",
                               sqlite3_errmsg(db));
    }
    *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

int vouch_store_sqlite__migrate(sqlite3 *db, vouch_error *err)
{
    int want = vouch_store_sqlite_schema_version();

    /* Version is re-read inside each write transaction: two processes
     * opening a fresh data directory at once must not both migrate. */
    for (;;) {
        int have = 0, rc;
        char bump[64];
        if ((rc = exec(db, "BEGIN IMMEDIATE", err)) != 0)
            return rc;
        if ((rc = user_version(db, &have, err)) != 0)
            goto fail;
        if (have > want) {
            rc = vouch_error_set(err, VOUCH_ESTORE,
                                 "the database has schema version %d but this vouch knows "
                                 "only up to %d: upgrade vouch",
                                 have, want);
            goto fail;
        }
        if (have == want)
            return exec(db, "COMMIT", err);
        snprintf(bump, sizeof(bump), "PRAGMA user_version=%d", have + 1);
        if ((rc = exec(db, migrations[have], err)) != 0 || (rc = exec(db, bump, err)) != 0 ||
            (rc = exec(db, "COMMIT", err)) != 0)
            goto fail;
        continue;
    fail:
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
}
