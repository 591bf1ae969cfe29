/*
 * vouch/service.h - the use cases of vouch over one data directory.
 *
 * A vouch_service owns the store and the project policies it has loaded.
 * Every mutating use case runs in one store transaction that writes the
 * state change and its audit event together, or nothing. Callers reach the
 * use cases through the router (vouch/router.h), which is what the CLI and
 * the HTTP server share; this header only opens and closes.
 *
 * A vouch_service is not thread-safe: one thread at a time (the server
 * will serialize writers around it).
 */
#ifndef VOUCH_SERVICE_H
#define VOUCH_SERVICE_H

#include "common.h"
#include "error.h"

typedef struct vouch_service vouch_service;

typedef struct vouch_service_opts {
    const char *data_dir; /* required: holds vouch.db and blobs/ */
    /* Verification fetch limits: bytes hashed from a source (0: 64 GiB). */
    unsigned long long max_source_bytes;
} vouch_service_opts;

/*
 * Create the data directory (mode 0700) and an empty, migrated store.
 * *created_out is 1 when something was created, 0 when the directory was
 * already initialized (not an error).
 */
VOUCH_EXTERN int vouch_service_init(const vouch_service_opts *opts, int *created_out,
                                    vouch_error *err);

/*
 * Open an initialized data directory, applying pending migrations.
 * VOUCH_ENOTFOUND with a hint to run `vouch init` when it is not
 * initialized. The caller owns *out (vouch_service_close).
 */
VOUCH_EXTERN int vouch_service_open(vouch_service **out, const vouch_service_opts *opts,
                                    vouch_error *err);

VOUCH_EXTERN void vouch_service_close(vouch_service *svc);

#endif
