/* store.c - backend-independent helpers of the store interface. */
#include <string.h>

#include "store/store.h"

void vouch_checks_init(vouch_checks *c)
{
    memset(c, 0, sizeof(*c));
}

void vouch_checks_release(vouch_checks *c)
{
    for (int i = 0; i < VOUCH_CHECK__COUNT; i++)
        json_decref(c->evidence[i]);
    vouch_checks_init(c);
}
