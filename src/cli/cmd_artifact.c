/*
 * cli/cmd_artifact.c - `vouch artifact register|verify|show|list|deprecate|
 * retire|revoke`: build outputs known by digest, their checks and states.
 *
 * Routes under /v1/projects/{p}/artifacts (docs/api.md). The bulk form of
 * register lives in cmd_register_bulk.c. Text output shortens digests in
 * tables and summary lines; show and --output json never do.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "vouch/alloc.h"
#include "vouch/error.h"

/* "/v1/projects/P/artifacts[/DIGEST][/suffix]" after checking both can be
 * path segments. Returns 0, or an exit code after reporting. */
static int artifact_path(const cli_ctx *ctx, char **out, const char *project, const char *digest,
                         const char *suffix)
{
    int rc;
    *out = NULL;
    if ((rc = cli_require(ctx, project, "--project")) != 0 ||
        (rc = cli_check_segment(ctx, project, "project name")) != 0)
        return rc;
    if (digest && (rc = cli_check_segment(ctx, digest, "digest")) != 0)
        return rc;
    *out = cli_strf("/v1/projects/%s/artifacts%s%s%s%s", project, digest ? "/" : "",
                    digest ? digest : "", suffix ? "/" : "", suffix ? suffix : "");
    return *out ? 0 : cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
}

/* ---- register ----------------------------------------------------------- */

static void print_registered(const cli_ctx *ctx, const json_t *body)
{
    const json_t *a = json_object_get(body, "artifact");
    char digest[CLI_SHORT_DIGEST_MAX], corr[16];

    cli_short_digest(digest, cli_str(a, "digest", NULL));
    if (!json_is_true(json_object_get(body, "created"))) {
        cli_text(stdout, "%s (%s) is already registered in %s; nothing changed\n", digest,
                 cli_str(a, "name", "?"), cli_str(a, "project", "?"));
        return;
    }
    cli_text(stdout, "registered %s (%s, %s) in %s: %s, %s [correlation %s]\n", digest,
             cli_str(a, "name", "?"), cli_str(a, "kind", "?"), cli_str(a, "project", "?"),
             cli_str(a, "lifecycle", "?"), cli_str(a, "trust", "?"),
             cli_short_id(corr, cli_correlation_id(ctx)));
}

typedef struct register_args {
    const char *project, *name, *kind, *source_type, *source_uri, *from_file, *digest;
} register_args;

/* The single and the bulk form exclude each other. */
static int check_register_args(const cli_ctx *ctx, const register_args *a)
{
    int rc;
    if (a->from_file) {
        if (a->name || a->kind || a->source_type || a->source_uri || a->digest)
            return cli_usage_error(ctx, "--from-file cannot be combined with --name, --kind, "
                                        "--source-type, --source-uri or DIGEST");
        return 0;
    }
    if ((rc = cli_require(ctx, a->name, "--name")) != 0 ||
        (rc = cli_require(ctx, a->kind, "--kind")) != 0 ||
        (rc = cli_require(ctx, a->source_type, "--source-type")) != 0 ||
        (rc = cli_require(ctx, a->source_uri, "--source-uri")) != 0)
        return rc;
    if (!a->digest)
        return cli_usage_error(ctx, "missing argument DIGEST");
    return 0;
}

static int run_register(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"DIGEST", NULL};
    register_args a = {0};
    const cli_opt opts[] = {
        {"project", "P", &a.project, NULL},
        {"name", "N", &a.name, NULL},
        {"kind", "K", &a.kind, NULL},
        {"source-type", "T", &a.source_type, NULL},
        {"source-uri", "U", &a.source_uri, NULL},
        {"from-file", "LIST", &a.from_file, NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec spec = {opts, pos_names, 0, &a.digest};
    json_t *body;
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = check_register_args(ctx, &a)) != 0)
        return rc;
    if (a.from_file)
        return cli_register_bulk(ctx, a.project, a.from_file);
    if ((rc = artifact_path(ctx, &path, a.project, NULL, NULL)) != 0)
        return rc;
    body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", a.name, "kind", a.kind, "sourceType",
                     a.source_type, "sourceUri", a.source_uri, "digest", a.digest);
    if (!body) {
        vouch_free(path);
        return cli_report_local(ctx, VOUCH_EINVAL, "arguments must be valid UTF-8");
    }
    rc = cli_request(ctx, "POST", path, NULL, body, print_registered);
    vouch_free(path);
    return rc;
}

/* ---- verify ------------------------------------------------------------- */

/* Fallback for evidence of checks this version does not know: the scalar
 * members as key=value, digests shortened. */
static void evidence_generic(char *buf, size_t size, const json_t *evidence)
{
    const char *key;
    const json_t *v;
    size_t used = 0;

    json_object_foreach((json_t *)evidence, key, v)
    {
        char scalar[256], digest[CLI_SHORT_DIGEST_MAX];
        int n;
        if (json_is_string(v) && strncmp(json_string_value(v), "sha", 3) == 0)
            snprintf(scalar, sizeof(scalar), "%s", cli_short_digest(digest, json_string_value(v)));
        else if (json_is_string(v))
            snprintf(scalar, sizeof(scalar), "%s", json_string_value(v));
        else if (json_is_integer(v))
            snprintf(scalar, sizeof(scalar), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        else if (json_is_boolean(v))
            snprintf(scalar, sizeof(scalar), "%s", json_is_true(v) ? "true" : "false");
        else
            continue;
        n = snprintf(buf + used, size - used, "%s%s=%s", used ? " " : "", key, scalar);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
}

/* One readable line from a check's evidence ("content matches (6 bytes)",
 * "source allowlisted by ...", the recorded reason, ...). */
static const char *evidence_str(char *buf, size_t size, const json_t *evidence)
{
    const char *reason = cli_str(evidence, "reason", NULL);
    const char *expected = cli_str(evidence, "expected", NULL);
    const char *actual = cli_str(evidence, "actual", NULL);
    const char *matched = cli_str(evidence, "matched", NULL);
    char bytes[32], want[CLI_SHORT_DIGEST_MAX], got[CLI_SHORT_DIGEST_MAX];

    buf[0] = '\0';
    cli_int_str(bytes, sizeof(bytes), evidence, "bytes");
    if (json_is_string(evidence))
        snprintf(buf, size, "%s", json_string_value(evidence));
    else if (reason)
        snprintf(buf, size, "%s", reason);
    else if (expected && actual && strcmp(expected, actual) == 0)
        snprintf(buf, size, "content matches the digest (%s bytes)", bytes);
    else if (expected && actual)
        snprintf(buf, size, "content is %s, not %s (%s bytes)", cli_short_digest(got, actual),
                 cli_short_digest(want, expected), bytes);
    else if (matched)
        snprintf(buf, size, "source allowlisted by '%s'", matched);
    else if (json_is_object(evidence))
        evidence_generic(buf, size, evidence);
    return buf;
}

/* CHECK RESULT [CHECKED AT] EVIDENCE for a "checks" array. */
static void print_checks(const json_t *checks, int with_time)
{
    static const char *const with_time_headers[] = {"CHECK", "RESULT", "CHECKED AT", "EVIDENCE"};
    static const char *const headers[] = {"CHECK", "RESULT", "EVIDENCE"};
    const json_t *c;
    cli_table t;
    size_t i;

    cli_table_init(&t, with_time ? 4 : 3, with_time ? with_time_headers : headers);
    json_array_foreach(checks, i, c)
    {
        char evidence[512];
        const char *row[4];
        row[0] = cli_str(c, "check", NULL);
        row[1] = cli_str(c, "result", NULL);
        evidence_str(evidence, sizeof(evidence), json_object_get(c, "evidence"));
        row[2] = with_time ? cli_str(c, "checkedAt", NULL) : evidence;
        row[3] = evidence;
        cli_table_add(&t, row);
    }
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

static void print_verified(const cli_ctx *ctx, const json_t *body)
{
    const json_t *a = json_object_get(body, "artifact");
    const char *before = cli_str(body, "previousTrust", "-"), *after = cli_str(body, "trust", "-");
    char digest[CLI_SHORT_DIGEST_MAX], corr[16];

    cli_short_digest(digest, cli_str(a, "digest", NULL));
    if (strcmp(before, after) == 0)
        cli_text(stdout, "%s (%s) in %s: trust %s (unchanged) [correlation %s]\n", digest,
                 cli_str(a, "name", "?"), cli_str(a, "project", "?"), after,
                 cli_short_id(corr, cli_correlation_id(ctx)));
    else
        cli_text(stdout, "%s (%s) in %s: trust %s -> %s [correlation %s]\n", digest,
                 cli_str(a, "name", "?"), cli_str(a, "project", "?"), before, after,
                 cli_short_id(corr, cli_correlation_id(ctx)));
    print_checks(json_object_get(body, "checks"), 0);
}

static int run_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"DIGEST", NULL};
    const char *digest, *project = NULL;
    const cli_opt opts[] = {{"project", "P", &project, NULL}, {NULL, NULL, NULL, NULL}};
    cli_spec spec = {opts, pos_names, 1, &digest};
    cli_response resp;
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = artifact_path(ctx, &path, project, digest, "verify")) != 0)
        return rc;
    cli_call(ctx, "POST", path, NULL, NULL, &resp);
    rc = cli_finish(ctx, &resp, print_verified);
    /* 200 whatever the outcome: the exit code tells whether it is trusted. */
    if (rc == CLI_EXIT_OK && strcmp(cli_str(resp.body, "trust", ""), "verified") != 0)
        rc = CLI_EXIT_DENIED;
    cli_response_release(&resp);
    vouch_free(path);
    return rc;
}

/* ---- show and list ------------------------------------------------------ */

static void print_channels(const json_t *channels)
{
    static const char *const headers[] = {"CHANNEL", "ENVIRONMENT", "PROMOTED AT", "CURRENT"};
    const json_t *c;
    cli_table t;
    size_t i;

    cli_table_init(&t, 4, headers);
    json_array_foreach(channels, i, c)
    {
        const char *row[4];
        row[0] = cli_str(c, "channel", NULL);
        row[1] = cli_str(c, "environment", NULL);
        row[2] = cli_str(c, "promotedAt", NULL);
        row[3] = json_is_true(json_object_get(c, "current")) ? "yes" : "no";
        cli_table_add(&t, row);
    }
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

static void print_show(const cli_ctx *ctx, const json_t *body)
{
    const json_t *a = json_object_get(body, "artifact");
    const json_t *channels = json_object_get(a, "channels");
    char source[1024];

    (void)ctx;
    snprintf(source, sizeof(source), "%s %s", cli_str(a, "sourceType", "?"),
             cli_str(a, "sourceUri", "?"));
    cli_kv(stdout, 10, "digest", cli_str(a, "digest", NULL));
    cli_kv(stdout, 10, "name", cli_str(a, "name", NULL));
    cli_kv(stdout, 10, "kind", cli_str(a, "kind", NULL));
    cli_kv(stdout, 10, "project", cli_str(a, "project", NULL));
    cli_kv(stdout, 10, "source", source);
    cli_kv(stdout, 10, "lifecycle", cli_str(a, "lifecycle", NULL));
    cli_kv(stdout, 10, "trust", cli_str(a, "trust", NULL));
    cli_kv(stdout, 10, "created", cli_str(a, "createdAt", NULL));
    cli_kv(stdout, 10, "updated", cli_str(a, "updatedAt", NULL));
    cli_text(stdout, "\n");
    print_checks(json_object_get(a, "checks"), 1);
    cli_text(stdout, "\n");
    if (json_array_size(channels) == 0)
        cli_text(stdout, "never promoted\n");
    else
        print_channels(channels);
}

static int run_show(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"DIGEST", NULL};
    const char *digest, *project = NULL;
    const cli_opt opts[] = {{"project", "P", &project, NULL}, {NULL, NULL, NULL, NULL}};
    cli_spec spec = {opts, pos_names, 1, &digest};
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = artifact_path(ctx, &path, project, digest, NULL)) != 0)
        return rc;
    rc = cli_request(ctx, "GET", path, NULL, NULL, print_show);
    vouch_free(path);
    return rc;
}

static void print_list(const cli_ctx *ctx, const json_t *body)
{
    static const char *const headers[] = {"DIGEST", "NAME", "KIND", "LIFECYCLE", "TRUST"};
    const json_t *artifacts = json_object_get(body, "artifacts");
    const json_t *a;
    cli_table t;
    size_t i;

    (void)ctx;
    if (json_array_size(artifacts) == 0) {
        cli_text(stdout, "no artifacts\n");
        return;
    }
    cli_table_init(&t, 5, headers);
    json_array_foreach(artifacts, i, a)
    {
        char digest[CLI_SHORT_DIGEST_MAX];
        const char *row[5];
        row[0] = cli_short_digest(digest, cli_str(a, "digest", NULL));
        row[1] = cli_str(a, "name", NULL);
        row[2] = cli_str(a, "kind", NULL);
        row[3] = cli_str(a, "lifecycle", NULL);
        row[4] = cli_str(a, "trust", NULL);
        cli_table_add(&t, row);
    }
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

/* Query object of the filters that were given; NULL (and *oom) on failure. */
static json_t *list_query(const char *const *names, const char *const *values, int *oom)
{
    json_t *q = json_object();
    *oom = q == NULL;
    for (size_t i = 0; q && names[i]; i++) {
        if (values[i] && json_object_set_new(q, names[i], json_string(values[i])) != 0) {
            json_decref(q);
            q = NULL;
        }
    }
    return q;
}

static int run_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    static const char *const names[] = {"trust", "lifecycle", "channel", NULL};
    const char *project = NULL, *values[3] = {NULL, NULL, NULL};
    const cli_opt opts[] = {
        {"project", "P", &project, NULL},
        {"trust", "S", &values[0], NULL},
        {"lifecycle", "S", &values[1], NULL},
        {"channel", "C", &values[2], NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec spec = {opts, no_pos, 0, NULL};
    json_t *query;
    char *path;
    int rc, oom;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = artifact_path(ctx, &path, project, NULL, NULL)) != 0)
        return rc;
    if (!(query = list_query(names, values, &oom))) {
        vouch_free(path);
        return cli_report_local(ctx, oom ? VOUCH_ENOMEM : VOUCH_EINVAL,
                                "filters must be valid UTF-8");
    }
    rc = cli_request(ctx, "GET", path, query, NULL, print_list);
    vouch_free(path);
    return rc;
}

/* ---- deprecate, retire, revoke ------------------------------------------ */

static void print_transition(const cli_ctx *ctx, const json_t *body)
{
    const json_t *a = json_object_get(body, "artifact");
    const char *action = ctx->cmd->name;
    char digest[CLI_SHORT_DIGEST_MAX], corr[16], change[128];

    cli_transition_str(change, sizeof(change), json_object_get(body, "transition"));
    cli_text(stdout, "%s %s (%s) in %s: %s [correlation %s]\n",
             strcmp(action, "deprecate") == 0 ? "deprecated"
             : strcmp(action, "retire") == 0  ? "retired"
                                              : "revoked",
             cli_short_digest(digest, cli_str(a, "digest", NULL)), cli_str(a, "name", "?"),
             cli_str(a, "project", "?"), change[0] ? change : "no change",
             cli_short_id(corr, cli_correlation_id(ctx)));
}

/* One function for the three: the command's name is the route's last
 * segment ("deprecate", "retire", "revoke"). */
static int run_transition(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"DIGEST", NULL};
    const char *digest, *project = NULL, *reason = NULL;
    const cli_opt opts[] = {
        {"project", "P", &project, NULL},
        {"reason", "TEXT", &reason, NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec spec = {opts, pos_names, 1, &digest};
    json_t *body;
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = artifact_path(ctx, &path, project, digest, ctx->cmd->name)) != 0)
        return rc;
    body = reason ? json_pack("{s:s}", "reason", reason) : json_object();
    if (!body) {
        vouch_free(path);
        return cli_report_local(ctx, VOUCH_EINVAL, "--reason must be valid UTF-8");
    }
    rc = cli_request(ctx, "POST", path, NULL, body, print_transition);
    vouch_free(path);
    return rc;
}

/* ---- command table ------------------------------------------------------ */

#define PROJECT_OPT "  --project P        project of the artifact (required)\n"

static const cli_command register_cmd = {
    "register",
    "record an artifact by digest (or many from a JSON lines file)",
    "artifact register --project P --name N --kind K --source-type T --source-uri U DIGEST\n"
    "   or: vouch artifact register --project P --from-file LIST.jsonl",
    "Record a build output by its immutable digest (sha256:<64 hex> or\n"
    "sha512:<128 hex>). It starts published and unverified; registering does not\n"
    "promote it anywhere. Registering the same digest again with the same metadata\n"
    "changes nothing; with other metadata it is refused (exit 4).\n"
    "\n"
    "--from-file registers many at once, all or nothing: one JSON object per line\n"
    "with name, kind, sourceType, sourceUri and digest ('-' reads stdin; blank\n"
    "lines are skipped). Errors name the file and line.\n",
    PROJECT_OPT
    "  --name N           artifact name (a label, not an identity)\n"
    "  --kind K           oci-image, oci-artifact, helm-chart, binary, archive, sbom, ...\n"
    "  --source-type T    oci, s3, http, file, git or upload\n"
    "  --source-uri U     where the content lives (fetched by 'artifact verify')\n"
    "  --from-file LIST   register every artifact of a JSON lines file\n",
    "vouch artifact register --project payments --name api --kind oci-image \\\n"
    "    --source-type oci --source-uri registry.example.com/payments/api \\\n"
    "    sha256:4f3c1e0b8d2a7c6f5e9d4b3a2c1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\n"
    "vouch artifact register --project payments --name cli --kind binary \\\n"
    "    --source-type file --source-uri /srv/builds/cli-1.4.2 \\\n"
    "    \"sha256:$(sha256sum /srv/builds/cli-1.4.2 | cut -d' ' -f1)\"\n"
    "vouch artifact register --project payments --from-file build-42.jsonl\n",
    run_register,
    NULL,
};

static const cli_command verify_cmd = {
    "verify",
    "run the checks and derive the trust state",
    "artifact verify --project P DIGEST",
    "Run the artifact's checks and record them: 'digest' fetches the content\n"
    "(file and http sources) and hashes it; 'source' matches the source against\n"
    "the policy's allowlist. The trust state is derived from the policy baseline.\n"
    "Prints each check with its result and evidence. Exit 0 when the artifact is\n"
    "verified, 1 otherwise (the checks are recorded either way).\n",
    PROJECT_OPT,
    "vouch artifact verify --project payments \"$DIGEST\"\n"
    "vouch artifact verify --project payments \"$DIGEST\" -o json | jq .checks\n"
    "vouch artifact verify --project payments \"$DIGEST\" && deploy.sh\n",
    run_verify,
    NULL,
};

static const cli_command show_cmd = {
    "show",
    "show an artifact, its checks and channels",
    "artifact show --project P DIGEST",
    "Show one artifact: metadata, lifecycle and trust state, the latest result of\n"
    "each check, and every channel/environment it was promoted into.\n",
    PROJECT_OPT,
    "vouch artifact show --project payments \"$DIGEST\"\n"
    "vouch artifact show --project payments \"$DIGEST\" -o json\n",
    run_show,
    NULL,
};

static const cli_command list_cmd = {
    "list",
    "list artifacts, optionally filtered",
    "artifact list --project P [--trust S] [--lifecycle S] [--channel C]",
    "List a project's artifacts. Text output shortens digests to 12 hex digits;\n"
    "--output json prints them in full.\n",
    PROJECT_OPT "  --trust S          unverified, verified, failed_verification or revoked\n"
                "  --lifecycle S      published, promoted, deprecated or retired\n"
                "  --channel C        only artifacts currently in channel C\n",
    "vouch artifact list --project payments\n"
    "vouch artifact list --project payments --trust failed_verification\n"
    "vouch artifact list --project payments --channel prod -o json | jq -r '.artifacts[].digest'\n",
    run_list,
    NULL,
};

static const cli_command deprecate_cmd = {
    "deprecate",
    "mark an artifact deprecated (no longer promotable)",
    "artifact deprecate --project P DIGEST [--reason TEXT]",
    "Move the artifact's lifecycle to deprecated. A deprecated artifact stays\n"
    "where it was promoted but can no longer be promoted. Audited with the reason.\n",
    PROJECT_OPT "  --reason TEXT      why, recorded in the audit trail\n",
    "vouch artifact deprecate --project payments \"$DIGEST\" --reason 'superseded by 1.5'\n"
    "vouch --actor alice artifact deprecate --project payments \"$DIGEST\"\n",
    run_transition,
    NULL,
};

static const cli_command retire_cmd = {
    "retire",
    "mark an artifact retired (final lifecycle state)",
    "artifact retire --project P DIGEST [--reason TEXT]",
    "Move the artifact's lifecycle to retired. Nothing leaves retired; a retired\n"
    "artifact is not promotable. Audited with the reason.\n",
    PROJECT_OPT "  --reason TEXT      why, recorded in the audit trail\n",
    "vouch artifact retire --project payments \"$DIGEST\" --reason 'end of support'\n"
    "vouch artifact retire --project payments \"$DIGEST\" -o json\n",
    run_transition,
    NULL,
};

static const cli_command revoke_cmd = {
    "revoke",
    "revoke trust in an artifact (terminal)",
    "artifact revoke --project P DIGEST [--reason TEXT]",
    "Set the artifact's trust state to revoked. Revocation is terminal: later\n"
    "verification does not restore trust, and a revoked artifact is never\n"
    "promoted. Audited with the reason.\n",
    PROJECT_OPT "  --reason TEXT      why, recorded in the audit trail\n",
    "vouch artifact revoke --project payments \"$DIGEST\" --reason 'CVE-2026-1234'\n"
    "vouch artifact revoke --project payments \"$DIGEST\" --correlation-id INC-77\n",
    run_transition,
    NULL,
};

static const cli_command *const artifact_cmds[] = {
    &register_cmd,  &verify_cmd, &show_cmd,   &list_cmd,
    &deprecate_cmd, &retire_cmd, &revoke_cmd, NULL,
};

const cli_command cli_artifact_group = {
    "artifact",
    "register, verify and inspect artifacts",
    "artifact COMMAND [OPTIONS]",
    "An artifact is a build output in a project, identified by its digest. It has\n"
    "two independent states: lifecycle (published, promoted, deprecated, retired)\n"
    "and trust (unverified, verified, failed_verification, revoked).\n",
    NULL,
    "vouch artifact register --project payments --name api --kind oci-image \\\n"
    "    --source-type oci --source-uri registry.example.com/payments/api \\\n"
    "    sha256:4f3c1e0b8d2a7c6f5e9d4b3a2c1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a39\n"
    "vouch artifact verify --project payments \"$DIGEST\"\n"
    "vouch artifact list --project payments --trust verified\n",
    NULL,
    artifact_cmds,
};
