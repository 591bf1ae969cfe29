/*
 * test_store.c - the SQLite store backend through its ops table:
 * migrations, uniqueness, upserts, channel heads, audit listing filters,
 * transactions (rollback leaves nothing behind) and durability on reopen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#include "testutil.h"
#include "vouch/alloc.h"

typedef struct fixture {
    char dir[256];
    char db[300];
    vouch_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "%s", tu_tmpdir());
    snprintf(f->db, sizeof(f->db), "%s/vouch.db", f->dir);
    assert_int_equal(vouch_store_sqlite_open(&f->st, f->db, 1, NULL), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->st)
        f->st->ops->close(f->st);
    tu_rmrf(f->dir);
    free(f);
    return 0;
}

static int64_t add_project(fixture *f, const char *name)
{
    vouch_project_rec p;
    memset(&p, 0, sizeof(p));
    snprintf(p.name, sizeof(p.name), "%s", name);
    snprintf(p.policy_digest, sizeof(p.policy_digest), "sha256:%064d", 1);
    assert_int_equal(f->st->ops->policy_put(f->st, p.policy_digest, "{}", 2, 1, NULL), 0);
    assert_int_equal(f->st->ops->project_insert(f->st, &p, NULL), 0);
    return p.id;
}

static int64_t add_artifact(fixture *f, int64_t pid, int n)
{
    vouch_artifact_rec a;
    memset(&a, 0, sizeof(a));
    a.project_id = pid;
    snprintf(a.digest, sizeof(a.digest), "sha256:%064d", n);
    snprintf(a.name, sizeof(a.name), "art%d", n);
    snprintf(a.kind, sizeof(a.kind), "binary");
    a.source_type = VOUCH_SOURCE_FILE;
    snprintf(a.source_uri, sizeof(a.source_uri), "/b/%d", n);
    a.created_ms = 1000 + n;
    assert_int_equal(f->st->ops->artifact_insert(f->st, &a, NULL), 0);
    return a.id;
}

static void test_store__schema_version_and_reopen(void **state)
{
    fixture *f = *state;
    add_project(f, "p");
    f->st->ops->close(f->st);
    f->st = NULL;
    /* reopening migrates nothing and keeps the data */
    assert_int_equal(vouch_store_sqlite_open(&f->st, f->db, 0, NULL), 0);
    vouch_project_rec p;
    assert_int_equal(f->st->ops->project_get(f->st, "p", &p, NULL), 0);
    sqlite3 *h;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), vouch_store_sqlite_schema_version());
    sqlite3_finalize(q);
    /* a database from a newer vouch is refused */
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version=999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    f->st->ops->close(f->st);
    f->st = NULL;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_store_sqlite_open(&f->st, f->db, 0, &err), VOUCH_ESTORE);
    assert_non_null(strstr(err.message, "upgrade vouch"));
    assert_null(f->st);
}

static void test_store__missing_database_is_not_created(void **state)
{
    fixture *f = *state;
    vouch_store *st = NULL;
    char path[400];
    snprintf(path, sizeof(path), "%s/absent.db", f->dir);
    assert_int_equal(vouch_store_sqlite_open(&st, path, 0, NULL), VOUCH_ENOTFOUND);
    assert_null(st);
}

static void test_store__uniqueness(void **state)
{
    fixture *f = *state;
    int64_t pid = add_project(f, "p");
    vouch_project_rec p;
    memset(&p, 0, sizeof(p));
    snprintf(p.name, sizeof(p.name), "p");
    snprintf(p.policy_digest, sizeof(p.policy_digest), "sha256:%064d", 1);
    assert_int_equal(f->st->ops->project_insert(f->st, &p, NULL), VOUCH_EEXISTS);
    add_artifact(f, pid, 1);
    vouch_artifact_rec a;
    memset(&a, 0, sizeof(a));
    a.project_id = pid;
    snprintf(a.digest, sizeof(a.digest), "sha256:%064d", 1);
    snprintf(a.kind, sizeof(a.kind), "x");
    assert_int_equal(f->st->ops->artifact_insert(f->st, &a, NULL), VOUCH_EEXISTS);
    /* same digest in another project is another artifact */
    int64_t pid2 = add_project(f, "q");
    add_artifact(f, pid2, 1);
    int64_t n = 0;
    assert_int_equal(f->st->ops->artifact_count(f->st, pid, &n, NULL), 0);
    assert_int_equal(n, 1);
}

static void test_store__checks_upsert(void **state)
{
    fixture *f = *state;
    int64_t aid = add_artifact(f, add_project(f, "p"), 7);
    vouch_checks c;
    assert_int_equal(f->st->ops->check_put(f->st, aid, VOUCH_CHECK_DIGEST, VOUCH_CHECK_FAIL,
                                           "{\"a\":1}", "sha256:x", 5, NULL),
                     0);
    assert_int_equal(f->st->ops->check_put(f->st, aid, VOUCH_CHECK_DIGEST, VOUCH_CHECK_PASS,
                                           "{\"a\":2}", "sha256:y", 6, NULL),
                     0);
    assert_int_equal(f->st->ops->check_get_all(f->st, aid, &c, NULL), 0);
    assert_int_equal(c.result[VOUCH_CHECK_DIGEST], VOUCH_CHECK_PASS);
    assert_int_equal(c.result[VOUCH_CHECK_SOURCE], VOUCH_CHECK_NOT_RUN);
    assert_int_equal(json_integer_value(json_object_get(c.evidence[VOUCH_CHECK_DIGEST], "a")), 2);
    assert_string_equal(c.policy_digest[VOUCH_CHECK_DIGEST], "sha256:y");
    assert_int_equal(c.checked_ms[VOUCH_CHECK_DIGEST], 6);
    vouch_checks_release(&c);
}

static void promote(fixture *f, int64_t pid, int64_t aid, const char *ch, const char *env)
{
    vouch_promotion_rec pr;
    memset(&pr, 0, sizeof(pr));
    pr.project_id = pid;
    pr.artifact_id = aid;
    snprintf(pr.channel, sizeof(pr.channel), "%s", ch);
    snprintf(pr.environment, sizeof(pr.environment), "%s", env);
    snprintf(pr.actor, sizeof(pr.actor), "ci");
    pr.promoted_ms = 10;
    assert_int_equal(f->st->ops->promotion_insert(f->st, &pr, NULL), 0);
}

static void test_store__channel_heads(void **state)
{
    fixture *f = *state;
    int64_t pid = add_project(f, "p");
    int64_t a1 = add_artifact(f, pid, 1), a2 = add_artifact(f, pid, 2);
    vouch_promotion_rec head;
    assert_int_equal(f->st->ops->promotion_head(f->st, pid, "dev", "", &head, NULL),
                     VOUCH_ENOTFOUND);
    promote(f, pid, a1, "dev", "");
    promote(f, pid, a2, "dev", "");
    promote(f, pid, a1, "prod", "eu-1");
    assert_int_equal(f->st->ops->promotion_head(f->st, pid, "dev", "", &head, NULL), 0);
    assert_int_equal(head.artifact_id, a2);
    vouch_free(head.checks_json);
    assert_int_equal(f->st->ops->promotion_head(f->st, pid, "prod", "eu-1", &head, NULL), 0);
    assert_int_equal(head.artifact_id, a1);
    vouch_free(head.checks_json);
    assert_int_equal(f->st->ops->promotion_head(f->st, pid, "prod", "us-1", &head, NULL),
                     VOUCH_ENOTFOUND);
    assert_int_equal(f->st->ops->promotion_exists(f->st, a1, "dev", NULL), 1);
    assert_int_equal(f->st->ops->promotion_exists(f->st, a2, "prod", NULL), 0);
}

static int count_cb(const vouch_audit_rec *rec, void *ctx)
{
    (void)rec;
    (*(int *)ctx)++;
    return 0;
}

static void append(fixture *f, int64_t seq, const char *action, int64_t pid, int64_t aid)
{
    vouch_audit_rec r;
    memset(&r, 0, sizeof(r));
    r.seq = seq;
    r.time_ms = seq * 1000;
    snprintf(r.action, sizeof(r.action), "%s", action);
    r.project_id = pid;
    r.artifact_id = aid;
    snprintf(r.hash, sizeof(r.hash), "sha256:%064lld", (long long)seq);
    snprintf(r.prev_hash, sizeof(r.prev_hash), "sha256:%064lld", (long long)seq - 1);
    r.actor = "ci";
    r.correlation_id = "c";
    assert_int_equal(f->st->ops->audit_append(f->st, &r, NULL), 0);
}

static void test_store__audit_filters_and_rollback(void **state)
{
    fixture *f = *state;
    int64_t pid = add_project(f, "p");
    int64_t aid = add_artifact(f, pid, 1);
    append(f, 1, "project.create", pid, 0);
    append(f, 2, "artifact.register", pid, aid);
    append(f, 3, "artifact.verify", pid, aid);
    int n = 0;
    vouch_audit_filter all = {0, 0, NULL, 0};
    assert_int_equal(f->st->ops->audit_list(f->st, &all, count_cb, &n, NULL), 0);
    assert_int_equal(n, 3);
    vouch_audit_filter by_art = {pid, aid, NULL, 0};
    n = 0;
    assert_int_equal(f->st->ops->audit_list(f->st, &by_art, count_cb, &n, NULL), 0);
    assert_int_equal(n, 2);
    vouch_audit_filter by_action = {0, 0, "artifact.verify", 0};
    n = 0;
    assert_int_equal(f->st->ops->audit_list(f->st, &by_action, count_cb, &n, NULL), 0);
    assert_int_equal(n, 1);
    vouch_audit_filter since = {0, 0, NULL, 2500};
    n = 0;
    assert_int_equal(f->st->ops->audit_list(f->st, &since, count_cb, &n, NULL), 0);
    assert_int_equal(n, 1);
    /* a duplicate seq is refused: the chain position is unique */
    vouch_audit_rec dup;
    memset(&dup, 0, sizeof(dup));
    dup.seq = 3;
    dup.actor = "ci";
    dup.correlation_id = "c";
    snprintf(dup.hash, sizeof(dup.hash), "sha256:%064d", 9);
    snprintf(dup.prev_hash, sizeof(dup.prev_hash), "sha256:%064d", 8);
    assert_int_equal(f->st->ops->audit_append(f->st, &dup, NULL), VOUCH_ESTORE);

    /* rollback leaves nothing behind */
    assert_int_equal(f->st->ops->begin(f->st, 1, NULL), 0);
    append(f, 4, "artifact.verify", pid, aid);
    f->st->ops->rollback(f->st);
    int64_t seq;
    char hash[VOUCH_DIGEST_STR_MAX];
    assert_int_equal(f->st->ops->audit_head(f->st, &seq, hash, NULL), 0);
    assert_int_equal(seq, 3);
    assert_string_equal(hash,
                        "sha256:0000000000000000000000000000000000000000000000000000000000000003");
    /* a committed transaction is there after reopening */
    assert_int_equal(f->st->ops->begin(f->st, 1, NULL), 0);
    append(f, 4, "artifact.verify", pid, aid);
    assert_int_equal(f->st->ops->commit(f->st, NULL), 0);
    f->st->ops->close(f->st);
    assert_int_equal(vouch_store_sqlite_open(&f->st, f->db, 0, NULL), 0);
    assert_int_equal(f->st->ops->audit_head(f->st, &seq, hash, NULL), 0);
    assert_int_equal(seq, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store__schema_version_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__missing_database_is_not_created, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__uniqueness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__checks_upsert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__channel_heads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__audit_filters_and_rollback, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
