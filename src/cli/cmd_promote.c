/*
 * cli/cmd_promote.c - `vouch promote`, `vouch status` and `vouch history`:
 * explicit promotion into a channel, what each channel/environment runs
 * now, and the timeline of one artifact.
 *
 * Routes: POST /v1/projects/{p}/promotions, GET /v1/projects/{p}/status,
 * GET /v1/projects/{p}/artifacts/{digest}/history. A refused promotion is
 * an error response naming the rule (details.rule), printed by
 * cli_report_error(); exit 1.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "vouch/alloc.h"
#include "vouch/error.h"

/* Check --project and build "/v1/projects/P<suffix>". */
static int project_path(const cli_ctx *ctx, char **out, const char *project, const char *suffix)
{
    int rc;
    *out = NULL;
    if ((rc = cli_require(ctx, project, "--project")) != 0 ||
        (rc = cli_check_segment(ctx, project, "project name")) != 0)
        return rc;
    *out = cli_strf("/v1/projects/%s%s", project, suffix);
    return *out ? 0 : cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
}

/* ---- promote ------------------------------------------------------------ */

static void print_promoted(const cli_ctx *ctx, const json_t *body)
{
    const json_t *p = json_object_get(body, "promotion");
    const char *env = cli_str(p, "environment", NULL);
    const char *corr_id = cli_str(p, "correlationId", cli_correlation_id(ctx));
    char digest[CLI_SHORT_DIGEST_MAX], where[160], corr[16], change[128];

    cli_short_digest(digest, cli_str(p, "digest", NULL));
    snprintf(where, sizeof(where), "%s%s%s", cli_str(p, "channel", "?"), env ? "/" : "",
             env ? env : "");
    if (!json_is_true(json_object_get(body, "changed"))) {
        cli_text(stdout, "%s (%s) is already current in %s; nothing changed\n", digest,
                 cli_str(p, "name", "?"), where);
        return;
    }
    cli_transition_str(change, sizeof(change), json_object_get(body, "transition"));
    cli_text(stdout, "promoted %s (%s) to %s%s%s%s [correlation %s]\n", digest,
             cli_str(p, "name", "?"), where, change[0] ? " (" : "", change, change[0] ? ")" : "",
             cli_short_id(corr, corr_id));
}

static int run_promote(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"DIGEST", NULL};
    const char *digest, *project = NULL, *channel = NULL, *env = NULL;
    const cli_opt opts[] = {
        {"project", "P", &project, NULL},
        {"to", "CHANNEL", &channel, NULL},
        {"env", "ENV", &env, NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec spec = {opts, pos_names, 1, &digest};
    json_t *body;
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = cli_require(ctx, channel, "--to")) != 0 ||
        (rc = project_path(ctx, &path, project, "/promotions")) != 0)
        return rc;
    body = json_pack("{s:s, s:s}", "digest", digest, "channel", channel);
    if (body && env && json_object_set_new(body, "environment", json_string(env)) != 0) {
        json_decref(body);
        body = NULL;
    }
    if (!body) {
        vouch_free(path);
        return cli_report_local(ctx, VOUCH_EINVAL, "arguments must be valid UTF-8");
    }
    rc = cli_request(ctx, "POST", path, NULL, body, print_promoted);
    vouch_free(path);
    return rc;
}

/* ---- status ------------------------------------------------------------- */

static void add_status_rows(cli_table *t, const json_t *channel)
{
    const json_t *envs = json_object_get(channel, "environments");
    const json_t *e;
    size_t i;

    json_array_foreach(envs, i, e)
    {
        const json_t *cur = json_object_get(e, "current");
        char digest[CLI_SHORT_DIGEST_MAX];
        const char *row[6];
        row[0] = cli_str(channel, "channel", NULL);
        row[1] = cli_str(e, "environment", NULL);
        row[2] = json_is_object(cur) ? cli_short_digest(digest, cli_str(cur, "digest", NULL))
                                     : "(empty)";
        row[3] = cli_str(cur, "name", NULL);
        row[4] = cli_str(cur, "promotedAt", NULL);
        row[5] = cli_str(cur, "actor", NULL);
        cli_table_add(t, row);
    }
}

static void print_status(const cli_ctx *ctx, const json_t *body)
{
    static const char *const headers[] = {"CHANNEL", "ENVIRONMENT", "DIGEST",
                                          "NAME",    "PROMOTED AT", "BY"};
    const json_t *c;
    cli_table t;
    size_t i;

    (void)ctx;
    cli_text(stdout, "project %s, policy %s\n\n", cli_str(body, "project", "?"),
             cli_str(body, "policyDigest", "-"));
    cli_table_init(&t, 6, headers);
    json_array_foreach(json_object_get(body, "channels"), i, c) add_status_rows(&t, c);
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

static int run_status(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    const char *project = NULL, *channel = NULL;
    const cli_opt opts[] = {
        {"project", "P", &project, NULL},
        {"channel", "C", &channel, NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec spec = {opts, no_pos, 0, NULL};
    json_t *query = NULL;
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = project_path(ctx, &path, project, "/status")) != 0)
        return rc;
    if (channel && !(query = json_pack("{s:s}", "channel", channel))) {
        vouch_free(path);
        return cli_report_local(ctx, VOUCH_EINVAL, "--channel must be valid UTF-8");
    }
    rc = cli_request(ctx, "GET", path, query, NULL, print_status);
    vouch_free(path);
    return rc;
}

/* ---- history ------------------------------------------------------------ */

static void print_history(const cli_ctx *ctx, const json_t *body)
{
    static const char *const headers[] = {"TIME", "ACTION", "ACTOR", "CHANGE"};
    const json_t *a = json_object_get(body, "artifact");
    const json_t *ev;
    cli_table t;
    size_t i;

    (void)ctx;
    cli_text(stdout, "%s (%s, %s) in %s: %s, %s\n\n", cli_str(a, "digest", "?"),
             cli_str(a, "name", "?"), cli_str(a, "kind", "?"), cli_str(a, "project", "?"),
             cli_str(a, "lifecycle", "?"), cli_str(a, "trust", "?"));
    cli_table_init(&t, 4, headers);
    json_array_foreach(json_object_get(body, "events"), i, ev)
    {
        char change[512];
        const char *row[4];
        row[0] = cli_str(ev, "time", NULL);
        row[1] = cli_str(ev, "action", NULL);
        row[2] = cli_str(ev, "actor", NULL);
        row[3] = cli_event_change(change, sizeof(change), ev);
        cli_table_add(&t, row);
    }
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

static int run_history(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"DIGEST", NULL};
    const char *digest, *project = NULL;
    const cli_opt opts[] = {{"project", "P", &project, NULL}, {NULL, NULL, NULL, NULL}};
    cli_spec spec = {opts, pos_names, 1, &digest};
    char *suffix, *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = cli_check_segment(ctx, digest, "digest")) != 0)
        return rc;
    if (!(suffix = cli_strf("/artifacts/%s/history", digest)))
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    rc = project_path(ctx, &path, project, suffix);
    vouch_free(suffix);
    if (rc != 0)
        return rc;
    rc = cli_request(ctx, "GET", path, NULL, NULL, print_history);
    vouch_free(path);
    return rc;
}

const cli_command cli_promote_cmd = {
    "promote",
    "promote an artifact into a channel (explicitly)",
    "promote --project P DIGEST --to CHANNEL [--env ENV]",
    "Promote an artifact into CHANNEL, optionally into one of the channel's\n"
    "environments. The policy decides: the artifact must already be in the\n"
    "channel's 'from' channel, the channel's required checks must pass, the actor\n"
    "must be one of its promoters, deprecated, retired, revoked and failed\n"
    "artifacts are refused, and non-OCI artifacts only where allowed. A refusal\n"
    "exits 1 and names the rule. Promoting an older digest is how to roll back.\n",
    "  --project P        project of the artifact (required)\n"
    "  --to CHANNEL       target channel (required)\n"
    "  --env ENV          target environment, one of the channel's environments\n",
    "vouch promote --project payments \"$DIGEST\" --to dev\n"
    "vouch --actor alice promote --project payments \"$DIGEST\" --to prod --env eu-1\n"
    "vouch promote --project payments \"$DIGEST\" --to staging --correlation-id REL-2026.11\n",
    run_promote,
    NULL,
};

const cli_command cli_status_cmd = {
    "status",
    "show what is in each channel/environment now",
    "status --project P [--channel C]",
    "Show, for every channel (and environment) of the project in promotion order,\n"
    "the artifact currently promoted there, when and by whom.\n",
    "  --project P        project to show (required)\n"
    "  --channel C        only this channel\n",
    "vouch status --project payments\n"
    "vouch status --project payments --channel prod\n"
    "vouch status --project payments -o json | jq '.channels[].environments[].current.digest'\n",
    run_status,
    NULL,
};

const cli_command cli_history_cmd = {
    "history",
    "show every state change and promotion of an artifact",
    "history --project P DIGEST",
    "Show the timeline of one artifact: registration, verifications, promotions\n"
    "and lifecycle or trust changes, each with its time, audit action and actor.\n",
    "  --project P        project of the artifact (required)\n",
    "vouch history --project payments \"$DIGEST\"\n"
    "vouch history --project payments \"$DIGEST\" -o json | jq '.events[].action'\n",
    run_history,
    NULL,
};
