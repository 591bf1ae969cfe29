/*
 * vouch/merkle.h - RFC 6962 / RFC 9162 Merkle tree hashing and proofs.
 *
 * Leaf hash = SHA-256(0x00 || data), node hash = SHA-256(0x01 || left ||
 * right), MTH of the empty tree = SHA-256(""). Storage-independent: proof
 * generation reads leaf hashes through a callback, so the audit log, a
 * tile reader or a test array can back it. Verification is the bit-walking
 * algorithm of RFC 9162 2.1.3.2 and 2.1.4.2, the same code clients use.
 * All functions are pure and thread-safe.
 */
#ifndef VOUCH_MERKLE_H
#define VOUCH_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"

#define VOUCH_MERKLE_HASH_LEN 32
/* Proofs in a tree of at most 2^63 leaves have at most 64 hashes. */
#define VOUCH_MERKLE_MAX_PROOF 64

typedef struct vouch_mhash {
    unsigned char b[VOUCH_MERKLE_HASH_LEN];
} vouch_mhash;

VOUCH_EXTERN int vouch_merkle_leaf_hash(vouch_mhash *out, const void *data, size_t len,
                                        vouch_error *err);
VOUCH_EXTERN int vouch_merkle_node_hash(vouch_mhash *out, const vouch_mhash *left,
                                        const vouch_mhash *right, vouch_error *err);

/* MTH of the n leaf hashes leaves[0..n): O(n) time, O(log n) memory. */
VOUCH_EXTERN int vouch_merkle_root(vouch_mhash *out, const vouch_mhash *leaves, uint64_t n,
                                   vouch_error *err);

/*
 * An append-only frontier ("compact range"): the roots of the perfect
 * subtrees covering the leaves so far, enough to give the tree head after
 * every append in O(log n). Caller's storage; no allocation.
 */
typedef struct vouch_merkle_frontier {
    uint64_t size;
    vouch_mhash nodes[64]; /* nodes[h]: root of a 2^h subtree when bit h of size is set */
} vouch_merkle_frontier;

VOUCH_EXTERN void vouch_merkle_frontier_init(vouch_merkle_frontier *f);
VOUCH_EXTERN int vouch_merkle_frontier_append(vouch_merkle_frontier *f, const vouch_mhash *leaf,
                                              vouch_error *err);
VOUCH_EXTERN int vouch_merkle_frontier_root(const vouch_merkle_frontier *f, vouch_mhash *out,
                                            vouch_error *err);

/* Hash of leaf `index`; return 0 or a VOUCH_E* code (passed up unchanged). */
typedef int (*vouch_merkle_leaf_fn)(void *ctx, uint64_t index, vouch_mhash *out, vouch_error *err);

/*
 * RFC 9162 2.1.3.1 PATH(index, D[size]) into proof[0..*len_out) (room for
 * VOUCH_MERKLE_MAX_PROOF). VOUCH_EINVAL when index >= size.
 */
VOUCH_EXTERN int vouch_merkle_inclusion_proof(vouch_mhash *proof, size_t *len_out, uint64_t index,
                                              uint64_t size, vouch_merkle_leaf_fn leaf, void *ctx,
                                              vouch_error *err);

/* RFC 9162 2.1.4.1 PROOF(from, D[to]); VOUCH_EINVAL unless 0 < from <= to. */
VOUCH_EXTERN int vouch_merkle_consistency_proof(vouch_mhash *proof, size_t *len_out, uint64_t from,
                                                uint64_t to, vouch_merkle_leaf_fn leaf, void *ctx,
                                                vouch_error *err);

/* 0 when `proof` shows leaf `index` with hash `leaf` in the tree of `size`
 * leaves whose root is `root`; VOUCH_EVERIFY saying what disagrees. */
VOUCH_EXTERN int vouch_merkle_verify_inclusion(const vouch_mhash *leaf, uint64_t index,
                                               uint64_t size, const vouch_mhash *proof, size_t len,
                                               const vouch_mhash *root, vouch_error *err);

/* 0 when `proof` shows the tree of `from` leaves (root_from) is a prefix of
 * the tree of `to` leaves (root_to); VOUCH_EVERIFY otherwise, VOUCH_EINVAL
 * for from == 0 or from > to. */
VOUCH_EXTERN int vouch_merkle_verify_consistency(uint64_t from, uint64_t to,
                                                 const vouch_mhash *root_from,
                                                 const vouch_mhash *root_to,
                                                 const vouch_mhash *proof, size_t len,
                                                 vouch_error *err);

#endif
