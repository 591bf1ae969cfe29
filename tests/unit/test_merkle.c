/*
 * test_merkle.c - RFC 6962 hashing, tree heads, frontiers and proofs: the
 * published vectors (transparency-dev/merkle, Go sumdb) reproduced by both
 * generation and verification, every proof in every tree up to 70 leaves
 * checked against a direct transcription of RFC 9162 2.1 and broken in
 * every way that must make it fail, trees of 2^63 leaves, bad arguments and
 * allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "testutil.h"
#include "vouch/alloc.h"
#include "vouch/digest.h"
#include "vouch/hash.h"
#include "vouch/base64.h"
#include "vouch/merkle.h"

#define MAXN      70  /* exhaustive proof checks: every size up to this */
#define MAXN_ROOT 300 /* frontier and array roots against the RFC definition */

/* ---- decoding helpers ---------------------------------------------------- */

static size_t unhex(unsigned char *out, size_t cap, const char *hex)
{
    size_t n = strlen(hex) / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (unsigned char)v;
    }
    return n;
}

static void hex_to(vouch_mhash *out, const char *hex)
{
    assert_int_equal(strlen(hex), 64);
    unhex(out->b, 32, hex);
}

static void b64_to(vouch_mhash *out, const char *s)
{
    size_t n = 0;
    assert_non_null(s);
    assert_int_equal(vouch_base64_decode(out->b, sizeof(out->b), &n, s, strlen(s), NULL), 0);
    assert_int_equal(n, 32);
}

static json_t *load(const char *name)
{
    char rel[128];
    (void)snprintf(rel, sizeof(rel), "merkle/%s", name);
    json_error_t e;
    json_t *v = json_load_file(tu_vector_path(rel), 0, &e);
    if (!v)
        fail_msg("cannot load %s: %s", rel, e.text);
    return v;
}

static const char *jstr(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    assert_non_null(s);
    return s;
}

static uint64_t juint(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    assert_true(json_is_integer(v) && json_integer_value(v) >= 0);
    return (uint64_t)json_integer_value(v);
}

/* A proof array of base64 hashes; JSON null is the empty proof. */
static size_t load_proof(vouch_mhash *proof, const json_t *arr)
{
    assert_true(json_is_null(arr) || json_is_array(arr));
    size_t n = json_array_size(arr);
    assert_true(n <= VOUCH_MERKLE_MAX_PROOF);
    for (size_t i = 0; i < n; i++)
        b64_to(&proof[i], json_string_value(json_array_get(arr, i)));
    return n;
}

/* ---- RFC 9162 2.1 transcribed literally (recursive, O(n) per call) ------- */

static void ref_sha256(vouch_mhash *out, const unsigned char *data, size_t len)
{
    vouch_digest d;
    assert_int_equal(vouch_hash_bytes(&d, VOUCH_DIGEST_SHA256, data, len, NULL), 0);
    memcpy(out->b, d.bytes, 32);
}

static void ref_node(vouch_mhash *out, const vouch_mhash *l, const vouch_mhash *r)
{
    unsigned char buf[65];
    buf[0] = 0x01;
    memcpy(buf + 1, l->b, 32);
    memcpy(buf + 33, r->b, 32);
    ref_sha256(out, buf, sizeof(buf));
}

static uint64_t ref_k(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static void ref_mth(vouch_mhash *out, const vouch_mhash *d, uint64_t n)
{
    vouch_mhash l, r;
    if (n == 0) {
        ref_sha256(out, (const unsigned char *)"", 0);
        return;
    }
    if (n == 1) {
        *out = d[0];
        return;
    }
    uint64_t k = ref_k(n);
    ref_mth(&l, d, k);
    ref_mth(&r, d + k, n - k);
    ref_node(out, &l, &r);
}

static void ref_path(vouch_mhash *p, size_t *len, uint64_t m, const vouch_mhash *d, uint64_t n)
{
    if (n <= 1)
        return;
    uint64_t k = ref_k(n);
    if (m < k) {
        ref_path(p, len, m, d, k);
        ref_mth(&p[(*len)++], d + k, n - k);
    } else {
        ref_path(p, len, m - k, d + k, n - k);
        ref_mth(&p[(*len)++], d, k);
    }
}

static void ref_subproof(vouch_mhash *p, size_t *len, uint64_t m, const vouch_mhash *d, uint64_t n,
                         int b)
{
    if (m == n) {
        if (!b)
            ref_mth(&p[(*len)++], d, n);
        return;
    }
    uint64_t k = ref_k(n);
    if (m <= k) {
        ref_subproof(p, len, m, d, k, b);
        ref_mth(&p[(*len)++], d + k, n - k);
    } else {
        ref_subproof(p, len, m - k, d + k, n - k, 0);
        ref_mth(&p[(*len)++], d, k);
    }
}

/* ---- a tree behind the node callback ------------------------------------ */

typedef struct test_tree {
    const vouch_mhash *leaves;
    uint64_t size;  /* every subtree asked for must lie inside [0, size) */
    long calls;     /* callbacks so far */
    long fail_call; /* fail this call (1-based) with VOUCH_ESTORE; 0: never */
} test_tree;

static int tree_node(void *ctx, unsigned level, uint64_t index, vouch_mhash *out, vouch_error *err)
{
    test_tree *t = ctx;
    t->calls++;
    if (t->fail_call && t->calls == t->fail_call)
        return vouch_error_set(err, VOUCH_ESTORE, "test store: cannot read node %u/%llu", level,
                               (unsigned long long)index);
    if (level > 16 || index >= t->size || (index + 1) << level > t->size)
        fail_msg("callback asked for subtree %u/%llu outside a tree of %llu leaves", level,
                 (unsigned long long)index, (unsigned long long)t->size);
    ref_mth(out, t->leaves + (index << level), (uint64_t)1 << level);
    return 0;
}

static test_tree tree_of(const vouch_mhash *leaves, uint64_t size)
{
    test_tree t = {leaves, size, 0, 0};
    return t;
}

static void leaves_for(vouch_mhash *leaves, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char data[16];
        int len = snprintf(data, sizeof(data), "leaf %zu", i);
        assert_int_equal(vouch_merkle_leaf_hash(&leaves[i], data, (size_t)len, NULL), 0);
    }
}

static void assert_proofs_equal(const vouch_mhash *a, const vouch_mhash *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_memory_equal(a[i].b, b[i].b, 32);
}

/* ---- hashing and vectors ------------------------------------------------- */

static void test_merkle__empty_tree(void **state)
{
    (void)state;
    vouch_mhash want, got;
    vouch_merkle_frontier f;
    hex_to(&want, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(vouch_merkle_root(&got, NULL, 0, NULL), 0);
    assert_memory_equal(got.b, want.b, 32);
    vouch_merkle_frontier_init(&f);
    assert_int_equal(vouch_merkle_frontier_root(&f, &got, NULL), 0);
    assert_memory_equal(got.b, want.b, 32);
    test_tree t = tree_of(NULL, 0);
    assert_int_equal(vouch_merkle_frontier_load(&f, 0, tree_node, &t, NULL), 0);
    assert_int_equal(f.size, 0);
    assert_int_equal(t.calls, 0);
}

static void test_merkle__leaf_hash_vectors(void **state)
{
    (void)state;
    json_t *v = load("tree-constants.json");
    json_t *go = json_object_get(v, "goSumdbRecordHash");
    const char *data = jstr(go, "data");
    vouch_mhash got, want;
    assert_int_equal(vouch_merkle_leaf_hash(&got, data, strlen(data), NULL), 0);
    b64_to(&want, jstr(go, "leafHashB64"));
    assert_memory_equal(got.b, want.b, 32);
    json_decref(v);

    /* Short leaves hash from a stack buffer, long ones stream: both are
     * SHA-256(0x00 || data) at and around the switch. */
    static unsigned char big[1 + 5000];
    big[0] = 0x00;
    for (size_t i = 1; i < sizeof(big); i++)
        big[i] = (unsigned char)(i * 31 + 7);
    const size_t lens[] = {0, 1, 63, 64, 1023, 1024, 1025, 4096, 5000};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        ref_sha256(&want, big, 1 + lens[i]);
        assert_int_equal(vouch_merkle_leaf_hash(&got, big + 1, lens[i], NULL), 0);
        assert_memory_equal(got.b, want.b, 32);
    }
}

static vouch_mhash vector_leaves[8];

/* Leaf, level-1, level-2 and root hashes of the eight-leaf vector tree;
 * every subtree the frontier completes is reported with its position. */
typedef struct visits {
    vouch_mhash hash[4][8];
    int seen[4][8];
} visits;

static int record_visit(void *ctx, unsigned level, uint64_t index, const vouch_mhash *hash,
                        vouch_error *err)
{
    visits *v = ctx;
    (void)err;
    assert_true(level < 4 && index < 8);
    assert_false(v->seen[level][index]);
    v->seen[level][index] = 1;
    v->hash[level][index] = *hash;
    return 0;
}

static void load_vector_leaves(void)
{
    json_t *v = load("tree-constants.json");
    json_t *inputs = json_object_get(v, "leafInputsHex");
    json_t *leaves = json_object_get(v, "leafHashesHex");
    assert_int_equal(json_array_size(inputs), 8);
    for (size_t i = 0; i < 8; i++) {
        unsigned char data[64];
        size_t n = unhex(data, sizeof(data), json_string_value(json_array_get(inputs, i)));
        vouch_mhash want;
        assert_int_equal(vouch_merkle_leaf_hash(&vector_leaves[i], data, n, NULL), 0);
        hex_to(&want, json_string_value(json_array_get(leaves, i)));
        assert_memory_equal(vector_leaves[i].b, want.b, 32);
    }
    json_decref(v);
}

static void test_merkle__tree_constants(void **state)
{
    (void)state;
    load_vector_leaves();
    json_t *v = load("tree-constants.json");
    json_t *roots = json_object_get(v, "rootHashesBySizeHex");
    const char *levels[] = {"level1Hex", "level2Hex"};
    visits seen;
    memset(&seen, 0, sizeof(seen));
    vouch_merkle_frontier f;
    vouch_merkle_frontier_init(&f);
    assert_int_equal(json_array_size(roots), 9);
    for (size_t n = 0; n <= 8; n++) {
        vouch_mhash want, a, b;
        hex_to(&want, json_string_value(json_array_get(roots, n)));
        assert_int_equal(vouch_merkle_root(&a, vector_leaves, n, NULL), 0);
        assert_int_equal(vouch_merkle_frontier_root(&f, &b, NULL), 0);
        assert_memory_equal(a.b, want.b, 32);
        assert_memory_equal(b.b, want.b, 32);
        if (n < 8)
            assert_int_equal(vouch_merkle_frontier_append_visit(&f, &vector_leaves[n], record_visit,
                                                                &seen, NULL),
                             0);
    }
    for (size_t l = 0; l < 2; l++) {
        json_t *arr = json_object_get(v, levels[l]);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            vouch_mhash want, node;
            hex_to(&want, json_string_value(json_array_get(arr, i)));
            assert_true(seen.seen[l + 1][i]);
            assert_memory_equal(seen.hash[l + 1][i].b, want.b, 32);
            const vouch_mhash *kids = l == 0 ? vector_leaves : seen.hash[1];
            assert_int_equal(vouch_merkle_node_hash(&node, &kids[2 * i], &kids[2 * i + 1], NULL),
                             0);
            assert_memory_equal(node.b, want.b, 32);
        }
    }
    for (size_t i = 0; i < 8; i++)
        assert_memory_equal(seen.hash[0][i].b, vector_leaves[i].b, 32);
    assert_true(seen.seen[3][0]);
    json_decref(v);
}

static void test_merkle__inclusion_vectors(void **state)
{
    (void)state;
    load_vector_leaves();
    for (int k = 0; k <= 4; k++) {
        char name[64];
        (void)snprintf(name, sizeof(name), "inclusion-%d-happy-path.json", k);
        json_t *v = load(name);
        uint64_t idx = juint(v, "leafIdx"), size = juint(v, "treeSize");
        vouch_mhash want[VOUCH_MERKLE_MAX_PROOF], got[VOUCH_MERKLE_MAX_PROOF], leaf, root, r;
        size_t n = load_proof(want, json_object_get(v, "proof")), gn = 99;
        assert_true(json_is_false(json_object_get(v, "wantErr")));
        b64_to(&leaf, jstr(v, "leafHash"));
        b64_to(&root, jstr(v, "root"));
        assert_memory_equal(leaf.b, vector_leaves[idx].b, 32);
        assert_int_equal(vouch_merkle_root(&r, vector_leaves, size, NULL), 0);
        assert_memory_equal(r.b, root.b, 32);
        assert_int_equal(vouch_merkle_verify_inclusion(&leaf, idx, size, want, n, &root, NULL), 0);
        test_tree t = tree_of(vector_leaves, size);
        assert_int_equal(vouch_merkle_inclusion_proof(got, &gn, idx, size, tree_node, &t, NULL), 0);
        assert_int_equal(gn, n);
        assert_proofs_equal(got, want, n);
        json_decref(v);
    }
}

static void test_merkle__consistency_vectors(void **state)
{
    (void)state;
    load_vector_leaves();
    for (int k = 0; k <= 4; k++) {
        char name[64];
        (void)snprintf(name, sizeof(name), "consistency-%d-happy-path.json", k);
        json_t *v = load(name);
        uint64_t m = juint(v, "size1"), n = juint(v, "size2");
        vouch_mhash want[VOUCH_MERKLE_MAX_PROOF], got[VOUCH_MERKLE_MAX_PROOF], r1, r2, r;
        size_t len = load_proof(want, json_object_get(v, "proof")), gn = 99;
        assert_true(json_is_false(json_object_get(v, "wantErr")));
        b64_to(&r1, jstr(v, "root1"));
        b64_to(&r2, jstr(v, "root2"));
        assert_int_equal(vouch_merkle_root(&r, vector_leaves, m, NULL), 0);
        assert_memory_equal(r.b, r1.b, 32);
        assert_int_equal(vouch_merkle_root(&r, vector_leaves, n, NULL), 0);
        assert_memory_equal(r.b, r2.b, 32);
        assert_int_equal(vouch_merkle_verify_consistency(m, n, &r1, &r2, want, len, NULL), 0);
        test_tree t = tree_of(vector_leaves, n);
        assert_int_equal(vouch_merkle_consistency_proof(got, &gn, m, n, tree_node, &t, NULL), 0);
        assert_int_equal(gn, len);
        assert_proofs_equal(got, want, len);
        json_decref(v);
    }
}

/* ---- roots and frontiers ------------------------------------------------- */

static void test_merkle__roots_match_rfc_definition(void **state)
{
    (void)state;
    static vouch_mhash leaves[MAXN_ROOT];
    leaves_for(leaves, MAXN_ROOT);
    vouch_merkle_frontier f, loaded;
    vouch_merkle_frontier_init(&f);
    for (uint64_t n = 0; n <= MAXN_ROOT; n++) {
        vouch_mhash want, a, b, c;
        ref_mth(&want, leaves, n);
        assert_int_equal(vouch_merkle_root(&a, leaves, n, NULL), 0);
        assert_int_equal(vouch_merkle_frontier_root(&f, &b, NULL), 0);
        assert_memory_equal(a.b, want.b, 32);
        assert_memory_equal(b.b, want.b, 32);
        /* A frontier rebuilt from stored subtrees continues the same tree. */
        test_tree t = tree_of(leaves, n);
        assert_int_equal(vouch_merkle_frontier_load(&loaded, n, tree_node, &t, NULL), 0);
        assert_int_equal(loaded.size, n);
        assert_int_equal(vouch_merkle_frontier_root(&loaded, &c, NULL), 0);
        assert_memory_equal(c.b, want.b, 32);
        if (n < MAXN_ROOT) {
            assert_int_equal(vouch_merkle_frontier_append(&f, &leaves[n], NULL), 0);
            assert_int_equal(vouch_merkle_frontier_append(&loaded, &leaves[n], NULL), 0);
            assert_int_equal(vouch_merkle_frontier_root(&loaded, &c, NULL), 0);
            ref_mth(&want, leaves, n + 1);
            assert_memory_equal(c.b, want.b, 32);
        }
    }
}

/* Every complete subtree is reported once, when its last leaf arrives,
 * with the hash the node callback would give for it. */
typedef struct subtree_check {
    const vouch_mhash *leaves;
    uint64_t appended; /* leaves before the current append */
    long reported;
    long fail_at; /* fail this report with VOUCH_ESTORE (0: never) */
} subtree_check;

static int check_visit(void *ctx, unsigned level, uint64_t index, const vouch_mhash *hash,
                       vouch_error *err)
{
    subtree_check *c = ctx;
    vouch_mhash want;
    c->reported++;
    if (c->fail_at && c->reported == c->fail_at)
        return vouch_error_set(err, VOUCH_ESTORE, "test store: cannot save node");
    assert_int_equal((index + 1) << level, c->appended + 1);
    ref_mth(&want, c->leaves + (index << level), (uint64_t)1 << level);
    assert_memory_equal(hash->b, want.b, 32);
    return 0;
}

static void test_merkle__frontier_reports_completed_subtrees(void **state)
{
    (void)state;
    static vouch_mhash leaves[MAXN_ROOT];
    leaves_for(leaves, MAXN_ROOT);
    subtree_check c = {leaves, 0, 0, 0};
    vouch_merkle_frontier f, saved;
    vouch_merkle_frontier_init(&f);
    for (uint64_t n = 0; n < MAXN_ROOT; n++) {
        c.appended = n;
        /* A failing visit leaves the frontier as it was, whichever report
         * fails: the leaf and one subtree per trailing one bit of n. */
        long want = 1;
        for (uint64_t x = n; x & 1; x >>= 1)
            want++;
        for (long fail = 1; fail <= want; fail++) {
            vouch_error err;
            vouch_error_clear(&err);
            c.reported = 0;
            c.fail_at = fail;
            saved = f;
            assert_int_equal(
                vouch_merkle_frontier_append_visit(&f, &leaves[n], check_visit, &c, &err),
                VOUCH_ESTORE);
            assert_string_equal(err.message, "test store: cannot save node");
            assert_memory_equal(&f, &saved, sizeof(f));
        }
        c.reported = 0;
        c.fail_at = 0;
        assert_int_equal(vouch_merkle_frontier_append_visit(&f, &leaves[n], check_visit, &c, NULL),
                         0);
        assert_int_equal(c.reported, want);
        assert_int_equal(f.size, n + 1);
    }
}

/* ---- exhaustive proofs --------------------------------------------------- */

/* Every byte of every proof hash, of the leaf and of the root matters. */
static void flip_every_byte_inclusion(const vouch_mhash *leaf, uint64_t m, uint64_t n,
                                      vouch_mhash *p, size_t len, const vouch_mhash *root)
{
    vouch_mhash l = *leaf, r = *root;
    for (size_t i = 0; i < len; i++)
        for (size_t j = 0; j < 32; j++) {
            p[i].b[j] ^= 0x01;
            assert_int_equal(vouch_merkle_verify_inclusion(leaf, m, n, p, len, root, NULL),
                             VOUCH_EVERIFY);
            p[i].b[j] ^= 0x01;
        }
    for (size_t j = 0; j < 32; j++) {
        l.b[j] ^= 0x80;
        r.b[j] ^= 0x80;
        assert_int_equal(vouch_merkle_verify_inclusion(&l, m, n, p, len, root, NULL),
                         VOUCH_EVERIFY);
        assert_int_equal(vouch_merkle_verify_inclusion(leaf, m, n, p, len, &r, NULL),
                         VOUCH_EVERIFY);
        l.b[j] ^= 0x80;
        r.b[j] ^= 0x80;
    }
}

static void test_merkle__inclusion_exhaustive(void **state)
{
    (void)state;
    static vouch_mhash leaves[MAXN + 1], roots[MAXN + 1];
    leaves_for(leaves, MAXN + 1);
    for (uint64_t n = 0; n <= MAXN; n++)
        assert_int_equal(vouch_merkle_root(&roots[n], leaves, n, NULL), 0);
    for (uint64_t n = 1; n <= MAXN; n++) {
        for (uint64_t m = 0; m < n; m++) {
            vouch_mhash p[VOUCH_MERKLE_MAX_PROOF + 1], want[VOUCH_MERKLE_MAX_PROOF];
            size_t len = 99, wlen = 0;
            test_tree t = tree_of(leaves, n);
            assert_int_equal(vouch_merkle_inclusion_proof(p, &len, m, n, tree_node, &t, NULL), 0);
            ref_path(want, &wlen, m, leaves, n);
            assert_int_equal(len, wlen);
            assert_proofs_equal(p, want, len);
            assert_true(t.calls <= (long)(2 * len));
            assert_int_equal(
                vouch_merkle_verify_inclusion(&leaves[m], m, n, p, len, &roots[n], NULL), 0);
            /* Any other index, or any other tree (size with its root). */
            for (uint64_t j = 0; j < n; j++)
                if (j != m)
                    assert_int_equal(
                        vouch_merkle_verify_inclusion(&leaves[m], j, n, p, len, &roots[n], NULL),
                        VOUCH_EVERIFY);
            for (uint64_t s = m + 1; s <= MAXN; s++)
                if (s != n)
                    assert_int_equal(
                        vouch_merkle_verify_inclusion(&leaves[m], m, s, p, len, &roots[s], NULL),
                        VOUCH_EVERIFY);
            assert_int_equal(
                vouch_merkle_verify_inclusion(&leaves[m], n, n, p, len, &roots[n], NULL),
                VOUCH_EVERIFY);
            flip_every_byte_inclusion(&leaves[m], m, n, p, len, &roots[n]);
            if (len)
                assert_int_equal(
                    vouch_merkle_verify_inclusion(&leaves[m], m, n, p, len - 1, &roots[n], NULL),
                    VOUCH_EVERIFY);
            p[len] = roots[n];
            assert_int_equal(
                vouch_merkle_verify_inclusion(&leaves[m], m, n, p, len + 1, &roots[n], NULL),
                VOUCH_EVERIFY);
        }
    }
}

static void flip_every_byte_consistency(uint64_t m, uint64_t n, const vouch_mhash *r1,
                                        const vouch_mhash *r2, vouch_mhash *p, size_t len)
{
    vouch_mhash a = *r1, b = *r2;
    for (size_t i = 0; i < len; i++)
        for (size_t j = 0; j < 32; j++) {
            p[i].b[j] ^= 0x01;
            assert_int_equal(vouch_merkle_verify_consistency(m, n, r1, r2, p, len, NULL),
                             VOUCH_EVERIFY);
            p[i].b[j] ^= 0x01;
        }
    for (size_t j = 0; j < 32; j++) {
        a.b[j] ^= 0x80;
        b.b[j] ^= 0x80;
        assert_int_equal(vouch_merkle_verify_consistency(m, n, &a, r2, p, len, NULL),
                         VOUCH_EVERIFY);
        assert_int_equal(vouch_merkle_verify_consistency(m, n, r1, &b, p, len, NULL),
                         VOUCH_EVERIFY);
        a.b[j] ^= 0x80;
        b.b[j] ^= 0x80;
    }
}

static void test_merkle__consistency_exhaustive(void **state)
{
    (void)state;
    static vouch_mhash leaves[MAXN], roots[MAXN + 1];
    leaves_for(leaves, MAXN);
    for (uint64_t n = 0; n <= MAXN; n++)
        assert_int_equal(vouch_merkle_root(&roots[n], leaves, n, NULL), 0);
    for (uint64_t n = 1; n <= MAXN; n++) {
        for (uint64_t m = 1; m <= n; m++) {
            vouch_mhash p[VOUCH_MERKLE_MAX_PROOF + 1], want[VOUCH_MERKLE_MAX_PROOF];
            size_t len = 99, wlen = 0;
            test_tree t = tree_of(leaves, n);
            assert_int_equal(vouch_merkle_consistency_proof(p, &len, m, n, tree_node, &t, NULL), 0);
            if (m < n)
                ref_subproof(want, &wlen, m, leaves, n, 1);
            assert_int_equal(len, wlen);
            assert_proofs_equal(p, want, len);
            /* the siblings, one partial range split into at most log2(n) */
            long bits = 0;
            for (uint64_t x = n; x; x >>= 1)
                bits++;
            assert_true(t.calls <= (long)len + bits);
            assert_int_equal(
                vouch_merkle_verify_consistency(m, n, &roots[m], &roots[n], p, len, NULL), 0);
            /* Another old or new tree (a fork, or a size the proof is not for). */
            for (uint64_t s = 1; s <= MAXN; s++) {
                if (s != m && s <= n)
                    assert_int_equal(
                        vouch_merkle_verify_consistency(s, n, &roots[s], &roots[n], p, len, NULL),
                        VOUCH_EVERIFY);
                if (s != n && s >= m)
                    assert_int_equal(
                        vouch_merkle_verify_consistency(m, s, &roots[m], &roots[s], p, len, NULL),
                        VOUCH_EVERIFY);
            }
            flip_every_byte_consistency(m, n, &roots[m], &roots[n], p, len);
            if (len)
                assert_int_equal(
                    vouch_merkle_verify_consistency(m, n, &roots[m], &roots[n], p, len - 1, NULL),
                    VOUCH_EVERIFY);
            p[len] = roots[n];
            assert_int_equal(
                vouch_merkle_verify_consistency(m, n, &roots[m], &roots[n], p, len + 1, NULL),
                VOUCH_EVERIFY);
        }
    }
}

/* ---- huge trees ---------------------------------------------------------- */

/* A tree whose leaves are all equal: the subtree of height h has the same
 * hash wherever it is, so trees of 2^63 leaves cost 64 hashes. */
typedef struct uniform {
    vouch_mhash level[64];
    uint64_t size;
} uniform;

static int uniform_node(void *ctx, unsigned level, uint64_t index, vouch_mhash *out,
                        vouch_error *err)
{
    const uniform *u = ctx;
    (void)err;
    assert_true(level < 64);
    assert_true(index < u->size >> level);
    *out = u->level[level];
    return 0;
}

static void uniform_root(uniform *u, uint64_t size, vouch_mhash *out)
{
    vouch_merkle_frontier f;
    u->size = size;
    assert_int_equal(vouch_merkle_frontier_load(&f, size, uniform_node, u, NULL), 0);
    assert_int_equal(vouch_merkle_frontier_root(&f, out, NULL), 0);
}

static void test_merkle__huge_trees(void **state)
{
    (void)state;
    uniform u;
    assert_int_equal(vouch_merkle_leaf_hash(&u.level[0], "x", 1, NULL), 0);
    for (unsigned h = 1; h < 64; h++)
        assert_int_equal(
            vouch_merkle_node_hash(&u.level[h], &u.level[h - 1], &u.level[h - 1], NULL), 0);
    const uint64_t max = VOUCH_MERKLE_MAX_SIZE;
    const uint64_t sizes[] = {max, max - 1, max / 2 + 1, ((uint64_t)1 << 40) + 12345, 3};
    size_t longest = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t n = sizes[i];
        vouch_mhash root, r1, p[VOUCH_MERKLE_MAX_PROOF];
        size_t len;
        uniform_root(&u, n, &root);
        if (n == max)
            assert_memory_equal(root.b, u.level[63].b, 32);
        const uint64_t idx[] = {0, 1, n / 2, n - 2, n - 1};
        for (size_t j = 0; j < 5; j++) {
            u.size = n;
            assert_int_equal(
                vouch_merkle_inclusion_proof(p, &len, idx[j], n, uniform_node, &u, NULL), 0);
            assert_true(len <= 63);
            assert_int_equal(
                vouch_merkle_verify_inclusion(&u.level[0], idx[j], n, p, len, &root, NULL), 0);
        }
        const uint64_t from[] = {1, 2, 3, n / 2 + 1, n - 1, n};
        for (size_t j = 0; j < 6; j++) {
            uniform_root(&u, from[j], &r1);
            u.size = n;
            assert_int_equal(
                vouch_merkle_consistency_proof(p, &len, from[j], n, uniform_node, &u, NULL), 0);
            longest = len > longest ? len : longest;
            assert_int_equal(vouch_merkle_verify_consistency(from[j], n, &r1, &root, p, len, NULL),
                             0);
        }
    }
    /* 3 -> 2^63 - 1: 64 hashes, the most any proof in vouch can have. */
    assert_int_equal(longest, 64);
}

/* ---- refusals, messages, callbacks, allocation -------------------------- */

static void expect_message(int rc, int want, const vouch_error *err, const char *part)
{
    assert_int_equal(rc, want);
    assert_int_equal(err->code, want);
    if (!strstr(err->message, part))
        fail_msg("message '%s' does not say '%s'", err->message, part);
}

static void test_merkle__bad_arguments(void **state)
{
    (void)state;
    vouch_mhash leaves[8], p[VOUCH_MERKLE_MAX_PROOF], h;
    vouch_merkle_frontier f;
    vouch_error err;
    size_t len = 7;
    leaves_for(leaves, 8);
    test_tree t = tree_of(leaves, 8);
#define CHECK(call, code, part)                                                                    \
    do {                                                                                           \
        vouch_error_clear(&err);                                                                   \
        expect_message((call), (code), &err, (part));                                              \
    } while (0)
    CHECK(vouch_merkle_inclusion_proof(p, &len, 8, 8, tree_node, &t, &err), VOUCH_EINVAL,
          "index 8 is not in a tree of size 8");
    assert_int_equal(len, 0);
    CHECK(vouch_merkle_inclusion_proof(p, &len, 0, 0, tree_node, &t, &err), VOUCH_EINVAL, "size 0");
    CHECK(vouch_merkle_inclusion_proof(p, &len, 0, VOUCH_MERKLE_MAX_SIZE + 1, tree_node, &t, &err),
          VOUCH_EINVAL, "size 9223372036854775809");
    CHECK(vouch_merkle_inclusion_proof(NULL, &len, 0, 8, tree_node, &t, &err), VOUCH_EINVAL,
          "no proof buffer");
    CHECK(vouch_merkle_inclusion_proof(p, NULL, 0, 8, tree_node, &t, &err), VOUCH_EINVAL,
          "no length output");
    CHECK(vouch_merkle_inclusion_proof(p, &len, 0, 8, NULL, &t, &err), VOUCH_EINVAL, "no callback");
    /* RFC 9162 2.1.4.1 defines PROOF(m, D[n]) for 0 < m <= n only. */
    CHECK(vouch_merkle_consistency_proof(p, &len, 0, 5, tree_node, &t, &err), VOUCH_EINVAL,
          "from size 0 to size 5");
    CHECK(vouch_merkle_consistency_proof(p, &len, 6, 5, tree_node, &t, &err), VOUCH_EINVAL,
          "0 < old <= new");
    CHECK(vouch_merkle_verify_consistency(0, 5, &leaves[0], &leaves[1], p, 0, &err), VOUCH_EINVAL,
          "not 0 < old <= new");
    CHECK(vouch_merkle_verify_consistency(6, 5, &leaves[0], &leaves[1], p, 0, &err), VOUCH_EINVAL,
          "not 0 < old <= new");
    CHECK(vouch_merkle_leaf_hash(&h, NULL, 3, &err), VOUCH_EINVAL, "no data");
    CHECK(vouch_merkle_node_hash(&h, NULL, &leaves[0], &err), VOUCH_EINVAL, "no child");
    CHECK(vouch_merkle_root(&h, NULL, 2, &err), VOUCH_EINVAL, "no leaves");
    CHECK(vouch_merkle_frontier_append(NULL, &h, &err), VOUCH_EINVAL, "no frontier");
    CHECK(vouch_merkle_frontier_load(&f, VOUCH_MERKLE_MAX_SIZE + 1, tree_node, &t, &err),
          VOUCH_EINVAL, "over the limit");
    assert_int_equal(f.size, 0);
    /* A full tree refuses another leaf and stays as it was. */
    vouch_merkle_frontier_init(&f);
    f.size = VOUCH_MERKLE_MAX_SIZE;
    CHECK(vouch_merkle_frontier_append(&f, &h, &err), VOUCH_ETOOBIG, "holds 9223372036854775808");
    assert_int_equal(f.size, VOUCH_MERKLE_MAX_SIZE);
    f.size = VOUCH_MERKLE_MAX_SIZE + 1;
    CHECK(vouch_merkle_frontier_root(&f, &h, &err), VOUCH_EINVAL, "over the limit");
#undef CHECK
}

static void test_merkle__verify_says_what_disagrees(void **state)
{
    (void)state;
    vouch_mhash leaves[8], roots[9], p[VOUCH_MERKLE_MAX_PROOF + 1];
    vouch_error err;
    size_t len;
    leaves_for(leaves, 8);
    for (uint64_t n = 0; n <= 8; n++)
        assert_int_equal(vouch_merkle_root(&roots[n], leaves, n, NULL), 0);
    test_tree t = tree_of(leaves, 8);
    assert_int_equal(vouch_merkle_inclusion_proof(p, &len, 5, 8, tree_node, &t, NULL), 0);
    assert_int_equal(len, 3);
#define CHECK(call, part)                                                                          \
    do {                                                                                           \
        vouch_error_clear(&err);                                                                   \
        expect_message((call), VOUCH_EVERIFY, &err, (part));                                       \
    } while (0)
    CHECK(vouch_merkle_verify_inclusion(&leaves[5], 8, 8, p, 3, &roots[8], &err),
          "index 8 is not below the tree size 8");
    CHECK(vouch_merkle_verify_inclusion(&leaves[5], 5, 8, p, 2, &roots[8], &err), "too short");
    p[3] = roots[8];
    CHECK(vouch_merkle_verify_inclusion(&leaves[5], 5, 8, p, 4, &roots[8], &err), "too long");
    CHECK(vouch_merkle_verify_inclusion(&leaves[5], 5, 8, p, VOUCH_MERKLE_MAX_PROOF + 1, &roots[8],
                                        &err),
          "too long");
    CHECK(vouch_merkle_verify_inclusion(&leaves[4], 5, 8, p, 3, &roots[8], &err),
          "does not match the tree root");
    assert_int_equal(vouch_merkle_consistency_proof(p, &len, 6, 8, tree_node, &t, NULL), 0);
    CHECK(vouch_merkle_verify_consistency(6, 8, &roots[6], &roots[8], p, 0, &err), "0 hashes");
    CHECK(vouch_merkle_verify_consistency(6, 8, &roots[6], &roots[8], p, len - 1, &err),
          "too few hashes");
    p[len] = roots[8];
    CHECK(vouch_merkle_verify_consistency(6, 8, &roots[6], &roots[8], p, len + 1, &err),
          "too many hashes");
    CHECK(vouch_merkle_verify_consistency(6, 8, &roots[5], &roots[8], p, len, &err),
          "old root (size 6)");
    CHECK(vouch_merkle_verify_consistency(6, 8, &roots[6], &roots[7], p, len, &err),
          "new root (size 8)");
    CHECK(vouch_merkle_verify_consistency(6, 6, &roots[6], &roots[6], p, 1, &err),
          "equal sizes need an empty proof");
    CHECK(vouch_merkle_verify_consistency(6, 6, &roots[6], &roots[5], p, 0, &err),
          "two different roots for size 6");
    assert_int_equal(vouch_merkle_verify_consistency(6, 6, &roots[6], &roots[6], p, 0, NULL), 0);
#undef CHECK
}

/* A failing store is passed up unchanged, at every call of every proof. */
static void test_merkle__callback_failure_passed_up(void **state)
{
    (void)state;
    vouch_mhash leaves[MAXN], p[VOUCH_MERKLE_MAX_PROOF];
    vouch_merkle_frontier f;
    leaves_for(leaves, MAXN);
    for (uint64_t n = 1; n <= MAXN; n++) {
        for (int kind = 0; kind < 3; kind++) {
            uint64_t m = kind == 0 ? n / 3 : n * 2 / 3 + 1;
            test_tree t = tree_of(leaves, n);
            for (long fail = 1;; fail++) {
                vouch_error err;
                size_t len = 99;
                int rc;
                vouch_error_clear(&err);
                t.calls = 0;
                t.fail_call = fail;
                if (kind == 0)
                    rc = vouch_merkle_inclusion_proof(p, &len, m, n, tree_node, &t, &err);
                else if (kind == 1)
                    rc = vouch_merkle_consistency_proof(p, &len, m > n ? n : m, n, tree_node, &t,
                                                        &err);
                else
                    rc = vouch_merkle_frontier_load(&f, n, tree_node, &t, &err);
                if (t.calls < fail) { /* ran to the end without reaching `fail` */
                    assert_int_equal(rc, 0);
                    break;
                }
                assert_int_equal(rc, VOUCH_ESTORE);
                assert_non_null(strstr(err.message, "test store: cannot read node"));
                if (kind < 2) {
                    vouch_mhash zero[VOUCH_MERKLE_MAX_PROOF];
                    memset(zero, 0, sizeof(zero));
                    assert_int_equal(len, 0);
                    assert_memory_equal(p, zero, sizeof(zero));
                } else {
                    assert_int_equal(f.size, 0);
                }
            }
        }
    }
}

static int positive_node(void *ctx, unsigned level, uint64_t index, vouch_mhash *out,
                         vouch_error *err)
{
    (void)ctx, (void)level, (void)index, (void)err;
    memset(out, 0, sizeof(*out));
    return 1;
}

static void test_merkle__callback_contract_violation(void **state)
{
    (void)state;
    vouch_mhash p[VOUCH_MERKLE_MAX_PROOF];
    vouch_error err;
    size_t len;
    vouch_error_clear(&err);
    expect_message(vouch_merkle_inclusion_proof(p, &len, 0, 5, positive_node, NULL, &err),
                   VOUCH_EINTERNAL, &err, "callback returned 1");
}

/* Only long leaves allocate (through vouch_malloc); the rest never do. */
static void test_merkle__allocation_failures(void **state)
{
    (void)state;
    static unsigned char big[3000];
    vouch_mhash want, got, leaves[20], p[VOUCH_MERKLE_MAX_PROOF], root;
    size_t len;
    memset(big, 'a', sizeof(big));
    assert_int_equal(vouch_merkle_leaf_hash(&want, big, sizeof(big), NULL), 0);
    long fail;
    for (fail = 1; fail < 100; fail++) {
        vouch_error err;
        vouch_error_clear(&err);
        memset(&got, 0xff, sizeof(got));
        tu_fail_alloc_after(fail);
        int rc = vouch_merkle_leaf_hash(&got, big, sizeof(big), &err);
        long seen = tu_alloc_count();
        vouch_alloc_set_hooks(NULL);
        if (rc == 0) {
            assert_memory_equal(got.b, want.b, 32);
            break;
        }
        assert_int_equal(rc, VOUCH_ENOMEM);
        assert_true(seen >= fail);
        vouch_mhash zero;
        memset(&zero, 0, sizeof(zero));
        assert_memory_equal(got.b, zero.b, 32);
    }
    assert_true(fail > 1 && fail < 100);

    tu_fail_alloc_after(1); /* any allocation below would fail the test */
    leaves_for(leaves, 20);
    test_tree t = tree_of(leaves, 20);
    assert_int_equal(vouch_merkle_root(&root, leaves, 20, NULL), 0);
    assert_int_equal(vouch_merkle_inclusion_proof(p, &len, 13, 20, tree_node, &t, NULL), 0);
    assert_int_equal(vouch_merkle_verify_inclusion(&leaves[13], 13, 20, p, len, &root, NULL), 0);
    assert_int_equal(vouch_merkle_consistency_proof(p, &len, 7, 20, tree_node, &t, NULL), 0);
    long seen = tu_alloc_count();
    vouch_alloc_set_hooks(NULL);
    assert_int_equal(seen, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merkle__empty_tree),
        cmocka_unit_test(test_merkle__leaf_hash_vectors),
        cmocka_unit_test(test_merkle__tree_constants),
        cmocka_unit_test(test_merkle__inclusion_vectors),
        cmocka_unit_test(test_merkle__consistency_vectors),
        cmocka_unit_test(test_merkle__roots_match_rfc_definition),
        cmocka_unit_test(test_merkle__frontier_reports_completed_subtrees),
        cmocka_unit_test(test_merkle__inclusion_exhaustive),
        cmocka_unit_test(test_merkle__consistency_exhaustive),
        cmocka_unit_test(test_merkle__huge_trees),
        cmocka_unit_test(test_merkle__bad_arguments),
        cmocka_unit_test(test_merkle__verify_says_what_disagrees),
        cmocka_unit_test(test_merkle__callback_failure_passed_up),
        cmocka_unit_test(test_merkle__callback_contract_violation),
        cmocka_unit_test(test_merkle__allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
