/**
 * @file cequel/common.h
 * Export and linkage macros shared by every public cequel header.
 */
#ifndef CEQUEL_COMMON_H
#define CEQUEL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(CQ_BUILDING_SHARED)
#define CQ_EXTERN __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define CQ_EXTERN __attribute__((visibility("default")))
#else
#define CQ_EXTERN
#endif

#ifdef __cplusplus
#define CQ_BEGIN_DECL extern "C" {
#define CQ_END_DECL   }
#else
#define CQ_BEGIN_DECL
#define CQ_END_DECL
#endif

CQ_BEGIN_DECL

/** Tri-state for options whose Sequelize default is true: 0 means "default/inherit". */
typedef enum cq_flag {
    CQ_DEFAULT = 0, /**< the option's default */
    CQ_ON,          /**< explicitly on */
    CQ_OFF          /**< explicitly off */
} cq_flag;

/**
 * Free memory that cequel allocated and handed to the caller as a plain buffer
 * (strings from cq_pluralize(), cq_value_to_json(), ...), with the allocator of
 * cq_set_allocator(). NULL is allowed.
 * @param p  memory cequel allocated and handed over; freed. NULL is allowed.
 */
CQ_EXTERN void cq_free(void *p);

CQ_END_DECL

#endif
