/*
 * test_merkle.c - RFC 6962 hashing, tree heads and proofs: the published
 * vectors (transparency-dev/merkle) reproduced by both generation and
 * verification, and an exhaustive cross-check of every proof in every tree
 * up to 70 leaves, including tampered proofs that must fail.
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
#include "vouch/merkle.h"

static void hex_to(vouch_mhash *out, const char *hex)
{
    assert_int_equal(strlen(hex), 64);
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out->b[i] = (unsigned char)v;
    }
}

static size_t unhex(unsigned char *out, const char *hex)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (unsigned char)v;
    }
    return n;
}

static void b64_to(vouch_mhash *out, const char *s)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char buf[48];
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *s && *s != '='; s++) {
        const char *p = strchr(al, *s);
        assert_non_null(p);
        acc = acc << 6 | (uint32_t)(p - al);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[n++] = (unsigned char)(acc >> bits);
        }
    }
    assert_int_equal(n, 32);
    memcpy(out->b, buf, 32);
}

static json_t *load(const char *name)
{
    char rel[128];
    snprintf(rel, sizeof(rel), "merkle/%s", name);
    json_error_t e;
    json_t *v = json_load_file(tu_vector_path(rel), 0, &e);
    if (!v)
        fail_msg("cannot load %s: %s", rel, e.text);
    return v;
}

/* Leaves of the vector tree, for the proof generator's callback. */
static vouch_mhash vector_leaves[8];

static int array_leaf(void *ctx, uint64_t index, vouch_mhash *out, vouch_error *err)
{
    (void)err;
    *out = ((const vouch_mhash *)ctx)[index];
    return 0;
}

static void test_merkle__tree_constants(void **state)
{
    (void)state;
    json_t *v = load("tree-constants.json");
    json_t *inputs = json_object_get(v, "leafInputsHex");
    json_t *leaves = json_object_get(v, "leafHashesHex");
    json_t *roots = json_object_get(v, "rootHashesBySizeHex");
    for (size_t i = 0; i < json_array_size(inputs); i++) {
        unsigned char data[64];
        size_t n = unhex(data, json_string_value(json_array_get(inputs, i)));
        vouch_mhash got, want;
        assert_int_equal(vouch_merkle_leaf_hash(&got, data, n, NULL), 0);
        hex_to(&want, json_string_value(json_array_get(leaves, i)));
        assert_memory_equal(got.b, want.b, 32);
        vector_leaves[i] = got;
    }
    vouch_merkle_frontier f;
    vouch_merkle_frontier_init(&f);
    for (size_t n = 0; n < json_array_size(roots); n++) {
        vouch_mhash want, a, b;
        hex_to(&want, json_string_value(json_array_get(roots, n)));
        assert_int_equal(vouch_merkle_root(&a, vector_leaves, n, NULL), 0);
        assert_int_equal(vouch_merkle_frontier_root(&f, &b, NULL), 0);
        assert_memory_equal(a.b, want.b, 32);
        assert_memory_equal(b.b, want.b, 32);
        if (n < 8)
            assert_int_equal(vouch_merkle_frontier_append(&f, &vector_leaves[n], NULL), 0);
    }
    json_decref(v);
}

static size_t load_proof(vouch_mhash *proof, const json_t *arr)
{
    size_t n = json_array_size(arr); /* null (no proof) counts as empty */
    for (size_t i = 0; i < n; i++)
        b64_to(&proof[i], json_string_value(json_array_get(arr, i)));
    return n;
}

static void test_merkle__inclusion_vectors(void **state)
{
    (void)state;
    test_merkle__tree_constants(state); /* fills vector_leaves */
    for (int k = 0; k <= 4; k++) {
        char name[64];
        snprintf(name, sizeof(name), "inclusion-%d-happy-path.json", k);
        json_t *v = load(name);
        uint64_t idx = (uint64_t)json_integer_value(json_object_get(v, "leafIdx"));
        uint64_t size = (uint64_t)json_integer_value(json_object_get(v, "treeSize"));
        vouch_mhash want[64], got[64], leaf, root;
        size_t n = load_proof(want, json_object_get(v, "proof")), gn = 99;
        if (size == 0) { /* the vector of an empty tree: no leaf, no proof */
            assert_int_equal(
                vouch_merkle_inclusion_proof(got, &gn, idx, size, array_leaf, vector_leaves, NULL),
                VOUCH_EINVAL);
            json_decref(v);
            continue;
        }
        b64_to(&leaf, json_string_value(json_object_get(v, "leafHash")));
        b64_to(&root, json_string_value(json_object_get(v, "root")));
        assert_int_equal(vouch_merkle_verify_inclusion(&leaf, idx, size, want, n, &root, NULL), 0);
        assert_int_equal(
            vouch_merkle_inclusion_proof(got, &gn, idx, size, array_leaf, vector_leaves, NULL), 0);
        assert_int_equal(gn, n);
        for (size_t i = 0; i < n; i++)
            assert_memory_equal(got[i].b, want[i].b, 32);
        json_decref(v);
    }
}

static void test_merkle__consistency_vectors(void **state)
{
    (void)state;
    test_merkle__tree_constants(state);
    for (int k = 0; k <= 4; k++) {
        char name[64];
        snprintf(name, sizeof(name), "consistency-%d-happy-path.json", k);
        json_t *v = load(name);
        uint64_t m = (uint64_t)json_integer_value(json_object_get(v, "size1"));
        uint64_t n = (uint64_t)json_integer_value(json_object_get(v, "size2"));
        vouch_mhash want[64], got[64], r1, r2;
        size_t len = load_proof(want, json_object_get(v, "proof")), gn = 99;
        if (m == 0) { /* not defined by RFC 9162: refused */
            assert_int_equal(
                vouch_merkle_consistency_proof(got, &gn, m, n, array_leaf, vector_leaves, NULL),
                VOUCH_EINVAL);
            json_decref(v);
            continue;
        }
        b64_to(&r1, json_string_value(json_object_get(v, "root1")));
        b64_to(&r2, json_string_value(json_object_get(v, "root2")));
        assert_int_equal(vouch_merkle_verify_consistency(m, n, &r1, &r2, want, len, NULL), 0);
        assert_int_equal(
            vouch_merkle_consistency_proof(got, &gn, m, n, array_leaf, vector_leaves, NULL), 0);
        assert_int_equal(gn, len);
        for (size_t i = 0; i < len; i++)
            assert_memory_equal(got[i].b, want[i].b, 32);
        json_decref(v);
    }
}

#define MAXN 70

static void leaves_for(vouch_mhash *leaves, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char data[16];
        int len = snprintf(data, sizeof(data), "leaf %zu", i);
        assert_int_equal(vouch_merkle_leaf_hash(&leaves[i], data, (size_t)len, NULL), 0);
    }
}

/* Every inclusion proof in every tree up to MAXN verifies, and breaking
 * it in any way (a flipped byte, another index, another size, one hash
 * more or less) makes it fail. */
static void test_merkle__inclusion_exhaustive(void **state)
{
    (void)state;
    vouch_mhash leaves[MAXN], roots[MAXN + 1];
    leaves_for(leaves, MAXN);
    for (uint64_t n = 0; n <= MAXN; n++)
        assert_int_equal(vouch_merkle_root(&roots[n], leaves, n, NULL), 0);
    for (uint64_t n = 1; n <= MAXN; n++) {
        for (uint64_t m = 0; m < n; m++) {
            vouch_mhash p[VOUCH_MERKLE_MAX_PROOF + 1];
            size_t len;
            assert_int_equal(vouch_merkle_inclusion_proof(p, &len, m, n, array_leaf, leaves, NULL),
                             0);
            assert_int_equal(
                vouch_merkle_verify_inclusion(&leaves[m], m, n, p, len, &roots[n], NULL), 0);
            if (n > 1)
                assert_int_equal(vouch_merkle_verify_inclusion(&leaves[m], (m + 1) % n, n, p, len,
                                                               &roots[n], NULL),
                                 VOUCH_EVERIFY);
            /* (size, root) come together from a signed checkpoint: a proof for
             * size n must not verify against the next tree head. (Against
             * the same root a left leaf can verify for a larger size: the
             * algorithm binds a size only through its root.) */
            if (n < MAXN)
                assert_int_equal(vouch_merkle_verify_inclusion(&leaves[m], m, n + 1, p, len,
                                                               &roots[n + 1], NULL),
                                 VOUCH_EVERIFY);
            for (size_t i = 0; i < len; i++) {
                p[i].b[i % 32] ^= 1;
                assert_int_equal(
                    vouch_merkle_verify_inclusion(&leaves[m], m, n, p, len, &roots[n], NULL),
                    VOUCH_EVERIFY);
                p[i].b[i % 32] ^= 1;
            }
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

static void test_merkle__consistency_exhaustive(void **state)
{
    (void)state;
    vouch_mhash leaves[MAXN], roots[MAXN + 1];
    leaves_for(leaves, MAXN);
    for (uint64_t n = 0; n <= MAXN; n++)
        assert_int_equal(vouch_merkle_root(&roots[n], leaves, n, NULL), 0);
    for (uint64_t n = 1; n <= MAXN; n++) {
        for (uint64_t m = 1; m <= n; m++) {
            vouch_mhash p[VOUCH_MERKLE_MAX_PROOF + 1];
            size_t len;
            assert_int_equal(
                vouch_merkle_consistency_proof(p, &len, m, n, array_leaf, leaves, NULL), 0);
            assert_int_equal(
                vouch_merkle_verify_consistency(m, n, &roots[m], &roots[n], p, len, NULL), 0);
            if (m < n) {
                /* a forked old tree: another root of the same size */
                assert_int_equal(
                    vouch_merkle_verify_consistency(m, n, &roots[m - 1], &roots[n], p, len, NULL),
                    VOUCH_EVERIFY);
                for (size_t i = 0; i < len; i++) {
                    p[i].b[0] ^= 0x80;
                    assert_int_equal(
                        vouch_merkle_verify_consistency(m, n, &roots[m], &roots[n], p, len, NULL),
                        VOUCH_EVERIFY);
                    p[i].b[0] ^= 0x80;
                }
                assert_int_equal(
                    vouch_merkle_verify_consistency(m, n, &roots[m], &roots[n], p, len - 1, NULL),
                    VOUCH_EVERIFY);
            } else {
                assert_int_equal(len, 0);
            }
        }
    }
    vouch_mhash p[1];
    size_t len;
    assert_int_equal(vouch_merkle_consistency_proof(p, &len, 0, 5, array_leaf, leaves, NULL),
                     VOUCH_EINVAL);
    assert_int_equal(vouch_merkle_verify_consistency(6, 5, &roots[6], &roots[5], p, 0, NULL),
                     VOUCH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merkle__tree_constants),
        cmocka_unit_test(test_merkle__inclusion_vectors),
        cmocka_unit_test(test_merkle__consistency_vectors),
        cmocka_unit_test(test_merkle__inclusion_exhaustive),
        cmocka_unit_test(test_merkle__consistency_exhaustive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
