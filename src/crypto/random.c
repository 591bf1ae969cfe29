/* random.c - random bytes from the kernel CSPRNG (getrandom) and version 4 UUIDs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "vouch/random.h"

int vouch_random_bytes(void *buf, size_t n, vouch_error *err)
{
    unsigned char *p = buf;
    size_t done = 0;

    if (!buf && n > 0)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot get random bytes: no buffer given");
    /* getrandom(2) may return fewer bytes than asked for requests over
     * 256 bytes when interrupted, and at most 32 MiB - 1 per call. Flags 0:
     * block only until the pool is initialized once after boot. */
    while (done < n) {
        ssize_t got = getrandom(p + done, n - done, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            char text[128];
            int e = got < 0 ? errno : EIO;
            if (strerror_r(e, text, sizeof(text)) != 0)
                (void)snprintf(text, sizeof(text), "error %d", e);
            if (text[0] >= 'A' && text[0] <= 'Z') /* messages are lowercase */
                text[0] = (char)(text[0] - 'A' + 'a');
            memset(buf, 0, n);
            return vouch_error_set(err, VOUCH_EIO, "cannot get random bytes: getrandom: %s", text);
        }
        done += (size_t)got;
    }
    return 0;
}

int vouch_random_uuid(char out[37], vouch_error *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    size_t o = 0;
    int rc;

    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot make uuid: no output given");
    out[0] = '\0';
    rc = vouch_random_bytes(b, sizeof(b), err);
    if (rc != 0)
        return rc;
    /* RFC 4122 4.4 (RFC 9562 5.4): version 4 in the high nibble of octet 6,
     * variant 10x in the high bits of octet 8. */
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    for (size_t i = 0; i < sizeof(b); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0f];
    }
    out[o] = '\0';
    return 0;
}
