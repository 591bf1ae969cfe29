/*
 * cli/transport.c - the local transport: every command's request goes to
 * vouch_router_handle() in this process, over the data directory of
 * --data. This file is the only one that knows where the router lives; a
 * remote mode (--server URL, token from VOUCH_TOKEN) replaces cli_call()
 * with an HTTP round trip (method, path with query string, JSON body,
 * X-Correlation-Id header) and keeps the same cli_response contract.
 */
#include <string.h>

#include "cli/cli.h"
#include "vouch/error.h"
#include "vouch/random.h"
#include "vouch/router.h"
#include "vouch/service.h"

/* Fill *out with an error body for a failure on this side of the router. */
static int fail(cli_response *out, int code, const char *message)
{
    out->status = vouch_error_http_status(code);
    out->code = code;
    out->body = vouch_error_body(code, message, NULL);
    return code;
}

/* Open the data directory on first use, so that usage errors and `policy
 * verify` never need one. */
static int ensure_service(cli_ctx *ctx, cli_response *out)
{
    vouch_service_opts opts;
    vouch_error err;
    int rc;

    if (ctx->svc || ctx->stateless)
        return 0;
    memset(&opts, 0, sizeof(opts));
    opts.data_dir = ctx->data_dir;
    vouch_error_clear(&err);
    rc = vouch_service_open(&ctx->svc, &opts, &err);
    if (rc != 0) {
        ctx->svc = NULL;
        return fail(out, rc, vouch_error_message(&err, rc));
    }
    return 0;
}

const char *cli_correlation_id(const cli_ctx *ctx)
{
    if (ctx->correlation_id)
        return ctx->correlation_id;
    return ctx->generated_correlation[0] ? ctx->generated_correlation : NULL;
}

/* A mutation gets a correlation id from this process, so that the summary
 * line can name it even when the response does not carry it. One per
 * process: a bulk command is one correlated action. */
static void ensure_correlation(cli_ctx *ctx, const char *method)
{
    if (ctx->correlation_id || ctx->generated_correlation[0] || strcmp(method, "GET") == 0)
        return;
    if (vouch_random_uuid(ctx->generated_correlation, NULL) != 0)
        ctx->generated_correlation[0] = '\0'; /* the router generates one */
}

/* An error status without a code (a remote answer) gets its code from the
 * body's error.code name. */
static void normalize(cli_response *out)
{
    if (out->code == 0 && out->status >= 400) {
        const json_t *err = json_object_get(out->body, "error");
        out->code = vouch_error_code_from_name(cli_str(err, "code", NULL));
    }
}

int cli_call(cli_ctx *ctx, const char *method, const char *path, const json_t *query,
             const json_t *body, cli_response *out)
{
    vouch_request req;
    vouch_response resp;

    memset(out, 0, sizeof(*out));
    if (ensure_service(ctx, out) != 0)
        return out->code;
    ensure_correlation(ctx, method);

    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.query = query;
    req.body = body;
    req.actor = ctx->actor;
    req.correlation_id = cli_correlation_id(ctx);
    memset(&resp, 0, sizeof(resp));
    vouch_router_handle(ctx->stateless ? NULL : ctx->svc, &req, &resp);

    out->status = resp.status;
    out->code = resp.code;
    out->body = resp.body;
    resp.body = NULL;
    vouch_response_release(&resp);
    if (!out->body)
        return fail(out, VOUCH_EINTERNAL, "the router returned no response body");
    normalize(out);
    return out->code;
}

void cli_response_release(cli_response *resp)
{
    if (!resp)
        return;
    json_decref(resp->body);
    resp->body = NULL;
}
