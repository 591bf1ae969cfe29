/*
 * test_service.c - the service layer through the router, as the CLI and the
 * server use it: projects, policies, registration, verification, every
 * promotion rule, state transitions, status, history and the audit chain,
 * plus router edge cases and allocation-failure loops.
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

#include "testutil.h"
#include "vouch/alloc.h"
#include "vouch/router.h"
#include "vouch/service.h"

typedef struct fixture {
    char dir[256];
    char files[256];
    vouch_service *svc;
    vouch_response last;
} fixture;

static int call(fixture *f, const char *actor, const char *method, const char *path,
                const char *body)
{
    vouch_request req;
    json_t *b = NULL;
    json_error_t jerr;
    if (body) {
        b = json_loads(body, 0, &jerr);
        assert_non_null(b);
    }
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.body = b;
    req.actor = actor;
    vouch_response_release(&f->last);
    vouch_router_handle(f->svc, &req, &f->last);
    json_decref(b);
    assert_non_null(f->last.body);
    return f->last.status;
}

static const char *err_rule(fixture *f)
{
    json_t *r =
        json_object_get(json_object_get(json_object_get(f->last.body, "error"), "details"), "rule");
    return json_is_string(r) ? json_string_value(r) : "";
}

static const char *err_message(fixture *f)
{
    json_t *m = json_object_get(json_object_get(f->last.body, "error"), "message");
    return json_is_string(m) ? json_string_value(m) : "";
}

/* Write `content` to files/name and return its sha256 digest string. */
static void make_file(fixture *f, const char *name, const char *content, char digest[80])
{
    char path[512], cmd[700];
    snprintf(path, sizeof(path), "%s/%s", f->files, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(content, fp);
    fclose(fp);
    snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char hex[65] = "";
    assert_int_equal(fscanf(p, "%64s", hex), 1);
    pclose(p);
    snprintf(digest, 80, "sha256:%s", hex);
}

static void register_file(fixture *f, const char *name, const char *digest)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"kind\":\"binary\",\"sourceType\":\"file\","
             "\"sourceUri\":\"%s/%s\",\"digest\":\"%s\"}",
             name, f->files, name, digest);
    int st = call(f, "ci", "POST", "/v1/projects/pay/artifacts", body);
    assert_true(st == 201 || st == 200);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    snprintf(f->dir, sizeof(f->dir), "%s/data", dir);
    snprintf(f->files, sizeof(f->files), "%s", dir);
    vouch_service_opts opts = {f->dir, 0};
    int created = 0;
    assert_int_equal(vouch_service_init(&opts, &created, NULL), 0);
    assert_int_equal(created, 1);
    assert_int_equal(vouch_service_open(&f->svc, &opts, NULL), 0);
    assert_int_equal(call(f, "admin", "POST", "/v1/projects", "{\"name\":\"pay\"}"), 201);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    vouch_response_release(&f->last);
    vouch_service_close(f->svc);
    tu_rmrf(f->files);
    free(f);
    return 0;
}

static void set_policy(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_policy(fixture *f, const char *fmt, ...)
{
    char doc[4096], body[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(doc, sizeof(doc), fmt, ap);
    va_end(ap);
    json_t *b = json_pack("{ss ss}", "document", doc, "source", "test.yaml");
    char *s = json_dumps(b, 0);
    snprintf(body, sizeof(body), "%s", s);
    free(s);
    json_decref(b);
    assert_int_equal(call(f, "admin", "PUT", "/v1/projects/pay/policy", body), 200);
}

#define STRICT_POLICY                                                                              \
    "apiVersion: vouch/v1\nkind: Policy\nbaseline: [digest, source]\n"                             \
    "groups:\n  rm: [alice]\n"                                                                     \
    "sources:\n  - {type: file, match: \"%s/**\"}\n"                                               \
    "channels:\n"                                                                                  \
    "  - {name: dev, require: [digest], promoters: [\"*\"]}\n"                                     \
    "  - {name: test, from: dev, require: [digest, source], promoters: [ci]}\n"                    \
    "  - {name: prod, from: test, require: [digest, source], promoters: [\"@rm\"],\n"              \
    "     allowNonOci: false, environments: [eu-1, us-1]}\n"

static void test_service__open_requires_init(void **state)
{
    (void)state;
    vouch_service *svc = NULL;
    vouch_error err;
    vouch_error_clear(&err);
    vouch_service_opts opts = {"/nonexistent/vouch-data", 0};
    assert_int_equal(vouch_service_open(&svc, &opts, &err), VOUCH_ENOTFOUND);
    assert_null(svc);
    assert_non_null(strstr(err.message, "vouch init"));
}

static void test_service__projects(void **state)
{
    fixture *f = *state;
    assert_int_equal(call(f, "admin", "POST", "/v1/projects", "{\"name\":\"pay\"}"), 409);
    assert_int_equal(call(f, "admin", "POST", "/v1/projects", "{\"name\":\"../x\"}"), 400);
    assert_int_equal(call(f, "admin", "POST", "/v1/projects", "{\"name\":\"a\",\"x\":1}"), 400);
    assert_int_equal(call(f, "admin", "GET", "/v1/projects", NULL), 200);
    assert_int_equal(json_array_size(json_object_get(f->last.body, "projects")), 1);
    assert_int_equal(call(f, "admin", "GET", "/v1/projects/pay", NULL), 200);
    json_t *chans = json_object_get(json_object_get(f->last.body, "project"), "channels");
    assert_int_equal(json_array_size(chans), 4);
    assert_string_equal(json_string_value(json_array_get(chans, 3)), "prod");
    assert_int_equal(call(f, "admin", "GET", "/v1/projects/nope", NULL), 404);
}

static void test_service__register_is_idempotent_and_conflicts(void **state)
{
    fixture *f = *state;
    char d[80], body[1024];
    make_file(f, "a.bin", "alpha", d);
    register_file(f, "a.bin", d);
    assert_int_equal(f->last.status, 201);
    register_file(f, "a.bin", d);
    assert_int_equal(f->last.status, 200);
    assert_false(json_is_true(json_object_get(f->last.body, "created")));
    snprintf(body, sizeof(body),
             "{\"name\":\"other\",\"kind\":\"binary\",\"sourceType\":\"file\","
             "\"sourceUri\":\"%s/a.bin\",\"digest\":\"%s\"}",
             f->files, d);
    assert_int_equal(call(f, "ci", "POST", "/v1/projects/pay/artifacts", body), 409);
    assert_non_null(strstr(err_message(f), "name"));
    /* uppercase hex digest */
    assert_int_equal(call(f, "ci", "POST", "/v1/projects/pay/artifacts",
                          "{\"name\":\"x\",\"kind\":\"binary\",\"sourceType\":\"file\","
                          "\"sourceUri\":\"/x\",\"digest\":\"sha256:AB\"}"),
                     400);
    /* relative file path */
    snprintf(body, sizeof(body),
             "{\"name\":\"x\",\"kind\":\"binary\",\"sourceType\":\"file\","
             "\"sourceUri\":\"rel/x\",\"digest\":\"%s\"}",
             d);
    assert_int_equal(call(f, "ci", "POST", "/v1/projects/pay/artifacts", body), 400);
}

static void test_service__batch_is_all_or_nothing(void **state)
{
    fixture *f = *state;
    char d1[80], d2[80], body[2048];
    make_file(f, "b1", "one", d1);
    make_file(f, "b2", "two", d2);
    snprintf(body, sizeof(body),
             "{\"artifacts\":[{\"name\":\"b1\",\"kind\":\"binary\",\"sourceType\":\"file\","
             "\"sourceUri\":\"/b1\",\"digest\":\"%s\"},{\"name\":\"b2\",\"kind\":\"binary\","
             "\"sourceType\":\"file\",\"sourceUri\":\"/b2\",\"digest\":\"sha256:zz\"}]}",
             d1);
    assert_int_equal(call(f, "ci", "POST", "/v1/projects/pay/artifacts/batch", body), 400);
    assert_non_null(strstr(err_message(f), "artifacts[1]: "));
    char path[200];
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s", d1);
    assert_int_equal(call(f, "ci", "GET", path, NULL), 404);
    snprintf(body, sizeof(body),
             "{\"artifacts\":[{\"name\":\"b1\",\"kind\":\"binary\",\"sourceType\":\"file\","
             "\"sourceUri\":\"/b1\",\"digest\":\"%s\"},{\"name\":\"b2\",\"kind\":\"binary\","
             "\"sourceType\":\"file\",\"sourceUri\":\"/b2\",\"digest\":\"%s\"}]}",
             d1, d2);
    assert_int_equal(call(f, "ci", "POST", "/v1/projects/pay/artifacts/batch", body), 200);
    assert_int_equal(json_integer_value(json_object_get(f->last.body, "created")), 2);
}

static void verify(fixture *f, const char *d, const char *want_trust)
{
    char path[200];
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s/verify", d);
    assert_int_equal(call(f, "ci", "POST", path, "{}"), 200);
    assert_string_equal(json_string_value(json_object_get(f->last.body, "trust")), want_trust);
}

static int promote(fixture *f, const char *actor, const char *d, const char *channel,
                   const char *env)
{
    char body[400];
    if (env)
        snprintf(body, sizeof(body),
                 "{\"digest\":\"%s\",\"channel\":\"%s\",\"environment\":\"%s\"}", d, channel, env);
    else
        snprintf(body, sizeof(body), "{\"digest\":\"%s\",\"channel\":\"%s\"}", d, channel);
    return call(f, actor, "POST", "/v1/projects/pay/promotions", body);
}

static void test_service__verify_and_promotion_rules(void **state)
{
    fixture *f = *state;
    char d[80], bad[80];
    set_policy(f, STRICT_POLICY, f->files);
    make_file(f, "app", "application bytes", d);
    register_file(f, "app", d);
    /* unverified: the required digest check has not run */
    assert_int_equal(promote(f, "ci", d, "dev", NULL), 403);
    assert_string_equal(err_rule(f), "require.digest");
    verify(f, d, "verified");
    assert_int_equal(promote(f, "ci", d, "test", NULL), 403);
    assert_string_equal(err_rule(f), "from");
    assert_int_equal(promote(f, "ci", d, "dev", "eu-1"), 403);
    assert_string_equal(err_rule(f), "environments");
    assert_int_equal(promote(f, "ci", d, "dev", NULL), 201);
    assert_int_equal(promote(f, "ci", d, "dev", NULL), 200); /* already current */
    assert_false(json_is_true(json_object_get(f->last.body, "changed")));
    assert_int_equal(promote(f, "bob", d, "test", NULL), 403);
    assert_string_equal(err_rule(f), "promoters");
    assert_int_equal(promote(f, "ci", d, "test", NULL), 201);
    assert_int_equal(promote(f, "alice", d, "prod", "eu-1"), 403);
    assert_string_equal(err_rule(f), "allowNonOci");
    assert_int_equal(promote(f, "ci", d, "nope", NULL), 404);

    /* content changed after registration: digest check fails */
    make_file(f, "bad", "original", bad);
    register_file(f, "bad", bad);
    char tmp[80];
    make_file(f, "bad", "tampered", tmp);
    verify(f, bad, "failed_verification");
    assert_int_equal(promote(f, "ci", bad, "dev", NULL), 403);
    assert_string_equal(err_rule(f), "trust");
}

static void test_service__transitions(void **state)
{
    fixture *f = *state;
    char d[80], path[200];
    make_file(f, "t", "transitions", d);
    register_file(f, "t", d);
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s/deprecate", d);
    assert_int_equal(call(f, "ci", "POST", path, "{\"reason\":\"old\"}"), 200);
    assert_int_equal(call(f, "ci", "POST", path, "{}"), 409);
    verify(f, d, "verified");
    assert_int_equal(promote(f, "ci", d, "dev", NULL), 403);
    assert_string_equal(err_rule(f), "lifecycle");
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s/retire", d);
    assert_int_equal(call(f, "ci", "POST", path, "{}"), 200);
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s/deprecate", d);
    assert_int_equal(call(f, "ci", "POST", path, "{}"), 409);
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s/revoke", d);
    assert_int_equal(call(f, "ci", "POST", path, "{}"), 200);
    assert_int_equal(call(f, "ci", "POST", path, "{}"), 409);
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s/verify", d);
    assert_int_equal(call(f, "ci", "POST", path, "{}"), 403);
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s/history", d);
    assert_int_equal(call(f, "ci", "GET", path, NULL), 200);
    json_t *ev = json_object_get(f->last.body, "events");
    assert_int_equal(json_array_size(ev), 5);
    const char *want[] = {"artifact.register", "artifact.deprecate", "artifact.verify",
                          "artifact.retire", "artifact.revoke"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(ev, i), "action")),
                            want[i]);
}

static void test_service__policy_change_rederives_trust(void **state)
{
    fixture *f = *state;
    char d[80], path[200];
    make_file(f, "p", "policy", d);
    register_file(f, "p", d);
    verify(f, d, "verified"); /* default baseline: digest only */
    /* a baseline of digest + source with an allowlist that misses the file */
    assert_int_equal(call(f, "admin", "PUT", "/v1/projects/pay/policy",
                          "{\"document\":\"{\\\"apiVersion\\\":\\\"vouch/v1\\\",\\\"kind\\\":"
                          "\\\"Policy\\\",\\\"baseline\\\":[\\\"digest\\\",\\\"source\\\"],"
                          "\\\"sources\\\":[{\\\"type\\\":\\\"oci\\\",\\\"match\\\":\\\"r/*\\\"}],"
                          "\\\"channels\\\":[{\\\"name\\\":\\\"dev\\\"}]}\"}"),
                     200);
    json_t *re = json_object_get(f->last.body, "rederived");
    assert_int_equal(json_array_size(re), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(re, 0), "to")),
                        "failed_verification");
    snprintf(path, sizeof(path), "/v1/projects/pay/artifacts/%s", d);
    assert_int_equal(call(f, "ci", "GET", path, NULL), 200);
    json_t *a = json_object_get(f->last.body, "artifact");
    assert_string_equal(json_string_value(json_object_get(a, "trust")), "failed_verification");
    /* the same policy again changes nothing */
    assert_int_equal(call(f, "admin", "GET", "/v1/projects/pay/policy", NULL), 200);
}

static void test_service__audit_chain_detects_tampering(void **state)
{
    fixture *f = *state;
    char d[80], db[400];
    make_file(f, "au", "audit", d);
    register_file(f, "au", d);
    assert_int_equal(call(f, "x", "POST", "/v1/audit/verify", "{}"), 200);
    assert_int_equal(json_integer_value(json_object_get(f->last.body, "events")), 2);
    assert_int_equal(call(f, "x", "GET", "/v1/audit", NULL), 200);
    json_t *events = json_object_get(f->last.body, "events");
    assert_int_equal(json_array_size(events), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, 1), "prevHash")),
                        json_string_value(json_object_get(json_array_get(events, 0), "hash")));

    sqlite3 *h;
    snprintf(db, sizeof(db), "%s/vouch.db", f->dir);
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(h, "UPDATE audit_events SET actor = 'cj' WHERE seq = 2", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(call(f, "x", "POST", "/v1/audit/verify", "{}"), 422);
    assert_non_null(strstr(err_message(f), "event 2"));
}

/* The chain is intact but a state table was edited behind its back. */
static void test_service__audit_replay_detects_state_edits(void **state)
{
    fixture *f = *state;
    char d[80], db[400];
    make_file(f, "st", "state", d);
    register_file(f, "st", d);
    assert_int_equal(call(f, "x", "POST", "/v1/audit/verify", "{}"), 200);
    sqlite3 *h;
    snprintf(db, sizeof(db), "%s/vouch.db", f->dir);
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "UPDATE artifacts SET trust = 'verified'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(call(f, "x", "POST", "/v1/audit/verify", "{}"), 422);
    assert_non_null(strstr(err_message(f), "has trust 'verified' in the database"));
}

static void test_service__router_edges(void **state)
{
    fixture *f = *state;
    assert_int_equal(call(f, "a", "GET", "/v1/nope", NULL), 404);
    assert_int_equal(call(f, "a", "DELETE", "/v1/projects", NULL), 405);
    assert_int_equal(call(f, "a", "GET", "/v1/projects/../projects", NULL), 404);
    assert_int_equal(call(f, "a", "GET", "/v1/projects//pay", NULL), 404);
    assert_int_equal(call(f, "a", "GET", "/v1/projects/pay/", NULL), 404);
    assert_int_equal(call(f, "a", "POST", "/v1/projects", "[1]"), 400);
    assert_int_equal(call(f, "bad actor", "GET", "/v1/projects", NULL), 400);
    assert_int_equal(call(f, NULL, "GET", "/v1/projects", NULL), 401);
    assert_int_equal(call(f, "a", "GET", "/v1/projects/pay/artifacts/sha256:00", NULL), 400);
    assert_int_equal(call(f, "a", "POST", "/v1/projects/pay/artifacts/sha256:00/explode", "{}"),
                     404);
    assert_int_equal(call(f, "a", "GET", "/v1/audit?x", NULL), 404);
}

/* Fail the Nth allocation of a mutation for every N until it succeeds: no
 * crash, no leak (LeakSanitizer), and the audit chain stays intact. */
static void test_service__allocation_failures(void **state)
{
    fixture *f = *state;
    char d[80], body[1024];
    make_file(f, "oom", "oom", d);
    snprintf(body, sizeof(body),
             "{\"name\":\"oom\",\"kind\":\"binary\",\"sourceType\":\"file\","
             "\"sourceUri\":\"%s/oom\",\"digest\":\"%s\"}",
             f->files, d);
    json_t *b = json_loads(body, 0, NULL);
    int ok = 0;
    for (long n = 1; n < 5000 && !ok; n++) {
        vouch_request req = {"POST", "/v1/projects/pay/artifacts", NULL, b, "ci", NULL};
        vouch_response resp;
        tu_fail_alloc_after(n);
        vouch_router_handle(f->svc, &req, &resp);
        tu_fail_alloc_after(0);
        vouch_alloc_set_hooks(NULL);
        ok = resp.status == 201 || resp.status == 200; /* 200: committed before a later failure */
        vouch_response_release(&resp);
    }
    json_decref(b);
    assert_true(ok);
    vouch_alloc_set_hooks(NULL);
    assert_int_equal(call(f, "x", "POST", "/v1/audit/verify", "{}"), 200);
    /* exactly one registration event, whatever failed before */
    assert_int_equal(json_integer_value(json_object_get(f->last.body, "events")), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service__open_requires_init),
        cmocka_unit_test_setup_teardown(test_service__projects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service__register_is_idempotent_and_conflicts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_service__batch_is_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service__verify_and_promotion_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service__transitions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service__policy_change_rederives_trust, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_service__audit_chain_detects_tampering, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_service__audit_replay_detects_state_edits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_service__router_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service__allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
