/*
 * fuzz_merkle_proof.c - the proof verifiers on arbitrary sizes, indexes,
 * roots and proofs: they must never crash, read out of bounds or accept a
 * proof whose arithmetic does not fit the sizes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vouch/merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t a, b;
    vouch_mhash leaf, root, proof[VOUCH_MERKLE_MAX_PROOF + 2];
    if (size < 16 + 64)
        return 0;
    memcpy(&a, data, 8);
    memcpy(&b, data + 8, 8);
    /* Small sizes are where the bit walking has its edge cases. */
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
    (void)vouch_merkle_verify_inclusion(&leaf, a, b, proof, n, &root, NULL);
    (void)vouch_merkle_verify_consistency(a, b, &leaf, &root, proof, n, NULL);
    return 0;
}
