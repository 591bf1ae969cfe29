/*
 * vouch/router.h - the one table that maps method + path to a use case,
 * JSON in and JSON out. docs/api.md lists the routes and their bodies.
 *
 * The same requests come from the CLI (in-process) and from HTTP, so a
 * capability exists once. The router never prints and never exits.
 */
#ifndef VOUCH_ROUTER_H
#define VOUCH_ROUTER_H

#include <jansson.h>

#include "common.h"
#include "service.h"

typedef struct vouch_request {
    const char *method;         /* "GET", "POST", "PUT", "DELETE" */
    const char *path;           /* decoded path without query: "/v1/projects/p" */
    const json_t *query;        /* object of string values, or NULL */
    const json_t *body;         /* request body, or NULL (treated as {}) */
    const char *actor;          /* authenticated actor name; required */
    const char *correlation_id; /* NULL: one is generated */
} vouch_request;

typedef struct vouch_response {
    int status;   /* HTTP status: 200, 201, 400, 403, 404, 409, 413, 422, 500 */
    json_t *body; /* owned: success object or {"error":{...}}; NULL only when
                     even the error body could not be allocated */
    int code;     /* 0 or the VOUCH_E* code behind an error body */
} vouch_response;

/*
 * Dispatch one request. Always fills *resp (errors become error bodies
 * with a fitting status) and returns resp->code. Release the response
 * with vouch_response_release().
 */
VOUCH_EXTERN int vouch_router_handle(vouch_service *svc, const vouch_request *req,
                                     vouch_response *resp);

VOUCH_EXTERN void vouch_response_release(vouch_response *resp);

/* Build {"error":{"code","message","details"}} for a code and message;
 * `rule` (may be NULL or "") goes to details.rule. New reference. */
VOUCH_EXTERN json_t *vouch_error_body(int code, const char *message, const char *rule);

#endif
