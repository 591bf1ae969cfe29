/* test_hash.c - SHA-256/SHA-512 of bytes, streams, fds and files. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "vouch/alloc.h"
#include "vouch/hash.h"

#define SHA256_ABC       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA256_EMPTY     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA256_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
#define SHA512_ABC                                                                                 \
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"                             \
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
#define SHA512_EMPTY                                                                               \
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"                             \
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
#define SHA512_MILLION_A                                                                           \
    "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"                             \
    "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"

/* Lowercase hex of a digest's bytes (static buffer, one at a time). */
static const char *hex(const vouch_digest *d)
{
    static char out[2 * VOUCH_DIGEST_MAX_BYTES + 1];
    static const char digits[] = "0123456789abcdef";
    size_t n = d->len <= VOUCH_DIGEST_MAX_BYTES ? d->len : 0;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d->bytes[i] >> 4];
        out[2 * i + 1] = digits[d->bytes[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

static int is_zeroed(const vouch_digest *d)
{
    static const vouch_digest zero;
    return memcmp(d, &zero, sizeof(zero)) == 0;
}

static void fill_pattern(unsigned char *p, size_t n, size_t offset)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(((offset + i) * 2654435761u) >> 13);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void check_bytes(vouch_digest_alg alg, const char *s, const char *want)
{
    vouch_digest d;
    assert_int_equal(vouch_hash_bytes(&d, alg, s, strlen(s), NULL), 0);
    assert_int_equal(d.alg, alg);
    assert_int_equal(d.len, alg == VOUCH_DIGEST_SHA256 ? 32 : 64);
    assert_string_equal(hex(&d), want);
}

static void test_hash__known_answers(void **state)
{
    (void)state;
    check_bytes(VOUCH_DIGEST_SHA256, "abc", SHA256_ABC);
    check_bytes(VOUCH_DIGEST_SHA256, "", SHA256_EMPTY);
    check_bytes(VOUCH_DIGEST_SHA512, "abc", SHA512_ABC);
    check_bytes(VOUCH_DIGEST_SHA512, "", SHA512_EMPTY);
    vouch_digest d;
    assert_int_equal(vouch_hash_bytes(&d, VOUCH_DIGEST_SHA256, NULL, 0, NULL), 0);
    assert_string_equal(hex(&d), SHA256_EMPTY);
}

/* NIST FIPS 180-2 example: one million 'a', fed in uneven pieces. */
static void million_a(vouch_digest_alg alg, const char *want)
{
    static const size_t pieces[] = {1, 63, 64, 65, 1000, 4093, 65536};
    char a[65536];
    memset(a, 'a', sizeof(a));
    vouch_hasher *h = NULL;
    assert_int_equal(vouch_hasher_new(&h, alg, NULL), 0);
    size_t done = 0;
    for (size_t k = 0; done < 1000000; k++) {
        size_t n = pieces[k % 7];
        if (n > 1000000 - done)
            n = 1000000 - done;
        assert_int_equal(vouch_hasher_update(h, a, n, NULL), 0);
        done += n;
    }
    vouch_digest d;
    assert_int_equal(vouch_hasher_final(h, &d, NULL), 0);
    assert_string_equal(hex(&d), want);
    vouch_hasher_free(h);
}

static void test_hash__million_a_streaming(void **state)
{
    (void)state;
    million_a(VOUCH_DIGEST_SHA256, SHA256_MILLION_A);
    million_a(VOUCH_DIGEST_SHA512, SHA512_MILLION_A);
}

static void test_hash__hasher_misuse(void **state)
{
    (void)state;
    vouch_hasher *h = NULL;
    vouch_digest d;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_hasher_new(&h, (vouch_digest_alg)99, &err), VOUCH_EINVAL);
    assert_null(h);
    assert_int_equal(vouch_hash_bytes(&d, (vouch_digest_alg)0, "x", 1, NULL), VOUCH_EINVAL);
    assert_true(is_zeroed(&d));
    assert_int_equal(vouch_hash_bytes(&d, VOUCH_DIGEST_SHA256, NULL, 1, NULL), VOUCH_EINVAL);

    assert_int_equal(vouch_hasher_new(&h, VOUCH_DIGEST_SHA256, NULL), 0);
    assert_int_equal(vouch_hasher_update(h, NULL, 0, NULL), 0);
    assert_int_equal(vouch_hasher_update(h, NULL, 3, NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_hasher_update(h, "abc", 3, NULL), 0);
    assert_int_equal(vouch_hasher_final(h, &d, NULL), 0);
    assert_string_equal(hex(&d), SHA256_ABC);
    vouch_error_clear(&err);
    assert_int_equal(vouch_hasher_update(h, "x", 1, &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "already finished"));
    assert_int_equal(vouch_hasher_final(h, &d, NULL), VOUCH_EINVAL);
    assert_true(is_zeroed(&d));
    vouch_hasher_free(h);
    vouch_hasher_free(NULL);
}

static void test_hash__file_equals_bytes(void **state)
{
    (void)state;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof(path), "%s/blob", dir);
    /* sizes around the 64 KiB read chunk */
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 3 * 65536 + 17};
    unsigned char *data = malloc(3 * 65536 + 17);
    assert_non_null(data);
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        fill_pattern(data, sizes[k], 0);
        write_file(path, data, sizes[k]);
        for (int alg = VOUCH_DIGEST_SHA256; alg <= VOUCH_DIGEST_SHA512; alg++) {
            vouch_digest a, b;
            uint64_t size = 12345;
            assert_int_equal(vouch_hash_bytes(&a, (vouch_digest_alg)alg, data, sizes[k], NULL), 0);
            assert_int_equal(vouch_hash_file(&b, (vouch_digest_alg)alg, path, 0, &size, NULL), 0);
            assert_int_equal(size, sizes[k]);
            assert_true(vouch_digest_equal(&a, &b));
            assert_memory_equal(&a, &b, sizeof(a));
        }
    }
    free(data);
    tu_rmrf(dir);
}

/* A child writes n pattern bytes to fds[1] in small writes, then exits. */
static pid_t spawn_writer(const int fds[2], size_t n, unsigned delay_ms)
{
    int fd = fds[1];
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        unsigned char buf[1000];
        close(fds[0]); /* so that the writer sees EPIPE once the reader stops */
        if (delay_ms)
            usleep(delay_ms * 1000);
        for (size_t off = 0; off < n;) {
            size_t k = n - off < sizeof(buf) ? n - off : sizeof(buf);
            fill_pattern(buf, k, off);
            ssize_t w = write(fd, buf, k);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    return pid;
}

static void expected_pattern(vouch_digest *d, size_t n)
{
    unsigned char *p = malloc(n ? n : 1);
    assert_non_null(p);
    fill_pattern(p, n, 0);
    assert_int_equal(vouch_hash_bytes(d, VOUCH_DIGEST_SHA256, p, n, NULL), 0);
    free(p);
}

static void test_hash__pipe_fd(void **state)
{
    (void)state;
    int fds[2];
    const size_t n = 1000 * 1000 + 7;
    assert_int_equal(pipe(fds), 0);
    pid_t pid = spawn_writer(fds, n, 0);
    close(fds[1]);
    vouch_digest got, want;
    uint64_t size = 0;
    assert_int_equal(vouch_hash_fd(&got, VOUCH_DIGEST_SHA256, fds[0], 0, &size, NULL), 0);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(size, n);
    expected_pattern(&want, n);
    assert_memory_equal(&got, &want, sizeof(got));
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* read() interrupted by a signal handler without SA_RESTART is retried. */
static void test_hash__pipe_fd_retries_eintr(void **state)
{
    (void)state;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: read() fails with EINTR */
    assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = spawn_writer(fds, 5000, 300);
    close(fds[1]);
    struct itimerval it = {{0, 0}, {0, 50 * 1000}};
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    vouch_digest got, want;
    uint64_t size = 0;
    assert_int_equal(vouch_hash_fd(&got, VOUCH_DIGEST_SHA256, fds[0], 0, &size, NULL), 0);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    sigaction(SIGALRM, &old, NULL);
    assert_int_equal(size, 5000);
    expected_pattern(&want, 5000);
    assert_memory_equal(&got, &want, sizeof(got));
}

static void test_hash__pipe_over_limit(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = spawn_writer(fds, 1 << 20, 0);
    close(fds[1]);
    vouch_digest d;
    uint64_t size = 99;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_hash_fd(&d, VOUCH_DIGEST_SHA256, fds[0], 100000, &size, &err),
                     VOUCH_ETOOBIG);
    close(fds[0]); /* the writer dies of SIGPIPE or fails its write */
    waitpid(pid, NULL, 0);
    assert_true(is_zeroed(&d));
    assert_int_equal(size, 0);
    char want[64];
    snprintf(want, sizeof(want), "cannot hash 'fd %d': larger than the limit of 100000 bytes",
             fds[0]);
    assert_string_equal(err.message, want);
    assert_int_equal(vouch_hash_fd(&d, VOUCH_DIGEST_SHA256, -1, 0, NULL, NULL), VOUCH_EINVAL);
}

static void test_hash__file_size_limit(void **state)
{
    (void)state;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char path[512], want[700];
    snprintf(path, sizeof(path), "%s/thousand", dir);
    unsigned char data[1000];
    fill_pattern(data, sizeof(data), 0);
    write_file(path, data, sizeof(data));
    vouch_digest d;
    uint64_t size = 0;
    assert_int_equal(vouch_hash_file(&d, VOUCH_DIGEST_SHA256, path, 1000, &size, NULL), 0);
    assert_int_equal(size, 1000);
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_hash_file(&d, VOUCH_DIGEST_SHA256, path, 999, &size, &err),
                     VOUCH_ETOOBIG);
    assert_int_equal(size, 0);
    assert_true(is_zeroed(&d));
    snprintf(want, sizeof(want), "cannot hash '%s': larger than the limit of 999 bytes", path);
    assert_string_equal(err.message, want);
    /* a limit so large that limit + 1 overflows still reads to EOF */
    assert_int_equal(vouch_hash_file(&d, VOUCH_DIGEST_SHA256, path, UINT64_MAX, &size, NULL), 0);
    assert_int_equal(size, 1000);
    tu_rmrf(dir);
}

static long max_rss_kib(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* 50 MiB, mostly a hole, with data at a few places: constant memory. */
static void test_hash__large_sparse_file(void **state)
{
    (void)state;
    const off_t size = (off_t)50 * 1024 * 1024;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof(path), "%s/sparse", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, size), 0);
    static const off_t marks[] = {0, 65535, 17 * 1024 * 1024 + 3, 50 * 1024 * 1024 - 5};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(pwrite(fd, "mark!", 5, marks[i]), 5);

    long before = max_rss_kib();
    vouch_digest got, want;
    uint64_t got_size = 0;
    assert_int_equal(vouch_hash_file(&got, VOUCH_DIGEST_SHA256, path, 0, &got_size, NULL), 0);
    long growth = max_rss_kib() - before;
    assert_int_equal(got_size, (uint64_t)size);
    assert_true(growth < 8 * 1024); /* KiB: far below the 50 MiB of the file */

    /* the same bytes through the streaming API, 1 MiB at a time */
    vouch_hasher *h = NULL;
    assert_int_equal(vouch_hasher_new(&h, VOUCH_DIGEST_SHA256, NULL), 0);
    size_t chunk = 1024 * 1024;
    unsigned char *buf = malloc(chunk);
    assert_non_null(buf);
    for (off_t off = 0; off < size; off += (off_t)chunk) {
        assert_int_equal(pread(fd, buf, chunk, off), (ssize_t)chunk);
        assert_int_equal(vouch_hasher_update(h, buf, chunk, NULL), 0);
    }
    assert_int_equal(vouch_hasher_final(h, &want, NULL), 0);
    vouch_hasher_free(h);
    free(buf);
    close(fd);
    assert_memory_equal(&got, &want, sizeof(got));
    tu_rmrf(dir);
}

static void test_hash__fifo_path(void **state)
{
    (void)state;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof(path), "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(path, O_WRONLY);
        if (fd < 0)
            _exit(1);
        if (write(fd, "abc", 3) != 3)
            _exit(1);
        _exit(0);
    }
    vouch_digest d;
    uint64_t size = 0;
    assert_int_equal(vouch_hash_file(&d, VOUCH_DIGEST_SHA256, path, 0, &size, NULL), 0);
    waitpid(pid, NULL, 0);
    assert_int_equal(size, 3);
    assert_string_equal(hex(&d), SHA256_ABC);
    tu_rmrf(dir);
}

static void expect_file_error(const char *path, int code, const char *reason)
{
    vouch_digest d;
    uint64_t size = 7;
    vouch_error err;
    char want[700];
    vouch_error_clear(&err);
    assert_int_equal(vouch_hash_file(&d, VOUCH_DIGEST_SHA256, path, 0, &size, &err), code);
    assert_int_equal(err.code, code);
    assert_true(is_zeroed(&d));
    assert_int_equal(size, 0);
    snprintf(want, sizeof(want), "cannot read '%s': %s", path, reason);
    assert_string_equal(err.message, want);
}

static void test_hash__missing_file(void **state)
{
    (void)state;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof(path), "%s/absent", dir);
    expect_file_error(path, VOUCH_ENOTFOUND, "no such file");
    /* a path through a regular file (ENOTDIR) does not exist either */
    char file[512], through[600];
    snprintf(file, sizeof(file), "%s/file", dir);
    write_file(file, "x", 1);
    snprintf(through, sizeof(through), "%s/below", file);
    expect_file_error(through, VOUCH_ENOTFOUND, "no such file");
    tu_rmrf(dir);
}

static void test_hash__refuses_directory_and_device(void **state)
{
    (void)state;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char copy[512];
    snprintf(copy, sizeof(copy), "%s", dir);
    expect_file_error(copy, VOUCH_EIO, "is a directory");
    expect_file_error("/dev/null", VOUCH_EIO, "not a regular file or fifo");
    expect_file_error("/dev/zero", VOUCH_EIO, "not a regular file or fifo");
    /* a symlink is followed, and judged by what it points at */
    char link[600];
    snprintf(link, sizeof(link), "%s/zero", copy);
    assert_int_equal(symlink("/dev/zero", link), 0);
    expect_file_error(link, VOUCH_EIO, "not a regular file or fifo");
    tu_rmrf(copy);
}

/* As root, mode 000 does not stop reads: the check then runs in a child
 * that dropped to an unprivileged user, and reports by exit status. */
static int check_denied_as_nobody(const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(77);
        vouch_digest d;
        vouch_error err;
        char want[700];
        vouch_error_clear(&err);
        int rc = vouch_hash_file(&d, VOUCH_DIGEST_SHA256, path, 0, NULL, &err);
        snprintf(want, sizeof(want), "cannot read '%s': permission denied", path);
        _exit(rc == VOUCH_EIO && strcmp(err.message, want) == 0 ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_hash__permission_denied(void **state)
{
    (void)state;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char copy[512], path[600];
    snprintf(copy, sizeof(copy), "%s", dir);
    snprintf(path, sizeof(path), "%s/secret", copy);
    write_file(path, "x", 1);
    assert_int_equal(chmod(path, 0), 0);
    int rc = 0;
    if (geteuid() != 0) {
        expect_file_error(path, VOUCH_EIO, "permission denied");
    } else {
        assert_int_equal(chmod(copy, 0755), 0); /* the file, not the folder, says no */
        rc = check_denied_as_nobody(path);
    }
    tu_rmrf(copy);
    if (rc == 77)
        skip(); /* root that cannot drop privileges */
    assert_int_equal(rc, 0);
}

static void test_hash__bad_arguments(void **state)
{
    (void)state;
    vouch_digest d;
    assert_int_equal(vouch_hash_file(&d, VOUCH_DIGEST_SHA256, NULL, 0, NULL, NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_hash_file(&d, VOUCH_DIGEST_SHA256, "", 0, NULL, NULL), VOUCH_EINVAL);
    assert_int_equal(vouch_hash_file(&d, (vouch_digest_alg)7, "/etc/hostname", 0, NULL, NULL),
                     VOUCH_EINVAL);
    assert_int_equal(vouch_hash_file(NULL, VOUCH_DIGEST_SHA256, "/x", 0, NULL, NULL), VOUCH_EINVAL);
}

/* Every allocation failing in turn gives VOUCH_ENOMEM and no leak (the
 * sanitizer build checks the latter), until the call succeeds. */
static void test_hash__allocation_failures(void **state)
{
    (void)state;
    const char *dir = tu_tmpdir();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof(path), "%s/abc", dir);
    write_file(path, "abc", 3);
    int rc = -1;
    for (long n = 1; n < 20 && rc != 0; n++) {
        vouch_digest d;
        vouch_error err;
        vouch_error_clear(&err);
        tu_fail_alloc_after(n);
        rc = vouch_hash_file(&d, VOUCH_DIGEST_SHA512, path, 0, NULL, &err);
        tu_fail_alloc_after(0);
        if (rc != 0) {
            assert_int_equal(rc, VOUCH_ENOMEM);
            assert_true(is_zeroed(&d));
            assert_non_null(strstr(err.message, "out of memory"));
        } else {
            assert_string_equal(hex(&d), SHA512_ABC);
        }
    }
    assert_int_equal(rc, 0);
    static char sentinel;
    vouch_hasher *h = (vouch_hasher *)(void *)&sentinel; /* must be reset to NULL */
    tu_fail_alloc_after(1);
    assert_int_equal(vouch_hasher_new(&h, VOUCH_DIGEST_SHA256, NULL), VOUCH_ENOMEM);
    assert_null(h);
    vouch_alloc_set_hooks(NULL);
    tu_rmrf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash__known_answers),
        cmocka_unit_test(test_hash__million_a_streaming),
        cmocka_unit_test(test_hash__hasher_misuse),
        cmocka_unit_test(test_hash__file_equals_bytes),
        cmocka_unit_test(test_hash__pipe_fd),
        cmocka_unit_test(test_hash__pipe_fd_retries_eintr),
        cmocka_unit_test(test_hash__pipe_over_limit),
        cmocka_unit_test(test_hash__file_size_limit),
        cmocka_unit_test(test_hash__large_sparse_file),
        cmocka_unit_test(test_hash__fifo_path),
        cmocka_unit_test(test_hash__missing_file),
        cmocka_unit_test(test_hash__refuses_directory_and_device),
        cmocka_unit_test(test_hash__permission_denied),
        cmocka_unit_test(test_hash__bad_arguments),
        cmocka_unit_test(test_hash__allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
