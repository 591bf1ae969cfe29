/*
 * fuzz_merkle_proof.c - the RFC 9162 proof verifiers on arbitrary sizes,
 * indexes, roots and proofs (they must never crash or read out of bounds),
 * and generated proofs in small trees built from the input: they must
 * verify, and must stop verifying when one hash is replaced.
 *
 * Input: u64 a, u64 b (little-endian), 32-byte leaf, 32-byte root, then
 * proof hashes of 32 bytes. An odd first byte reduces a and b mod 1024,
 * where the bit walking has its edge cases. For consistency, leaf and root
 * stand for the old and the new root.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vouch/merkle.h"

#define SMALL_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

typedef struct small_tree {
    vouch_mhash leaves[SMALL_MAX];
    uint64_t size;
} small_tree;

static int small_node(void *ctx, unsigned level, uint64_t index, vouch_mhash *out, vouch_error *err)
{
    const small_tree *t = ctx;
    if (level >= 7 || index >= t->size || (index + 1) << level > t->size)
        __builtin_trap(); /* the generator asked for a subtree outside the tree */
    return vouch_merkle_root(out, t->leaves + (index << level), (uint64_t)1 << level, err);
}

/* Proofs made for a tree of the input's leaves verify; replacing any one
 * hash with the input's first proof hash (when it differs) breaks them. */
static void round_trip(uint64_t a, uint64_t b, const vouch_mhash *leaf, const vouch_mhash *other,
                       int have_other)
{
    small_tree t;
    vouch_mhash root, old_root, p[VOUCH_MERKLE_MAX_PROOF];
    size_t len;
    t.size = b % SMALL_MAX + 1;
    for (uint64_t i = 0; i < t.size; i++) {
        t.leaves[i] = *leaf;
        t.leaves[i].b[0] ^= (unsigned char)i;
    }
    uint64_t m = a % t.size;
    if (vouch_merkle_root(&root, t.leaves, t.size, NULL) != 0 ||
        vouch_merkle_inclusion_proof(p, &len, m, t.size, small_node, &t, NULL) != 0 ||
        vouch_merkle_verify_inclusion(&t.leaves[m], m, t.size, p, len, &root, NULL) != 0)
        __builtin_trap();
    if (have_other && len > 0) {
        size_t i = (size_t)(a >> 8) % len;
        int same = memcmp(p[i].b, other->b, VOUCH_MERKLE_HASH_LEN) == 0;
        p[i] = *other;
        if (!same && vouch_merkle_verify_inclusion(&t.leaves[m], m, t.size, p, len, &root, NULL) !=
                         VOUCH_EVERIFY)
            __builtin_trap();
    }
    if (vouch_merkle_root(&old_root, t.leaves, m + 1, NULL) != 0 ||
        vouch_merkle_consistency_proof(p, &len, m + 1, t.size, small_node, &t, NULL) != 0 ||
        vouch_merkle_verify_consistency(m + 1, t.size, &old_root, &root, p, len, NULL) != 0)
        __builtin_trap();
    if (have_other && len > 0) {
        size_t i = (size_t)(a >> 8) % len;
        int same = memcmp(p[i].b, other->b, VOUCH_MERKLE_HASH_LEN) == 0;
        p[i] = *other;
        if (!same && vouch_merkle_verify_consistency(m + 1, t.size, &old_root, &root, p, len,
                                                     NULL) != VOUCH_EVERIFY)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vouch_mhash leaf, root, proof[VOUCH_MERKLE_MAX_PROOF + 2];
    vouch_error err;
    if (size < 16 + 64)
        return 0;
    uint64_t a = le64(data), b = le64(data + 8);
    if (data[0] & 1) {
        a %= 1024;
        b %= 1024;
    }
    memcpy(leaf.b, data + 16, 32);
    memcpy(root.b, data + 48, 32);
    size_t n = (size - 80) / 32;
    if (n > VOUCH_MERKLE_MAX_PROOF + 2)
        n = VOUCH_MERKLE_MAX_PROOF + 2;
    for (size_t i = 0; i < n; i++)
        memcpy(proof[i].b, data + 80 + 32 * i, 32);

    vouch_error_clear(&err);
    int rc = vouch_merkle_verify_inclusion(&leaf, a, b, proof, n, &root, &err);
    if (rc != 0 && (rc != VOUCH_EVERIFY || err.code != rc || !err.message[0]))
        __builtin_trap();
    vouch_error_clear(&err);
    rc = vouch_merkle_verify_consistency(a, b, &leaf, &root, proof, n, &err);
    if (rc != 0 && ((rc != VOUCH_EVERIFY && rc != VOUCH_EINVAL) || err.code != rc))
        __builtin_trap();
    if (rc == VOUCH_EINVAL && a != 0 && a <= b)
        __builtin_trap(); /* only bad sizes are malformed */

    round_trip(a, b, &leaf, &proof[0], n > 0);
    return 0;
}
