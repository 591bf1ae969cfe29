/* merkle_proof.c - RFC 9162 inclusion and consistency proof generation over a subtree-hash
 * callback. */
#include <inttypes.h>
#include <string.h>

#include "vouch/merkle.h"

typedef struct tree {
    vouch_merkle_node_fn node;
    void *ctx;
} tree;

/* floor(log2(v)) for v >= 1. */
static unsigned floor_log2(uint64_t v)
{
    unsigned r = 0;
    while (v >>= 1)
        r++;
    return r;
}

/* RFC 9162 2.1.1: k, the largest power of two smaller than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    return (uint64_t)1 << floor_log2(n - 1);
}

static int get_node(const tree *t, unsigned level, uint64_t index, vouch_mhash *out,
                    vouch_error *err)
{
    int rc = t->node(t->ctx, level, index, out, err);
    if (rc > 0) /* the contract is 0 or a negative code: do not pass up a "success" */
        return vouch_error_set(err, VOUCH_EINTERNAL,
                               "merkle node callback returned %d for level %u index %" PRIu64, rc,
                               level, index);
    return rc;
}

/*
 * MTH(D[begin:end]) from the fewest complete subtrees. Every range that
 * PATH and SUBPROOF visit starts at a multiple of a power of two at least
 * as large as the range (the root range starts at 0, and they split at the
 * largest power of two below the size), so the greedy split into
 * decreasing powers of two is MTH's own split and the subtrees fold right
 * to left. Anything else is a bug here.
 */
static int range_hash(const tree *t, uint64_t begin, uint64_t end, vouch_mhash *out,
                      vouch_error *err)
{
    vouch_mhash parts[64];
    size_t n = 0;
    int rc;
    while (begin < end) {
        unsigned level = floor_log2(end - begin);
        if (begin & (((uint64_t)1 << level) - 1) || n == 64)
            return vouch_error_set(err, VOUCH_EINTERNAL,
                                   "merkle range [%" PRIu64 ", %" PRIu64 ") is not aligned", begin,
                                   end);
        if ((rc = get_node(t, level, begin >> level, &parts[n++], err)) != 0)
            return rc;
        begin += (uint64_t)1 << level;
    }
    if (n == 0)
        return vouch_error_set(err, VOUCH_EINTERNAL, "merkle range is empty");
    *out = parts[n - 1];
    while (n-- > 1)
        if ((rc = vouch_merkle_node_hash(out, &parts[n - 1], out, err)) != 0)
            return rc;
    return 0;
}

/* Both algorithms find the siblings from the root down; the proof lists
 * them from the leaf up. */
static void reverse_into(vouch_mhash *proof, const vouch_mhash *top_down, size_t len)
{
    for (size_t i = 0; i < len; i++)
        proof[i] = top_down[len - 1 - i];
}

static int check_args(const vouch_mhash *proof, size_t *len_out, vouch_merkle_node_fn node,
                      const char *what, vouch_error *err)
{
    if (len_out)
        *len_out = 0;
    if (!proof || !len_out || !node)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot make %s proof: no %s given", what,
                               !proof     ? "proof buffer"
                               : !len_out ? "length output"
                                          : "callback");
    return 0;
}

static int fail(vouch_mhash *proof, int rc)
{
    memset(proof, 0, sizeof(*proof) * VOUCH_MERKLE_MAX_PROOF);
    return rc;
}

int vouch_merkle_inclusion_proof(vouch_mhash *proof, size_t *len_out, uint64_t index, uint64_t size,
                                 vouch_merkle_node_fn node, void *ctx, vouch_error *err)
{
    tree t = {node, ctx};
    vouch_mhash found[VOUCH_MERKLE_MAX_PROOF];
    size_t len = 0;
    int rc = check_args(proof, len_out, node, "inclusion", err);
    if (rc)
        return rc;
    if (index >= size || size > VOUCH_MERKLE_MAX_SIZE)
        return fail(proof, vouch_error_set(err, VOUCH_EINVAL,
                                           "cannot make inclusion proof: index %" PRIu64
                                           " is not in a tree of size %" PRIu64,
                                           index, size));
    /* RFC 9162 2.1.3.1: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when
     * m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]); PATH(0, {d}) = {}. */
    uint64_t begin = 0, end = size;
    while (end - begin > 1) {
        uint64_t k = split_point(end - begin);
        if (len == VOUCH_MERKLE_MAX_PROOF)
            return fail(proof, vouch_error_set(err, VOUCH_EINTERNAL, "inclusion proof too long"));
        if (index < begin + k) {
            rc = range_hash(&t, begin + k, end, &found[len++], err);
            end = begin + k;
        } else {
            rc = range_hash(&t, begin, begin + k, &found[len++], err);
            begin += k;
        }
        if (rc)
            return fail(proof, rc);
    }
    reverse_into(proof, found, len);
    *len_out = len;
    return 0;
}

int vouch_merkle_consistency_proof(vouch_mhash *proof, size_t *len_out, uint64_t from, uint64_t to,
                                   vouch_merkle_node_fn node, void *ctx, vouch_error *err)
{
    tree t = {node, ctx};
    vouch_mhash found[VOUCH_MERKLE_MAX_PROOF];
    size_t len = 0;
    int rc = check_args(proof, len_out, node, "consistency", err);
    if (rc)
        return rc;
    if (from == 0 || from > to || to > VOUCH_MERKLE_MAX_SIZE)
        return fail(proof, vouch_error_set(err, VOUCH_EINVAL,
                                           "cannot make consistency proof from size %" PRIu64
                                           " to size %" PRIu64 ": sizes must be 0 < old <= new",
                                           from, to));
    /* RFC 9162 2.1.4.1: PROOF(m, D[n]) = SUBPROOF(m, D[n], true), with
     * SUBPROOF(m, D[m], true) = {}, SUBPROOF(m, D[m], false) = {MTH(D[m])},
     * and for m < n: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) when m <= k, else
     * SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]). Here the old tree
     * always ends at `from` and the current range is D[begin:end]. */
    uint64_t begin = 0, end = to;
    int whole = 1; /* b: the range is still the old tree's root */
    while (from != end) {
        uint64_t k = split_point(end - begin);
        if (len == VOUCH_MERKLE_MAX_PROOF)
            return fail(proof, vouch_error_set(err, VOUCH_EINTERNAL, "consistency proof too long"));
        if (from - begin <= k) {
            rc = range_hash(&t, begin + k, end, &found[len++], err);
            end = begin + k;
        } else {
            rc = range_hash(&t, begin, begin + k, &found[len++], err);
            begin += k;
            whole = 0;
        }
        if (rc)
            return fail(proof, rc);
    }
    if (!whole) {
        if (len == VOUCH_MERKLE_MAX_PROOF)
            return fail(proof, vouch_error_set(err, VOUCH_EINTERNAL, "consistency proof too long"));
        if ((rc = range_hash(&t, begin, end, &found[len++], err)) != 0)
            return fail(proof, rc);
    }
    reverse_into(proof, found, len);
    *len_out = len;
    return 0;
}

int vouch_merkle_frontier_load(vouch_merkle_frontier *out, uint64_t size, vouch_merkle_node_fn node,
                               void *ctx, vouch_error *err)
{
    tree t = {node, ctx};
    uint64_t offset = 0;
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot load merkle frontier: no output given");
    vouch_merkle_frontier_init(out);
    if (!node || size > VOUCH_MERKLE_MAX_SIZE)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "cannot load merkle frontier of size %" PRIu64 ": %s", size,
                               node ? "over the limit" : "no callback given");
    /* The set bits of size, largest first, are the perfect subtrees of the
     * compact range [0, size), left to right. */
    for (unsigned h = 64; h-- > 0;) {
        if (!(size & ((uint64_t)1 << h)))
            continue;
        int rc = get_node(&t, h, offset >> h, &out->nodes[h], err);
        if (rc) {
            vouch_merkle_frontier_init(out);
            return rc;
        }
        offset += (uint64_t)1 << h;
    }
    out->size = size;
    return 0;
}
