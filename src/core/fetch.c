/* fetch.c - streaming HTTP(S) GET through libcurl, limited to http/https and a body size. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "vouch/fetch.h"

#ifndef VOUCH_VERSION
#define VOUCH_VERSION "0"
#endif

#define DEFAULT_TIMEOUT   300L
#define DEFAULT_CONNECT   30L
#define DEFAULT_REDIRECTS 5L
/* How much of a URL an error message quotes. */
#define SHOWN_MAX 256

struct fetch_state {
    CURL *curl;
    vouch_fetch_sink sink;
    void *ctx;
    uint64_t max_size;       /* 0: no limit */
    uint64_t received;       /* bytes handed to the sink */
    uint64_t content_length; /* of the response being received */
    int have_length;
    long refused_status; /* non-2xx status that stopped the transfer, or 0 */
    int too_big;
    int sink_rc;
    char errbuf[CURL_ERROR_SIZE];
};

static int is_success(long status)
{
    return status >= 200 && status <= 299;
}

/* Copy s into out (size >= 8) as a message may quote it: control bytes
 * become '?', and a long URL is cut with "..." so the reason after it
 * still fits in the error message. */
static void copy_shown(char *out, size_t size, const char *s)
{
    size_t i = 0;

    for (; s[i] && i + 1 < size; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    if (s[i])
        memcpy(out + size - 4, "...", 4);
}

/*
 * The URL as error messages show it: user:password@ removed and a query
 * string replaced by "..." (presigned URLs carry signatures there), since
 * messages end up in logs. u may be changed; it is not used for the transfer.
 */
static void show_url(char *out, size_t size, const char *url, CURLU *u)
{
    char *s = NULL;
    char *query = NULL;

    if (!u) {
        copy_shown(out, size, url);
        return;
    }
    curl_url_set(u, CURLUPART_USER, NULL, 0);
    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK)
        curl_url_set(u, CURLUPART_QUERY, "...", 0);
    curl_free(query);
    if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
        copy_shown(out, size, s);
    else
        copy_shown(out, size, url);
    curl_free(s);
}

/*
 * Refuse anything but http:// and https:// before any transfer. curl's own
 * parser decides, so that the check and the transfer agree on the scheme;
 * without CURLU_GUESS_SCHEME a URL without a scheme is refused too.
 */
static int check_url(const char *url, char *shown, size_t shown_size, vouch_error *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL;
    int rc = 0;

    if (!u) {
        copy_shown(shown, shown_size, url);
        return vouch_error_set(err, VOUCH_ENOMEM, "cannot fetch '%s': out of memory", shown);
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        copy_shown(shown, shown_size, url);
        rc = vouch_error_set(err, VOUCH_EINVAL, "cannot fetch '%s': malformed url", shown);
        goto out;
    }
    show_url(shown, shown_size, url, u);
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0))
        rc = vouch_error_set(err, VOUCH_EINVAL,
                             "cannot fetch '%s': only http and https urls are supported", shown);
out:
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

/* Parse the decimal value of a Content-Length header line; 0 when malformed.
 * A value too large for uint64_t saturates, which is "too big" anyway. */
static int parse_length(const char *p, size_t len, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    int digits = 0;

    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    for (; i < len && p[i] >= '0' && p[i] <= '9'; i++, digits++) {
        unsigned d = (unsigned)(p[i] - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return digits > 0;
}

/*
 * Sees every header line of every response, redirects included. At the end
 * of a response's headers it stops the transfer early for an error status
 * (its body is of no use) and for a success whose Content-Length is over
 * the limit, before a byte of the body is read. Returning a count other
 * than the line's length makes curl abort with CURLE_WRITE_ERROR.
 */
static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
    struct fetch_state *st = ud;
    size_t len = size * n; /* curl guarantees size == 1 */
    static const char cl[] = "content-length:";
    long status = 0;

    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        st->have_length = 0; /* a new response begins */
        return len;
    }
    if (len > sizeof(cl) - 1 && strncasecmp(line, cl, sizeof(cl) - 1) == 0) {
        st->have_length =
            parse_length(line + sizeof(cl) - 1, len - (sizeof(cl) - 1), &st->content_length);
        return len;
    }
    if (!((len == 2 && line[0] == '\r' && line[1] == '\n') || (len == 1 && line[0] == '\n')))
        return len;
    if (curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        return len;
    if (status >= 400) {
        st->refused_status = status;
        return 0;
    }
    if (is_success(status) && st->max_size > 0 && st->have_length &&
        st->content_length > st->max_size) {
        st->too_big = 1;
        return 0;
    }
    return len;
}

/* Body bytes of the final response (curl skips the bodies of redirects it
 * follows). Only a 2xx body reaches the sink. */
static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    struct fetch_state *st = ud;
    size_t len = size * n;
    long status = 0;

    if (curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
        !is_success(status)) {
        st->refused_status = status;
        return 0;
    }
    if (st->max_size > 0 && (uint64_t)len > st->max_size - st->received) {
        st->too_big = 1;
        return 0;
    }
    if (len == 0)
        return 0;
    st->sink_rc = st->sink(data, len, st->ctx);
    if (st->sink_rc > 0) /* not a VOUCH_E* code: a bug in the sink */
        st->sink_rc = VOUCH_EINTERNAL;
    if (st->sink_rc != 0)
        return 0;
    st->received += (uint64_t)len;
    return len;
}

static int check_opts(const vouch_fetch_opts *o, const char *shown, vouch_error *err)
{
    if (o && (o->timeout_seconds < 0 || o->connect_timeout < 0))
        return vouch_error_set(err, VOUCH_EINVAL, "cannot fetch '%s': negative timeout", shown);
    return 0;
}

/* All options of one transfer; returns nonzero when curl refused any. */
static int set_options(struct fetch_state *st, const char *url, const vouch_fetch_opts *o)
{
    CURL *c = st->curl;
    long timeout = o && o->timeout_seconds > 0 ? o->timeout_seconds : DEFAULT_TIMEOUT;
    long connect = o && o->connect_timeout > 0 ? o->connect_timeout : DEFAULT_CONNECT;
    long redirects = o && o->max_redirects != 0 ? (long)o->max_redirects : DEFAULT_REDIRECTS;
    const char *agent = o && o->user_agent ? o->user_agent : "vouch/" VOUCH_VERSION;
    int bad = 0;

    bad |= curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, redirects > 0 ? 1L : 0L) != CURLE_OK;
    if (redirects > 0)
        bad |= curl_easy_setopt(c, CURLOPT_MAXREDIRS, redirects) != CURLE_OK;
    /* Threads must never see SIGALRM from curl's resolver timeouts. */
    bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, agent) != CURLE_OK;
    /* A proxy's CONNECT response is not the server's: keep it out of on_header. */
    bad |= curl_easy_setopt(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L) != CURLE_OK;
    /* No CURLOPT_ACCEPT_ENCODING: the sink must see the bytes as stored,
     * not a decompressed form, or digests would not match. */
    bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, st->errbuf) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, st) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, st) != CURLE_OK;
    return bad;
}

static int status_error(long status, const char *shown, vouch_error *err)
{
    int code = (status == 404 || status == 410) ? VOUCH_ENOTFOUND : VOUCH_EIO;

    return vouch_error_set(err, code, "cannot fetch '%s': HTTP %ld", shown, status);
}

/* Turn the outcome of curl_easy_perform() into a code and a message. */
static int transfer_result(struct fetch_state *st, CURLcode cc, const char *shown, vouch_error *err)
{
    long status = 0;
    char *reason = st->errbuf;

    if (st->sink_rc != 0)
        return vouch_error_set(err, st->sink_rc, "cannot fetch '%s': aborted by the receiver",
                               shown);
    if (st->too_big)
        return vouch_error_set(err, VOUCH_ETOOBIG,
                               "cannot fetch '%s': body larger than the limit of %" PRIu64 " bytes",
                               shown, st->max_size);
    if (st->refused_status != 0)
        return status_error(st->refused_status, shown, err);
    /* The URL itself was checked, so this can only be a redirect's target. */
    if (cc == CURLE_UNSUPPORTED_PROTOCOL)
        return vouch_error_set(err, VOUCH_EIO,
                               "cannot fetch '%s': redirect to a scheme other than http or "
                               "https refused",
                               shown);
    if (cc != CURLE_OK) {
        if (!reason[0])
            (void)snprintf(reason, CURL_ERROR_SIZE, "%s", curl_easy_strerror(cc));
        if (reason[0] >= 'A' && reason[0] <= 'Z')
            reason[0] = (char)(reason[0] - 'A' + 'a');
        return vouch_error_set(err, VOUCH_EIO, "cannot fetch '%s': %s", shown, reason);
    }
    if (curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        return vouch_error_set(err, VOUCH_EIO, "cannot fetch '%s': no response status", shown);
    if (!is_success(status)) /* e.g. a redirect not followed */
        return status_error(status, shown, err);
    return 0;
}

/*
 * Global initialization: curl_global_init() is not called here, because
 * calling it exactly once per process would need process-wide state of our
 * own. curl_easy_init() calls it implicitly on first use, and libcurl 7.84
 * and later make that thread-safe where curl_version_info() reports
 * CURL_VERSION_THREADSAFE (Debian's 7.88 does). Applications that
 * initialize curl themselves keep working: the call is reference counted.
 */
int vouch_fetch(const char *url, const vouch_fetch_opts *opts, vouch_fetch_sink sink, void *ctx,
                uint64_t *size_out, vouch_error *err)
{
    struct fetch_state st;
    char shown[SHOWN_MAX];
    int rc;

    if (size_out)
        *size_out = 0;
    if (!url || !sink)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot fetch: no url or no sink given");
    rc = check_url(url, shown, sizeof(shown), err);
    if (rc == 0)
        rc = check_opts(opts, shown, err);
    if (rc != 0)
        return rc;

    memset(&st, 0, sizeof(st));
    st.sink = sink;
    st.ctx = ctx;
    st.max_size = opts ? opts->max_size : 0;
    st.curl = curl_easy_init();
    if (!st.curl)
        return vouch_error_set(err, VOUCH_ENOMEM, "cannot fetch '%s': curl init failed", shown);
    if (set_options(&st, url, opts) != 0) {
        rc = vouch_error_set(err, VOUCH_EINTERNAL, "cannot fetch '%s': curl refused an option",
                             shown);
    } else {
        CURLcode cc = curl_easy_perform(st.curl);
        rc = transfer_result(&st, cc, shown, err);
    }
    curl_easy_cleanup(st.curl);
    if (rc == 0 && size_out)
        *size_out = st.received;
    return rc;
}
