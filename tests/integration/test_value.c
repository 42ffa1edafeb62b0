/* Integration tests for cq_value: constructors, readers, objects, copies, JSON text. */
#include "cq_test.h"

#include <stdint.h>
#include <string.h>

/* ---- scalars --------------------------------------------------------------------- */

static void test_value__null_constructor(void **state)
{
    (void)state;
    cq_value *v = cq_value_null();

    assert_non_null(v);
    assert_int_equal(cq_value_type_of(v), CQ_VALUE_NULL);
    assert_true(cq_value_is_null(v));
    assert_int_equal(cq_value_size(v), 0);
    cq_value_free(v);
}

static void test_value__null_pointer_reads_as_null(void **state)
{
    (void)state;
    assert_int_equal(cq_value_type_of(NULL), CQ_VALUE_NULL);
    assert_true(cq_value_is_null(NULL));
    assert_false(cq_value_as_bool(NULL));
    assert_int_equal(cq_value_as_int(NULL), 0);
    assert_true(cq_value_as_double(NULL) == 0.0);
    assert_null(cq_value_as_text(NULL));
    assert_null(cq_value_as_blob(NULL, NULL));
    assert_int_equal(cq_value_size(NULL), 0);
    cq_value_free(NULL); /* allowed */
}

static void test_value__bool_constructor(void **state)
{
    (void)state;
    cq_value *t = cq_value_bool(true);
    cq_value *f = cq_value_bool(false);

    assert_int_equal(cq_value_type_of(t), CQ_VALUE_BOOL);
    assert_int_equal(cq_value_type_of(f), CQ_VALUE_BOOL);
    assert_true(cq_value_as_bool(t));
    assert_false(cq_value_as_bool(f));
    assert_false(cq_value_is_null(f));
    /* a bool reads as 0/1 through the integer reader */
    assert_int_equal(cq_value_as_int(t), 1);
    assert_int_equal(cq_value_as_int(f), 0);
    cq_value_free(t);
    cq_value_free(f);
}

static void test_value__int_constructor_keeps_64_bits(void **state)
{
    (void)state;
    cq_value *max = cq_value_int(INT64_MAX);
    cq_value *min = cq_value_int(INT64_MIN);
    cq_value *neg = cq_value_int(-42);

    assert_int_equal(cq_value_type_of(max), CQ_VALUE_INT);
    assert_true(cq_value_as_int(max) == INT64_MAX);
    assert_true(cq_value_as_int(min) == INT64_MIN);
    assert_true(cq_value_as_int(neg) == -42);
    assert_true(cq_value_as_double(neg) == -42.0);
    assert_null(cq_value_as_text(neg));
    cq_value_free(max);
    cq_value_free(min);
    cq_value_free(neg);
}

static void test_value__double_constructor(void **state)
{
    (void)state;
    cq_value *d = cq_value_double(2.75);
    cq_value *n = cq_value_double(-2.75);

    assert_int_equal(cq_value_type_of(d), CQ_VALUE_DOUBLE);
    assert_true(cq_value_as_double(d) == 2.75);
    /* the integer reader truncates */
    assert_int_equal(cq_value_as_int(d), 2);
    assert_int_equal(cq_value_as_int(n), -2);
    cq_value_free(d);
    cq_value_free(n);
}

static void test_value__text_constructor_copies(void **state)
{
    (void)state;
    char buf[16];
    strcpy(buf, "hello");
    cq_value *v = cq_value_text(buf);
    strcpy(buf, "XXXXX");

    assert_int_equal(cq_value_type_of(v), CQ_VALUE_TEXT);
    assert_string_equal(cq_value_as_text(v), "hello");
    assert_int_equal(cq_value_as_int(v), 0);
    assert_null(cq_value_as_blob(v, NULL));
    cq_value_free(v);
}

static void test_value__text_of_null_is_null_value(void **state)
{
    (void)state;
    cq_value *v = cq_value_text(NULL);

    assert_non_null(v);
    assert_int_equal(cq_value_type_of(v), CQ_VALUE_NULL);
    cq_value_free(v);
}

static void test_value__text_n_copies_prefix(void **state)
{
    (void)state;
    cq_value *v = cq_value_text_n("hello world", 5);

    assert_int_equal(cq_value_type_of(v), CQ_VALUE_TEXT);
    assert_string_equal(cq_value_as_text(v), "hello");
    cq_value_free(v);
}

static void test_value__blob_constructor_keeps_bytes(void **state)
{
    (void)state;
    const unsigned char bytes[] = { 0x00, 0x01, 0xff, 0x00, 0x7f };
    cq_value *v = cq_value_blob(bytes, sizeof bytes);
    size_t len = 0;

    assert_int_equal(cq_value_type_of(v), CQ_VALUE_BLOB);
    const void *data = cq_value_as_blob(v, &len);
    assert_non_null(data);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(data, bytes, sizeof bytes);
    assert_null(cq_value_as_text(v));
    assert_non_null(cq_value_as_blob(v, NULL)); /* len_out may be NULL */
    cq_value_free(v);
}

static void test_value__scalar_size_is_zero(void **state)
{
    (void)state;
    cq_value *i = cq_value_int(3);
    cq_value *t = cq_value_text("abc");

    assert_int_equal(cq_value_size(i), 0);
    assert_int_equal(cq_value_size(t), 0);
    assert_null(cq_value_array_get(i, 0));
    assert_null(cq_value_object_get(t, "a"));
    cq_value_free(i);
    cq_value_free(t);
}

/* ---- arrays ------------------------------------------------------------------------ */

static void test_value__array_append_and_get(void **state)
{
    (void)state;
    cq_value *a = cq_value_array();

    assert_int_equal(cq_value_type_of(a), CQ_VALUE_ARRAY);
    assert_int_equal(cq_value_size(a), 0);
    assert_int_equal(cq_value_array_append(a, cq_value_int(10)), CQ_OK);
    assert_int_equal(cq_value_array_append(a, cq_value_text("x")), CQ_OK);
    assert_int_equal(cq_value_array_append(a, cq_value_null()), CQ_OK);
    assert_int_equal(cq_value_size(a), 3);
    assert_int_equal(cq_value_as_int(cq_value_array_get(a, 0)), 10);
    assert_string_equal(cq_value_as_text(cq_value_array_get(a, 1)), "x");
    assert_int_equal(cq_value_type_of(cq_value_array_get(a, 2)), CQ_VALUE_NULL);
    assert_null(cq_value_array_get(a, 3));
    cq_value_free(a);
}

static void test_value__array_append_null_item_is_enomem(void **state)
{
    (void)state;
    cq_value *a = cq_value_array();

    assert_int_equal(cq_value_array_append(a, NULL), CQ_ENOMEM);
    assert_int_equal(cq_value_size(a), 0);
    cq_value_free(a);
}

static void test_value__array_append_to_non_array_frees_item(void **state)
{
    (void)state;
    cq_value *o = cq_value_object();

    /* ownership of the item is taken even on failure: LeakSanitizer checks it */
    assert_int_not_equal(cq_value_array_append(o, cq_value_text("leak?")), CQ_OK);
    assert_int_equal(cq_value_size(o), 0);
    cq_value_free(o);
}

/* ---- objects ----------------------------------------------------------------------- */

static void test_value__object_keeps_insertion_order(void **state)
{
    (void)state;
    cq_value *o = cq_value_object();

    assert_int_equal(cq_value_object_set(o, "zeta", cq_value_int(1)), CQ_OK);
    assert_int_equal(cq_value_object_set(o, "alpha", cq_value_int(2)), CQ_OK);
    assert_int_equal(cq_value_object_set(o, "mid", cq_value_int(3)), CQ_OK);
    assert_int_equal(cq_value_type_of(o), CQ_VALUE_OBJECT);
    assert_int_equal(cq_value_size(o), 3);
    assert_string_equal(cq_value_object_key(o, 0), "zeta");
    assert_string_equal(cq_value_object_key(o, 1), "alpha");
    assert_string_equal(cq_value_object_key(o, 2), "mid");
    assert_int_equal(cq_value_as_int(cq_value_object_value(o, 0)), 1);
    assert_int_equal(cq_value_as_int(cq_value_object_value(o, 1)), 2);
    assert_int_equal(cq_value_as_int(cq_value_object_value(o, 2)), 3);
    assert_null(cq_value_object_key(o, 3));
    assert_int_equal(cq_value_as_int(cq_value_object_get(o, "alpha")), 2);
    cq_test_assert_json(o, "{\"zeta\":1,\"alpha\":2,\"mid\":3}");
    cq_value_free(o);
}

static void test_value__object_set_replacing_keeps_position(void **state)
{
    (void)state;
    cq_value *o = cq_value_object();

    assert_int_equal(cq_value_object_set(o, "a", cq_value_int(1)), CQ_OK);
    assert_int_equal(cq_value_object_set(o, "b", cq_value_int(2)), CQ_OK);
    assert_int_equal(cq_value_object_set(o, "c", cq_value_int(3)), CQ_OK);
    /* the old value of "a" is freed (LeakSanitizer), the key stays first */
    assert_int_equal(cq_value_object_set(o, "a", cq_value_text("new")), CQ_OK);
    assert_int_equal(cq_value_size(o), 3);
    assert_string_equal(cq_value_object_key(o, 0), "a");
    assert_string_equal(cq_value_as_text(cq_value_object_get(o, "a")), "new");
    cq_test_assert_json(o, "{\"a\":\"new\",\"b\":2,\"c\":3}");
    cq_value_free(o);
}

static void test_value__object_get_missing_key_is_null(void **state)
{
    (void)state;
    cq_value *o = cq_value_object();

    assert_int_equal(cq_value_object_set(o, "a", cq_value_int(1)), CQ_OK);
    assert_null(cq_value_object_get(o, "b"));
    cq_value_free(o);
}

static void test_value__object_remove_key(void **state)
{
    (void)state;
    cq_value *o = cq_test_json("{\"a\":1,\"b\":2,\"c\":3}");

    cq_value_object_remove(o, "b");
    assert_int_equal(cq_value_size(o), 2);
    assert_null(cq_value_object_get(o, "b"));
    cq_test_assert_json(o, "{\"a\":1,\"c\":3}");
    cq_value_object_remove(o, "absent"); /* no effect */
    assert_int_equal(cq_value_size(o), 2);
    cq_value_free(o);
}

/* Keys removed and added across the sizes where an object's room changes (4, 8, 16): every
 * key stays with its value, in order. */
static void test_value__object_remove_and_add_across_sizes(void **state)
{
    (void)state;
    cq_value *o = cq_value_object();
    char key[16];
    for (int i = 0; i < 9; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(cq_value_object_set(o, key, cq_value_int(i)), CQ_OK);
    }
    cq_value_object_remove(o, "k0"); /* 9 -> 8 */
    cq_value_object_remove(o, "k5"); /* 8 -> 7 */
    cq_value_object_remove(o, "k8"); /* 7 -> 6 */
    cq_value_object_remove(o, "k1"); /* 6 -> 5 */
    cq_value_object_remove(o, "k2"); /* 5 -> 4 */
    cq_test_assert_json(o, "{\"k3\":3,\"k4\":4,\"k6\":6,\"k7\":7}");
    assert_int_equal(cq_value_object_set(o, "x", cq_value_int(10)), CQ_OK);  /* 4 -> 5 */
    assert_int_equal(cq_value_object_set(o, "k3", cq_value_int(30)), CQ_OK); /* replaced */
    cq_test_assert_json(o, "{\"k3\":30,\"k4\":4,\"k6\":6,\"k7\":7,\"x\":10}");
    cq_value *c = cq_value_copy(o);
    assert_true(cq_value_is_equal(c, o));
    assert_string_equal(cq_value_object_key(c, 4), "x");
    for (int i = 0; i < 5; i++)
        cq_value_object_remove(c, cq_value_object_key(o, (size_t)i));
    assert_int_equal(cq_value_size(c), 0);
    assert_int_equal(cq_value_object_set(c, "again", cq_value_int(1)), CQ_OK);
    cq_test_assert_json(c, "{\"again\":1}");
    cq_value_free(c);
    cq_value_free(o);
}

static void test_value__object_set_null_item_is_enomem(void **state)
{
    (void)state;
    cq_value *o = cq_value_object();

    assert_int_equal(cq_value_object_set(o, "a", NULL), CQ_ENOMEM);
    assert_int_equal(cq_value_size(o), 0);
    cq_value_free(o);
}

static void test_value__nested_tree_built_top_down(void **state)
{
    (void)state;
    cq_value *inner = cq_value_array();
    cq_value *o = cq_value_object();

    assert_int_equal(cq_value_object_set(o, "a", cq_value_int(1)), CQ_OK);
    assert_int_equal(cq_value_object_set(o, "b", inner), CQ_OK);
    assert_int_equal(cq_value_array_append(inner, cq_value_bool(true)), CQ_OK);
    assert_int_equal(cq_value_array_append(inner, cq_value_null()), CQ_OK);
    cq_test_assert_json(o, "{\"a\":1,\"b\":[true,null]}");
    cq_value_free(o);
}

/* ---- copy / equal ------------------------------------------------------------------- */

static void test_value__copy_is_deep(void **state)
{
    (void)state;
    cq_value *orig = cq_test_json("{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":2.5}}");
    cq_value *copy = cq_value_copy(orig);

    assert_non_null(copy);
    assert_true(cq_value_is_equal(orig, copy));
    assert_int_equal(cq_value_array_append(cq_value_object_get(orig, "b"), cq_value_int(9)), CQ_OK);
    assert_int_equal(cq_value_object_set(cq_value_object_get(orig, "c"), "d", cq_value_int(0)),
                     CQ_OK);
    assert_false(cq_value_is_equal(orig, copy));
    cq_test_assert_json(copy, "{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":2.5}}");
    cq_value_free(orig);
    cq_value_free(copy);
}

static void test_value__copy_of_blob_keeps_bytes(void **state)
{
    (void)state;
    const unsigned char bytes[] = { 1, 0, 2 };
    cq_value *b = cq_value_blob(bytes, sizeof bytes);
    cq_value *c = cq_value_copy(b);
    size_t len = 0;

    assert_true(cq_value_is_equal(b, c));
    assert_memory_equal(cq_value_as_blob(c, &len), bytes, sizeof bytes);
    assert_int_equal(len, sizeof bytes);
    cq_value_free(b);
    cq_value_free(c);
}

static void test_value__copy_of_null_pointer_is_null(void **state)
{
    (void)state;
    assert_null(cq_value_copy(NULL));
}

static void test_value__equal_int_and_double_same_number(void **state)
{
    (void)state;
    cq_value *i = cq_value_int(3);
    cq_value *d = cq_value_double(3.0);
    cq_value *d2 = cq_value_double(3.5);

    assert_true(cq_value_is_equal(i, d));
    assert_true(cq_value_is_equal(d, i));
    assert_false(cq_value_is_equal(i, d2));
    cq_value_free(i);
    cq_value_free(d);
    cq_value_free(d2);
}

static void test_value__equal_distinguishes_types_and_contents(void **state)
{
    (void)state;
    cq_value *t1 = cq_value_text("1");
    cq_value *i1 = cq_value_int(1);
    cq_value *b1 = cq_value_bool(true);
    cq_value *n = cq_value_null();
    cq_value *a1 = cq_test_json("[1,2]");
    cq_value *a2 = cq_test_json("[1,2,3]");
    cq_value *o1 = cq_test_json("{\"a\":1}");
    cq_value *o2 = cq_test_json("{\"a\":2}");
    cq_value *o3 = cq_test_json("{\"b\":1}");

    assert_false(cq_value_is_equal(t1, i1));
    assert_false(cq_value_is_equal(n, i1));
    assert_false(cq_value_is_equal(a1, a2));
    assert_false(cq_value_is_equal(o1, o2));
    assert_false(cq_value_is_equal(o1, o3));
    assert_true(cq_value_is_equal(n, n));
    assert_true(cq_value_is_equal(b1, b1));
    cq_value_free(t1);
    cq_value_free(i1);
    cq_value_free(b1);
    cq_value_free(n);
    cq_value_free(a1);
    cq_value_free(a2);
    cq_value_free(o1);
    cq_value_free(o2);
    cq_value_free(o3);
}

/* ---- JSON text --------------------------------------------------------------------- */

static void test_value__json_round_trip_compact(void **state)
{
    (void)state;
    const char *json = "{\"a\":1,\"b\":[true,null],\"c\":\"x y\",\"d\":1.5,\"e\":{\"f\":false},"
                       "\"g\":[],\"h\":{},\"i\":-7}";
    cq_value *v = NULL;
    char *out = NULL;

    assert_int_equal(cq_value_from_json(&v, json, NULL), CQ_OK);
    assert_int_equal(cq_value_to_json(&out, v, CQ_JSON_COMPACT), CQ_OK);
    assert_string_equal(out, json);
    cq_free(out);
    cq_value_free(v);
}

static void test_value__json_parse_maps_types(void **state)
{
    (void)state;
    cq_value *v = cq_test_json("{\"i\":42,\"r\":2.0,\"s\":\"txt\",\"t\":true,\"n\":null,"
                               "\"a\":[1],\"o\":{}}");

    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "i")), CQ_VALUE_INT);
    assert_int_equal(cq_value_as_int(cq_value_object_get(v, "i")), 42);
    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "r")), CQ_VALUE_DOUBLE);
    assert_true(cq_value_as_double(cq_value_object_get(v, "r")) == 2.0);
    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "s")), CQ_VALUE_TEXT);
    assert_string_equal(cq_value_as_text(cq_value_object_get(v, "s")), "txt");
    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "t")), CQ_VALUE_BOOL);
    assert_true(cq_value_as_bool(cq_value_object_get(v, "t")));
    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "n")), CQ_VALUE_NULL);
    assert_non_null(cq_value_object_get(v, "n")); /* present, as a null value */
    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "a")), CQ_VALUE_ARRAY);
    assert_int_equal(cq_value_type_of(cq_value_object_get(v, "o")), CQ_VALUE_OBJECT);
    cq_value_free(v);
}

static void test_value__json_parse_keeps_document_key_order(void **state)
{
    (void)state;
    cq_value *v = cq_test_json("{\"b\":1,\"a\":2,\"c\":3}");

    assert_string_equal(cq_value_object_key(v, 0), "b");
    assert_string_equal(cq_value_object_key(v, 1), "a");
    assert_string_equal(cq_value_object_key(v, 2), "c");
    cq_value_free(v);
}

static void test_value__json_invalid_is_einvalid_with_message(void **state)
{
    (void)state;
    cq_value *v = cq_value_int(1); /* must be reset to NULL on failure */
    cq_value *keep = v;
    cq_error err = { 0 };

    assert_int_equal(cq_value_from_json(&v, "{\"a\": [1, 2", &err), CQ_EINVALID);
    assert_null(v);
    assert_int_equal(err.code, CQ_EINVALID);
    assert_true(strlen(err.message) > 0);
    cq_value_free(keep);
}

static void test_value__json_invalid_with_null_err(void **state)
{
    (void)state;
    cq_value *v = NULL;

    assert_int_equal(cq_value_from_json(&v, "{not json}", NULL), CQ_EINVALID);
    assert_null(v);
    assert_int_equal(cq_value_from_json(&v, "", NULL), CQ_EINVALID);
    assert_null(v);
}

static void test_value__to_json_blob_as_node_buffer(void **state)
{
    (void)state;
    const unsigned char bytes[] = { 1, 2, 255 };
    cq_value *o = cq_value_object();

    assert_int_equal(cq_value_object_set(o, "b", cq_value_blob(bytes, sizeof bytes)), CQ_OK);
    cq_test_assert_json(o, "{\"b\":{\"type\":\"Buffer\",\"data\":[1,2,255]}}");
    cq_value_free(o);
}

static void test_value__to_json_sort_keys(void **state)
{
    (void)state;
    cq_value *v = cq_test_json("{\"b\":1,\"a\":2}");
    char *out = NULL;

    assert_int_equal(cq_value_to_json(&out, v, CQ_JSON_SORT_KEYS), CQ_OK);
    assert_string_equal(out, "{\"a\":2,\"b\":1}");
    cq_free(out);
    cq_value_free(v);
}

static void test_value__to_json_escapes_text(void **state)
{
    (void)state;
    cq_value *o = cq_value_object();

    assert_int_equal(cq_value_object_set(o, "s", cq_value_text("a\"b\\c\nd")), CQ_OK);
    cq_test_assert_json(o, "{\"s\":\"a\\\"b\\\\c\\nd\"}");
    cq_value_free(o);
}

static void test_value__to_json_int64_extremes(void **state)
{
    (void)state;
    cq_value *a = cq_value_array();

    assert_int_equal(cq_value_array_append(a, cq_value_int(INT64_MAX)), CQ_OK);
    assert_int_equal(cq_value_array_append(a, cq_value_int(INT64_MIN)), CQ_OK);
    cq_test_assert_json(a, "[9223372036854775807,-9223372036854775808]");
    cq_value_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value__null_constructor),
        cmocka_unit_test(test_value__null_pointer_reads_as_null),
        cmocka_unit_test(test_value__bool_constructor),
        cmocka_unit_test(test_value__int_constructor_keeps_64_bits),
        cmocka_unit_test(test_value__double_constructor),
        cmocka_unit_test(test_value__text_constructor_copies),
        cmocka_unit_test(test_value__text_of_null_is_null_value),
        cmocka_unit_test(test_value__text_n_copies_prefix),
        cmocka_unit_test(test_value__blob_constructor_keeps_bytes),
        cmocka_unit_test(test_value__scalar_size_is_zero),
        cmocka_unit_test(test_value__array_append_and_get),
        cmocka_unit_test(test_value__array_append_null_item_is_enomem),
        cmocka_unit_test(test_value__array_append_to_non_array_frees_item),
        cmocka_unit_test(test_value__object_keeps_insertion_order),
        cmocka_unit_test(test_value__object_set_replacing_keeps_position),
        cmocka_unit_test(test_value__object_get_missing_key_is_null),
        cmocka_unit_test(test_value__object_remove_key),
        cmocka_unit_test(test_value__object_remove_and_add_across_sizes),
        cmocka_unit_test(test_value__object_set_null_item_is_enomem),
        cmocka_unit_test(test_value__nested_tree_built_top_down),
        cmocka_unit_test(test_value__copy_is_deep),
        cmocka_unit_test(test_value__copy_of_blob_keeps_bytes),
        cmocka_unit_test(test_value__copy_of_null_pointer_is_null),
        cmocka_unit_test(test_value__equal_int_and_double_same_number),
        cmocka_unit_test(test_value__equal_distinguishes_types_and_contents),
        cmocka_unit_test(test_value__json_round_trip_compact),
        cmocka_unit_test(test_value__json_parse_maps_types),
        cmocka_unit_test(test_value__json_parse_keeps_document_key_order),
        cmocka_unit_test(test_value__json_invalid_is_einvalid_with_message),
        cmocka_unit_test(test_value__json_invalid_with_null_err),
        cmocka_unit_test(test_value__to_json_blob_as_node_buffer),
        cmocka_unit_test(test_value__to_json_sort_keys),
        cmocka_unit_test(test_value__to_json_escapes_text),
        cmocka_unit_test(test_value__to_json_int64_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
