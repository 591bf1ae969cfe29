/*
 * test_checkpoint.c - C2SP checkpoints and tile paths against the
 * constructed, Go-verified vector: the same leaves give the same root, the
 * same key gives the same signed checkpoint bytes, and paths encode as
 * C2SP tlog-tiles spells them.
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
#include "vouch/checkpoint.h"

static json_t *load(const char *name)
{
    json_error_t e;
    json_t *v = json_load_file(tu_vector_path(name), 0, &e);
    if (!v)
        fail_msg("cannot load %s: %s", name, e.text);
    return v;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    assert_non_null(s);
    return s;
}

static void test_checkpoint__matches_the_constructed_vector(void **state)
{
    (void)state;
    json_t *v = load("tlog-checkpoint-and-tiles-constructed.json");
    json_t *entries = json_object_get(v, "entries_utf8");
    vouch_mhash leaves[3];
    for (size_t i = 0; i < 3; i++) {
        const char *e = json_string_value(json_array_get(entries, i));
        assert_int_equal(vouch_merkle_leaf_hash(&leaves[i], e, strlen(e), NULL), 0);
    }
    vouch_checkpoint c;
    memset(&c, 0, sizeof(c));
    snprintf(c.origin, sizeof(c.origin), "example.com/log");
    c.size = 3;
    assert_int_equal(vouch_merkle_root(&c.root, leaves, 3, NULL), 0);
    vouch_buf b;
    vouch_buf_init(&b, 0);
    vouch_base64_encode(&b, c.root.b, 32);
    assert_string_equal(b.ptr, str(v, "rootHashB64"));

    vouch_note_signer s;
    vouch_note_verifier ver;
    assert_int_equal(vouch_note_signer_parse(&s, str(v, "signerKeyGoFormat"), NULL), 0);
    vouch_buf_reset(&b);
    assert_int_equal(vouch_checkpoint_sign(&b, &c, &s, NULL), 0);
    assert_string_equal(b.ptr, str(v, "checkpointSignedNote"));
    assert_int_equal(vouch_note_verifier_parse(&ver, str(v, "verifierKey"), NULL), 0);
    vouch_checkpoint got;
    assert_int_equal(vouch_checkpoint_open(&got, b.ptr, b.len, &ver, NULL), 0);
    assert_string_equal(got.origin, "example.com/log");
    assert_int_equal(got.size, 3);
    assert_memory_equal(got.root.b, c.root.b, 32);

    /* another key's checkpoint, or a changed size, is refused */
    vouch_note_verifier other;
    assert_int_equal(
        vouch_note_verifier_parse(
            &other, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NULL),
        0);
    assert_int_equal(vouch_checkpoint_open(&got, b.ptr, b.len, &other, NULL), VOUCH_EVERIFY);
    b.ptr[16] = '4';
    assert_int_equal(vouch_checkpoint_open(&got, b.ptr, b.len, &ver, NULL), VOUCH_EVERIFY);
    vouch_note_signer_wipe(&s);
    vouch_buf_release(&b);
    json_decref(v);
}

static void test_checkpoint__parse_rules(void **state)
{
    (void)state;
    vouch_checkpoint c;
    static const char root[] = "U069GRd4O16QJBz+FRLt45Bos9vA+OUxjtS/Vs1VBdo=";
    char ok[256];
    snprintf(ok, sizeof(ok), "log\n0\n%s\nextension line\n", root);
    assert_int_equal(vouch_checkpoint_parse(&c, ok, strlen(ok), NULL), 0);
    assert_int_equal(c.size, 0);
    /* each: text before the root, text after it */
    static const char *const bad[][2] = {{"log\n03\n", "\n"},
                                         {"log\n-1\n", "\n"},
                                         {"\n3\n", "\n"},
                                         {"log\n3\n", "\n\n"},
                                         {"log\n3\n", ""},
                                         {"log\n3 \n", "\n"},
                                         {"log\n99999999999999999999\n", "\n"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char t[256];
        snprintf(t, sizeof(t), "%s%s%s", bad[i][0], root, bad[i][1]);
        assert_int_equal(vouch_checkpoint_parse(&c, t, strlen(t), NULL), VOUCH_EINVAL);
    }
    assert_int_equal(vouch_checkpoint_parse(&c, "log\n3\nAAAA\n", 11, NULL), VOUCH_EINVAL);
}

static void test_checkpoint__tile_paths(void **state)
{
    (void)state;
    json_t *v = load("tile-paths.json");
    json_t *c2sp = json_object_get(v, "c2sp_tlog_tiles_no_height");
    char p[VOUCH_TILE_PATH_MAX];
    assert_int_equal(vouch_tile_path(p, 0, 1234067, 256, NULL), 0);
    assert_string_equal(p, str(c2sp, "index1234067"));
    assert_int_equal(vouch_tile_path(p, VOUCH_TILE_ENTRIES, 1234067, 256, NULL), 0);
    assert_string_equal(p, str(c2sp, "entryBundleIndex1234067"));
    /* a tree of 70,000 entries: its partial tiles */
    json_t *paths = json_object_get(json_object_get(c2sp, "treeSize70000"), "paths_partial");
    const struct {
        int level;
        uint64_t n;
        unsigned w;
    } want[] = {{0, 273, 112}, {1, 1, 17}, {2, 0, 1}, {VOUCH_TILE_ENTRIES, 273, 112}};
    for (size_t i = 0; i < 4; i++) {
        int level;
        uint64_t n;
        unsigned w;
        assert_int_equal(vouch_tile_path(p, want[i].level, want[i].n, want[i].w, NULL), 0);
        assert_string_equal(p, json_string_value(json_array_get(paths, i)));
        assert_int_equal(vouch_tile_path_parse(p, &level, &n, &w, NULL), 0);
        assert_int_equal(level, want[i].level);
        assert_int_equal(n, want[i].n);
        assert_int_equal(w, want[i].w);
    }
    static const char *const bad[] = {"tile/0/1234",    "tile/0/x001/x234", "tile/0/001.p/256",
                                      "tile/0/001.p/0", "tile/0/001.p/05",  "tile/x/001",
                                      "tiles/0/001",    "tile/0/001/",      "tile/0/x1234/067",
                                      "tile/00/001",    "tile/0/001.p/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int level;
        uint64_t n;
        unsigned w;
        assert_int_equal(vouch_tile_path_parse(bad[i], &level, &n, &w, NULL), VOUCH_EINVAL);
    }
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkpoint__matches_the_constructed_vector),
        cmocka_unit_test(test_checkpoint__parse_rules),
        cmocka_unit_test(test_checkpoint__tile_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
