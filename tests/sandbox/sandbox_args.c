#include "sandbox_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: billtap-sandbox --provider NAME [--port N] [--seed N] [--scale N] [--truth DIR]\n"
    "                       [--rate-limit R[/S]] [--latency-ms N [--latency-jitter-ms J]]\n"
    "                       [--faults SPEC] [--verbose] [--opt KEY=VALUE]...\n"
    "                       [--accounts N --truth DIR]\n"
    "\n"
    "  --provider NAME   fake API to serve (with --accounts: NAME,NAME,... dealt out in turn)\n"
    "  --port N          TCP port on 127.0.0.1, 0 = any free port (default 0)\n"
    "  --seed N          world seed (default 42)\n"
    "  --scale N         customers in the world; everything else scales with it (default 1000)\n"
    "  --truth DIR       write the normalized truth files into DIR\n"
    "  --rate-limit R[/S]  R requests per S seconds (default 1) per key, burst R; 0 = off\n"
    "                    (default: the module's, e.g. Stripe 25/s for test keys, 100/s for live ones)\n"
    "  --latency-ms N    every answer (errors and 429s too) after N milliseconds (<= 600000)\n"
    "  --latency-jitter-ms J  ... N-J to N+J, the same for the same seed and request (J <= N)\n"
    "  --faults SPEC     KIND@N[:ARG], comma-separated (N may be A-B): STATUS, drop, echo, slow,\n"
    "                    badjson, empty, cut, cutchunked, stall, stallclose, drip, repeat,\n"
    "                    inflate, shrink, insert (tests/sandbox/README.md, \"Faults\")\n"
    "  --verbose         world summary, timings and every request on stderr\n"
    "  --opt KEY=VALUE   a module option (repeatable; the last of a key wins)\n"
    "  --accounts N      serve N accounts (1-1000), each on its own port with its own world\n"
    "                    (seed + i), credentials, rate limit and truth in DIR/acctNN\n"
    "\n"
    "Prints 'listening on http://127.0.0.1:PORT', then 'settings: NAME=VALUE ...' with what a\n"
    "billtap client needs, serves until SIGTERM or SIGINT, then exits 0. With --accounts N:\n"
    "'listening on N accounts', then 'settings: accounts=N accounts_file=DIR/accounts.txt',\n"
    "a file of lines 'acctNN provider=NAME SETTINGS'.\n";

/* "R" or "R/S": R requests (0-1000000) per S seconds (0.001-86400, default 1). */
static int parse_rate(const char *v, sb_options *o)
{
    char num[64], *end;
    const char *slash = strchr(v, '/');
    size_t n = slash ? (size_t)(slash - v) : strlen(v);
    int ok = n > 0 && n < sizeof num;
    if (ok) {
        memcpy(num, v, n);
        num[n] = '\0';
        errno = 0;
        o->rate_limit = strtod(num, &end);
        ok = !errno && !*end && o->rate_limit >= 0 && o->rate_limit <= 1e6;
    }
    if (ok && slash) {
        errno = 0;
        o->rate_seconds = strtod(slash + 1, &end);
        ok = slash[1] && !errno && !*end && o->rate_seconds >= 0.001 && o->rate_seconds <= 86400;
    }
    if (!ok)
        fprintf(stderr, "billtap-sandbox: --rate-limit: invalid value '%s' (R or R/S: R requests per S seconds)\n", v);
    return ok ? 0 : -1;
}

static int parse_uint(const char *opt, const char *s, unsigned long long hi, unsigned long long *out)
{
    errno = 0;
    char *end;
    unsigned long long v = (*s >= '0' && *s <= '9') ? strtoull(s, &end, 10) : 0;
    if (*s < '0' || *s > '9' || errno || *end || v > hi) {
        fprintf(stderr, "billtap-sandbox: %s: invalid value '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static void print_usage(FILE *f)
{
    sb_buf b;
    sb_buf_init(&b);
    sb_provider_usage(&b);
    fprintf(f, "%s%s", usage, sb_buf_str(&b));
    sb_buf_free(&b);
}

int sb_args_parse(sb_options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->started = (int64_t)time(NULL);
    o->seed = 42;
    o->scale = 1000;
    o->rate_limit = -1;
    o->rate_seconds = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char name[32];
        const char *eq = strchr(a, '=');
        if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
            a = name;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_usage(stdout);
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
        } else if (strcmp(a, "--accounts") == 0) {
            if (parse_uint(a, val, 1000, &u))
                return -1;
            if (u == 0) {
                fprintf(stderr, "billtap-sandbox: --accounts: at least 1\n");
                return -1;
            }
            o->accounts = (size_t)u;
        } else if (strcmp(a, "--truth") == 0) {
            o->truth_dir = val;
        } else if (strcmp(a, "--rate-limit") == 0) {
            if (parse_rate(val, o) != 0)
                return -1;
        } else if (strcmp(a, "--latency-ms") == 0) {
            if (parse_uint(a, val, 600000, &u))
                return -1;
            o->latency_ms = (unsigned)u;
        } else if (strcmp(a, "--latency-jitter-ms") == 0) {
            if (parse_uint(a, val, 600000, &u))
                return -1;
            o->latency_jitter_ms = (unsigned)u;
        } else if (strcmp(a, "--faults") == 0) {
            o->faults = val;
        } else if (strcmp(a, "--opt") == 0) {
            if (o->n_opts == SB_MAX_OPTS) {
                fprintf(stderr, "billtap-sandbox: more than %d --opt\n", SB_MAX_OPTS);
                return -1;
            }
            o->opts[o->n_opts++] = val;
        } else {
            fprintf(stderr, "billtap-sandbox: unknown option %s\n%s", a, usage);
            return -1;
        }
    }
    if (o->latency_jitter_ms > o->latency_ms) {
        fprintf(stderr, "billtap-sandbox: --latency-jitter-ms: %u is more than --latency-ms %u "
                "(a delay cannot be negative)\n", o->latency_jitter_ms, o->latency_ms);
        return -1;
    }
    if (!o->provider) {
        fprintf(stderr, "billtap-sandbox: --provider is required\n%s", usage);
        return -1;
    }
    return 0;
}
