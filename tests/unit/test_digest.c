/* test_digest.c - OCI digest grammar, registered algorithms, formatting and comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <regex.h>

#include "testutil.h"
#include "vouch/digest.h"

#define HEX64  "5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"
#define HEX128 HEX64 HEX64

static json_t *vectors;
static regex_t grammar;

static int setup(void **state)
{
    (void)state;
    json_error_t je;
    vectors = json_load_file(tu_vector_path("oci-digests.json"), 0, &je);
    if (!vectors)
        return -1;
    /* the vectors' own regex, in POSIX ERE spelling: (?:...) -> (...) */
    const char *re = json_string_value(json_object_get(vectors, "regex"));
    if (!re || strncmp(re, "^[a-z0-9]+(?:", 13) != 0)
        return -1;
    char ere[256];
    (void)snprintf(ere, sizeof(ere), "^[a-z0-9]+(%s", re + 13);
    return regcomp(&grammar, ere, REG_EXTENDED | REG_NOSUB) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    regfree(&grammar);
    json_decref(vectors);
    return 0;
}

static int parse_rc(const char *s, vouch_error *err)
{
    vouch_digest d;
    vouch_error_clear(err);
    memset(&d, 0xAA, sizeof(d));
    int rc = vouch_digest_parse_str(&d, s, err);
    if (rc != 0) {
        static const vouch_digest zero;
        assert_memory_equal(&d, &zero, sizeof(d));
        assert_int_equal(err->code, rc);
    }
    return rc;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Every "valid" vector fits the grammar: registered algorithms parse and
 * format back to the same text, the others are refused as unsupported and
 * never as malformed. */
static void test_digest__vectors_valid(void **state)
{
    (void)state;
    json_t *valid = json_object_get(vectors, "valid");
    size_t i, registered = 0, unsupported = 0;
    json_t *v;
    assert_true(json_array_size(valid) >= 5);
    json_array_foreach(valid, i, v)
    {
        const char *s = json_string_value(v);
        vouch_error err;
        assert_int_equal(regexec(&grammar, s, 0, NULL, 0), 0);
        int rc = parse_rc(s, &err);
        if (starts_with(s, "sha256:") || starts_with(s, "sha512:")) {
            assert_int_equal(rc, 0);
            vouch_digest d;
            char buf[VOUCH_DIGEST_STR_MAX];
            assert_int_equal(vouch_digest_parse_str(&d, s, NULL), 0);
            assert_int_equal(vouch_digest_format(buf, &d), strlen(s));
            assert_string_equal(buf, s);
            registered++;
        } else {
            char want[128];
            (void)snprintf(want, sizeof(want), "unsupported digest algorithm '%.*s'",
                           (int)(strchr(s, ':') - s), s);
            assert_int_equal(rc, VOUCH_EINVAL);
            assert_string_equal(err.message, want);
            unsupported++;
        }
    }
    assert_true(registered >= 1);
    assert_true(unsupported >= 5);
}

static void test_digest__vectors_invalid(void **state)
{
    (void)state;
    json_t *invalid = json_object_get(vectors, "invalid");
    size_t i;
    json_t *v;
    assert_true(json_array_size(invalid) >= 5);
    json_array_foreach(invalid, i, v)
    {
        const char *s = json_string_value(v);
        vouch_error err;
        assert_int_equal(parse_rc(s, &err), VOUCH_EINVAL);
        if (!starts_with(err.message, "malformed digest '"))
            fail_msg("'%s': %s", s, err.message);
    }
}

/* The registered patterns and the other vectors that carry digests. */
static void test_digest__vectors_registered(void **state)
{
    (void)state;
    json_t *reg = json_object_get(vectors, "registered");
    vouch_error err;
    assert_string_equal(json_string_value(json_object_get(reg, "sha256")), "^[a-f0-9]{64}$");
    assert_string_equal(json_string_value(json_object_get(reg, "sha512")), "^[a-f0-9]{128}$");
    assert_int_equal(json_object_size(reg), 2);

    json_t *empty = json_object_get(vectors, "emptyDescriptor");
    assert_int_equal(parse_rc(json_string_value(json_object_get(empty, "digest")), &err), 0);

    json_t *cases =
        json_object_get(json_object_get(vectors, "referrersTagSchema_distspec_main"), "cases");
    size_t i;
    json_t *c;
    assert_int_equal(json_array_size(cases), 3);
    json_array_foreach(cases, i, c)
    {
        const char *s = json_string_value(json_array_get(c, 0));
        int rc = parse_rc(s, &err);
        if (i < 2)
            assert_int_equal(rc, 0);
        else
            assert_true(starts_with(err.message, "unsupported digest algorithm 'test+algorithm"));
    }
}

static void test_digest__sha512(void **state)
{
    (void)state;
    vouch_digest d;
    char buf[VOUCH_DIGEST_STR_MAX];
    assert_int_equal(vouch_digest_parse_str(&d, "sha512:" HEX128, NULL), 0);
    assert_int_equal(d.alg, VOUCH_DIGEST_SHA512);
    assert_int_equal(d.len, 64);
    assert_int_equal(d.bytes[0], 0x5b);
    assert_int_equal(d.bytes[63], 0x70);
    assert_int_equal(vouch_digest_format(buf, &d), 135);
    assert_string_equal(buf, "sha512:" HEX128);
    assert_int_equal(sizeof(buf), 136);

    vouch_error err;
    assert_int_equal(parse_rc("sha512:" HEX64, &err), VOUCH_EINVAL);
    assert_string_equal(err.message,
                        "malformed digest 'sha512:" HEX64 "': sha512 needs 128 hex digits, got 64");
    assert_int_equal(parse_rc("sha256:" HEX128, &err), VOUCH_EINVAL);
    assert_true(starts_with(err.message, "malformed digest 'sha256:" HEX64 "5b0bcabd1...'"));
}

static void test_digest__uppercase(void **state)
{
    (void)state;
    vouch_error err;
    assert_int_equal(parse_rc("sha256:" HEX64, &err), 0);
    assert_int_equal(
        parse_rc("sha256:5B0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", &err),
        VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "': uppercase hex digit at offset 8"));
    assert_int_equal(parse_rc("Sha256:" HEX64, &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "': uppercase letter 'S' in the algorithm"));
    assert_int_equal(parse_rc("sha256:" HEX64 "A", &err), VOUCH_EINVAL);
    assert_true(starts_with(err.message, "malformed digest"));
}

static void test_digest__whitespace_and_missing_parts(void **state)
{
    (void)state;
    static const char *const cases[] = {
        " sha256:" HEX64, "sha256:" HEX64 " ", "sha256:" HEX64 "\n",
        "sha256 :" HEX64, "sha256: " HEX64,    "\tsha256:" HEX64,
    };
    vouch_error err;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(parse_rc(cases[i], &err), VOUCH_EINVAL);
        assert_true(starts_with(err.message, "malformed digest '"));
        assert_non_null(strstr(err.message, "whitespace at offset"));
    }

    assert_int_equal(parse_rc("", &err), VOUCH_EINVAL);
    assert_string_equal(err.message, "malformed digest '': empty");
    assert_int_equal(parse_rc(NULL, &err), VOUCH_EINVAL);
    assert_int_equal(parse_rc("sha256", &err), VOUCH_EINVAL);
    assert_string_equal(err.message, "malformed digest 'sha256': missing ':' and encoded part");
    assert_int_equal(parse_rc("sha256:", &err), VOUCH_EINVAL);
    assert_string_equal(err.message, "malformed digest 'sha256:': missing encoded part after ':'");
    assert_int_equal(parse_rc(":" HEX64, &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "': missing algorithm"));
    assert_int_equal(parse_rc("sha256+:" HEX64, &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "': empty component in the algorithm at offset 7"));
    assert_int_equal(parse_rc("sha256:" HEX64 ":" HEX64, &err), VOUCH_EINVAL);
    assert_int_equal(parse_rc("sha256:abc", &err), VOUCH_EINVAL);
    assert_string_equal(err.message,
                        "malformed digest 'sha256:abc': sha256 needs 64 hex digits, got 3");
    assert_int_equal(parse_rc("sha256:" HEX64 "0", &err), VOUCH_EINVAL);
    assert_int_equal(
        parse_rc("sha256:5g0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270", &err),
        VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "not a hex digit at offset 8"));
    /* grammar-valid encodings of unregistered algorithms are not malformed */
    assert_int_equal(parse_rc("md5:d41d8cd98f00b204e9800998ecf8427e", &err), VOUCH_EINVAL);
    assert_string_equal(err.message, "unsupported digest algorithm 'md5'");
    /* but a grammar error wins over the algorithm */
    assert_int_equal(parse_rc("md5:d41d8cd98f00b204e9800998ecf8427e!", &err), VOUCH_EINVAL);
    assert_true(starts_with(err.message, "malformed digest 'md5:"));
}

static void test_digest__embedded_nul(void **state)
{
    (void)state;
    static const char text[] = "sha256:" HEX64 "\0trailing";
    vouch_digest d;
    vouch_error err;
    /* length-based: exactly the digest, the rest of the buffer unread */
    assert_int_equal(vouch_digest_parse(&d, text, 71, NULL), 0);
    /* one byte further takes the NUL in */
    vouch_error_clear(&err);
    assert_int_equal(vouch_digest_parse(&d, text, 72, &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "\\x00"));
    assert_non_null(strstr(err.message, "invalid byte 0x00"));
    vouch_error_clear(&err);
    assert_int_equal(vouch_digest_parse(&d,
                                        "sha\0"
                                        "256:" HEX64,
                                        72, &err),
                     VOUCH_EINVAL);
    assert_true(starts_with(err.message, "malformed digest 'sha\\x00256:"));
    /* a prefix that is itself too short */
    vouch_error_clear(&err);
    assert_int_equal(vouch_digest_parse(&d, text, 70, &err), VOUCH_EINVAL);
    vouch_error_clear(&err);
    assert_int_equal(vouch_digest_parse(&d, NULL, 0, &err), VOUCH_EINVAL);
    vouch_error_clear(&err);
    assert_int_equal(vouch_digest_parse(NULL, text, 71, &err), VOUCH_EINVAL);
}

static void test_digest__message_quoting(void **state)
{
    (void)state;
    char long_input[1000];
    memset(long_input, 'a', sizeof(long_input) - 1);
    long_input[sizeof(long_input) - 1] = '\0';
    vouch_error err;
    assert_int_equal(parse_rc(long_input, &err), VOUCH_EINVAL);
    assert_true(strlen(err.message) < 160);
    assert_non_null(strstr(err.message, "aaa...'"));

    assert_int_equal(parse_rc("sha256:\x1b[31m'\\\xff", &err), VOUCH_EINVAL);
    assert_true(starts_with(err.message, "malformed digest 'sha256:\\x1b[31m\\x27\\x5c\\xff'"));
    for (const char *p = err.message; *p; p++)
        assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
}

static void test_digest__format_round_trip(void **state)
{
    (void)state;
    for (int round = 0; round < 200; round++) {
        vouch_digest d, back;
        char buf[VOUCH_DIGEST_STR_MAX];
        memset(&d, 0, sizeof(d));
        d.alg = round % 2 ? VOUCH_DIGEST_SHA512 : VOUCH_DIGEST_SHA256;
        d.len = round % 2 ? 64 : 32;
        for (size_t i = 0; i < d.len; i++)
            d.bytes[i] = (unsigned char)(rand() & 0xFF);
        size_t n = vouch_digest_format(buf, &d);
        assert_int_equal(n, strlen(buf));
        assert_int_equal(n, 7 + 2 * d.len);
        assert_int_equal(vouch_digest_parse(&back, buf, n, NULL), 0);
        assert_memory_equal(&back, &d, sizeof(d));
        assert_true(vouch_digest_equal(&back, &d));
    }
    vouch_digest bad;
    char buf[VOUCH_DIGEST_STR_MAX] = "junk";
    memset(&bad, 0, sizeof(bad));
    assert_int_equal(vouch_digest_format(buf, &bad), 0);
    assert_string_equal(buf, "");
    bad.alg = VOUCH_DIGEST_SHA256;
    bad.len = 64; /* does not match the algorithm */
    assert_int_equal(vouch_digest_format(buf, &bad), 0);
}

static void test_digest__equal(void **state)
{
    (void)state;
    vouch_digest a, b, c;
    assert_int_equal(vouch_digest_parse_str(&a, "sha256:" HEX64, NULL), 0);
    assert_int_equal(vouch_digest_parse_str(&b, "sha256:" HEX64, NULL), 0);
    assert_true(vouch_digest_equal(&a, &b));
    b.bytes[31] ^= 1;
    assert_false(vouch_digest_equal(&a, &b));
    b.bytes[31] ^= 1;
    b.bytes[0] ^= 0x80;
    assert_false(vouch_digest_equal(&a, &b));
    /* same leading bytes, other algorithm */
    assert_int_equal(vouch_digest_parse_str(&c, "sha512:" HEX128, NULL), 0);
    assert_false(vouch_digest_equal(&a, &c));
    assert_true(vouch_digest_equal(&c, &c));
    assert_false(vouch_digest_equal(&a, NULL));
    assert_false(vouch_digest_equal(NULL, NULL));
    vouch_digest zero;
    memset(&zero, 0, sizeof(zero));
    assert_false(vouch_digest_equal(&zero, &zero));
}

static void test_digest__names_and_hex(void **state)
{
    (void)state;
    assert_string_equal(vouch_digest_alg_name(VOUCH_DIGEST_SHA256), "sha256");
    assert_string_equal(vouch_digest_alg_name(VOUCH_DIGEST_SHA512), "sha512");
    assert_null(vouch_digest_alg_name((vouch_digest_alg)0));
    assert_null(vouch_digest_alg_name((vouch_digest_alg)99));
    static const unsigned char in[] = {0x00, 0x01, 0xab, 0xff, 0x7f};
    char out[11];
    vouch_hex_encode(out, in, sizeof(in));
    assert_string_equal(out, "0001abff7f");
    vouch_hex_encode(out, in, 0);
    assert_string_equal(out, "");
}

/* Random near-digests (algorithm-ish ':' encoded-ish, then maybe one byte
 * replaced from a wider alphabet): vouch calls a string malformed exactly
 * when the vectors' regex refuses it, or it names a registered algorithm
 * with a wrong encoding. */
static void test_digest__agrees_with_regex(void **state)
{
    (void)state;
    static const char alg_chars[] = "sha25610+._-";
    static const char enc_chars[] = "abfAZ09=_-";
    static const char any_chars[] = "sha2560:+._-=AZaz9 \xff";
    int fits = 0;
    srand(1234);
    for (int round = 0; round < 20000; round++) {
        char s[24];
        size_t len = 0, alg_len = (size_t)(rand() % 8), enc_len = (size_t)(rand() % 8);
        for (size_t i = 0; i < alg_len; i++)
            s[len++] = alg_chars[rand() % (int)(sizeof(alg_chars) - 1)];
        s[len++] = ':';
        for (size_t i = 0; i < enc_len; i++)
            s[len++] = enc_chars[rand() % (int)(sizeof(enc_chars) - 1)];
        if (rand() % 2)
            s[rand() % (int)len] = any_chars[rand() % (int)(sizeof(any_chars) - 1)];
        s[len] = '\0';
        vouch_error err;
        int rc = parse_rc(s, &err);
        assert_int_not_equal(rc, 0); /* too short for sha256 */
        int in_grammar = regexec(&grammar, s, 0, NULL, 0) == 0;
        int malformed = starts_with(err.message, "malformed digest '");
        int registered = starts_with(s, "sha256:") || starts_with(s, "sha512:");
        if (in_grammar && !registered && malformed)
            fail_msg("'%s' fits the grammar: %s", s, err.message);
        if (!in_grammar && !malformed)
            fail_msg("'%s' does not fit the grammar: %s", s, err.message);
        if (registered)
            assert_true(malformed);
        fits += in_grammar;
    }
    assert_true(fits > 2000); /* both sides of the grammar were exercised */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest__vectors_valid),
        cmocka_unit_test(test_digest__vectors_invalid),
        cmocka_unit_test(test_digest__vectors_registered),
        cmocka_unit_test(test_digest__sha512),
        cmocka_unit_test(test_digest__uppercase),
        cmocka_unit_test(test_digest__whitespace_and_missing_parts),
        cmocka_unit_test(test_digest__embedded_nul),
        cmocka_unit_test(test_digest__message_quoting),
        cmocka_unit_test(test_digest__format_round_trip),
        cmocka_unit_test(test_digest__equal),
        cmocka_unit_test(test_digest__names_and_hex),
        cmocka_unit_test(test_digest__agrees_with_regex),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
