/* test_model.c - state names, lifecycle transitions, trust derivation, name rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "vouch/error.h"
#include "vouch/model.h"

#define P VOUCH_CHECK_PASS
#define F VOUCH_CHECK_FAIL
#define N VOUCH_CHECK_NOT_RUN

static void test_model__names_round_trip(void **state)
{
    (void)state;
    static const char *const lc[] = {"published", "promoted", "deprecated", "retired"};
    static const char *const tr[] = {"unverified", "verified", "failed_verification", "revoked"};
    static const char *const ck[] = {"digest", "source", "signature", "provenance",
                                     "sbom",   "scan",   "log"};
    static const char *const rs[] = {"not_run", "pass", "fail"};
    static const char *const st[] = {"oci", "s3", "http", "file", "git", "upload"};

    for (int i = 0; i < 4; i++) {
        vouch_lifecycle l;
        vouch_trust t;
        assert_string_equal(vouch_lifecycle_name((vouch_lifecycle)i), lc[i]);
        assert_int_equal(vouch_lifecycle_parse(&l, lc[i], NULL), 0);
        assert_int_equal(l, i);
        assert_string_equal(vouch_trust_name((vouch_trust)i), tr[i]);
        assert_int_equal(vouch_trust_parse(&t, tr[i], NULL), 0);
        assert_int_equal(t, i);
    }
    for (int i = 0; i < VOUCH_CHECK__COUNT; i++) {
        vouch_check_kind k;
        assert_string_equal(vouch_check_kind_name((vouch_check_kind)i), ck[i]);
        assert_int_equal(vouch_check_kind_parse(&k, ck[i], NULL), 0);
        assert_int_equal(k, i);
    }
    for (int i = 0; i < 3; i++) {
        vouch_check_result r;
        assert_string_equal(vouch_check_result_name((vouch_check_result)i), rs[i]);
        assert_int_equal(vouch_check_result_parse(&r, rs[i], NULL), 0);
        assert_int_equal(r, i);
    }
    for (int i = 0; i < VOUCH_SOURCE__COUNT; i++) {
        vouch_source_type s;
        assert_string_equal(vouch_source_type_name((vouch_source_type)i), st[i]);
        assert_int_equal(vouch_source_type_parse(&s, st[i], NULL), 0);
        assert_int_equal(s, i);
    }
    assert_string_equal(vouch_trust_name(VOUCH_TRUST_FAILED), "failed_verification");
    assert_string_equal(vouch_lifecycle_name((vouch_lifecycle)99), "invalid");
    assert_string_equal(vouch_source_type_name(VOUCH_SOURCE__COUNT), "invalid");
}

static void test_model__parse_unknown_lists_names(void **state)
{
    (void)state;
    vouch_error err;
    vouch_trust t = VOUCH_TRUST_VERIFIED;
    vouch_check_kind k;
    vouch_source_type s;
    vouch_lifecycle l;
    vouch_check_result r;

    vouch_error_clear(&err);
    assert_int_equal(vouch_trust_parse(&t, "Verified", &err), VOUCH_EINVAL);
    assert_int_equal(t, VOUCH_TRUST_VERIFIED); /* untouched */
    assert_string_equal(err.message, "unknown trust state 'Verified' (known: unverified, "
                                     "verified, failed_verification, revoked)");
    vouch_error_clear(&err);
    assert_int_equal(vouch_check_kind_parse(&k, "sbomm", &err), VOUCH_EINVAL);
    assert_string_equal(err.message, "unknown check 'sbomm' (known: digest, source, signature, "
                                     "provenance, sbom, scan, log)");
    vouch_error_clear(&err);
    assert_int_equal(vouch_source_type_parse(&s, "ftp", &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "(known: oci, s3, http, file, git, upload)"));
    vouch_error_clear(&err);
    assert_int_equal(vouch_lifecycle_parse(&l, "", &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "unknown lifecycle state ''"));
    assert_int_equal(vouch_check_result_parse(&r, NULL, NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_check_result_parse(&r, "passed", NULL), VOUCH_EINVAL);
    /* a control byte in the subject does not reach the message raw */
    vouch_error_clear(&err);
    assert_int_equal(vouch_trust_parse(&t, "a\nb", &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "'a?b'"));
}

/* Every ordered pair of lifecycle states against the DESIGN.md rules. */
static void test_model__every_transition_pair(void **state)
{
    (void)state;
    /* allowed[from][to] */
    static const int allowed[4][4] = {
        /* published */ {0, 1, 1, 1},
        /* promoted */ {0, 0, 1, 1},
        /* deprecated */ {0, 0, 0, 1},
        /* retired */ {0, 0, 0, 0},
    };
    for (int f = 0; f < 4; f++) {
        for (int t = 0; t < 4; t++) {
            vouch_error err;
            vouch_error_clear(&err);
            int rc = vouch_lifecycle_check_transition((vouch_lifecycle)f, (vouch_lifecycle)t, &err);
            if (allowed[f][t]) {
                assert_int_equal(rc, 0);
                assert_int_equal(err.code, 0);
                continue;
            }
            assert_int_equal(rc, VOUCH_ECONFLICT);
            /* the message names both states */
            char from_q[32], to_q[32];
            snprintf(from_q, sizeof(from_q), "'%s'", vouch_lifecycle_name((vouch_lifecycle)f));
            snprintf(to_q, sizeof(to_q), "'%s'", vouch_lifecycle_name((vouch_lifecycle)t));
            assert_non_null(strstr(err.message, from_q));
            assert_non_null(strstr(err.message, to_q));
        }
    }
}

static void test_model__transition_messages(void **state)
{
    (void)state;
    vouch_error err;
    vouch_error_clear(&err);
    vouch_lifecycle_check_transition(VOUCH_LIFECYCLE_RETIRED, VOUCH_LIFECYCLE_PUBLISHED, &err);
    assert_string_equal(err.message, "cannot move lifecycle from 'retired' to 'published': "
                                     "nothing leaves 'retired'");
    vouch_error_clear(&err);
    vouch_lifecycle_check_transition(VOUCH_LIFECYCLE_DEPRECATED, VOUCH_LIFECYCLE_PROMOTED, &err);
    assert_string_equal(err.message, "cannot move lifecycle from 'deprecated' to 'promoted'");
    vouch_error_clear(&err);
    vouch_lifecycle_check_transition(VOUCH_LIFECYCLE_PROMOTED, VOUCH_LIFECYCLE_PROMOTED, &err);
    assert_non_null(strstr(err.message, "already 'promoted'"));
    assert_int_equal(
        vouch_lifecycle_check_transition((vouch_lifecycle)7, VOUCH_LIFECYCLE_RETIRED, NULL),
        VOUCH_EINVAL);
    assert_int_equal(
        vouch_lifecycle_check_transition(VOUCH_LIFECYCLE_PUBLISHED, (vouch_lifecycle)-1, NULL),
        VOUCH_EINVAL);
}

typedef struct derive_case {
    vouch_trust current;
    vouch_check_result r[VOUCH_CHECK__COUNT]; /* digest, source, signature, ... */
    vouch_check_set baseline;
    vouch_trust want;
} derive_case;

#define B(k) VOUCH_CHECK_BIT(VOUCH_CHECK_##k)

static const derive_case derive_cases[] = {
    /* empty baseline: verified whatever ran */
    {VOUCH_TRUST_UNVERIFIED, {N, N, N, N, N, N, N}, 0, VOUCH_TRUST_VERIFIED},
    {VOUCH_TRUST_UNVERIFIED, {F, F, F, F, F, F, F}, 0, VOUCH_TRUST_VERIFIED},
    /* baseline [digest] */
    {VOUCH_TRUST_UNVERIFIED, {P, N, N, N, N, N, N}, B(DIGEST), VOUCH_TRUST_VERIFIED},
    {VOUCH_TRUST_UNVERIFIED, {N, P, P, P, P, P, P}, B(DIGEST), VOUCH_TRUST_UNVERIFIED},
    {VOUCH_TRUST_VERIFIED, {F, P, N, N, N, N, N}, B(DIGEST), VOUCH_TRUST_FAILED},
    {VOUCH_TRUST_UNVERIFIED, {P, F, F, F, F, F, F}, B(DIGEST), VOUCH_TRUST_VERIFIED},
    /* baseline [digest, source] */
    {VOUCH_TRUST_UNVERIFIED, {P, P, N, N, N, N, N}, B(DIGEST) | B(SOURCE), VOUCH_TRUST_VERIFIED},
    {VOUCH_TRUST_UNVERIFIED, {P, N, N, N, N, N, N}, B(DIGEST) | B(SOURCE), VOUCH_TRUST_UNVERIFIED},
    {VOUCH_TRUST_UNVERIFIED, {P, F, N, N, N, N, N}, B(DIGEST) | B(SOURCE), VOUCH_TRUST_FAILED},
    {VOUCH_TRUST_UNVERIFIED, {N, F, N, N, N, N, N}, B(DIGEST) | B(SOURCE), VOUCH_TRUST_FAILED},
    {VOUCH_TRUST_FAILED, {P, P, N, N, N, N, N}, B(DIGEST) | B(SOURCE), VOUCH_TRUST_VERIFIED},
    {VOUCH_TRUST_VERIFIED, {P, N, N, N, N, N, N}, B(DIGEST) | B(SOURCE), VOUCH_TRUST_UNVERIFIED},
    {VOUCH_TRUST_FAILED, {N, N, N, N, N, N, N}, B(DIGEST) | B(SOURCE), VOUCH_TRUST_UNVERIFIED},
    /* every check in the baseline */
    {VOUCH_TRUST_UNVERIFIED, {P, P, P, P, P, P, P}, 0x7f, VOUCH_TRUST_VERIFIED},
    {VOUCH_TRUST_UNVERIFIED, {P, P, P, P, P, P, N}, 0x7f, VOUCH_TRUST_UNVERIFIED},
    {VOUCH_TRUST_UNVERIFIED, {P, P, P, P, P, P, F}, 0x7f, VOUCH_TRUST_FAILED},
    {VOUCH_TRUST_UNVERIFIED, {P, P, P, P, P, F, N}, 0x7f, VOUCH_TRUST_FAILED},
    /* baseline of a check other than digest */
    {VOUCH_TRUST_UNVERIFIED, {F, F, P, N, N, N, N}, B(SIGNATURE), VOUCH_TRUST_VERIFIED},
    {VOUCH_TRUST_VERIFIED, {P, P, N, N, F, N, N}, B(SBOM) | B(DIGEST), VOUCH_TRUST_FAILED},
    /* revoked is terminal */
    {VOUCH_TRUST_REVOKED, {P, P, P, P, P, P, P}, 0x7f, VOUCH_TRUST_REVOKED},
    {VOUCH_TRUST_REVOKED, {N, N, N, N, N, N, N}, 0, VOUCH_TRUST_REVOKED},
    {VOUCH_TRUST_REVOKED, {F, F, F, F, F, F, F}, B(DIGEST), VOUCH_TRUST_REVOKED},
    /* bits outside the known checks are ignored */
    {VOUCH_TRUST_UNVERIFIED,
     {P, N, N, N, N, N, N},
     B(DIGEST) | 0x80u | 0x8000u,
     VOUCH_TRUST_VERIFIED},
};

static void test_model__trust_derivation_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(derive_cases) / sizeof(derive_cases[0]); i++) {
        const derive_case *c = &derive_cases[i];
        vouch_trust got = vouch_trust_derive(c->current, c->r, c->baseline);
        if (got != c->want)
            fail_msg("case %zu: got %s, want %s", i, vouch_trust_name(got),
                     vouch_trust_name(c->want));
    }
}

static void test_model__kind_validate(void **state)
{
    (void)state;
    static const char *const good[] = {"oci-image", "helm-chart", "binary", "a",
                                       "0",         "sbom+json",  "x.y-z",  NULL};
    static const char *const bad[] = {"",    "OCI-image", "-x", ".x", "oci image",
                                      "a_b", "a/b",       "é",  NULL};
    char max[65], over[66];
    vouch_error err;

    for (size_t i = 0; good[i]; i++)
        assert_int_equal(vouch_kind_validate(good[i], NULL), 0);
    for (size_t i = 0; bad[i]; i++)
        assert_int_equal(vouch_kind_validate(bad[i], NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_kind_validate(NULL, NULL), VOUCH_EINVAL);
    memset(max, 'k', 64);
    max[64] = '\0';
    assert_int_equal(vouch_kind_validate(max, NULL), 0);
    memset(over, 'k', 65);
    over[65] = '\0';
    assert_int_equal(vouch_kind_validate(over, NULL), VOUCH_EINVAL);
    vouch_error_clear(&err);
    vouch_kind_validate("Helm", &err);
    assert_non_null(strstr(err.message, "invalid kind 'Helm'"));
}

static void test_model__name_validate(void **state)
{
    (void)state;
    static const char *const good[] = {"prod", "eu-1", "Release_Managers", "a.b", "0", "A", NULL};
    static const char *const bad[] = {"", "-a", "_a", ".a", "a b", "a/b", "@g", "*", "a:b", NULL};
    char max[64], over[65];
    vouch_error err;

    for (size_t i = 0; good[i]; i++)
        assert_int_equal(vouch_name_validate(good[i], "channel", NULL), 0);
    for (size_t i = 0; bad[i]; i++)
        assert_int_equal(vouch_name_validate(bad[i], "channel", NULL), VOUCH_EINVAL);
    memset(max, 'n', 63);
    max[63] = '\0';
    assert_int_equal(vouch_name_validate(max, "project", NULL), 0);
    memset(over, 'n', 64);
    over[64] = '\0';
    assert_int_equal(vouch_name_validate(over, "project", NULL), VOUCH_EINVAL);
    vouch_error_clear(&err);
    assert_int_equal(vouch_name_validate("eu 1", "environment", &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "invalid environment name 'eu 1'"));
    vouch_error_clear(&err);
    assert_int_equal(vouch_name_validate(NULL, NULL, &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "invalid name ''"));
    /* long subjects are cut in the message */
    char longname[300];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    vouch_error_clear(&err);
    vouch_name_validate(longname, "actor", &err);
    assert_non_null(strstr(err.message, "...'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model__names_round_trip),
        cmocka_unit_test(test_model__parse_unknown_lists_names),
        cmocka_unit_test(test_model__every_transition_pair),
        cmocka_unit_test(test_model__transition_messages),
        cmocka_unit_test(test_model__trust_derivation_table),
        cmocka_unit_test(test_model__kind_validate),
        cmocka_unit_test(test_model__name_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
