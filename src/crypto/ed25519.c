/* ed25519.c - Ed25519 on raw keys through OpenSSL 3's EVP_PKEY interface. */
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "vouch/ed25519.h"
#include "vouch/random.h"

int vouch_ed25519_generate(unsigned char seed[VOUCH_ED25519_SEED_LEN],
                           unsigned char pub[VOUCH_ED25519_PUB_LEN], vouch_error *err)
{
    int rc = vouch_random_bytes(seed, VOUCH_ED25519_SEED_LEN, err);
    if (rc == 0)
        rc = vouch_ed25519_public(pub, seed, err);
    if (rc)
        OPENSSL_cleanse(seed, VOUCH_ED25519_SEED_LEN);
    return rc;
}

int vouch_ed25519_public(unsigned char pub[VOUCH_ED25519_PUB_LEN],
                         const unsigned char seed[VOUCH_ED25519_SEED_LEN], vouch_error *err)
{
    size_t len = VOUCH_ED25519_PUB_LEN;
    EVP_PKEY *k =
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, VOUCH_ED25519_SEED_LEN);
    int ok = k && EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == VOUCH_ED25519_PUB_LEN;
    EVP_PKEY_free(k);
    return ok ? 0 : vouch_error_set(err, VOUCH_EINTERNAL, "cannot derive an ed25519 public key");
}

int vouch_ed25519_sign(unsigned char sig[VOUCH_ED25519_SIG_LEN],
                       const unsigned char seed[VOUCH_ED25519_SEED_LEN], const void *msg,
                       size_t len, vouch_error *err)
{
    size_t siglen = VOUCH_ED25519_SIG_LEN;
    EVP_PKEY *k =
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, VOUCH_ED25519_SEED_LEN);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    /* Ed25519 is one-shot (RFC 8032 PureEdDSA): no digest, no update. */
    int ok = k && ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 && siglen == VOUCH_ED25519_SIG_LEN;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return ok ? 0 : vouch_error_set(err, VOUCH_EINTERNAL, "cannot sign with ed25519");
}

int vouch_ed25519_verify(const unsigned char pub[VOUCH_ED25519_PUB_LEN], const void *msg,
                         size_t len, const unsigned char sig[VOUCH_ED25519_SIG_LEN],
                         vouch_error *err)
{
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, VOUCH_ED25519_PUB_LEN);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = VOUCH_EVERIFY;
    if (!k || !ctx)
        rc = VOUCH_ENOMEM;
    else if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestVerify(ctx, sig, VOUCH_ED25519_SIG_LEN, msg, len) == 1)
        rc = 0;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    if (rc == VOUCH_ENOMEM)
        return vouch_error_set(err, rc, "out of memory verifying an ed25519 signature");
    if (rc)
        return vouch_error_set(err, rc, "ed25519 signature does not verify");
    return 0;
}
