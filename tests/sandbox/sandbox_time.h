/* Calendar arithmetic on Unix seconds (proleptic Gregorian, UTC), thread-safe and
 * independent of the C library's time zone handling. */
#ifndef SANDBOX_TIME_H
#define SANDBOX_TIME_H

#include <stdint.h>

int64_t sb_days_from_civil(int64_t y, unsigned m, unsigned d);
void sb_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
int64_t sb_time_make(int64_t y, unsigned mon, unsigned day, unsigned h, unsigned min, unsigned s);
/* "YYYY-MM-DDTHH:MM:SSZ"; out must hold 21 bytes (more for years past 9999). */
void sb_time_rfc3339(int64_t t, char *out);
/* RFC 3339 with seconds and a Z or ±HH:MM offset ("+0000" is refused), optional fraction,
 * a real calendar date: 0 and the Unix time, else -1. */
int sb_time_parse_rfc3339(const char *s, int64_t *out);
/* Add calendar months keeping the time of day; the day is clamped to the month's end. */
int64_t sb_time_add_months(int64_t t, int64_t months);

#endif
