/* base64.c - strict standard base64 (RFC 4648 section 4). */
#include <string.h>

#include "vouch/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int vouch_base64_encode(vouch_buf *out, const void *data, size_t len)
{
    const unsigned char *p = data;
    char q[4];
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        q[0] = alphabet[v >> 18 & 63];
        q[1] = alphabet[v >> 12 & 63];
        q[2] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        q[3] = i + 2 < len ? alphabet[v & 63] : '=';
        vouch_buf_append(out, q, 4);
    }
    return out->failed;
}

static int value(char c)
{
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

int vouch_base64_decode(unsigned char *out, size_t out_cap, size_t *out_len, const char *s,
                        size_t len, vouch_error *err)
{
    size_t n = 0;
    *out_len = 0;
    if (len % 4 != 0)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "invalid base64: length %zu is not a multiple "
                               "of 4",
                               len);
    for (size_t i = 0; i < len; i += 4) {
        int v[4], pad = 0;
        for (int j = 0; j < 4; j++) {
            if (s[i + (size_t)j] == '=' && i + 4 == len && j >= 2) {
                v[j] = 0;
                pad++;
                continue;
            }
            if (pad || (v[j] = value(s[i + (size_t)j])) < 0)
                return vouch_error_set(err, VOUCH_EINVAL, "invalid base64 at offset %zu",
                                       i + (size_t)j);
        }
        unsigned w =
            (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
        /* Bits that padding drops must be zero: one encoding per value. */
        if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
            return vouch_error_set(err, VOUCH_EINVAL, "invalid base64: non-canonical padding");
        size_t k = 3 - (size_t)pad;
        if (n + k > out_cap)
            return vouch_error_set(err, VOUCH_ETOOBIG, "base64 value longer than %zu bytes",
                                   out_cap);
        unsigned char b[3] = {(unsigned char)(w >> 16), (unsigned char)(w >> 8), (unsigned char)w};
        memcpy(out + n, b, k);
        n += k;
    }
    *out_len = n;
    return 0;
}
