/*
 * test_note.c - base64, Ed25519 and C2SP signed notes against the C2SP
 * example and golang.org/x/mod/sumdb/note's test vectors: signing gives the
 * same bytes as Go, verification accepts them, and forged, tampered or
 * malformed notes and keys are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"
#include "vouch/base64.h"
#include "vouch/note.h"

static json_t *vectors;

static const char *vec(const char *group, const char *key)
{
    if (!vectors) {
        json_error_t e;
        vectors = json_load_file(tu_vector_path("signed-note.json"), 0, &e);
        if (!vectors)
            fail_msg("cannot load signed-note.json: %s", e.text);
    }
    const char *s = json_string_value(json_object_get(json_object_get(vectors, group), key));
    assert_non_null(s);
    return s;
}

static void test_note__base64(void **state)
{
    (void)state;
    static const struct {
        const char *plain, *enc;
    } cases[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vouch_buf b;
        unsigned char out[16];
        size_t n;
        vouch_buf_init(&b, 0);
        assert_int_equal(vouch_base64_encode(&b, cases[i].plain, strlen(cases[i].plain)), 0);
        assert_string_equal(b.ptr, cases[i].enc);
        assert_int_equal(vouch_base64_decode(out, sizeof(out), &n, b.ptr, b.len, NULL), 0);
        assert_int_equal(n, strlen(cases[i].plain));
        assert_memory_equal(out, cases[i].plain, n);
        vouch_buf_release(&b);
    }
    unsigned char out[8];
    size_t n;
    static const char *const bad[] = {
        "Zg=", "Zh==", "Z===", "Zg==Zg==", "Zm9v\n", "Z m9", "Zm9v!A=="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(vouch_base64_decode(out, sizeof(out), &n, bad[i], strlen(bad[i]), NULL),
                         VOUCH_EINVAL);
    assert_int_equal(vouch_base64_decode(out, 2, &n, "Zm9v", 4, NULL), VOUCH_ETOOBIG);
}

static void test_note__c2sp_example_verifies(void **state)
{
    (void)state;
    vouch_note_verifier v;
    const char *note = vec("c2sp_example", "note");
    size_t text_len;
    assert_int_equal(vouch_note_verifier_parse(&v, vec("c2sp_example", "vkey"), NULL), 0);
    assert_string_equal(v.name, "example.com/foo");
    assert_int_equal(v.id, 0x530d903a);
    assert_int_equal(vouch_note_open(note, strlen(note), &v, 1, &text_len, NULL), 0);
    assert_int_equal(text_len, strlen(vec("c2sp_example", "signedTextBytes")));
    vouch_buf b;
    vouch_buf_init(&b, 0);
    assert_int_equal(vouch_note_verifier_format(&b, &v), 0);
    assert_string_equal(b.ptr, vec("c2sp_example", "vkey"));
    vouch_buf_release(&b);
}

static void test_note__signing_matches_go(void **state)
{
    (void)state;
    vouch_note_signer s;
    vouch_note_verifier v, vp;
    vouch_buf b;
    const char *text = vec("go_note_test", "text");
    vouch_buf_init(&b, 0);
    assert_int_equal(vouch_note_signer_parse(&s, vec("go_note_test", "peterSkey"), NULL), 0);
    assert_int_equal(vouch_note_signer_format(&b, &s), 0);
    assert_string_equal(b.ptr, vec("go_note_test", "peterSkey"));
    vouch_buf_reset(&b);
    /* Ed25519 is deterministic: the same key and text give Go's bytes. */
    assert_int_equal(vouch_note_sign(&b, text, strlen(text), &s, NULL), 0);
    assert_string_equal(b.ptr, vec("go_note_test", "signedNoteByPeter"));
    vouch_note_signer_verifier(&v, &s);
    assert_int_equal(vouch_note_verifier_parse(&vp, vec("go_note_test", "peterVkey"), NULL), 0);
    assert_memory_equal(&v, &vp, sizeof(v));
    size_t text_len;
    assert_int_equal(vouch_note_open(b.ptr, b.len, &vp, 1, &text_len, NULL), 0);
    assert_int_equal(text_len, strlen(text));
    vouch_note_signer_wipe(&s);
    vouch_buf_release(&b);
}

static void test_note__two_signers_and_unknown_keys(void **state)
{
    (void)state;
    vouch_note_verifier peter, enoch;
    char note[1024];
    size_t text_len;
    assert_int_equal(vouch_note_verifier_parse(&peter, vec("go_note_test", "peterVkey"), NULL), 0);
    assert_int_equal(vouch_note_verifier_parse(&enoch, vec("go_note_test", "enochVkey"), NULL), 0);
    snprintf(note, sizeof(note), "%s\n%s%s", vec("go_note_test", "text"),
             vec("go_note_test", "peterSigLine"), vec("go_note_test", "enochSigLine"));
    assert_int_equal(vouch_note_open(note, strlen(note), &enoch, 1, &text_len, NULL), 0);
    assert_int_equal(vouch_note_open(note, strlen(note), &peter, 1, &text_len, NULL), 0);
    vouch_note_verifier both[2] = {peter, enoch};
    assert_int_equal(vouch_note_open(note, strlen(note), both, 2, &text_len, NULL), 0);
    /* Only unknown keys signed: not accepted. */
    vouch_note_verifier other;
    assert_int_equal(vouch_note_verifier_parse(&other, vec("c2sp_example", "vkey"), NULL), 0);
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_note_open(note, strlen(note), &other, 1, &text_len, &err),
                     VOUCH_EVERIFY);
    assert_non_null(strstr(err.message, "known key"));
}

static void test_note__tampering_and_malformed(void **state)
{
    (void)state;
    vouch_note_verifier v;
    char note[1024];
    size_t text_len;
    assert_int_equal(vouch_note_verifier_parse(&v, vec("go_note_test", "peterVkey"), NULL), 0);
    const char *good = vec("go_note_test", "signedNoteByPeter");
    /* one changed byte of the text */
    snprintf(note, sizeof(note), "%s", good);
    note[3] ^= 1;
    assert_int_equal(vouch_note_open(note, strlen(note), &v, 1, &text_len, NULL), VOUCH_EVERIFY);
    /* one changed byte of the signature */
    snprintf(note, sizeof(note), "%s", good);
    note[strlen(note) - 10] = note[strlen(note) - 10] == 'A' ? 'B' : 'A';
    assert_int_equal(vouch_note_open(note, strlen(note), &v, 1, &text_len, NULL), VOUCH_EVERIFY);
    static const char *const bad[] = {
        "",
        "no newline",
        "text\n",
        "text\n\n",
        "text\n\nnot a signature line\n",
        "text\n\n\xe2\x80\x94 PeterNeumann !!!\n",
        "te\x01xt\n\n\xe2\x80\x94 PeterNeumann x08go/ZJ\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(vouch_note_open(bad[i], strlen(bad[i]), &v, 1, &text_len, NULL),
                         VOUCH_EINVAL);
    json_t *bad_keys =
        json_object_get(json_object_get(vectors, "go_note_test"), "badVkeys_mustReject");
    for (size_t i = 0; i < json_array_size(bad_keys); i++)
        assert_int_equal(
            vouch_note_verifier_parse(&v, json_string_value(json_array_get(bad_keys, i)), NULL),
            VOUCH_EINVAL);
    static const char *const bad_vkeys[] = {
        "", "name", "na me+530d903a+AAAA", "a+xyz+AAAA",
        "a+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"};
    for (size_t i = 0; i < sizeof(bad_vkeys) / sizeof(bad_vkeys[0]); i++)
        assert_int_equal(vouch_note_verifier_parse(&v, bad_vkeys[i], NULL), VOUCH_EINVAL);
}

static void test_note__generated_key_round_trip(void **state)
{
    (void)state;
    unsigned char seed[32], pub[32];
    vouch_note_signer s;
    vouch_note_verifier v, parsed;
    vouch_buf b;
    size_t text_len;
    assert_int_equal(vouch_ed25519_generate(seed, pub, NULL), 0);
    assert_int_equal(vouch_note_signer_init(&s, "vouch.example/log", seed, NULL), 0);
    assert_memory_equal(s.pub, pub, 32);
    vouch_note_signer_verifier(&v, &s);
    vouch_buf_init(&b, 0);
    assert_int_equal(vouch_note_verifier_format(&b, &v), 0);
    assert_int_equal(vouch_note_verifier_parse(&parsed, b.ptr, NULL), 0);
    assert_memory_equal(&parsed, &v, sizeof(v));
    vouch_buf_reset(&b);
    assert_int_equal(vouch_note_sign(&b, "vouch.example/log\n3\nabc=\n", 25, &s, NULL), 0);
    assert_int_equal(vouch_note_open(b.ptr, b.len, &v, 1, &text_len, NULL), 0);
    assert_int_equal(text_len, 25);
    vouch_buf_reset(&b);
    assert_int_equal(vouch_note_sign(&b, "no newline", 10, &s, NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_note_signer_init(&s, "has space", seed, NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_note_signer_init(&s, "has+plus", seed, NULL), VOUCH_EINVAL);
    vouch_note_signer_wipe(&s);
    vouch_buf_release(&b);
}

static int teardown(void **state)
{
    (void)state;
    json_decref(vectors);
    vectors = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_note__base64),
        cmocka_unit_test(test_note__c2sp_example_verifies),
        cmocka_unit_test(test_note__signing_matches_go),
        cmocka_unit_test(test_note__two_signers_and_unknown_keys),
        cmocka_unit_test(test_note__tampering_and_malformed),
        cmocka_unit_test(test_note__generated_key_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
