/*
 * vouch/merkle.h - RFC 6962 / RFC 9162 Merkle tree hashing, tree heads and
 * inclusion and consistency proofs (generation and verification).
 *
 * Leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left ||
 * right), MTH of the empty tree = SHA-256("") (RFC 9162 2.1.1).
 *
 * Storage-independent: proof generation reads the hashes of complete
 * subtrees through a callback, so the audit log's store, a tile reader or
 * a test array can back it. Verification is the bit-walking algorithm of
 * RFC 9162 2.1.3.2 and 2.1.4.2 and needs only the proof and the roots: it
 * is the same code clients run.
 *
 * A verifier binds a tree size only through its root: always take (size,
 * root) together from one checkpoint. All functions are reentrant and keep
 * no global state; none takes ownership of a pointer it is given.
 */
#ifndef VOUCH_MERKLE_H
#define VOUCH_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"

#define VOUCH_MERKLE_HASH_LEN 32
/* Largest tree vouch builds or proves in: 2^63 leaves. Proofs in such a
 * tree have at most 63 (inclusion) or 64 (consistency) hashes. */
#define VOUCH_MERKLE_MAX_SIZE  ((uint64_t)1 << 63)
#define VOUCH_MERKLE_MAX_PROOF 64

/* A SHA-256 tree hash: a leaf hash, an interior node hash or a root. */
typedef struct vouch_mhash {
    unsigned char b[VOUCH_MERKLE_HASH_LEN];
} vouch_mhash;

/*
 * RFC 9162 2.1.1 leaf hash SHA-256(0x00 || data[0..len)) into *out. data
 * may be NULL when len is 0. Returns 0, VOUCH_EINVAL (NULL arguments) or
 * VOUCH_ENOMEM (long inputs use a streaming hasher, which allocates); on
 * failure *out is zeroed.
 */
VOUCH_EXTERN int vouch_merkle_leaf_hash(vouch_mhash *out, const void *data, size_t len,
                                        vouch_error *err);

/* RFC 9162 2.1.1 node hash SHA-256(0x01 || left || right) into *out (which
 * may alias left or right). Does not allocate. 0 or VOUCH_EINVAL. */
VOUCH_EXTERN int vouch_merkle_node_hash(vouch_mhash *out, const vouch_mhash *left,
                                        const vouch_mhash *right, vouch_error *err);

/*
 * MTH (tree head) of the n leaf hashes leaves[0..n) into *out: O(n) hashes,
 * O(log n) memory, no allocation. n == 0 gives SHA-256(""); leaves may then
 * be NULL. VOUCH_EINVAL for NULL arguments; *out zeroed on failure.
 */
VOUCH_EXTERN int vouch_merkle_root(vouch_mhash *out, const vouch_mhash *leaves, uint64_t n,
                                   vouch_error *err);

/*
 * An append-only frontier ("compact range" [0, size)): the roots of the
 * perfect subtrees covering the leaves so far, largest first, enough to
 * give the tree head after every append. Lives in the caller's storage
 * (about 2 KiB), needs no release and may be copied. Treat it as opaque.
 */
typedef struct vouch_merkle_frontier {
    uint64_t size;         /* leaves appended so far */
    vouch_mhash nodes[64]; /* nodes[h]: root of a 2^h subtree when bit h of size is set */
} vouch_merkle_frontier;

/* The frontier of the empty tree. */
VOUCH_EXTERN void vouch_merkle_frontier_init(vouch_merkle_frontier *f);

/*
 * Called once per complete subtree that an append completes, smallest
 * first: the new leaf itself (level 0), then each subtree it closes. The
 * subtree covers leaves [index << level, (index + 1) << level). `hash` is
 * borrowed for the call. Return 0 or a VOUCH_E* code, passed up unchanged.
 * A store can keep these to answer vouch_merkle_node_fn later.
 */
typedef int (*vouch_merkle_node_visit_fn)(void *ctx, unsigned level, uint64_t index,
                                          const vouch_mhash *hash, vouch_error *err);

/*
 * Append one leaf hash: O(log n) hashes on the worst append, O(1) amortized.
 * VOUCH_ETOOBIG once the tree holds VOUCH_MERKLE_MAX_SIZE leaves. On failure
 * *f is unchanged.
 */
VOUCH_EXTERN int vouch_merkle_frontier_append(vouch_merkle_frontier *f, const vouch_mhash *leaf,
                                              vouch_error *err);

/* As vouch_merkle_frontier_append() and reports each completed subtree to
 * visit (NULL: none). When visit fails, *f is unchanged and its code is
 * returned; subtrees reported before the failure were still reported. */
VOUCH_EXTERN int vouch_merkle_frontier_append_visit(vouch_merkle_frontier *f,
                                                    const vouch_mhash *leaf,
                                                    vouch_merkle_node_visit_fn visit, void *ctx,
                                                    vouch_error *err);

/* Tree head of the leaves appended so far into *out (SHA-256("") for none).
 * VOUCH_EINVAL for a frontier whose size is over the limit (not made by
 * these functions); *out zeroed on failure. */
VOUCH_EXTERN int vouch_merkle_frontier_root(const vouch_merkle_frontier *f, vouch_mhash *out,
                                            vouch_error *err);

/*
 * Proof generation reads the tree through this callback: put into *out the
 * hash of the complete subtree of 2^level leaves [index << level,
 * (index + 1) << level); level 0 is the leaf hash of leaf `index`. The
 * generators ask only for subtrees inside the tree they prove in. Return 0
 * or a VOUCH_E* code (VOUCH_ENOTFOUND, VOUCH_ESTORE, ...), passed up
 * unchanged with err as the callback left it.
 */
typedef int (*vouch_merkle_node_fn)(void *ctx, unsigned level, uint64_t index, vouch_mhash *out,
                                    vouch_error *err);

/*
 * The frontier of the first `size` leaves of the tree behind `node`, read
 * with one call per set bit of size (e.g. to continue appending to a
 * stored log). VOUCH_EINVAL when size > VOUCH_MERKLE_MAX_SIZE. On failure
 * *out is the empty frontier.
 */
VOUCH_EXTERN int vouch_merkle_frontier_load(vouch_merkle_frontier *out, uint64_t size,
                                            vouch_merkle_node_fn node, void *ctx, vouch_error *err);

/*
 * RFC 9162 2.1.3.1 PATH(index, D[size]) into proof[0..*len_out), deepest
 * sibling first; `proof` has room for VOUCH_MERKLE_MAX_PROOF hashes. At most
 * 2 * log2(size) callbacks and log2(size) hashes. VOUCH_EINVAL when index
 * >= size or size > VOUCH_MERKLE_MAX_SIZE; the callback's code when it
 * fails. On failure *len_out is 0 and proof[] zeroed.
 */
VOUCH_EXTERN int vouch_merkle_inclusion_proof(vouch_mhash *proof, size_t *len_out, uint64_t index,
                                              uint64_t size, vouch_merkle_node_fn node, void *ctx,
                                              vouch_error *err);

/*
 * RFC 9162 2.1.4.1 PROOF(from, D[to]) into proof[0..*len_out) (room for
 * VOUCH_MERKLE_MAX_PROOF). from == to gives the empty proof. VOUCH_EINVAL
 * unless 0 < from <= to <= VOUCH_MERKLE_MAX_SIZE: consistency with the
 * empty tree is not defined. At most len + log2(to) callbacks. Failure as
 * for the inclusion proof.
 */
VOUCH_EXTERN int vouch_merkle_consistency_proof(vouch_mhash *proof, size_t *len_out, uint64_t from,
                                                uint64_t to, vouch_merkle_node_fn node, void *ctx,
                                                vouch_error *err);

/*
 * RFC 9162 2.1.3.2: 0 when proof[0..len) shows leaf `index` with leaf hash
 * `leaf` in the tree of `size` leaves whose root is `root`. VOUCH_EVERIFY
 * saying what disagrees: index >= size, a proof too long or too short for
 * (index, size), or a computed root that is not `root`.
 */
VOUCH_EXTERN int vouch_merkle_verify_inclusion(const vouch_mhash *leaf, uint64_t index,
                                               uint64_t size, const vouch_mhash *proof, size_t len,
                                               const vouch_mhash *root, vouch_error *err);

/*
 * RFC 9162 2.1.4.2: 0 when proof[0..len) shows the tree of `from` leaves
 * (root_from) is a prefix of the tree of `to` leaves (root_to); from == to
 * needs an empty proof and equal roots. VOUCH_EVERIFY saying what
 * disagrees (proof length, old root, new root); VOUCH_EINVAL for from == 0
 * or from > to.
 */
VOUCH_EXTERN int vouch_merkle_verify_consistency(uint64_t from, uint64_t to,
                                                 const vouch_mhash *root_from,
                                                 const vouch_mhash *root_to,
                                                 const vouch_mhash *proof, size_t len,
                                                 vouch_error *err);

#endif
