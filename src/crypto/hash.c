/* hash.c - SHA-256/SHA-512 of bytes, fds, files and URLs in constant memory (OpenSSL EVP). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vouch/alloc.h"
#include "vouch/hash.h"

/* Read size per read(2): large enough to amortize the syscall, small enough
 * that hashing a 50 GiB file costs no more memory than hashing 50 bytes. */
#define HASH_CHUNK ((size_t)64 * 1024)

struct vouch_hasher {
    EVP_MD_CTX *ctx;
    vouch_digest_alg alg;
    int finished;
};

/* The EVP_MD for alg and its output size; NULL for an unknown algorithm.
 * EVP_sha256()/EVP_sha512() return static objects that need no freeing,
 * unlike EVP_MD_fetch(), and resolve to the default provider. */
static const EVP_MD *md_for(vouch_digest_alg alg, size_t *len)
{
    switch (alg) {
    case VOUCH_DIGEST_SHA256:
        *len = 32;
        return EVP_sha256();
    case VOUCH_DIGEST_SHA512:
        *len = 64;
        return EVP_sha512();
    }
    *len = 0;
    return NULL;
}

static int bad_alg(vouch_error *err, vouch_digest_alg alg)
{
    return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: unsupported digest algorithm %d",
                           (int)alg);
}

int vouch_hasher_new(vouch_hasher **out, vouch_digest_alg alg, vouch_error *err)
{
    size_t len;
    const EVP_MD *md = md_for(alg, &len);

    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot create hasher: no output given");
    *out = NULL;
    if (!md)
        return bad_alg(err, alg);

    vouch_hasher *h = vouch_malloc(sizeof(*h));
    if (!h)
        return vouch_error_set(err, VOUCH_ENOMEM, "cannot create hasher: out of memory");
    h->alg = alg;
    h->finished = 0;
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx) {
        vouch_free(h);
        return vouch_error_set(err, VOUCH_ENOMEM, "cannot create hasher: out of memory");
    }
    if (EVP_DigestInit_ex(h->ctx, md, NULL) != 1) {
        vouch_hasher_free(h);
        return vouch_error_set(err, VOUCH_EINTERNAL, "cannot create hasher: openssl init failed");
    }
    *out = h;
    return 0;
}

int vouch_hasher_update(vouch_hasher *h, const void *data, size_t len, vouch_error *err)
{
    if (!h || (!data && len > 0))
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: no hasher or no data");
    if (h->finished)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: hasher already finished");
    if (len == 0)
        return 0;
    if (EVP_DigestUpdate(h->ctx, data, len) != 1)
        return vouch_error_set(err, VOUCH_EINTERNAL, "cannot hash: openssl update failed");
    return 0;
}

int vouch_hasher_final(vouch_hasher *h, vouch_digest *out, vouch_error *err)
{
    unsigned int n = 0;

    if (out)
        memset(out, 0, sizeof(*out));
    if (!h || !out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot finish hash: no hasher or no output");
    if (h->finished)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot finish hash: hasher already finished");
    h->finished = 1;
    if (EVP_DigestFinal_ex(h->ctx, out->bytes, &n) != 1 || n == 0 || n > VOUCH_DIGEST_MAX_BYTES) {
        memset(out, 0, sizeof(*out));
        return vouch_error_set(err, VOUCH_EINTERNAL, "cannot finish hash: openssl final failed");
    }
    out->alg = h->alg;
    out->len = n;
    return 0;
}

void vouch_hasher_free(vouch_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    vouch_free(h);
}

int vouch_hash_bytes(vouch_digest *out, vouch_digest_alg alg, const void *data, size_t len,
                     vouch_error *err)
{
    size_t dlen;
    unsigned int n = 0;
    const EVP_MD *md = md_for(alg, &dlen);
    static const unsigned char empty[1];

    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: no output given");
    memset(out, 0, sizeof(*out));
    if (!md)
        return bad_alg(err, alg);
    if (!data && len > 0)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: no data given");
    if (EVP_Digest(data ? data : empty, len, out->bytes, &n, md, NULL) != 1 || n != dlen) {
        memset(out, 0, sizeof(*out));
        return vouch_error_set(err, VOUCH_EINTERNAL, "cannot hash: openssl digest failed");
    }
    out->alg = alg;
    out->len = n;
    return 0;
}

/* strerror text with a lowercase first letter, as error messages are lowercase.
 * strerror_r is the XSI variant here (no _GNU_SOURCE): it fills buf. */
static const char *errno_text(int e, char *buf, size_t size)
{
    if (strerror_r(e, buf, size) != 0)
        (void)snprintf(buf, size, "error %d", e);
    if (buf[0] >= 'A' && buf[0] <= 'Z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static int read_error(vouch_error *err, const char *subject, int e)
{
    char text[128];

    return vouch_error_set(err, VOUCH_EIO, "cannot read '%s': %s", subject,
                           errno_text(e, text, sizeof(text)));
}

/*
 * Hash fd until EOF into out; subject names the input in messages. Reads
 * at most max_size + 1 bytes (0: unlimited), so an endless pipe is refused
 * after one byte over the limit rather than drained.
 */
static int hash_fd_named(vouch_digest *out, vouch_digest_alg alg, int fd, uint64_t max_size,
                         uint64_t *size_out, const char *subject, vouch_error *err)
{
    vouch_hasher *h = NULL;
    unsigned char *chunk = NULL;
    uint64_t total = 0;
    int rc = vouch_hasher_new(&h, alg, err);

    if (rc != 0)
        goto out;
    chunk = vouch_malloc(HASH_CHUNK);
    if (!chunk) {
        rc = vouch_error_set(err, VOUCH_ENOMEM, "cannot hash '%s': out of memory", subject);
        goto out;
    }
    for (;;) {
        size_t want = HASH_CHUNK;
        if (max_size > 0 && max_size - total < want) /* total <= max_size here */
            want = (size_t)(max_size - total) + 1;
        ssize_t n = read(fd, chunk, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = read_error(err, subject, errno);
            goto out;
        }
        if (n == 0)
            break;
        total += (uint64_t)n;
        if (max_size > 0 && total > max_size) {
            rc = vouch_error_set(err, VOUCH_ETOOBIG,
                                 "cannot hash '%s': larger than the limit of %" PRIu64 " bytes",
                                 subject, max_size);
            goto out;
        }
        rc = vouch_hasher_update(h, chunk, (size_t)n, err);
        if (rc != 0)
            goto out;
    }
    rc = vouch_hasher_final(h, out, err);
out:
    vouch_free(chunk);
    vouch_hasher_free(h);
    if (rc != 0)
        total = 0;
    if (size_out)
        *size_out = total;
    return rc;
}

int vouch_hash_fd(vouch_digest *out, vouch_digest_alg alg, int fd, uint64_t max_size,
                  uint64_t *size_out, vouch_error *err)
{
    char subject[32];

    if (size_out)
        *size_out = 0;
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: no output given");
    memset(out, 0, sizeof(*out));
    if (fd < 0)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: invalid file descriptor %d", fd);
    (void)snprintf(subject, sizeof(subject), "fd %d", fd);
    return hash_fd_named(out, alg, fd, max_size, size_out, subject, err);
}

/* Map a stat/open failure on path to the documented codes. */
static int open_error(vouch_error *err, const char *path, int e)
{
    if (e == ENOENT || e == ENOTDIR)
        return vouch_error_set(err, VOUCH_ENOTFOUND, "cannot read '%s': no such file", path);
    if (e == EACCES || e == EPERM)
        return vouch_error_set(err, VOUCH_EIO, "cannot read '%s': permission denied", path);
    return read_error(err, path, e);
}

/* Directories and devices are refused by kind: hashing /dev/zero would never
 * end and opening some devices (tapes, terminals) has side effects. */
static int check_kind(vouch_error *err, const char *path, mode_t mode)
{
    if (S_ISDIR(mode))
        return vouch_error_set(err, VOUCH_EIO, "cannot read '%s': is a directory", path);
    if (!S_ISREG(mode) && !S_ISFIFO(mode))
        return vouch_error_set(err, VOUCH_EIO, "cannot read '%s': not a regular file or fifo",
                               path);
    return 0;
}

/*
 * Checking the kind with stat() before open() keeps devices from being
 * opened at all; fstat() afterwards catches a path swapped in between.
 * Regular files are opened O_NONBLOCK so that such a swap to a FIFO cannot
 * hang the open; a FIFO the caller named is opened blocking, waiting for
 * its writer as `sha256sum fifo` would.
 */
static int open_checked(int *out_fd, const char *path, vouch_error *err)
{
    struct stat st;
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
    int rc, fd;

    *out_fd = -1;
    if (stat(path, &st) != 0)
        return open_error(err, path, errno);
    rc = check_kind(err, path, st.st_mode);
    if (rc != 0)
        return rc;
    if (S_ISREG(st.st_mode))
        flags |= O_NONBLOCK;
    do {
        fd = open(path, flags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return open_error(err, path, errno);
    if (fstat(fd, &st) != 0) {
        rc = read_error(err, path, errno);
        close(fd);
        return rc;
    }
    rc = check_kind(err, path, st.st_mode);
    if (rc != 0) {
        close(fd);
        return rc;
    }
    *out_fd = fd;
    return 0;
}

int vouch_hash_file(vouch_digest *out, vouch_digest_alg alg, const char *path, uint64_t max_size,
                    uint64_t *size_out, vouch_error *err)
{
    size_t dlen;
    int fd, rc;

    if (size_out)
        *size_out = 0;
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: no output given");
    memset(out, 0, sizeof(*out));
    if (!path || !path[0])
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: no file path given");
    if (!md_for(alg, &dlen))
        return bad_alg(err, alg);
    rc = open_checked(&fd, path, err);
    if (rc != 0)
        return rc;
    rc = hash_fd_named(out, alg, fd, max_size, size_out, path, err);
    close(fd);
    return rc;
}

struct url_hash {
    vouch_hasher *h;
    vouch_error *err;
};

/* Receives the body of vouch_hash_url() chunk by chunk. */
static int url_sink(const void *data, size_t len, void *ctx)
{
    struct url_hash *s = ctx;

    return vouch_hasher_update(s->h, data, len, s->err);
}

int vouch_hash_url(vouch_digest *out, vouch_digest_alg alg, const char *url,
                   const vouch_fetch_opts *opts, uint64_t *size_out, vouch_error *err)
{
    struct url_hash s = {NULL, err};
    uint64_t got = 0;
    int rc;

    if (size_out)
        *size_out = 0;
    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot hash: no output given");
    memset(out, 0, sizeof(*out));
    rc = vouch_hasher_new(&s.h, alg, err);
    if (rc != 0)
        return rc;
    rc = vouch_fetch(url, opts, url_sink, &s, &got, err);
    if (rc == 0)
        rc = vouch_hasher_final(s.h, out, err);
    vouch_hasher_free(s.h);
    if (rc == 0 && size_out)
        *size_out = got;
    return rc;
}
