/*
 * test_audit.c - the audit event writer: the fast canonical text must equal,
 * byte for byte, the RFC 8785 canonicalization of the same event built as a
 * json_t, for every shape of event (with and without artifact, optional
 * members, escapes, non-ASCII, nested objects).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "service/service_int.h"
#include "testutil.h"
#include "vouch/json.h"

static void expect_same(const vouch_txn *t, const vouch_call *c, const vouch_audit_input *in)
{
    vouch_buf fast, ref;
    vouch_error err;
    vouch_error_clear(&err);
    vouch_buf_init(&fast, 0);
    vouch_buf_init(&ref, 0);
    assert_int_equal(vouch_svc__audit_event_text(&fast, t, c, in, &err), 0);
    json_t *ev = vouch_svc__audit_event_json(t, c, in);
    assert_non_null(ev);
    assert_int_equal(vouch_json_canonical(&ref, ev, &err), 0);
    if (fast.len != ref.len || memcmp(fast.ptr, ref.ptr, fast.len) != 0)
        fail_msg("fast: %s\nref:  %s", fast.ptr, ref.ptr);
    json_decref(ev);
    vouch_buf_release(&fast);
    vouch_buf_release(&ref);
}

static void test_audit__project_event(void **state)
{
    (void)state;
    vouch_txn t;
    vouch_call c;
    vouch_project_rec p;
    memset(&t, 0, sizeof(t));
    memset(&c, 0, sizeof(c));
    memset(&p, 0, sizeof(p));
    t.next_seq = 1;
    snprintf(t.prev_hash, sizeof(t.prev_hash), "sha256:%064d", 0);
    c.actor = "alice";
    c.now_ms = 1795000000123;
    snprintf(c.correlation_id, sizeof(c.correlation_id), "c-1");
    snprintf(p.name, sizeof(p.name), "payments");
    vouch_audit_input in = {
        .action = "project.create", .project = &p, .policy_digest = "sha256:abc"};
    expect_same(&t, &c, &in);
    in.project = NULL;
    in.policy_digest = NULL;
    expect_same(&t, &c, &in);
}

static void test_audit__artifact_events(void **state)
{
    (void)state;
    static const char *const names[] = {"api", "with \"quotes\" and \\", "tab\there\n",
                                        "caf\xc3\xa9 \xf0\x9f\x93\xa6", "\x01\x1f\x7f"};
    vouch_txn t;
    vouch_call c;
    vouch_project_rec p;
    vouch_artifact_rec a;
    memset(&t, 0, sizeof(t));
    memset(&c, 0, sizeof(c));
    memset(&p, 0, sizeof(p));
    memset(&a, 0, sizeof(a));
    t.next_seq = 9007199254740991LL; /* 2^53 - 1: the largest exact integer */
    snprintf(t.prev_hash, sizeof(t.prev_hash), "sha256:%064d", 7);
    c.now_ms = 1;
    snprintf(c.correlation_id, sizeof(c.correlation_id), "8c1e-uuid");
    snprintf(p.name, sizeof(p.name), "p");
    a.id = 42;
    snprintf(a.digest, sizeof(a.digest), "sha256:%064d", 42);
    snprintf(a.kind, sizeof(a.kind), "oci-image");
    a.source_type = VOUCH_SOURCE_OCI;
    json_t *tr = json_pack("{s{ss ss} s{ss ss}}", "lifecycle", "from", "published", "to",
                           "promoted", "trust", "from", "unverified", "to", "verified");
    json_t *target = json_pack("{ss so}", "channel", "prod", "environment", json_null());
    json_t *details = json_pack("{s{ss ss} sf si}", "checks", "digest", "pass", "source", "fail",
                                "ratio", 0.5, "n", 3);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        c.actor = names[i];
        vouch_audit_input in = {.action = "artifact.promote",
                                .project = &p,
                                .artifact = &a,
                                .transition = tr,
                                .target = target,
                                .reason = names[i],
                                .details = details,
                                .policy_digest = "sha256:pol"};
        expect_same(&t, &c, &in);
        in.transition = NULL;
        in.details = NULL;
        in.reason = NULL;
        expect_same(&t, &c, &in);
    }
    json_decref(tr);
    json_decref(target);
    json_decref(details);
}

static void test_audit__invalid_utf8_is_refused(void **state)
{
    (void)state;
    vouch_txn t;
    vouch_call c;
    vouch_buf b;
    vouch_error err;
    memset(&t, 0, sizeof(t));
    memset(&c, 0, sizeof(c));
    vouch_error_clear(&err);
    vouch_buf_init(&b, 0);
    c.actor = "ok";
    vouch_audit_input in = {.action = "policy.set", .reason = "bad \xff byte"};
    assert_int_equal(vouch_svc__audit_event_text(&b, &t, &c, &in, &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "utf-8"));
    vouch_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit__project_event),
        cmocka_unit_test(test_audit__artifact_events),
        cmocka_unit_test(test_audit__invalid_utf8_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
