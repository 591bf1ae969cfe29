/*
 * vouch/ed25519.h - Ed25519 (RFC 8032) on raw 32-byte keys, for signed
 * notes and checkpoints. PKCS#8/SPKI key files come with the key module.
 */
#ifndef VOUCH_ED25519_H
#define VOUCH_ED25519_H

#include <stddef.h>

#include "common.h"
#include "error.h"

#define VOUCH_ED25519_SEED_LEN 32
#define VOUCH_ED25519_PUB_LEN  32
#define VOUCH_ED25519_SIG_LEN  64

/* A new random private seed and its public key. The caller wipes the seed
 * when done with it. */
VOUCH_EXTERN int vouch_ed25519_generate(unsigned char seed[VOUCH_ED25519_SEED_LEN],
                                        unsigned char pub[VOUCH_ED25519_PUB_LEN], vouch_error *err);
VOUCH_EXTERN int vouch_ed25519_public(unsigned char pub[VOUCH_ED25519_PUB_LEN],
                                      const unsigned char seed[VOUCH_ED25519_SEED_LEN],
                                      vouch_error *err);
VOUCH_EXTERN int vouch_ed25519_sign(unsigned char sig[VOUCH_ED25519_SIG_LEN],
                                    const unsigned char seed[VOUCH_ED25519_SEED_LEN],
                                    const void *msg, size_t len, vouch_error *err);
/* 0 when sig is a valid signature of msg by pub, else VOUCH_EVERIFY. */
VOUCH_EXTERN int vouch_ed25519_verify(const unsigned char pub[VOUCH_ED25519_PUB_LEN],
                                      const void *msg, size_t len,
                                      const unsigned char sig[VOUCH_ED25519_SIG_LEN],
                                      vouch_error *err);

#endif
