/* cq_value_pack (jansson's json_pack grammar over cq_value) and the value constants
 * (CQ_TRUE ... CQ_EMPTY_ARRAY) that need no freeing, used where values are borrowed. */
#define _POSIX_C_SOURCE 200809L
#include "cq_test.h"

#include <string.h>

static void assert_pack(const cq_value *v, const char *json)
{
    assert_non_null(v);
    cq_test_assert_json(v, json);
}

static void test_value_pack__builds_nested_objects_in_order(void **state)
{
    (void)state;
    cq_value *v = NULL;
    assert_int_equal(cq_value_pack(&v, "{s:s, s:i, s:[{s:s}, {s:s}]}", "title", "Hello", "authorId",
                                   7, "comments", "text", "first", "text", "second"),
                     CQ_OK);
    assert_pack(v, "{\"title\":\"Hello\",\"authorId\":7,\"comments\":[{\"text\":\"first\"},"
                   "{\"text\":\"second\"}]}");
    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "authorId")), CQ_VALUE_INT);
    cq_value_free(v);
}

static void test_value_pack__scalars_keep_their_types(void **state)
{
    (void)state;
    cq_value *v = NULL;
    int64_t big = INT64_C(9007199254740993); /* not representable as a double */
    assert_int_equal(cq_value_pack(&v, "[n, b, b, i, I, f, s#, s%, s+]", 1, 0, -5, big, 2.5,
                                   "abcdef", 3, "xyz", (size_t)2, "con", "cat"),
                     CQ_OK);
    assert_pack(v, "[null,true,false,-5,9007199254740993,2.5,\"abc\",\"xy\",\"concat\"]");
    assert_int_equal(cq_value_as_int(cq_value_array_get(v, 4)), big);
    assert_int_equal(cq_value_type_of(cq_value_array_get(v, 1)), CQ_VALUE_BOOL);
    assert_int_equal(cq_value_type_of(cq_value_array_get(v, 5)), CQ_VALUE_DOUBLE);
    cq_value_free(v);
}

static void test_value_pack__optional_text(void **state)
{
    (void)state;
    cq_value *v = NULL;
    const char *none = NULL;
    /* s? gives null; s* leaves the key out; in an array s* leaves the element out */
    assert_int_equal(
        cq_value_pack(&v, "{s:s?, s:s*, s:[s*, s]}", "a", none, "b", none, "c", none, "kept"),
        CQ_OK);
    assert_pack(v, "{\"a\":null,\"c\":[\"kept\"]}");
    cq_value_free(v);
}

static void test_value_pack__errors_name_the_position(void **state)
{
    (void)state;
    cq_value *v = (cq_value *)CQ_TRUE;
    cq_error err = { 0 };
    assert_int_equal(cq_value_pack_ex(&v, &err, "{s:x}", "k"), CQ_EINVALID);
    assert_null(v);
    assert_int_equal(err.code, CQ_EINVALID);
    assert_string_equal(err.message, "<args>:1:4: Unexpected format character 'x'");

    memset(&err, 0, sizeof err);
    const char *none = NULL;
    assert_int_equal(cq_value_pack_ex(&v, &err, "{s:s}", "title", none), CQ_EINVALID);
    assert_null(v);
    assert_string_equal(err.message, "<args>:1:4: NULL string");

    memset(&err, 0, sizeof err);
    assert_int_equal(cq_value_pack_ex(&v, &err, "[i, i", 1, 2), CQ_EINVALID);
    assert_string_equal(err.message, "<format>:1:6: Unexpected end of format string");

    /* jansson's `o` takes a json_t; refused before any argument is read */
    memset(&err, 0, sizeof err);
    assert_int_equal(cq_value_pack_ex(&v, &err, "{s:o}", "k", (void *)CQ_TRUE), CQ_EINVALID);
    assert_non_null(strstr(err.message, "<format>:1:4: 'o'"));
    assert_int_equal(cq_value_pack(&v, NULL), CQ_EINVALID);
    assert_int_equal(cq_value_pack_ex(&v, NULL, "{s:O}", "k", (void *)NULL), CQ_EINVALID);
}

static void test_value_pack__constants_need_no_freeing(void **state)
{
    (void)state;
    assert_true(cq_value_as_bool(CQ_TRUE));
    assert_false(cq_value_as_bool(CQ_FALSE));
    assert_true(cq_value_is_null(CQ_NULL));
    assert_int_equal(cq_value_type_of(CQ_EMPTY_OBJECT), CQ_VALUE_OBJECT);
    assert_int_equal(cq_value_size(CQ_EMPTY_ARRAY), 0);
    /* freeing one is harmless; a null or a boolean (which nothing can change) is stored as it
     * is, and cq_value_null() / cq_value_bool() give the constants themselves */
    cq_value_free((cq_value *)CQ_TRUE);
    assert_ptr_equal(cq_value_null(), CQ_NULL);
    assert_ptr_equal(cq_value_bool(true), CQ_TRUE);
    assert_ptr_equal(cq_value_bool(false), CQ_FALSE);
    cq_value *o = cq_value_object(), *a = cq_value_array();
    assert_int_equal(cq_value_object_set(o, "flag", (cq_value *)CQ_FALSE), CQ_OK);
    assert_int_equal(cq_value_array_append(a, (cq_value *)CQ_NULL), CQ_OK);
    assert_int_equal(cq_value_array_append(a, cq_value_null()), CQ_OK);
    assert_ptr_equal(cq_value_object_get(o, "flag"), CQ_FALSE);
    cq_test_assert_json(o, "{\"flag\":false}");
    cq_test_assert_json(a, "[null,null]");
    /* an empty object or array given to a container is stored as a copy of its own, which can
     * be filled through the container */
    assert_int_equal(cq_value_object_set(o, "inner", (cq_value *)CQ_EMPTY_OBJECT), CQ_OK);
    assert_int_equal(cq_value_array_append(a, (cq_value *)CQ_EMPTY_ARRAY), CQ_OK);
    assert_ptr_not_equal(cq_value_object_get(o, "inner"), CQ_EMPTY_OBJECT);
    assert_ptr_not_equal(cq_value_array_get(a, 2), CQ_EMPTY_ARRAY);
    assert_int_equal(cq_value_object_set(cq_value_object_get(o, "inner"), "k", cq_value_int(2)),
                     CQ_OK);
    assert_int_equal(cq_value_array_append(cq_value_array_get(a, 2), cq_value_bool(true)), CQ_OK);
    cq_test_assert_json(o, "{\"flag\":false,\"inner\":{\"k\":2}}");
    cq_test_assert_json(a, "[null,null,[true]]");
    /* the constants themselves cannot be changed */
    assert_int_equal(cq_value_object_set((cq_value *)CQ_EMPTY_OBJECT, "k", cq_value_int(1)),
                     CQ_EINVALID);
    assert_int_equal(cq_value_array_append((cq_value *)CQ_EMPTY_ARRAY, cq_value_int(1)),
                     CQ_EINVALID);
    assert_int_equal(cq_value_size(CQ_EMPTY_OBJECT), 0);
    cq_value *copy = cq_value_copy(CQ_EMPTY_OBJECT);
    assert_ptr_not_equal(copy, CQ_EMPTY_OBJECT);
    assert_true(cq_value_is_equal(copy, CQ_EMPTY_OBJECT));
    cq_value_free(copy);
    cq_value_free(o);
    cq_value_free(a);
}

/* `.default_value = CQ_FALSE` is borrowed like every other value option: nothing to free,
 * and the default reaches the table (read back from the database). */
static void test_value_pack__constant_as_default_value(void **state)
{
    (void)state;
    cq_db *db = cq_test_open_memory();
    cq_model *m = NULL;
    const cq_attr attrs[] = {
        { .name = "name", .type = CQ_STRING },
        { .name = "active", .type = CQ_BOOLEAN, .default_value = CQ_FALSE },
        { .name = "note", .type = CQ_STRING, .default_value = CQ_NULL },
        { 0 },
    };
    CQ_ASSERT_OK(db, cq_db_define(&m, db, "flagged", attrs, NULL));
    CQ_ASSERT_OK(db, cq_db_sync(db, NULL));
    cq_value *v = NULL;
    assert_int_equal(cq_value_pack(&v, "{s:s}", "name", "x"), CQ_OK);
    CQ_ASSERT_OK(db, cq_model_create(NULL, m, v, NULL));
    cq_value_free(v);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM flaggeds WHERE active = 0"), 1);
    cq_instance *got = NULL;
    CQ_ASSERT_OK(db, cq_model_find_one(&got, m, NULL));
    assert_false(cq_instance_bool(got, "active"));
    assert_true(cq_value_is_null(cq_instance_get(got, "note")));
    /* an instance given a constant keeps its own copy */
    CQ_ASSERT_OK(db, cq_instance_set(got, "active", (cq_value *)CQ_TRUE));
    CQ_ASSERT_OK(db, cq_instance_save(got, NULL));
    cq_instance_free(got);
    assert_int_equal(cq_test_scalar_int(db, "SELECT count(*) FROM flaggeds WHERE active = 1"), 1);
    /* CQ_EMPTY_OBJECT as destroy's "every row" */
    int64_t n = 0;
    CQ_ASSERT_OK(db, cq_model_destroy(&n, m, &(cq_bulk_opts){ .where = CQ_EMPTY_OBJECT }));
    assert_int_equal(n, 1);
    cq_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_pack__builds_nested_objects_in_order),
        cmocka_unit_test(test_value_pack__scalars_keep_their_types),
        cmocka_unit_test(test_value_pack__optional_text),
        cmocka_unit_test(test_value_pack__errors_name_the_position),
        cmocka_unit_test(test_value_pack__constants_need_no_freeing),
        cmocka_unit_test(test_value_pack__constant_as_default_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
