/*
 * vouch/random.h - cryptographically secure random bytes and identifiers.
 */
#ifndef VOUCH_RANDOM_H
#define VOUCH_RANDOM_H

#include <stddef.h>

#include "common.h"
#include "error.h"

/* Fill buf with n random bytes from the OS CSPRNG (getrandom). */
VOUCH_EXTERN int vouch_random_bytes(void *buf, size_t n, vouch_error *err);

/* A random RFC 4122 version 4 UUID, lowercase, into out (size >= 37). */
VOUCH_EXTERN int vouch_random_uuid(char out[37], vouch_error *err);

#endif
