/*
 * cli/cmd_audit.c - `vouch audit list|export|verify`: the hash-chained audit
 * trail of every mutation.
 *
 * Routes: GET /v1/audit (filters project, action, since), POST
 * /v1/audit/verify. `export` prints JSON lines (one compact event per line,
 * with its "hash") whatever --output says, so that the output can be
 * archived and re-verified elsewhere.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "vouch/error.h"

/* Query object of the filters that were given; NULL when out of memory or
 * a value is not UTF-8. */
static json_t *audit_query(const char *project, const char *action, const char *since)
{
    const char *const names[] = {"project", "action", "since"};
    const char *const values[] = {project, action, since};
    json_t *q = json_object();

    for (size_t i = 0; q && i < 3; i++) {
        if (values[i] && json_object_set_new(q, names[i], json_string(values[i])) != 0) {
            json_decref(q);
            q = NULL;
        }
    }
    return q;
}

/* GET /v1/audit with the given filters into *resp. Returns 0 or an exit
 * code (reported) when the request could not be built. */
static int fetch_events(cli_ctx *ctx, cli_response *resp, const char *project, const char *action,
                        const char *since)
{
    json_t *query = audit_query(project, action, since);
    memset(resp, 0, sizeof(*resp));
    if (!query)
        return cli_report_local(ctx, VOUCH_EINVAL, "filters must be valid UTF-8");
    cli_call(ctx, "GET", "/v1/audit", query, NULL, resp);
    json_decref(query);
    return 0;
}

static void print_list(const cli_ctx *ctx, const json_t *body)
{
    static const char *const headers[] = {"SEQ",     "TIME",   "ACTION", "ACTOR",
                                          "PROJECT", "DIGEST", "CHANGE"};
    const json_t *events = json_object_get(body, "events");
    const json_t *ev;
    cli_table t;
    size_t i;

    (void)ctx;
    if (json_array_size(events) == 0) {
        cli_text(stdout, "no audit events\n");
        return;
    }
    cli_table_init(&t, 7, headers);
    json_array_foreach(events, i, ev)
    {
        char seq[32], digest[CLI_SHORT_DIGEST_MAX], change[512];
        const char *row[7];
        row[0] = cli_int_str(seq, sizeof(seq), ev, "seq");
        row[1] = cli_str(ev, "time", NULL);
        row[2] = cli_str(ev, "action", NULL);
        row[3] = cli_str(ev, "actor", NULL);
        row[4] = cli_str(ev, "project", NULL);
        row[5] = cli_str(ev, "digest", NULL) ? cli_short_digest(digest, cli_str(ev, "digest", NULL))
                                             : NULL;
        row[6] = cli_event_change(change, sizeof(change), ev);
        cli_table_add(&t, row);
    }
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

static int run_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    const char *project = NULL, *action = NULL, *since = NULL;
    const cli_opt opts[] = {
        {"project", "P", &project, NULL},
        {"action", "A", &action, NULL},
        {"since", "TIME", &since, NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec spec = {opts, no_pos, 0, NULL};
    cli_response resp;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = fetch_events(ctx, &resp, project, action, since)) != 0)
        return rc;
    rc = cli_finish(ctx, &resp, print_list);
    cli_response_release(&resp);
    return rc;
}

/* One compact JSON object per line, keys in the order stored. */
static int print_lines(const json_t *events)
{
    const json_t *ev;
    size_t i;

    json_array_foreach(events, i, ev)
    {
        if (json_dumpf(ev, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
            fputc('\n', stdout) == EOF)
            return CLI_EXIT_INTERNAL;
    }
    return CLI_EXIT_OK;
}

static int run_export(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    const char *project = NULL;
    const cli_opt opts[] = {{"project", "P", &project, NULL}, {NULL, NULL, NULL, NULL}};
    cli_spec spec = {opts, no_pos, 0, NULL};
    cli_response resp;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = fetch_events(ctx, &resp, project, NULL, NULL)) != 0)
        return rc;
    if (resp.code != 0)
        rc = cli_report_error(ctx, &resp);
    else
        rc = print_lines(json_object_get(resp.body, "events"));
    cli_response_release(&resp);
    return rc;
}

static void print_verified(const cli_ctx *ctx, const json_t *body)
{
    char count[32];
    (void)ctx;
    cli_text(stdout, "audit trail intact: %s event(s), head %s\n",
             cli_int_str(count, sizeof(count), body, "events"), cli_str(body, "head", "-"));
}

static int run_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    cli_spec spec = {NULL, no_pos, 0, NULL};
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    rc = cli_request(ctx, "POST", "/v1/audit/verify", NULL, NULL, print_verified);
    return rc;
}

static const cli_command list_cmd = {
    "list",
    "list audit events, oldest first",
    "audit list [--project P] [--action A] [--since RFC3339]",
    "List audit events in order (ascending sequence number): who did what to\n"
    "which artifact, and what changed.\n",
    "  --project P        only events of project P\n"
    "  --action A         only one action: project.create, policy.set,\n"
    "                     artifact.register, artifact.verify, artifact.promote,\n"
    "                     artifact.deprecate, artifact.retire, artifact.revoke\n"
    "  --since TIME       only events at or after TIME (RFC 3339)\n",
    "vouch audit list --project payments\n"
    "vouch audit list --action artifact.promote --since 2026-11-01T00:00:00Z\n"
    "vouch audit list -o json | jq '.events[] | select(.actor == \"alice\")'\n",
    run_list,
    NULL,
};

static const cli_command export_cmd = {
    "export",
    "print audit events as JSON lines",
    "audit export [--project P]",
    "Print every audit event as one compact JSON object per line, including its\n"
    "\"hash\" and \"prevHash\", oldest first. The format is JSON lines whatever\n"
    "--output says.\n",
    "  --project P        only events of project P\n",
    "vouch audit export > audit-2026-11.jsonl\n"
    "vouch audit export --project payments | jq -c 'select(.action == \"artifact.promote\")'\n",
    run_export,
    NULL,
};

static const cli_command verify_cmd = {
    "verify",
    "recompute the audit hash chain",
    "audit verify",
    "Recompute the hash of every audit event and the chain linking them. Exit 0\n"
    "when intact; exit 1 naming the first event that disagrees when anything was\n"
    "changed, removed or reordered.\n",
    NULL,
    "vouch audit verify\n"
    "vouch audit verify -o json\n",
    run_verify,
    NULL,
};

static const cli_command *const audit_cmds[] = {&list_cmd, &export_cmd, &verify_cmd, NULL};

const cli_command cli_audit_group = {
    "audit",
    "inspect and verify the audit trail",
    "audit COMMAND [OPTIONS]",
    "Every mutation appends one audit event (actor, project, artifact, digest,\n"
    "transition or target, correlation id, time, policy digest) chained to the\n"
    "previous one by its hash.\n",
    NULL,
    "vouch audit list --project payments\n"
    "vouch audit export > audit.jsonl\n"
    "vouch audit verify\n",
    NULL,
    audit_cmds,
};
