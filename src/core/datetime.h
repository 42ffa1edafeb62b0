/* Calendar arithmetic on the proleptic Gregorian calendar (H. Hinnant's civil algorithms),
 * shared by the attribute coercion (model/), the validators and the dump's date reading. */
#ifndef CQ_CORE_DATETIME_H
#define CQ_CORE_DATETIME_H

/* Days since 1970-01-01 of year `y`, month `m` (1-12), day `d`. */
long long cq__days_from_civil(long long y, int m, int d);
/* The date `z` days after 1970-01-01. */
void cq__civil_from_days(long long z, long long *y, int *m, int *d);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of `ms` milliseconds since 1970-01-01T00:00:00Z, as JavaScript's
 * Date#toISOString() writes it (years outside 0-9999 as +YYYYYY / -YYYYYY); `out` holds 32. */
void cq__iso_from_ms(long long ms, char out[32]);

#endif
