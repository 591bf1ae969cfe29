/* test_random.c - random bytes and version 4 UUIDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vouch/error.h"
#include "vouch/random.h"

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_random__uuid_format(void **state)
{
    (void)state;
    for (int round = 0; round < 200; round++) {
        char u[37];
        memset(u, 'X', sizeof(u));
        assert_int_equal(vouch_random_uuid(u, NULL), 0);
        assert_int_equal(strlen(u), 36);
        for (size_t i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                assert_int_equal(u[i], '-');
            else
                assert_true(is_lower_hex(u[i]));
        }
        assert_int_equal(u[14], '4');           /* version nibble */
        assert_non_null(strchr("89ab", u[19])); /* variant 10xx */
    }
}

static void test_random__uuids_differ(void **state)
{
    (void)state;
    char a[37], b[37];
    assert_int_equal(vouch_random_uuid(a, NULL), 0);
    assert_int_equal(vouch_random_uuid(b, NULL), 0);
    assert_string_not_equal(a, b);
}

/* A buffer of n random bytes that is all zeros (or equal to another) has
 * probability 2^-8n: for n >= 16 a failure here means a broken source. */
static void test_random__bytes_of_various_lengths(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 15, 16, 31, 32, 255, 256, 257, 4096, 65536, 1 << 20};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        unsigned char *a = calloc(1, n + 2);
        unsigned char *b = calloc(1, n + 2);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(vouch_random_bytes(a + 1, n, NULL), 0);
        assert_int_equal(vouch_random_bytes(b + 1, n, NULL), 0);
        /* nothing written outside the buffer */
        assert_int_equal(a[0], 0);
        assert_int_equal(a[n + 1], 0);
        if (n >= 16) {
            static const unsigned char zero[16];
            assert_memory_not_equal(a + 1, zero, 16);
            assert_memory_not_equal(a + 1, b + 1, n);
        }
        free(a);
        free(b);
    }
}

static void test_random__large_request_is_filled(void **state)
{
    (void)state;
    /* larger than getrandom's 32 MiB - 1 per call: needs the loop */
    size_t n = (size_t)33 * 1024 * 1024;
    unsigned char *a = calloc(1, n);
    assert_non_null(a);
    assert_int_equal(vouch_random_bytes(a, n, NULL), 0);
    static const unsigned char zero[64];
    assert_memory_not_equal(a + n - 64, zero, 64);
    free(a);
}

static void test_random__zero_and_bad_arguments(void **state)
{
    (void)state;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_random_bytes(NULL, 0, &err), 0);
    assert_int_equal(vouch_random_bytes(NULL, 8, &err), VOUCH_EINVAL);
    assert_int_equal(err.code, VOUCH_EINVAL);
    vouch_error_clear(&err);
    assert_int_equal(vouch_random_uuid(NULL, &err), VOUCH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random__uuid_format),
        cmocka_unit_test(test_random__uuids_differ),
        cmocka_unit_test(test_random__bytes_of_various_lengths),
        cmocka_unit_test(test_random__large_request_is_filled),
        cmocka_unit_test(test_random__zero_and_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
