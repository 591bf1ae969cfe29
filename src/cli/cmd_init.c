/*
 * cli/cmd_init.c - `vouch init`: create the data directory and its store.
 *
 * The one command that does not go through the router: there is no
 * service to route to before the data directory exists. It is local-only
 * by nature (a server initializes its own data directory).
 */
#include <string.h>

#include "cli/cli.h"
#include "vouch/error.h"
#include "vouch/service.h"

static int run_init(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    cli_spec spec = {NULL, no_pos, 0, NULL};
    vouch_service_opts opts;
    vouch_error err;
    int created = 0, rc;
    json_t *out;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    memset(&opts, 0, sizeof(opts));
    opts.data_dir = ctx->data_dir;
    vouch_error_clear(&err);
    rc = vouch_service_init(&opts, &created, &err);
    if (rc != 0)
        return cli_report_local(ctx, rc, "%s", vouch_error_message(&err, rc));
    if (!ctx->json) {
        if (created)
            cli_text(stdout,
                     "initialized vouch data directory %s\nnext: vouch project create NAME\n",
                     ctx->data_dir);
        else
            cli_text(stdout, "vouch data directory %s is already initialized\n", ctx->data_dir);
        return CLI_EXIT_OK;
    }
    out = json_pack("{s:s, s:b}", "dataDir", ctx->data_dir, "created", created);
    if (!out)
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    rc = cli_print_json(stdout, out) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
    json_decref(out);
    return rc;
}

const cli_command cli_init_cmd = {
    "init",
    "create the data directory and its store",
    "init",
    "Create the data directory (mode 0700) with an empty store. Running it again\n"
    "on an initialized directory changes nothing and succeeds. Every other command\n"
    "needs an initialized data directory.\n",
    NULL,
    "vouch init\n"
    "vouch --data /srv/vouch init\n"
    "VOUCH_DATA=/tmp/try-vouch vouch init\n",
    run_init,
    NULL,
};
