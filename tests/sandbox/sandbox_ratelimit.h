/* Token-bucket rate limiter, one bucket per API key: RATE tokens a second, burst RATE.
 * Thread-safe. A rate of 0 disables limiting. */
#ifndef SANDBOX_RATELIMIT_H
#define SANDBOX_RATELIMIT_H

typedef struct sb_ratelimit sb_ratelimit;

sb_ratelimit *sb_ratelimit_new(double rate);
/* 1 if the request may proceed (a token was taken), 0 if it is over the limit. */
int sb_ratelimit_take(sb_ratelimit *rl, const char *key);
void sb_ratelimit_free(sb_ratelimit *rl);

#endif
