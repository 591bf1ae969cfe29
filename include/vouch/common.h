/*
 * vouch/common.h - export macro and the error codes every libvouch call uses.
 *
 * A function that can fail returns int: 0 on success or one of the negative
 * VOUCH_E* codes below. The codes are part of the ABI and are never
 * renumbered; new ones are only ever appended.
 */
#ifndef VOUCH_COMMON_H
#define VOUCH_COMMON_H

#if defined(VOUCH_BUILDING_LIBRARY) && defined(__GNUC__)
#define VOUCH_EXTERN __attribute__((visibility("default")))
#else
#define VOUCH_EXTERN
#endif

#if defined(__GNUC__)
#define VOUCH_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VOUCH_PRINTF(fmt, args)
#endif

enum {
    VOUCH_OK = 0,
    VOUCH_EINVAL = -1,    /* malformed input or bad argument */
    VOUCH_ENOTFOUND = -2, /* the named thing does not exist */
    VOUCH_EEXISTS = -3,   /* it exists already */
    VOUCH_ECONFLICT = -4, /* the request contradicts stored state */
    VOUCH_EDENIED = -5,   /* refused by policy */
    VOUCH_EVERIFY = -6,   /* verification failed */
    VOUCH_EAUTH = -7,     /* not authenticated / not authorized */
    VOUCH_ETOOBIG = -8,   /* input over a size limit */
    VOUCH_EIO = -9,       /* file, network or OS failure */
    VOUCH_ESTORE = -10,   /* the database failed */
    VOUCH_ENOMEM = -11,   /* out of memory */
    VOUCH_EINTERNAL = -12 /* a bug: an invariant did not hold */
};

#endif
