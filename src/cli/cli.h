/*
 * cli/cli.h - private header of the `vouch` command: the context every
 * command runs in, the one transport call (cli_call), the option parser and
 * the output helpers.
 *
 * Every command builds a request (method, path, query, body), hands it to
 * cli_call() and prints the response. cli_call() is the only place that
 * knows where the router lives: in local mode it opens the data directory
 * and calls vouch_router_handle() in-process; a remote mode (--server URL)
 * replaces only that function. Commands never print an error for a failed
 * call themselves: cli_report_error() does it the same way for all.
 *
 * Only main() exits. Commands return an exit code (enum cli_exit).
 */
#ifndef VOUCH_CLI_H
#define VOUCH_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "vouch/common.h"
#include "vouch/service.h"

/* Exit codes of DESIGN.md and docs/api.md; scripts rely on them. */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_DENIED = 1, /* denied by policy or failed verification */
    CLI_EXIT_USAGE = 2,  /* usage error or malformed input */
    CLI_EXIT_NOTFOUND = 3,
    CLI_EXIT_CONFLICT = 4,
    CLI_EXIT_INTERNAL = 5
};

struct cli_ctx;

/* A command or a group of commands, with everything its --help shows. */
typedef struct cli_command {
    const char *name;        /* "register" */
    const char *summary;     /* one lowercase line for command lists */
    const char *usage;       /* after "vouch ": "artifact show --project P DIGEST" */
    const char *description; /* paragraph(s), each line ending in '\n' */
    const char *options;     /* "  --project P   ...\n" lines, or NULL */
    const char *examples;    /* one command per line, or NULL */
    /* Runs the command on the arguments after its name; NULL for a group. */
    int (*run)(struct cli_ctx *ctx, int argc, char **argv);
    const struct cli_command *const *sub; /* NULL-terminated, groups only */
} cli_command;

/* Everything a command needs besides its own arguments. */
typedef struct cli_ctx {
    /* Global flags, resolved from flag, environment or default. Borrowed
     * from argv/environ or owned by the *_owned members below. */
    const char *data_dir;
    const char *actor;
    const char *correlation_id; /* NULL: generated for mutating calls */
    int json;                   /* --output json */
    int help;                   /* --help seen */
    int version;                /* --version seen */

    const cli_command *cmd; /* command being run, for help and usage errors */
    char cmd_path[64];      /* "artifact register", for "Try 'vouch ... --help'" */

    /* Transport state (local mode). */
    vouch_service *svc; /* opened by the first cli_call() that needs it */
    int stateless;      /* the next calls need no data directory */
    char generated_correlation[37];

    char *data_dir_owned;
    char *actor_owned;
} cli_ctx;

/* Initialize with no flags seen; cli_ctx_resolve() fills the defaults. */
void cli_ctx_init(cli_ctx *ctx);
/* Apply VOUCH_DATA / VOUCH_ACTOR and the defaults to flags not given.
 * Returns 0, or an exit code after printing why. */
int cli_ctx_resolve(cli_ctx *ctx);
/* Close the service and free what the context owns. */
void cli_ctx_release(cli_ctx *ctx);

/* ---- transport (transport.c) ------------------------------------------ */

typedef struct cli_response {
    int status;   /* HTTP status */
    int code;     /* 0 or the VOUCH_E* code behind an error body */
    json_t *body; /* owned; never NULL after cli_call() returned */
} cli_response;

/*
 * Send one request to the router and wait for its answer. `path` is the
 * decoded path without query; `query` an object of strings or NULL;
 * `body` NULL (treated as {}) or an object. Neither is stolen. Always
 * fills *out (a failure to reach the router becomes an error body) and
 * returns out->code. Release with cli_response_release().
 */
int cli_call(cli_ctx *ctx, const char *method, const char *path, const json_t *query,
             const json_t *body, cli_response *out);
void cli_response_release(cli_response *resp);

/* The correlation id this process sends with mutations (given or
 * generated); NULL when none was given and none was needed yet. */
const char *cli_correlation_id(const cli_ctx *ctx);

/* ---- exit codes and dispatch (main.c) ---------------------------------- */

/* Exit code for a VOUCH_E* code (docs/api.md table). */
int cli_exit_code(int code);

/* Exit code for an error response: from resp->code, else the body's
 * error.code name. */
int cli_response_exit(const cli_response *resp);

/* Commands and groups the dispatcher knows (defined in the cmd_*.c files). */
extern const cli_command cli_init_cmd;
extern const cli_command cli_project_group;
extern const cli_command cli_policy_group;
extern const cli_command cli_artifact_group;
extern const cli_command cli_promote_cmd;
extern const cli_command cli_status_cmd;
extern const cli_command cli_history_cmd;
extern const cli_command cli_audit_group;
extern const cli_command cli_digest_cmd;

/* `artifact register --from-file FILE` (cmd_register_bulk.c): arguments
 * already checked; returns the exit code. */
int cli_register_bulk(cli_ctx *ctx, const char *project, const char *file);

/* ---- option parser (args.c) -------------------------------------------- */

/* One option of a command. Exactly one of value/flag is set. */
typedef struct cli_opt {
    const char *name;    /* long name without "--" */
    const char *metavar; /* "P" for options taking a value, NULL for flags */
    const char **value;  /* receives the value (borrowed from argv); last wins */
    int *flag;           /* set to 1 when a flag is present */
} cli_opt;

typedef struct cli_spec {
    const cli_opt *opts;          /* terminated by {NULL}; may be NULL */
    const char *const *pos_names; /* names of positionals, NULL-terminated */
    size_t pos_required;          /* how many of pos_names must be given */
    const char **pos;             /* receives the positionals (pos_names count) */
} cli_spec;

/*
 * Parse a command's arguments: its own options, the global flags anywhere
 * among them, "--opt value" and "--opt=value", "--" ending options.
 * Returns 1 when the command should go on; 0 when it must stop with exit
 * code *exit_out: 0 after printing the help (--help) or the version, 2
 * after printing a usage error.
 */
int cli_parse(cli_ctx *ctx, const cli_spec *spec, int argc, char **argv, int *exit_out);

/*
 * Parse global flags from argv[*index] on, stopping at the first
 * positional (a command name), which *index then points at (argc when
 * none). Returns 0, or CLI_EXIT_USAGE after printing the error.
 */
int cli_parse_globals(cli_ctx *ctx, int argc, char **argv, int *index);

/* Print "vouch: <message>" and "Try 'vouch <cmd> --help'." on stderr;
 * returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...) VOUCH_PRINTF(2, 3);

/* Usage error unless `value` is set: "missing required option --name". */
int cli_require(const cli_ctx *ctx, const char *value, const char *name);

/* ---- output (output.c) ------------------------------------------------- */

/* printf to `f` with control characters from the data replaced by '?'
 * (newline and tab are kept), so stored names cannot drive the terminal. */
void cli_text(FILE *f, const char *fmt, ...) VOUCH_PRINTF(2, 3);

/* Pretty-print `v` (2-space indent, keys in stored order) and a newline. */
int cli_print_json(FILE *f, const json_t *v);

/* Print an error response (stderr message, rule for refusals, JSON body on
 * stdout with --output json) and return its exit code. */
int cli_report_error(const cli_ctx *ctx, const cli_response *resp);

/* Report a local failure (code + message) like an error response. */
int cli_report_local(const cli_ctx *ctx, int code, const char *fmt, ...) VOUCH_PRINTF(3, 4);

/*
 * The common tail of a command: on error report it; with --output json
 * print the body; else call `text` (may be NULL) on the body. Returns the
 * exit code.
 */
typedef void (*cli_text_fn)(const cli_ctx *ctx, const json_t *body);
int cli_finish(const cli_ctx *ctx, const cli_response *resp, cli_text_fn text);

/*
 * One whole exchange: cli_call(), then cli_finish() with `text` for the
 * text output, then release. Takes over `query` and `body` (json_decref,
 * NULL allowed); `path` stays the caller's. Returns the exit code.
 */
int cli_request(cli_ctx *ctx, const char *method, const char *path, json_t *query, json_t *body,
                cli_text_fn text);

/* Print the help of `cmd` (a command or group) to `f`. */
void cli_print_help(FILE *f, const cli_command *cmd, const char *path);

/* Borrowed string member of `obj`, or `dflt` when absent, null or not a
 * string. */
const char *cli_str(const json_t *obj, const char *key, const char *dflt);
/* Integer member as text into buf ("-" when absent). */
const char *cli_int_str(char *buf, size_t size, const json_t *obj, const char *key);

#define CLI_SHORT_DIGEST_MAX 32
/* "sha256:4f3c5d6e7f8a…" (12 hex digits) for text columns; other strings
 * are copied (truncated to fit). Returns out. */
const char *cli_short_digest(char out[CLI_SHORT_DIGEST_MAX], const char *digest);
/* Correlation id for summary lines: ids longer than 12 characters are
 * shortened to 8 and "…". Returns out. */
const char *cli_short_id(char out[16], const char *id);

/* Aligned columns. Cells are copied; an allocation failure is sticky and
 * reported by cli_table_print(). */
typedef struct cli_table {
    size_t ncols;
    size_t nrows; /* including the header row */
    size_t cap;   /* cells allocated */
    char **cells;
    int failed;
} cli_table;

void cli_table_init(cli_table *t, size_t ncols, const char *const *headers);
/* Append a row of ncols cells (NULL cells print as "-"). */
void cli_table_add(cli_table *t, const char *const *cells);
/* Print with two spaces between columns; returns 0 or VOUCH_ENOMEM. */
int cli_table_print(const cli_table *t, FILE *f);
void cli_table_release(cli_table *t);

/* "key:" padded to `width` and the value (sanitized) on one line. */
void cli_kv(FILE *f, int width, const char *key, const char *value);

/* Short human summary of a transition object ({"lifecycle":{"from","to"},
 * "trust":{...}}) into buf: "lifecycle published -> promoted". Empty when
 * there is none. Returns buf. */
const char *cli_transition_str(char *buf, size_t size, const json_t *transition);

/* What an audit event changed, for timelines: transition, target, reason
 * and cause joined by "; " into buf. Returns buf. */
const char *cli_event_change(char *buf, size_t size, const json_t *event);

/* Join the strings of a JSON array with `sep` into buf (truncated to fit;
 * "-" when empty or not an array). Returns buf. */
const char *cli_join(char *buf, size_t size, const json_t *array, const char *sep);

/* ---- shared by several commands ---------------------------------------- */

/* Usage error unless `value` can be one path segment: not empty, no '/',
 * '?', '#' or control characters. `what` names it ("project name"). */
int cli_check_segment(const cli_ctx *ctx, const char *value, const char *what);

/* printf into a new heap string (vouch_free); NULL when out of memory. */
char *cli_strf(const char *fmt, ...) VOUCH_PRINTF(1, 2);

#endif
