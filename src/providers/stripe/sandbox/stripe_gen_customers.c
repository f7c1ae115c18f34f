/* Customers: names from many scripts (and with quotes, backslashes, tabs, newlines and
 * emoji, to exercise JSON escaping), missing emails and addresses, bulk-import seconds
 * shared by many records, and deleted customers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "stripe_gen.h"

/* Always present, never deleted: the escaping and Unicode cases every dataset has. */
static const char *const hard_names[] = {
    "Zoë Ødegård", "李小龙", "Renée Müller", "O'Brien \"Bobby\" Smith",
    "Back\\slash Holdings", "🦄 Unicorn Labs", "Tab\tSeparated LLC", "Line\nBreak GmbH",
    "محمد الفارسي", "Владимир Петров", "山田 太郎", "김민준", "Ελένη Παπαδοπούλου",
    "👩‍💻 Dev Shop ✨", "José Núñez-García", "Łukasz Żółć", "Ærøskøbing Bådeværft ApS",
    "\"Quoted\" & <Tagged>", "C:\\Users\\billing", "Ünïcødé Çømpåñy",
};
#define N_HARD (sizeof hard_names / sizeof hard_names[0])

static const char *const first_names[] = {
    "James", "Mary", "Ana", "Zoë", "Björn", "Łukasz", "Søren", "François", "Chloé", "Mateo",
    "Aiko", "Min-jun", "Fatima", "Olumide", "Priya", "Hiroshi", "Inès", "Jürgen", "Noémie",
    "Raúl", "Siobhán", "Dmitri", "Yuki", "Omar", "Ingrid", "Kwame", "Lucía", "Mehmet",
    "Agnieszka", "Tomás", "Emma", "Liam", "Olivia", "Noah", "Sophia", "Lucas",
};
static const char *const last_names[] = {
    "Smith", "García", "Müller", "Johansson", "Kowalski", "Dubois", "Rossi", "Tanaka", "Kim",
    "Al-Sabah", "Okafor", "Patel", "Nguyễn", "O'Connor", "van der Berg", "Schäfer",
    "Fernández", "Ivanova", "Haddad", "Lindqvist", "Søndergaard", "Yılmaz", "Costa", "Novák",
    "MacLeod", "Brown", "Wilson", "Martin", "Lee", "Walker",
};
static const char *const full_names[] = {
    "王芳", "佐藤 花子", "이서연", "Αλέξανδρος Νικολάου", "Анна Смирнова", "عائشة المنصوري",
    "שרה כהן", "Nguyễn Văn An", "Þórður Guðmundsson", "Dvořák & Synové s.r.o.",
    "Café Olé S.L.", "Straße & Söhne KG", "Acme Corp", "Globex Ltd", "Initech",
    "Umbrella S.A.", "Soylent GmbH", "Wayne Enterprises", "Stark Industries 🚀",
};
static const char *const domains[] = {"example.com", "example.org", "example.net",
                                      "mail.example.com", "corp.example"};
static const char *const descriptions[] = {
    "Imported from legacy billing", "VIP — handle with care", "Référence client: 12/34",
    "Reseller account", "Net 30 terms \"approved\"", "Migrated\\2023",
};
static const char *const locales[] = {"en", "fr-FR", "de", "ja", "ko", "es-419", "pt-BR"};

typedef struct place {
    const char *city, *state, *postal;
} place;

typedef struct country {
    const char *code;
    unsigned weight;
    int ccy;
    const char *dial;
    place places[2];
} country;

static const country countries[] = {
    {"US", 30, ST_USD, "+1", {{"San Francisco", "CA", "94107"}, {"Austin", "TX", "78701"}}},
    {"CA", 5, ST_CAD, "+1", {{"Toronto", "ON", "M5V 2T6"}, {"Montréal", "QC", "H2Y 1C6"}}},
    {"GB", 8, ST_GBP, "+44", {{"London", NULL, "EC1A 1BB"}, {"Edinburgh", NULL, "EH1 1YZ"}}},
    {"DE", 7, ST_EUR, "+49", {{"Berlin", NULL, "10115"}, {"München", "BY", "80331"}}},
    {"FR", 5, ST_EUR, "+33", {{"Paris", NULL, "75002"}, {"Lyon", NULL, "69001"}}},
    {"ES", 3, ST_EUR, "+34", {{"Madrid", NULL, "28013"}, {"A Coruña", NULL, "15001"}}},
    {"NL", 2, ST_EUR, "+31", {{"Amsterdam", NULL, "1012 JS"}, {"Utrecht", NULL, "3511 AX"}}},
    {"IT", 2, ST_EUR, "+39", {{"Milano", "MI", "20121"}, {"Roma", "RM", "00184"}}},
    {"SE", 2, ST_SEK, "+46", {{"Stockholm", NULL, "111 52"}, {"Göteborg", NULL, "411 01"}}},
    {"CH", 2, ST_CHF, "+41", {{"Zürich", "ZH", "8001"}, {"Genève", "GE", "1201"}}},
    {"AU", 3, ST_AUD, "+61", {{"Sydney", "NSW", "2000"}, {"Melbourne", "VIC", "3000"}}},
    {"JP", 5, ST_JPY, "+81", {{"東京都", "東京都", "100-0001"}, {"Osaka", "大阪府", "530-0001"}}},
    {"KR", 3, ST_KRW, "+82", {{"서울", NULL, "04524"}, {"Busan", NULL, "48058"}}},
    {"KW", 2, ST_KWD, "+965", {{"Kuwait City", NULL, "13001"}, {"Hawalli", NULL, "32001"}}},
    {"BH", 2, ST_BHD, "+973", {{"Manama", NULL, "317"}, {"Riffa", NULL, "939"}}},
    {"BR", 2, ST_USD, "+55", {{"São Paulo", "SP", "01310-100"}, {"Rio de Janeiro", "RJ", "20040-020"}}},
    {"IN", 2, ST_USD, "+91", {{"Bengaluru", "KA", "560001"}, {"Mumbai", "MH", "400001"}}},
};
#define N_COUNTRIES (sizeof countries / sizeof countries[0])

static const char *const streets[] = {"Main St", "Market Street", "Hauptstraße", "Rue de Rivoli",
                                      "Calle Mayor", "Kungsgatan", "銀座", "Al Soor St"};

static size_t country_index(const char *code)
{
    for (size_t i = 0; i < N_COUNTRIES; i++)
        if (strcmp(countries[i].code, code) == 0)
            return i;
    return 0;
}

/* Keep ASCII letters and digits, lower-cased: an email local part from any name. */
static void ascii_slug(const char *s, char *out, size_t outlen)
{
    size_t n = 0;
    for (; *s && n + 1 < outlen; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) && c < 0x80)
            out[n++] = (char)tolower(c);
        else if ((c == ' ' || c == '-') && n > 0 && out[n - 1] != '.')
            out[n++] = '.';
    }
    while (n > 0 && out[n - 1] == '.')
        n--;
    out[n] = '\0';
}

/* Does any usable (subscribable) price exist in this currency? */
static int ccy_has_prices(const st_dataset *ds, int ccy)
{
    for (size_t i = 0; i < ds->n_prices; i++)
        if (ds->prices[i].usable && ds->prices[i].ccy == ccy)
            return 1;
    return 0;
}

void st_gen_customers(st_dataset *ds)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, ST_STREAM_CUSTOMERS);
    size_t n = (size_t)ds->scale;
    st_customer *gen = sb_xcalloc(n, sizeof *gen);
    int has_prices[ST_NCCY];
    for (int c = 0; c < ST_NCCY; c++)
        has_prices[c] = ccy_has_prices(ds, c);
    unsigned cw[N_COUNTRIES];
    for (size_t i = 0; i < N_COUNTRIES; i++)
        cw[i] = countries[i].weight;
    static const char *const forced_countries[] = {"JP", "KR", "KW", "BH"};
    const size_t n_forced_country = 4;
    const size_t first_deletable = n_forced_country + N_HARD;

    for (size_t i = 0; i < n; i++) {
        st_customer *c = &gen[i];
        unsigned roll = (unsigned)sb_rng_below(&r, 1000);
        if (roll < 100)
            c->created = ST_TS_IMPORT;
        else if (roll < 130)
            c->created = ST_TS_IMPORT2;
        else
            c->created = sb_rng_range(&r, ST_T_START, ST_NOW - 2 * ST_DAY_S);

        /* name */
        const char *first = NULL, *last = NULL;
        if (i >= n_forced_country && i < first_deletable) {
            c->name = hard_names[i - n_forced_country];
        } else if (sb_rng_pct(&r, 8)) {
            c->name = NULL;
        } else if (sb_rng_pct(&r, 20)) {
            c->name = full_names[sb_rng_below(&r, sizeof full_names / sizeof *full_names)];
        } else {
            first = first_names[sb_rng_below(&r, sizeof first_names / sizeof *first_names)];
            last = last_names[sb_rng_below(&r, sizeof last_names / sizeof *last_names)];
            c->name = st_arena_printf(ds->arena, "%s %s", first, last);
        }

        /* email: some missing, some tagged, some with capitals */
        if (sb_rng_pct(&r, 9) && i >= n_forced_country + 2) {
            c->email = NULL;
        } else {
            char slug[64];
            ascii_slug(c->name ? c->name : "", slug, sizeof slug);
            if (!slug[0])
                snprintf(slug, sizeof slug, "customer");
            const char *dom = domains[sb_rng_below(&r, sizeof domains / sizeof *domains)];
            unsigned kind = (unsigned)sb_rng_below(&r, 10);
            if (kind == 0)
                c->email = st_arena_printf(ds->arena, "%s+billing%zu@%s", slug, i, dom);
            else if (kind == 1 && slug[0] >= 'a' && slug[0] <= 'z')
                c->email = st_arena_printf(ds->arena, "%c%s%zu@%s", slug[0] - 32, slug + 1, i, dom);
            else
                c->email = st_arena_printf(ds->arena, "%s%zu@%s", slug, i, dom);
        }

        /* address and currency */
        size_t ci = (size_t)-1;
        if (i < n_forced_country) {
            ci = country_index(forced_countries[i]);
            c->has_address = 1;
        } else if (sb_rng_pct(&r, 75)) {
            ci = sb_rng_weighted(&r, cw, N_COUNTRIES);
            c->has_address = 1;
        }
        if (c->has_address) {
            const country *co = &countries[ci];
            const place *pl = &co->places[sb_rng_below(&r, 2)];
            c->line1 = st_arena_printf(ds->arena, "%d %s", (int)sb_rng_range(&r, 1, 999),
                                       streets[sb_rng_below(&r, sizeof streets / sizeof *streets)]);
            c->line2 = sb_rng_pct(&r, 25) ? st_arena_printf(ds->arena, "Suite %d", (int)sb_rng_range(&r, 1, 900)) : NULL;
            c->city = pl->city;
            c->state = pl->state;
            c->postal_code = pl->postal;
            /* a few partial addresses: the country was never filled in */
            c->country = (i >= n_forced_country && sb_rng_pct(&r, 4)) ? NULL : co->code;
            c->ccy = co->ccy;
            if (sb_rng_pct(&r, 35))
                c->phone = st_arena_printf(ds->arena, "%s%09lld", co->dial,
                                           (long long)sb_rng_range(&r, 100000000, 999999999));
        } else {
            static const unsigned w[3] = {70, 20, 10};
            static const int pick[3] = {ST_USD, ST_EUR, ST_GBP};
            c->ccy = pick[sb_rng_weighted(&r, w, 3)];
        }
        if (!has_prices[c->ccy])
            c->ccy = ST_USD;

        c->description = sb_rng_pct(&r, 10)
                             ? descriptions[sb_rng_below(&r, sizeof descriptions / sizeof *descriptions)]
                             : NULL;
        if (sb_rng_pct(&r, 5)) {
            const st_currency *cu = &st_currencies[c->ccy];
            int64_t v = sb_rng_range(&r, 1, 500) * cu->unit;
            c->balance = sb_rng_pct(&r, 70) ? -st_round_amount(c->ccy, v) : st_round_amount(c->ccy, v);
        }
        static const char hex[] = "0123456789ABCDEF";
        uint64_t h = sb_rng_next(&r);
        for (int k = 0; k < 8; k++)
            c->invoice_prefix[k] = hex[(h >> (4 * k)) & 15];
        c->invoice_prefix[8] = '\0';
        c->locale = sb_rng_pct(&r, 20) ? locales[sb_rng_below(&r, sizeof locales / sizeof *locales)] : NULL;
        unsigned tx = (unsigned)sb_rng_below(&r, 100);
        c->tax_exempt = tx < 2 ? 1 : tx < 3 ? 2 : 0;

        /* deleted: ~3%, and always the first two deletable ones */
        if (i >= first_deletable && (i < first_deletable + 2 || sb_rng_pct(&r, 3))) {
            int64_t lo = c->created + ST_DAY_S;
            if (lo > ST_NOW - ST_DAY_S)
                lo = ST_NOW - ST_DAY_S;
            c->deleted_at = sb_rng_range(&r, lo, ST_NOW - 3600);
            if (c->deleted_at <= c->created)
                c->deleted_at = c->created + 1;
        }
    }
    ds->customers = ST_ORDER(ds, gen, n, st_customer, ST_ID_CUSTOMER);
    ds->n_customers = n;
}
