#include "sandbox_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: billtap-sandbox --provider stripe|paypal [--port N] [--seed N] [--scale N]\n"
    "                       [--truth DIR] [--rate-limit R] [--faults SPEC] [--verbose]\n"
    "                       [--api-key KEY]                               (stripe)\n"
    "                       [--client-id ID] [--client-secret S] [--token-ttl SEC]\n"
    "                       [--now UNIX] [--burst-rows N]                  (paypal)\n"
    "\n"
    "  --provider NAME   fake API to serve (stripe, paypal)\n"
    "  --port N          TCP port on 127.0.0.1, 0 = any free port (default 0)\n"
    "  --seed N          dataset seed (default 42)\n"
    "  --scale N         stripe: customers, deleted ones included; paypal: payers\n"
    "                    (default 1000)\n"
    "  --truth DIR       write DIR/{customers,plans,subscriptions,transactions}.jsonl\n"
    "  --rate-limit R    requests per second per key, burst R; 0 = off\n"
    "                    (default: stripe 25, paypal 0)\n"
    "  --faults SPEC     STATUS@N, drop@N, slow@N:MS, comma-separated (N may be A-B)\n"
    "  --verbose         log every request to stderr\n"
    "  --api-key KEY     stripe: the one accepted secret key (default sk_test_sandbox)\n"
    "  --client-id ID    paypal: OAuth client id (default sandbox-client)\n"
    "  --client-secret S paypal: OAuth client secret (default sandbox-secret)\n"
    "  --token-ttl SEC   paypal: access-token lifetime (default 32400)\n"
    "  --now UNIX        paypal: dataset anchor (default: now, rounded down to the hour)\n"
    "  --burst-rows N    paypal: N extra one-off payments on one day (default 0)\n"
    "\n"
    "Prints 'listening on http://127.0.0.1:PORT' as its first line, serves until\n"
    "SIGTERM or SIGINT, then exits 0.\n";

static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "billtap-sandbox: %s: invalid value '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_uint(const char *opt, const char *s, unsigned long long hi, unsigned long long *out)
{
    errno = 0;
    char *end;
    if (*s < '0' || *s > '9')
        goto bad;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > hi)
        goto bad;
    *out = v;
    return 0;
bad:
    fprintf(stderr, "billtap-sandbox: %s: invalid value '%s'\n", opt, s);
    return -1;
}

int sb_args_parse(sb_options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->provider = NULL;
    o->seed = 42;
    o->scale = 1000;
    o->api_key = "sk_test_sandbox";
    o->rate_limit = 25;
    o->port = 0;
    o->client_id = "sandbox-client";
    o->client_secret = "sandbox-secret";
    o->token_ttl = 32400;
    o->now = 0;
    o->burst_rows = 0;
    int rate_limit_set = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        char name[32];
        const char *eq = strchr(a, '=');
        if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
            a = name;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = 1;
            continue;
        }
        if (!val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "billtap-sandbox: %s needs a value\n%s", a, usage);
                return -1;
            }
            val = argv[++i];
        }
        unsigned long long u;
        double d;
        if (strcmp(a, "--provider") == 0) {
            o->provider = val;
        } else if (strcmp(a, "--port") == 0) {
            if (parse_uint(a, val, 65535, &u))
                return -1;
            o->port = (unsigned)u;
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_uint(a, val, UINT64_MAX, &u))
                return -1;
            o->seed = u;
        } else if (strcmp(a, "--scale") == 0) {
            if (parse_uint(a, val, 10000000, &u))
                return -1;
            o->scale = (long)u;
        } else if (strcmp(a, "--truth") == 0) {
            o->truth_dir = val;
        } else if (strcmp(a, "--api-key") == 0) {
            if (!*val) {
                fprintf(stderr, "billtap-sandbox: --api-key must not be empty\n");
                return -1;
            }
            o->api_key = val;
        } else if (strcmp(a, "--rate-limit") == 0) {
            if (parse_num(a, val, 0, 1e6, &d))
                return -1;
            o->rate_limit = d;
            rate_limit_set = 1;
        } else if (strcmp(a, "--client-id") == 0 || strcmp(a, "--client-secret") == 0) {
            if (!*val || strchr(val, ':')) {
                fprintf(stderr, "billtap-sandbox: %s must be non-empty and without ':'\n", a);
                return -1;
            }
            if (strcmp(a, "--client-id") == 0)
                o->client_id = val;
            else
                o->client_secret = val;
        } else if (strcmp(a, "--token-ttl") == 0) {
            if (parse_uint(a, val, 100000000, &u))
                return -1;
            if (u == 0) {
                fprintf(stderr, "billtap-sandbox: %s must be at least 1\n", a);
                return -1;
            }
            o->token_ttl = (long)u;
        } else if (strcmp(a, "--now") == 0) {
            /* 2001-09-09 .. 2100-01-01: three years of history must fit after 1970 */
            if (parse_uint(a, val, 4102444800ULL, &u))
                return -1;
            if (u < 1000000000ULL) {
                fprintf(stderr, "billtap-sandbox: %s: invalid value '%s'\n", a, val);
                return -1;
            }
            o->now = (int64_t)u;
        } else if (strcmp(a, "--burst-rows") == 0) {
            if (parse_uint(a, val, 1000000, &u))
                return -1;
            o->burst_rows = (long)u;
        } else if (strcmp(a, "--faults") == 0) {
            o->faults = val;
        } else {
            fprintf(stderr, "billtap-sandbox: unknown option %s\n%s", a, usage);
            return -1;
        }
    }
    if (!o->provider) {
        fprintf(stderr, "billtap-sandbox: --provider is required\n%s", usage);
        return -1;
    }
    if (!rate_limit_set)
        o->rate_limit = strcmp(o->provider, "paypal") == 0 ? 0 : 25; /* PayPal publishes none */
    return 0;
}
