/*
 * cli/cmd_digest.c - `vouch digest`: the OCI digest of files, stdin or
 * http(s) URLs, hashed in constant memory, for `artifact register`.
 *
 * Computed locally, not through the router: it reads the caller's own
 * files and needs no data directory.
 */
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vouch/digest.h"
#include "vouch/error.h"
#include "vouch/hash.h"

static int is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static int hash_one(const char *src, vouch_digest_alg alg, vouch_digest *d, uint64_t *size,
                    vouch_error *err)
{
    if (strcmp(src, "-") == 0)
        return vouch_hash_fd(d, alg, STDIN_FILENO, 0, size, err);
    if (is_url(src))
        return vouch_hash_url(d, alg, src, NULL, size, err);
    return vouch_hash_file(d, alg, src, 0, size, err);
}

static int run_digest(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"SOURCE", NULL};
    const char *src = NULL, *algorithm = NULL;
    const cli_opt opts[] = {
        {"algorithm", "ALG", &algorithm, NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec spec = {opts, pos_names, 0, &src};
    vouch_digest_alg alg = VOUCH_DIGEST_SHA256;
    vouch_digest d;
    vouch_error err;
    uint64_t size = 0;
    char text[VOUCH_DIGEST_STR_MAX];
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if (algorithm && strcmp(algorithm, "sha512") == 0)
        alg = VOUCH_DIGEST_SHA512;
    else if (algorithm && strcmp(algorithm, "sha256") != 0)
        return cli_usage_error(ctx, "unknown algorithm '%s' (use sha256 or sha512)", algorithm);
    if (!src)
        src = "-";
    vouch_error_clear(&err);
    if ((rc = hash_one(src, alg, &d, &size, &err)) != 0)
        return cli_report_local(ctx, rc, "%s", vouch_error_message(&err, rc));
    vouch_digest_format(text, &d);
    if (!ctx->json) {
        cli_text(stdout, "%s\n", text);
        return CLI_EXIT_OK;
    }
    json_t *out =
        json_pack("{s:s, s:s, s:I}", "source", src, "digest", text, "bytes", (json_int_t)size);
    if (!out)
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    rc = cli_print_json(stdout, out) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
    json_decref(out);
    return rc;
}

const cli_command cli_digest_cmd = {
    "digest",
    "print the digest of a file, stdin or an http(s) URL",
    "digest [--algorithm sha256|sha512] [FILE | URL | -]",
    "Hash the bytes of FILE, of an http(s) URL, or of stdin ('-', the default) in\n"
    "constant memory and print their OCI digest (sha256:<hex>), the form that\n"
    "'vouch artifact register' takes. Needs no data directory.\n",
    "  --algorithm ALG   sha256 (default) or sha512\n",
    "vouch digest build/api-1.4.2.tar\n"
    "tar -c dist | vouch digest -\n"
    "vouch artifact register --project payments --name api --kind archive \\\n"
    "    --source-type file --source-uri $PWD/api.tar \"$(vouch digest api.tar)\"\n",
    run_digest,
    NULL,
};
