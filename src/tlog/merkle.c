/*
 * merkle.c - RFC 6962 / RFC 9162 Merkle tree hashes, tree heads, proof
 * generation and proof verification.
 */
#include <string.h>

#include "vouch/digest.h"
#include "vouch/hash.h"
#include "vouch/merkle.h"

/* RFC 9162 2.1.1: domain separation between leaves and interior nodes. */
#define LEAF_PREFIX 0x00
#define NODE_PREFIX 0x01

static int sha256(vouch_mhash *out, const void *data, size_t len, vouch_error *err)
{
    vouch_digest d;
    int rc = vouch_hash_bytes(&d, VOUCH_DIGEST_SHA256, data, len, err);
    if (rc == 0)
        memcpy(out->b, d.bytes, VOUCH_MERKLE_HASH_LEN);
    return rc;
}

int vouch_merkle_leaf_hash(vouch_mhash *out, const void *data, size_t len, vouch_error *err)
{
    vouch_hasher *h = NULL;
    vouch_digest d;
    const unsigned char prefix = LEAF_PREFIX;
    int rc = vouch_hasher_new(&h, VOUCH_DIGEST_SHA256, err);
    if (rc == 0)
        rc = vouch_hasher_update(h, &prefix, 1, err);
    if (rc == 0 && len)
        rc = vouch_hasher_update(h, data, len, err);
    if (rc == 0)
        rc = vouch_hasher_final(h, &d, err);
    vouch_hasher_free(h);
    if (rc == 0)
        memcpy(out->b, d.bytes, VOUCH_MERKLE_HASH_LEN);
    return rc;
}

int vouch_merkle_node_hash(vouch_mhash *out, const vouch_mhash *left, const vouch_mhash *right,
                           vouch_error *err)
{
    unsigned char buf[1 + 2 * VOUCH_MERKLE_HASH_LEN];
    buf[0] = NODE_PREFIX;
    memcpy(buf + 1, left->b, VOUCH_MERKLE_HASH_LEN);
    memcpy(buf + 1 + VOUCH_MERKLE_HASH_LEN, right->b, VOUCH_MERKLE_HASH_LEN);
    return sha256(out, buf, sizeof(buf), err);
}

void vouch_merkle_frontier_init(vouch_merkle_frontier *f)
{
    memset(f, 0, sizeof(*f));
}

int vouch_merkle_frontier_append(vouch_merkle_frontier *f, const vouch_mhash *leaf,
                                 vouch_error *err)
{
    vouch_mhash carry = *leaf;
    unsigned h = 0;
    if (f->size == UINT64_MAX >> 1)
        return vouch_error_set(err, VOUCH_ETOOBIG, "merkle tree is full");
    /* Like binary increment: each set low bit merges with the carry. */
    while (f->size & ((uint64_t)1 << h)) {
        int rc = vouch_merkle_node_hash(&carry, &f->nodes[h], &carry, err);
        if (rc)
            return rc;
        h++;
    }
    f->nodes[h] = carry;
    f->size++;
    return 0;
}

int vouch_merkle_frontier_root(const vouch_merkle_frontier *f, vouch_mhash *out, vouch_error *err)
{
    int have = 0;
    if (f->size == 0)
        return sha256(out, "", 0, err); /* RFC 9162 2.1.1: MTH({}) */
    /* Fold the subtree roots from the smallest (rightmost) to the largest. */
    for (unsigned h = 0; h < 64; h++) {
        if (!(f->size & ((uint64_t)1 << h)))
            continue;
        if (!have) {
            *out = f->nodes[h];
            have = 1;
        } else {
            int rc = vouch_merkle_node_hash(out, &f->nodes[h], out, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int vouch_merkle_root(vouch_mhash *out, const vouch_mhash *leaves, uint64_t n, vouch_error *err)
{
    vouch_merkle_frontier f;
    vouch_merkle_frontier_init(&f);
    for (uint64_t i = 0; i < n; i++) {
        int rc = vouch_merkle_frontier_append(&f, &leaves[i], err);
        if (rc)
            return rc;
    }
    return vouch_merkle_frontier_root(&f, out, err);
}

/* Largest power of two strictly less than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

typedef struct source {
    vouch_merkle_leaf_fn leaf;
    void *ctx;
} source;

/* MTH(D[begin:end]) from the leaf callback: O(end - begin) hashes, using a
 * frontier so memory stays O(log n). */
static int range_hash(const source *src, uint64_t begin, uint64_t end, vouch_mhash *out,
                      vouch_error *err)
{
    vouch_merkle_frontier f;
    vouch_merkle_frontier_init(&f);
    for (uint64_t i = begin; i < end; i++) {
        vouch_mhash h;
        int rc = src->leaf(src->ctx, i, &h, err);
        if (rc == 0)
            rc = vouch_merkle_frontier_append(&f, &h, err);
        if (rc)
            return rc;
    }
    return vouch_merkle_frontier_root(&f, out, err);
}

static int push(vouch_mhash *proof, size_t *len, const vouch_mhash *h, vouch_error *err)
{
    if (*len >= VOUCH_MERKLE_MAX_PROOF)
        return vouch_error_set(err, VOUCH_EINTERNAL, "merkle proof longer than 64 hashes");
    proof[(*len)++] = *h;
    return 0;
}

/* RFC 9162 2.1.3.1 PATH(m, D[begin:end]); hashes appended deepest first. */
static int path(const source *src, uint64_t m, uint64_t begin, uint64_t end, vouch_mhash *proof,
                size_t *len, vouch_error *err)
{
    vouch_mhash h;
    int rc;
    if (end - begin <= 1)
        return 0;
    uint64_t k = split_point(end - begin);
    if (m < k) {
        if ((rc = path(src, m, begin, begin + k, proof, len, err)) != 0 ||
            (rc = range_hash(src, begin + k, end, &h, err)) != 0)
            return rc;
    } else {
        if ((rc = path(src, m - k, begin + k, end, proof, len, err)) != 0 ||
            (rc = range_hash(src, begin, begin + k, &h, err)) != 0)
            return rc;
    }
    return push(proof, len, &h, err);
}

int vouch_merkle_inclusion_proof(vouch_mhash *proof, size_t *len_out, uint64_t index, uint64_t size,
                                 vouch_merkle_leaf_fn leaf, void *ctx, vouch_error *err)
{
    source src = {leaf, ctx};
    *len_out = 0;
    if (index >= size)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "no inclusion proof for index %llu in a tree of size %llu",
                               (unsigned long long)index, (unsigned long long)size);
    int rc = path(&src, index, 0, size, proof, len_out, err);
    if (rc)
        *len_out = 0;
    return rc;
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[begin:end], b). */
static int subproof(const source *src, uint64_t m, uint64_t begin, uint64_t end, int b,
                    vouch_mhash *proof, size_t *len, vouch_error *err)
{
    vouch_mhash h;
    int rc;
    uint64_t n = end - begin;
    if (m == n) {
        if (b)
            return 0;
        if ((rc = range_hash(src, begin, end, &h, err)) != 0)
            return rc;
        return push(proof, len, &h, err);
    }
    uint64_t k = split_point(n);
    if (m <= k) {
        if ((rc = subproof(src, m, begin, begin + k, b, proof, len, err)) != 0 ||
            (rc = range_hash(src, begin + k, end, &h, err)) != 0)
            return rc;
    } else {
        if ((rc = subproof(src, m - k, begin + k, end, 0, proof, len, err)) != 0 ||
            (rc = range_hash(src, begin, begin + k, &h, err)) != 0)
            return rc;
    }
    return push(proof, len, &h, err);
}

int vouch_merkle_consistency_proof(vouch_mhash *proof, size_t *len_out, uint64_t from, uint64_t to,
                                   vouch_merkle_leaf_fn leaf, void *ctx, vouch_error *err)
{
    source src = {leaf, ctx};
    *len_out = 0;
    if (from == 0 || from > to)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "no consistency proof from size %llu to size %llu",
                               (unsigned long long)from, (unsigned long long)to);
    if (from == to)
        return 0;
    int rc = subproof(&src, from, 0, to, 1, proof, len_out, err);
    if (rc)
        *len_out = 0;
    return rc;
}
