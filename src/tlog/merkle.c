/* merkle.c - RFC 6962 / RFC 9162 leaf and node hashes, tree heads and the append-only frontier. */
#include <inttypes.h>
#include <string.h>

#include "vouch/digest.h"
#include "vouch/hash.h"
#include "vouch/merkle.h"

/* RFC 9162 2.1.1: domain separation between leaves and interior nodes, so
 * that a leaf can never be passed off as a node (second preimages). */
#define LEAF_PREFIX 0x00
#define NODE_PREFIX 0x01

/* Leaves up to this size are hashed from one stack buffer in one call (an
 * audit event is ~230 bytes); longer ones stream through a hasher. */
#define LEAF_INLINE_MAX 1024

static int sha256(vouch_mhash *out, const void *data, size_t len, vouch_error *err)
{
    vouch_digest d;
    int rc = vouch_hash_bytes(&d, VOUCH_DIGEST_SHA256, data, len, err);
    if (rc == 0)
        memcpy(out->b, d.bytes, VOUCH_MERKLE_HASH_LEN);
    else
        memset(out, 0, sizeof(*out));
    return rc;
}

static int leaf_hash_stream(vouch_mhash *out, const void *data, size_t len, vouch_error *err)
{
    vouch_hasher *h = NULL;
    vouch_digest d;
    const unsigned char prefix = LEAF_PREFIX;
    int rc = vouch_hasher_new(&h, VOUCH_DIGEST_SHA256, err);
    if (rc == 0)
        rc = vouch_hasher_update(h, &prefix, 1, err);
    if (rc == 0)
        rc = vouch_hasher_update(h, data, len, err);
    if (rc == 0)
        rc = vouch_hasher_final(h, &d, err);
    vouch_hasher_free(h);
    if (rc == 0)
        memcpy(out->b, d.bytes, VOUCH_MERKLE_HASH_LEN);
    else
        memset(out, 0, sizeof(*out));
    return rc;
}

int vouch_merkle_leaf_hash(vouch_mhash *out, const void *data, size_t len, vouch_error *err)
{
    unsigned char buf[1 + LEAF_INLINE_MAX];
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash merkle leaf: no output given");
    if (!data && len > 0) {
        memset(out, 0, sizeof(*out));
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash merkle leaf: no data given");
    }
    if (len > LEAF_INLINE_MAX)
        return leaf_hash_stream(out, data, len, err);
    buf[0] = LEAF_PREFIX; /* RFC 9162 2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)) */
    if (len)
        memcpy(buf + 1, data, len);
    return sha256(out, buf, 1 + len, err);
}

int vouch_merkle_node_hash(vouch_mhash *out, const vouch_mhash *left, const vouch_mhash *right,
                           vouch_error *err)
{
    unsigned char buf[1 + 2 * VOUCH_MERKLE_HASH_LEN];
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash merkle node: no output given");
    if (!left || !right) {
        memset(out, 0, sizeof(*out));
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash merkle node: no child given");
    }
    /* RFC 9162 2.1.1: HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])). Copied
     * first, so out may alias left or right. */
    buf[0] = NODE_PREFIX;
    memcpy(buf + 1, left->b, VOUCH_MERKLE_HASH_LEN);
    memcpy(buf + 1 + VOUCH_MERKLE_HASH_LEN, right->b, VOUCH_MERKLE_HASH_LEN);
    return sha256(out, buf, sizeof(buf), err);
}

void vouch_merkle_frontier_init(vouch_merkle_frontier *f)
{
    if (f)
        memset(f, 0, sizeof(*f));
}

int vouch_merkle_frontier_append_visit(vouch_merkle_frontier *f, const vouch_mhash *leaf,
                                       vouch_merkle_node_visit_fn visit, void *ctx,
                                       vouch_error *err)
{
    if (!f || !leaf)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot append to merkle tree: no %s given",
                               f ? "leaf hash" : "frontier");
    uint64_t index = f->size; /* of the new leaf */
    if (index >= VOUCH_MERKLE_MAX_SIZE)
        return vouch_error_set(err, VOUCH_ETOOBIG,
                               "cannot append to merkle tree: it holds %" PRIu64 " leaves already",
                               index);
    vouch_mhash carry = *leaf;
    unsigned h = 0;
    int rc = visit ? visit(ctx, 0, index, &carry, err) : 0;
    /* Like a binary increment: each set low bit of the size is a subtree of
     * the same height that the carry completes into one twice as large.
     * Nothing is stored until the end, so a failure leaves *f unchanged. */
    while (rc == 0 && (index & ((uint64_t)1 << h))) {
        rc = vouch_merkle_node_hash(&carry, &f->nodes[h], &carry, err);
        h++;
        if (rc == 0 && visit)
            rc = visit(ctx, h, index >> h, &carry, err);
    }
    if (rc)
        return rc;
    f->nodes[h] = carry;
    f->size = index + 1;
    return 0;
}

int vouch_merkle_frontier_append(vouch_merkle_frontier *f, const vouch_mhash *leaf,
                                 vouch_error *err)
{
    return vouch_merkle_frontier_append_visit(f, leaf, NULL, NULL, err);
}

int vouch_merkle_frontier_root(const vouch_merkle_frontier *f, vouch_mhash *out, vouch_error *err)
{
    int have = 0;
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot compute merkle root: no output given");
    if (!f || f->size > VOUCH_MERKLE_MAX_SIZE) {
        memset(out, 0, sizeof(*out));
        return vouch_error_set(err, VOUCH_EINVAL, "cannot compute merkle root: %s",
                               f ? "frontier size over the limit" : "no frontier given");
    }
    if (f->size == 0)
        return sha256(out, "", 0, err); /* RFC 9162 2.1.1: MTH({}) = HASH() */
    /* The subtrees, right to left, are the right operands of a chain of
     * node hashes (RFC 9162 2.1.1 with k the largest power of two < n). */
    for (unsigned h = 0; h < 64; h++) {
        if (!(f->size & ((uint64_t)1 << h)))
            continue;
        if (!have) {
            *out = f->nodes[h];
            have = 1;
            continue;
        }
        int rc = vouch_merkle_node_hash(out, &f->nodes[h], out, err);
        if (rc) {
            memset(out, 0, sizeof(*out));
            return rc;
        }
    }
    return 0;
}

int vouch_merkle_root(vouch_mhash *out, const vouch_mhash *leaves, uint64_t n, vouch_error *err)
{
    vouch_merkle_frontier f;
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot compute merkle root: no output given");
    if (!leaves && n > 0) {
        memset(out, 0, sizeof(*out));
        return vouch_error_set(err, VOUCH_EINVAL, "cannot compute merkle root: no leaves given");
    }
    vouch_merkle_frontier_init(&f);
    for (uint64_t i = 0; i < n; i++) {
        int rc = vouch_merkle_frontier_append(&f, &leaves[i], err);
        if (rc) {
            memset(out, 0, sizeof(*out));
            return rc;
        }
    }
    return vouch_merkle_frontier_root(&f, out, err);
}
