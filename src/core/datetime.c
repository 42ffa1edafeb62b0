#include "core/datetime.h"

#include <stdio.h>
#include <string.h>

long long cq__days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void cq__civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

void cq__iso_from_ms(long long ms, char out[32])
{
    long long days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    long long rem = ms - days * 86400000;
    long long y;
    int m, d;
    cq__civil_from_days(days, &y, &m, &d);
    char year[24];
    if (y >= 0 && y <= 9999)
        snprintf(year, sizeof year, "%04lld", y);
    else
        snprintf(year, sizeof year, "%c%06lld", y < 0 ? '-' : '+', y < 0 ? -y : y);
    /* the time fields are below 24, 60, 60 and 1000: at most 27 characters in all */
    char buf[96];
    int n = snprintf(buf, sizeof buf, "%s-%02d-%02dT%02d:%02d:%02d.%03dZ", year, m, d,
                     (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                     (int)(rem % 1000));
    size_t len = n < 0 ? 0 : (size_t)n < 31 ? (size_t)n : 31;
    memcpy(out, buf, len);
    out[len] = '\0';
}
