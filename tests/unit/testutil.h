/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef VOUCH_TESTUTIL_H
#define VOUCH_TESTUTIL_H

#include <stddef.h>

/* Read a whole file into a NUL-terminated malloc'd buffer (free()), or NULL. */
char *tu_read_file(const char *path, size_t *len_out);

/* Path under the shared specs vectors directory (static buffer). */
const char *tu_vector_path(const char *relative);

/* Make a fresh temporary directory (static buffer, removed by tu_rmrf). */
const char *tu_tmpdir(void);
void tu_rmrf(const char *path);

/* Allocation-failure injection: fail the nth allocation from now on
 * (n >= 1), or never (n == 0). Returns allocations seen since arming. */
void tu_fail_alloc_after(long n);
long tu_alloc_count(void);

#endif
