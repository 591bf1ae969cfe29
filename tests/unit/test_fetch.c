/* test_fetch.c - HTTP GET and URL hashing against a tiny HTTP/1.1 server on 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "vouch/alloc.h"
#include "vouch/fetch.h"
#include "vouch/hash.h"

#define OK_BODY    "hello, vouch\n"
#define BIG_SIZE   ((size_t)3 * 1024 * 1024 + 123)
#define NOLEN_SIZE ((size_t)200000)
/* Bytes a server could mislabel as compressed: they must arrive as sent. */
#define RAW_BODY "\x1f\x8b not really gzip"

/* ---- the server ---------------------------------------------------------- */

static struct {
    int fd;
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    int stop;
    long requests;
    char last_path[256];
    char last_agent[256];
} srv = {.fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

static void fill_pattern(unsigned char *p, size_t n, size_t offset)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(((offset + i) * 2654435761u) >> 11);
}

/* Send all of data; 0, or -1 once the client has gone. */
static int send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void send_str(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

/* A complete response with a Content-Length body. */
static void respond(int fd, const char *status, const char *extra, const char *body, size_t len)
{
    char head[512];
    snprintf(head, sizeof(head),
             "HTTP/1.1 %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n", status, len,
             extra ? extra : "");
    if (send_all(fd, head, strlen(head)) == 0)
        send_all(fd, body, len);
}

/* Wait until the client closes (or 10 s pass): a stalled transfer. */
static void wait_for_close(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;
    for (int i = 0; i < 100; i++) {
        if (poll(&p, 1, 100) > 0 && recv(fd, &c, 1, 0) <= 0)
            return;
    }
}

static void send_pattern(int fd, size_t total, int chunked)
{
    unsigned char buf[10000];
    for (size_t off = 0; off < total;) {
        size_t n = total - off < sizeof(buf) ? total - off : sizeof(buf);
        fill_pattern(buf, n, off);
        char size_line[32];
        snprintf(size_line, sizeof(size_line), "%zx\r\n", n);
        if ((chunked && send_all(fd, size_line, strlen(size_line)) != 0) ||
            send_all(fd, buf, n) != 0 || (chunked && send_all(fd, "\r\n", 2) != 0))
            return;
        off += n;
    }
    if (chunked)
        send_str(fd, "0\r\n\r\n");
}

static void serve_path(int fd, const char *path)
{
    if (strcmp(path, "/ok") == 0) {
        respond(fd, "200 OK", NULL, OK_BODY, strlen(OK_BODY));
    } else if (strcmp(path, "/empty") == 0) {
        respond(fd, "200 OK", NULL, "", 0);
    } else if (strcmp(path, "/raw") == 0) {
        respond(fd, "200 OK", "Content-Encoding: gzip\r\n", RAW_BODY, sizeof(RAW_BODY) - 1);
    } else if (strcmp(path, "/big") == 0) {
        send_str(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        send_pattern(fd, BIG_SIZE, 1);
    } else if (strcmp(path, "/no-length") == 0) {
        send_str(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        send_pattern(fd, NOLEN_SIZE, 0);
    } else if (strcmp(path, "/len-big") == 0) {
        /* claims 10 GiB, sends 1000 bytes, hangs up */
        send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\n");
        send_pattern(fd, 1000, 0);
    } else if (strcmp(path, "/404") == 0) {
        respond(fd, "404 Not Found", NULL, "not found", 9);
    } else if (strcmp(path, "/410") == 0) {
        respond(fd, "410 Gone", NULL, "", 0);
    } else if (strcmp(path, "/500") == 0) {
        respond(fd, "500 Internal Server Error", NULL, "oops", 4);
    } else if (strcmp(path, "/redirect") == 0) {
        respond(fd, "302 Found", "Location: /ok\r\n", "", 0);
    } else if (strcmp(path, "/redirect-file") == 0) {
        respond(fd, "302 Found", "Location: file:///etc/passwd\r\n", "", 0);
    } else if (strcmp(path, "/loop") == 0) {
        respond(fd, "302 Found", "Location: /loop\r\n", "", 0);
    } else if (strcmp(path, "/slow") == 0) {
        send_str(fd,
                 "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n0123456789");
        wait_for_close(fd);
    } else {
        respond(fd, "404 Not Found", NULL, "", 0);
    }
}

/* Copy the value of header `name` (with colon) from req into out. */
static void header_value(const char *req, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = strstr(req, name);
    if (!p)
        return;
    p += strlen(name);
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, "\r\n");
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

static void handle(int fd)
{
    char req[8192];
    size_t len = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (len + 1 < sizeof(req) && poll(&p, 1, 2000) > 0) {
        ssize_t n = recv(fd, req + len, sizeof(req) - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[len] = '\0';
    char path[256] = "";
    if (sscanf(req, "GET %255[^? ]", path) != 1)
        return;
    pthread_mutex_lock(&srv.lock);
    srv.requests++;
    snprintf(srv.last_path, sizeof(srv.last_path), "%s", path);
    header_value(req, "\r\nUser-Agent:", srv.last_agent, sizeof(srv.last_agent));
    pthread_mutex_unlock(&srv.lock);
    serve_path(fd, path);
}

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(srv.fd, NULL, NULL);
        pthread_mutex_lock(&srv.lock);
        int stop = srv.stop;
        pthread_mutex_unlock(&srv.lock);
        if (stop) {
            if (c >= 0)
                close(c);
            return NULL;
        }
        if (c < 0)
            continue;
        handle(c);
        close(c);
    }
}

static int listen_loopback(int *port)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static int server_start(void **state)
{
    (void)state;
    /* nothing may leave 127.0.0.1, whatever the environment says */
    static const char *const proxies[] = {"http_proxy",  "HTTP_PROXY", "https_proxy",
                                          "HTTPS_PROXY", "all_proxy",  "ALL_PROXY"};
    for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
        unsetenv(proxies[i]);
    srv.fd = listen_loopback(&srv.port);
    if (srv.fd < 0)
        return -1;
    return pthread_create(&srv.thread, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int server_stop(void **state)
{
    (void)state;
    pthread_mutex_lock(&srv.lock);
    srv.stop = 1;
    pthread_mutex_unlock(&srv.lock);
    shutdown(srv.fd, SHUT_RDWR); /* wakes accept() */
    pthread_join(srv.thread, NULL);
    close(srv.fd);
    return 0;
}

static long requests(void)
{
    pthread_mutex_lock(&srv.lock);
    long n = srv.requests;
    pthread_mutex_unlock(&srv.lock);
    return n;
}

/* Copy of a field the server thread writes (static buffer). */
static const char *seen(const char *field)
{
    static char copy[256];
    pthread_mutex_lock(&srv.lock);
    snprintf(copy, sizeof(copy), "%s", field);
    pthread_mutex_unlock(&srv.lock);
    return copy;
}

static const char *url(const char *path)
{
    static char buf[4][256];
    static int next;
    char *u = buf[next++ % 4];
    snprintf(u, 256, "http://127.0.0.1:%d%s", srv.port, path);
    return u;
}

/* ---- a sink collecting the body ------------------------------------------ */

struct body {
    unsigned char *data;
    size_t len;
    int calls;
    int fail_with; /* return this code from the first call */
};

static int collect(const void *data, size_t len, void *ctx)
{
    struct body *b = ctx;
    b->calls++;
    if (b->fail_with)
        return b->fail_with;
    unsigned char *p = realloc(b->data, b->len + len);
    if (!p)
        return VOUCH_ENOMEM;
    memcpy(p + b->len, data, len);
    b->data = p;
    b->len += len;
    return 0;
}

/* Fetch and expect code; body in *b (free b->data), message in err. */
static int get(const char *u, const vouch_fetch_opts *o, struct body *b, uint64_t *size,
               vouch_error *err)
{
    vouch_error_clear(err);
    *size = 777;
    return vouch_fetch(u, o, collect, b, size, err);
}

static void expect_message(const vouch_error *err, const char *u, const char *reason)
{
    char want[700];
    snprintf(want, sizeof(want), "cannot fetch '%s': %s", u, reason);
    assert_string_equal(err->message, want);
}

/* ---- tests --------------------------------------------------------------- */

static void test_fetch__ok(void **state)
{
    (void)state;
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/ok"), NULL, &b, &size, &err), 0);
    assert_int_equal(size, strlen(OK_BODY));
    assert_int_equal(b.len, strlen(OK_BODY));
    assert_memory_equal(b.data, OK_BODY, b.len);
    assert_string_equal(seen(srv.last_agent), "vouch/" VOUCH_VERSION);
    free(b.data);

    struct body e = {0};
    assert_int_equal(get(url("/empty"), NULL, &e, &size, &err), 0);
    assert_int_equal(size, 0);
    assert_int_equal(e.calls, 0);
}

static void test_fetch__user_agent_and_uppercase_scheme(void **state)
{
    (void)state;
    vouch_fetch_opts o = {.user_agent = "vouch-test/1"};
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    char u[256];
    snprintf(u, sizeof(u), "HTTP://127.0.0.1:%d/ok", srv.port);
    assert_int_equal(get(u, &o, &b, &size, &err), 0);
    assert_string_equal(seen(srv.last_agent), "vouch-test/1");
    assert_int_equal(size, strlen(OK_BODY));
    free(b.data);
}

static void test_fetch__body_bytes_are_not_decoded(void **state)
{
    (void)state;
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/raw"), NULL, &b, &size, &err), 0);
    assert_int_equal(b.len, sizeof(RAW_BODY) - 1);
    assert_memory_equal(b.data, RAW_BODY, b.len);
    free(b.data);
}

static void test_fetch__big_chunked_body(void **state)
{
    (void)state;
    unsigned char *want = malloc(BIG_SIZE);
    assert_non_null(want);
    fill_pattern(want, BIG_SIZE, 0);
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/big"), NULL, &b, &size, &err), 0);
    assert_int_equal(size, BIG_SIZE);
    assert_int_equal(b.len, BIG_SIZE);
    assert_memory_equal(b.data, want, BIG_SIZE);
    assert_true(b.calls > 1); /* streamed, not delivered in one piece */
    free(b.data);

    /* exactly at the limit is fine, one byte over is not */
    vouch_fetch_opts o = {.max_size = BIG_SIZE};
    struct body c = {0};
    assert_int_equal(get(url("/big"), &o, &c, &size, &err), 0);
    free(c.data);
    o.max_size = BIG_SIZE - 1;
    struct body d = {0};
    assert_int_equal(get(url("/big"), &o, &d, &size, &err), VOUCH_ETOOBIG);
    assert_int_equal(size, 0);
    assert_true(d.len <= BIG_SIZE - 1);
    char reason[128];
    snprintf(reason, sizeof(reason), "body larger than the limit of %zu bytes", BIG_SIZE - 1);
    expect_message(&err, url("/big"), reason);
    free(d.data);
    free(want);
}

static void test_fetch__limit_while_streaming_without_length(void **state)
{
    (void)state;
    vouch_fetch_opts o = {.max_size = NOLEN_SIZE / 2};
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/no-length"), &o, &b, &size, &err), VOUCH_ETOOBIG);
    assert_true(b.len <= NOLEN_SIZE / 2);
    free(b.data);
    o.max_size = 0;
    struct body c = {0};
    assert_int_equal(get(url("/no-length"), &o, &c, &size, &err), 0);
    assert_int_equal(size, NOLEN_SIZE);
    free(c.data);
}

static void test_fetch__content_length_over_limit(void **state)
{
    (void)state;
    vouch_fetch_opts o = {.max_size = 1024 * 1024};
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/len-big"), &o, &b, &size, &err), VOUCH_ETOOBIG);
    assert_int_equal(b.calls, 0); /* refused before a byte of the body */
    assert_int_equal(size, 0);
    expect_message(&err, url("/len-big"), "body larger than the limit of 1048576 bytes");
    /* /ok is 13 bytes: 12 is refused up front, 13 passes */
    o.max_size = strlen(OK_BODY) - 1;
    assert_int_equal(get(url("/ok"), &o, &b, &size, &err), VOUCH_ETOOBIG);
    assert_int_equal(b.calls, 0);
    o.max_size = strlen(OK_BODY);
    assert_int_equal(get(url("/ok"), &o, &b, &size, &err), 0);
    free(b.data);
}

static void test_fetch__truncated_body_is_an_error(void **state)
{
    (void)state;
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/len-big"), NULL, &b, &size, &err), VOUCH_EIO);
    assert_int_equal(size, 0);
    char prefix[300];
    snprintf(prefix, sizeof(prefix), "cannot fetch '%s': ", url("/len-big"));
    assert_memory_equal(err.message, prefix, strlen(prefix));
    free(b.data);
}

static void test_fetch__http_errors(void **state)
{
    (void)state;
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/404"), NULL, &b, &size, &err), VOUCH_ENOTFOUND);
    expect_message(&err, url("/404"), "HTTP 404");
    assert_int_equal(b.calls, 0); /* an error page never reaches the sink */
    assert_int_equal(size, 0);
    assert_int_equal(get(url("/410"), NULL, &b, &size, &err), VOUCH_ENOTFOUND);
    expect_message(&err, url("/410"), "HTTP 410");
    assert_int_equal(get(url("/500"), NULL, &b, &size, &err), VOUCH_EIO);
    expect_message(&err, url("/500"), "HTTP 500");
    assert_int_equal(b.calls, 0);
}

static void test_fetch__follows_redirect(void **state)
{
    (void)state;
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/redirect"), NULL, &b, &size, &err), 0);
    assert_int_equal(b.len, strlen(OK_BODY));
    assert_memory_equal(b.data, OK_BODY, b.len);
    assert_string_equal(seen(srv.last_path), "/ok");
    free(b.data);

    /* negative: follow none, the 302 itself is the answer */
    vouch_fetch_opts o = {.max_redirects = -1};
    struct body c = {0};
    assert_int_equal(get(url("/redirect"), &o, &c, &size, &err), VOUCH_EIO);
    expect_message(&err, url("/redirect"), "HTTP 302");
    assert_int_equal(c.calls, 0);
}

static void test_fetch__redirect_limit(void **state)
{
    (void)state;
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    vouch_fetch_opts o = {.max_redirects = 2};
    long before = requests();
    assert_int_equal(get(url("/loop"), &o, &b, &size, &err), VOUCH_EIO);
    assert_int_equal(requests() - before, 3); /* the request and 2 redirects */
    assert_non_null(strstr(err.message, "redirects"));
    before = requests();
    assert_int_equal(get(url("/loop"), NULL, &b, &size, &err), VOUCH_EIO);
    assert_int_equal(requests() - before, 6); /* default: 5 redirects */
    assert_int_equal(b.calls, 0);
}

static void test_fetch__redirect_to_file_is_refused(void **state)
{
    (void)state;
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/redirect-file"), NULL, &b, &size, &err), VOUCH_EIO);
    expect_message(&err, url("/redirect-file"),
                   "redirect to a scheme other than http or https refused");
    assert_int_equal(b.calls, 0);
    assert_int_equal(size, 0);
}

static void test_fetch__timeout(void **state)
{
    (void)state;
    vouch_fetch_opts o = {.timeout_seconds = 1, .connect_timeout = 1};
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    time_t start = time(NULL);
    assert_int_equal(get(url("/slow"), &o, &b, &size, &err), VOUCH_EIO);
    assert_true(time(NULL) - start < 5);
    assert_non_null(strstr(err.message, "timed out"));
    assert_int_equal(size, 0);
    free(b.data);
}

static void test_fetch__refuses_other_schemes_before_any_transfer(void **state)
{
    (void)state;
    char ftp[128], bare[128];
    snprintf(ftp, sizeof(ftp), "ftp://127.0.0.1:%d/x", srv.port);
    snprintf(bare, sizeof(bare), "127.0.0.1:%d/ok", srv.port);
    const char *const bad[] = {"file:///etc/passwd",
                               ftp,
                               "gopher://127.0.0.1/",
                               "dict://x/",
                               "ldap://127.0.0.1/",
                               bare,
                               "",
                               "http//127.0.0.1/",
                               "/ok"};
    long before = requests();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct body b = {0};
        uint64_t size;
        vouch_error err;
        int rc = get(bad[i], NULL, &b, &size, &err);
        if (rc != VOUCH_EINVAL)
            fail_msg("'%s': rc %d (%s)", bad[i], rc, err.message);
        assert_int_equal(b.calls, 0);
        assert_int_equal(size, 0);
    }
    assert_int_equal(requests(), before);
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(ftp, NULL, &b, &size, &err), VOUCH_EINVAL);
    expect_message(&err, ftp, "only http and https urls are supported");
    assert_int_equal(get("file:///etc/passwd", NULL, &b, &size, &err), VOUCH_EINVAL);
    expect_message(&err, "file:///etc/passwd", "only http and https urls are supported");
}

static void test_fetch__connection_refused(void **state)
{
    (void)state;
    int port = 0;
    int fd = listen_loopback(&port);
    assert_true(fd >= 0);
    close(fd); /* nothing listens there now */
    char u[128], prefix[200];
    snprintf(u, sizeof(u), "http://127.0.0.1:%d/", port);
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(u, NULL, &b, &size, &err), VOUCH_EIO);
    snprintf(prefix, sizeof(prefix), "cannot fetch '%s': ", u);
    assert_memory_equal(err.message, prefix, strlen(prefix));
    assert_true(strlen(err.message) > strlen(prefix));
    assert_true(err.message[strlen(prefix)] < 'A' || err.message[strlen(prefix)] > 'Z');
}

static void test_fetch__sink_can_abort(void **state)
{
    (void)state;
    struct body b = {.fail_with = VOUCH_EDENIED};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(url("/big"), NULL, &b, &size, &err), VOUCH_EDENIED);
    assert_int_equal(b.calls, 1);
    assert_int_equal(size, 0);
    expect_message(&err, url("/big"), "aborted by the receiver");
}

static void test_fetch__messages_hide_credentials(void **state)
{
    (void)state;
    char u[256];
    snprintf(u, sizeof(u), "http://user:secret@127.0.0.1:%d/404?X-Amz-Signature=abc", srv.port);
    struct body b = {0};
    uint64_t size;
    vouch_error err;
    assert_int_equal(get(u, NULL, &b, &size, &err), VOUCH_ENOTFOUND);
    assert_null(strstr(err.message, "secret"));
    assert_null(strstr(err.message, "Signature"));
    char shown[128];
    snprintf(shown, sizeof(shown), "http://127.0.0.1:%d/404?...", srv.port);
    expect_message(&err, shown, "HTTP 404");
}

static void test_fetch__bad_arguments(void **state)
{
    (void)state;
    uint64_t size = 5;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_fetch(NULL, NULL, collect, NULL, &size, &err), VOUCH_EINVAL);
    assert_int_equal(size, 0);
    assert_int_equal(vouch_fetch(url("/ok"), NULL, NULL, NULL, NULL, NULL), VOUCH_EINVAL);
    vouch_fetch_opts o = {.timeout_seconds = -1};
    struct body b = {0};
    assert_int_equal(get(url("/ok"), &o, &b, &size, &err), VOUCH_EINVAL);
    assert_int_equal(b.calls, 0);
}

static void test_fetch__hash_url(void **state)
{
    (void)state;
    vouch_digest got, want;
    uint64_t size = 0;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_hash_url(&got, VOUCH_DIGEST_SHA256, url("/ok"), NULL, &size, &err), 0);
    assert_int_equal(vouch_hash_bytes(&want, VOUCH_DIGEST_SHA256, OK_BODY, strlen(OK_BODY), NULL),
                     0);
    assert_memory_equal(&got, &want, sizeof(got));
    assert_int_equal(size, strlen(OK_BODY));

    unsigned char *big = malloc(BIG_SIZE);
    assert_non_null(big);
    fill_pattern(big, BIG_SIZE, 0);
    assert_int_equal(vouch_hash_bytes(&want, VOUCH_DIGEST_SHA512, big, BIG_SIZE, NULL), 0);
    free(big);
    assert_int_equal(vouch_hash_url(&got, VOUCH_DIGEST_SHA512, url("/big"), NULL, &size, NULL), 0);
    assert_memory_equal(&got, &want, sizeof(got));
    assert_int_equal(size, BIG_SIZE);
}

static void test_fetch__hash_url_errors(void **state)
{
    (void)state;
    static const vouch_digest zero;
    vouch_digest d;
    uint64_t size = 9;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_hash_url(&d, VOUCH_DIGEST_SHA256, url("/404"), NULL, &size, &err),
                     VOUCH_ENOTFOUND);
    assert_memory_equal(&d, &zero, sizeof(d));
    assert_int_equal(size, 0);
    expect_message(&err, url("/404"), "HTTP 404");

    vouch_fetch_opts o = {.max_size = 1000};
    vouch_error_clear(&err);
    assert_int_equal(vouch_hash_url(&d, VOUCH_DIGEST_SHA256, url("/big"), &o, &size, &err),
                     VOUCH_ETOOBIG);
    assert_memory_equal(&d, &zero, sizeof(d));
    expect_message(&err, url("/big"), "body larger than the limit of 1000 bytes");

    vouch_error_clear(&err);
    assert_int_equal(
        vouch_hash_url(&d, VOUCH_DIGEST_SHA256, "file:///etc/passwd", NULL, &size, &err),
        VOUCH_EINVAL);

    tu_fail_alloc_after(1);
    assert_int_equal(vouch_hash_url(&d, VOUCH_DIGEST_SHA256, url("/ok"), NULL, &size, NULL),
                     VOUCH_ENOMEM);
    vouch_alloc_set_hooks(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch__ok),
        cmocka_unit_test(test_fetch__user_agent_and_uppercase_scheme),
        cmocka_unit_test(test_fetch__body_bytes_are_not_decoded),
        cmocka_unit_test(test_fetch__big_chunked_body),
        cmocka_unit_test(test_fetch__limit_while_streaming_without_length),
        cmocka_unit_test(test_fetch__content_length_over_limit),
        cmocka_unit_test(test_fetch__truncated_body_is_an_error),
        cmocka_unit_test(test_fetch__http_errors),
        cmocka_unit_test(test_fetch__follows_redirect),
        cmocka_unit_test(test_fetch__redirect_limit),
        cmocka_unit_test(test_fetch__redirect_to_file_is_refused),
        cmocka_unit_test(test_fetch__timeout),
        cmocka_unit_test(test_fetch__refuses_other_schemes_before_any_transfer),
        cmocka_unit_test(test_fetch__connection_refused),
        cmocka_unit_test(test_fetch__sink_can_abort),
        cmocka_unit_test(test_fetch__messages_hide_credentials),
        cmocka_unit_test(test_fetch__bad_arguments),
        cmocka_unit_test(test_fetch__hash_url),
        cmocka_unit_test(test_fetch__hash_url_errors),
    };
    return cmocka_run_group_tests(tests, server_start, server_stop);
}
