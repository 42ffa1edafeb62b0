/**
 * @file cequel/naming.h
 * English inflection as Sequelize v6 does it (the `inflection` package, version 1.13.4).
 *
 * Model and association names are built from these: `define("person")` gets the table
 * `people`, `hasMany(tag)` gets the accessors `getTags`/`addTag`. Both functions are pure,
 * keep no state and are safe to call from any thread.
 */
#ifndef CEQUEL_NAMING_H
#define CEQUEL_NAMING_H

#include "cequel/common.h"

CQ_BEGIN_DECL

/**
 * Plural of an English noun, as Sequelize's `Utils.pluralize` (inflection.pluralize).
 *
 * Matching is ASCII case-insensitive and rules look at the end of the word, so camelCase
 * names work (`userStatus` -> `userStatuses`); letters the rules keep have their case kept,
 * letters they add are lower case (`Person` -> `People`, `OX` -> `OXen`). Uncountable words
 * (`sheep`, `news`, `equipment`, ...) and words already plural come back unchanged.
 *
 * @param word  NUL-terminated; borrowed for the call.
 * @return a new string; the caller frees it with cq_free(). NULL if `word` is NULL or out of
 *         memory.
 */
CQ_EXTERN char *cq_pluralize(const char *word);

/**
 * Singular of an English noun, as Sequelize's `Utils.singularize` (inflection.singularize).
 *
 * Same matching rules as cq_pluralize(), including the library's quirks, which Sequelize
 * users see in accessor names: `analyses` -> `analyasis`, `shoes` -> `sho`, `gas` -> `ga`.
 *
 * @param word  NUL-terminated; borrowed for the call.
 * @return a new string; the caller frees it with cq_free(). NULL if `word` is NULL or out of
 *         memory.
 */
CQ_EXTERN char *cq_singularize(const char *word);

CQ_END_DECL

#endif
