/* Token-bucket rate limiter, one bucket per API key. Thread-safe.
 *
 * A limit given on the command line (--rate-limit R[/S]: R requests per S seconds, burst
 * R) holds for every key. Without one, each key gets the rate its module asks for when it
 * takes a token (Stripe: by the key's mode), with a burst of one second's worth. A rate of
 * 0 disables limiting. */
#ifndef SANDBOX_RATELIMIT_H
#define SANDBOX_RATELIMIT_H

typedef struct sb_ratelimit sb_ratelimit;

/* requests < 0: no limit was given, the modules decide per key. seconds > 0. */
sb_ratelimit *sb_ratelimit_new(double requests, double seconds);
/* 1 if the request may proceed (a token was taken), 0 if it is over the limit.
 * module_rate: requests a second the module allows this key when no limit was given. */
int sb_ratelimit_take(sb_ratelimit *rl, const char *key, double module_rate);
void sb_ratelimit_free(sb_ratelimit *rl);

#endif
