/*
 * merkle_verify.c - RFC 9162 inclusion and consistency proof verification:
 * the bit-walking algorithms of 2.1.3.2 and 2.1.4.2, which clients run
 * without the tree, from the proof and the roots alone.
 */
#include <string.h>

#include "vouch/merkle.h"

static int same(const vouch_mhash *a, const vouch_mhash *b)
{
    unsigned char d = 0;
    for (size_t i = 0; i < VOUCH_MERKLE_HASH_LEN; i++)
        d |= (unsigned char)(a->b[i] ^ b->b[i]);
    return d == 0;
}

int vouch_merkle_verify_inclusion(const vouch_mhash *leaf, uint64_t index, uint64_t size,
                                  const vouch_mhash *proof, size_t len, const vouch_mhash *root,
                                  vouch_error *err)
{
    vouch_mhash r;
    int rc;
    if (!leaf || !root || (len && !proof))
        return vouch_error_set(err, VOUCH_EINVAL, "inclusion proof: missing leaf, root or proof");
    r = *leaf;
    if (index >= size)
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "inclusion proof: index %llu is not below the tree size %llu",
                               (unsigned long long)index, (unsigned long long)size);
    if (len > VOUCH_MERKLE_MAX_PROOF)
        return vouch_error_set(err, VOUCH_EVERIFY, "inclusion proof: %zu hashes is too long", len);
    uint64_t fn = index, sn = size - 1;
    for (size_t i = 0; i < len; i++) {
        if (sn == 0)
            return vouch_error_set(err, VOUCH_EVERIFY,
                                   "inclusion proof: %zu hashes is too long for index %llu in "
                                   "size %llu",
                                   len, (unsigned long long)index, (unsigned long long)size);
        if ((fn & 1) || fn == sn) {
            if ((rc = vouch_merkle_node_hash(&r, &proof[i], &r, err)) != 0)
                return rc;
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else if ((rc = vouch_merkle_node_hash(&r, &r, &proof[i], err)) != 0) {
            return rc;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "inclusion proof: %zu hashes is too short for index %llu in size "
                               "%llu",
                               len, (unsigned long long)index, (unsigned long long)size);
    if (!same(&r, root))
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "inclusion proof: the computed root does not match the tree root "
                               "(leaf %llu is not in this tree of size %llu)",
                               (unsigned long long)index, (unsigned long long)size);
    return 0;
}

static int is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

int vouch_merkle_verify_consistency(uint64_t from, uint64_t to, const vouch_mhash *root_from,
                                    const vouch_mhash *root_to, const vouch_mhash *proof,
                                    size_t len, vouch_error *err)
{
    int rc;
    if (!root_from || !root_to || (len && !proof))
        return vouch_error_set(err, VOUCH_EINVAL, "consistency proof: missing root or proof");
    if (from == 0 || from > to)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "consistency proof: sizes %llu -> %llu are not 0 < old <= new",
                               (unsigned long long)from, (unsigned long long)to);
    if (from == to) {
        if (len != 0)
            return vouch_error_set(err, VOUCH_EVERIFY,
                                   "consistency proof: equal sizes need an empty proof");
        if (!same(root_from, root_to))
            return vouch_error_set(err, VOUCH_EVERIFY,
                                   "consistency proof: two different roots for size %llu "
                                   "(a forked log)",
                                   (unsigned long long)from);
        return 0;
    }
    if (len == 0 || len > VOUCH_MERKLE_MAX_PROOF)
        return vouch_error_set(err, VOUCH_EVERIFY, "consistency proof: %zu hashes", len);
    /* RFC 9162 2.1.4.2: a power-of-two old tree is itself the first node. */
    size_t i = 0;
    vouch_mhash fr, sr;
    if (is_pow2(from)) {
        fr = sr = *root_from;
    } else {
        fr = sr = proof[0];
        i = 1;
    }
    uint64_t fn = from - 1, sn = to - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < len; i++) {
        if (sn == 0)
            return vouch_error_set(err, VOUCH_EVERIFY, "consistency proof: too many hashes");
        if ((fn & 1) || fn == sn) {
            if ((rc = vouch_merkle_node_hash(&fr, &proof[i], &fr, err)) != 0 ||
                (rc = vouch_merkle_node_hash(&sr, &proof[i], &sr, err)) != 0)
                return rc;
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else if ((rc = vouch_merkle_node_hash(&sr, &sr, &proof[i], err)) != 0) {
            return rc;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return vouch_error_set(err, VOUCH_EVERIFY, "consistency proof: too few hashes");
    if (!same(&fr, root_from))
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "consistency proof: it does not lead to the old root (size %llu)",
                               (unsigned long long)from);
    if (!same(&sr, root_to))
        return vouch_error_set(err, VOUCH_EVERIFY,
                               "consistency proof: it does not lead to the new root (size %llu)",
                               (unsigned long long)to);
    return 0;
}
