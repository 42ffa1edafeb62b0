/* PostgreSQL's array text form, a text codec for cq_value arrays (the value conversion of
 * ARRAY attributes uses it, below the SQL layer). */
#ifndef CQ_CORE_PG_ARRAY_H
#define CQ_CORE_PG_ARRAY_H

#include "cequel/value.h"

/* PostgreSQL's array text ('{1,"a b",NULL}') of a cq_value array (elements: null, bool, int,
 * double or text), and the array of texts/nulls such text holds; NULL on OOM or bad text. */
char *cq__pg_array_text(const cq_value *arr);
cq_value *cq__pg_array_parse(const char *text);

#endif
