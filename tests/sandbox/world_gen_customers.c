/* Customers: people and businesses with names in many scripts (and with quotes,
 * backslashes, a tab, a newline and emoji, to exercise escaping), names written otherwise
 * than "given family", records without a name or email or address or country, import
 * seconds shared by many records, and deleted customers. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sandbox_buf.h"
#include "world_gen.h"

typedef struct who {
    const char *given, *family, *business, *display; /* display NULL: as usual */
} who;

/* Always present, never deleted, whatever the seed. */
static const who hard[] = {
    {"Zoë", "Ødegård", NULL, NULL},
    {"小龙", "李", NULL, "李小龙"},
    {"Renée", "Müller", NULL, NULL},
    {"Bobby", "O'Brien", NULL, "O'Brien \"Bobby\" Smith"},
    {"Ana", "Silva", "Back\\slash Holdings", NULL},
    {"Mia", "Chen", "🦄 Unicorn Labs", NULL},
    {"Tom", "Baker", "Tab\tSeparated LLC", NULL},
    {"Jörg", "Weber", "Line\nBreak GmbH", NULL},
    {"محمد", "الفارسي", NULL, NULL},
    {"Владимир", "Петров", NULL, NULL},
    {"太郎", "山田", NULL, "山田 太郎"},
    {"민준", "김", NULL, "김민준"},
    {"Ελένη", "Παπαδοπούλου", NULL, NULL},
    {"Priya", "Patel", "👩‍💻 Dev Shop ✨", NULL},
    {"José", "Núñez-García", NULL, NULL},
    {"Łukasz", "Żółć", NULL, NULL},
    {"Søren", "Dahl", "Ærøskøbing Bådeværft ApS", NULL},
    {"Eve", "Quinn", "\"Quoted\" & <Tagged>", NULL},
    {"Bill", "Doors", "C:\\Users\\billing", NULL},
    {"Zoë", "Ødegård-Müller", NULL, "Zoë Ødegård-Müller 李"},
    {"Ünal", "Çelik", "Ünïcødé Çømpåñy", NULL},
};
#define N_HARD (sizeof hard / sizeof hard[0])

/* Written as one name: people whose names read family first, and businesses (whose
 * contact person is random). */
static const who whole[] = {
    {"芳", "王", NULL, "王芳"}, {"花子", "佐藤", NULL, "佐藤 花子"}, {"서연", "이", NULL, "이서연"},
    {"Αλέξανδρος", "Νικολάου", NULL, NULL}, {"Анна", "Смирнова", NULL, NULL},
    {"عائشة", "المنصوري", NULL, NULL}, {"שרה", "כהן", NULL, NULL},
    {"An", "Nguyễn Văn", NULL, "Nguyễn Văn An"}, {"Þórður", "Guðmundsson", NULL, NULL},
    {NULL, NULL, "Dvořák & Synové s.r.o.", NULL}, {NULL, NULL, "Café Olé S.L.", NULL},
    {NULL, NULL, "Straße & Söhne KG", NULL}, {NULL, NULL, "Acme Corp", NULL},
    {NULL, NULL, "Globex Ltd", NULL}, {NULL, NULL, "Initech", NULL},
    {NULL, NULL, "Umbrella S.A.", NULL}, {NULL, NULL, "Stark Industries 🚀", NULL},
    {NULL, NULL, "株式会社サンプル", NULL}, {NULL, NULL, "\"Quoted\" Trading Ltd", NULL},
    {NULL, NULL, "Þórður ehf.", NULL},
};

static const char *const givens[] = {
    "James", "Mary", "Ana", "Zoë", "Björn", "Łukasz", "Søren", "François", "Chloé", "Mateo",
    "Aiko", "Min-jun", "Fatima", "Olumide", "Priya", "Hiroshi", "Inès", "Jürgen", "Noémie",
    "Raúl", "Siobhán", "Dmitri", "Yuki", "Omar", "Ingrid", "Kwame", "Lucía", "Mehmet",
    "Agnieszka", "Tomás", "Emma", "Liam", "太郎", "Владимир", "Ελένη", "محمد", "지민",
    "José", "O'Neil", "Zoltán",
};
static const char *const families[] = {
    "Smith", "García", "Müller", "Johansson", "Kowalski", "Dubois", "Rossi", "Tanaka", "Kim",
    "Al-Sabah", "Okafor", "Patel", "Nguyễn", "O'Connor", "van der Berg", "Schäfer",
    "Fernández", "Ivanova", "Haddad", "Lindqvist", "Søndergaard", "Yılmaz", "Costa", "Novák",
    "MacLeod", "山田", "Петров", "Παπαδοπούλου", "الفارسي", "박", "Nagy", "Ødegård",
};
static const char *const domains[] = {"example.com", "example.org", "example.net",
                                      "mail.example.com", "corp.example"};
static const char *const descriptions[] = {
    "Imported from legacy billing", "VIP — handle with care", "Référence client: 12/34",
    "Reseller account", "Net 30 terms \"approved\"", "Migrated\\2023",
};
static const char *const streets[] = {"Main St", "Market Street", "Hauptstraße", "Rue de Rivoli",
                                      "Calle Mayor", "Kungsgatan", "銀座", "Al Soor St",
                                      "Széchenyi tér", "中正路"};

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
    {"US", 30, W_USD, "+1", {{"San Francisco", "CA", "94107"}, {"Austin", "TX", "78701"}}},
    {"CA", 5, W_CAD, "+1", {{"Toronto", "ON", "M5V 2T6"}, {"Montréal", "QC", "H2Y 1C6"}}},
    {"GB", 8, W_GBP, "+44", {{"London", NULL, "EC1A 1BB"}, {"Edinburgh", NULL, "EH1 1YZ"}}},
    {"DE", 7, W_EUR, "+49", {{"Berlin", NULL, "10115"}, {"München", "BY", "80331"}}},
    {"FR", 5, W_EUR, "+33", {{"Paris", NULL, "75002"}, {"Lyon", NULL, "69001"}}},
    {"ES", 3, W_EUR, "+34", {{"Madrid", NULL, "28013"}, {"A Coruña", NULL, "15001"}}},
    {"NL", 2, W_EUR, "+31", {{"Amsterdam", NULL, "1012 JS"}, {"Utrecht", NULL, "3511 AX"}}},
    {"IT", 2, W_EUR, "+39", {{"Milano", "MI", "20121"}, {"Roma", "RM", "00184"}}},
    {"SE", 2, W_SEK, "+46", {{"Stockholm", NULL, "111 52"}, {"Göteborg", NULL, "411 01"}}},
    {"CH", 2, W_CHF, "+41", {{"Zürich", "ZH", "8001"}, {"Genève", "GE", "1201"}}},
    {"AU", 3, W_AUD, "+61", {{"Sydney", "NSW", "2000"}, {"Melbourne", "VIC", "3000"}}},
    {"JP", 5, W_JPY, "+81", {{"東京都", "東京都", "100-0001"}, {"Osaka", "大阪府", "530-0001"}}},
    {"KR", 3, W_KRW, "+82", {{"서울", NULL, "04524"}, {"Busan", NULL, "48058"}}},
    {"KW", 2, W_KWD, "+965", {{"Kuwait City", NULL, "13001"}, {"Hawalli", NULL, "32001"}}},
    {"BH", 2, W_BHD, "+973", {{"Manama", NULL, "317"}, {"Riffa", NULL, "939"}}},
    {"HU", 2, W_HUF, "+36", {{"Budapest", NULL, "1051"}, {"Debrecen", NULL, "4024"}}},
    {"TW", 2, W_TWD, "+886", {{"臺北市", NULL, "100"}, {"高雄市", NULL, "800"}}},
    {"BR", 2, W_USD, "+55", {{"São Paulo", "SP", "01310-100"}, {"Rio de Janeiro", "RJ", "20040-020"}}},
    {"IN", 2, W_USD, "+91", {{"Bengaluru", "KA", "560001"}, {"Mumbai", "MH", "400001"}}},
    {"NO", 1, W_USD, "+47", {{"Tromsø", NULL, "9008"}, {"Oslo", NULL, "0150"}}},
};
#define N_COUNTRIES (sizeof countries / sizeof countries[0])
#define PICK(r, arr) (arr)[sb_rng_below((r), sizeof(arr) / sizeof *(arr))]

static size_t country_index(const char *code)
{
    for (size_t i = 0; i < N_COUNTRIES; i++)
        if (strcmp(countries[i].code, code) == 0)
            return i;
    return 0;
}

/* ASCII letters and digits, lower-cased: an email local part from any name. */
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
    if (!n)
        snprintf(out, outlen, "customer");
}

static void name(sb_world *w, sb_rng *r, w_customer *c, const who *h)
{
    c->given = h && h->given ? h->given : PICK(r, givens);
    c->family = h && h->given ? h->family : PICK(r, families);
    c->business = h ? h->business : NULL;
    if (h && h->display)
        c->display = h->display;
    else if (c->business)
        c->display = c->business;
    else
        c->display = sb_arena_printf(w->arena, "%s %s", c->given, c->family);
}

static int has_prices(const sb_world *w, int ccy)
{
    for (size_t i = 0; i < w->n_prices; i++)
        if (w->prices[i].ccy == ccy && w->prices[i].recurring && !w->prices[i].draft)
            return 1;
    return 0;
}

void wg_customers(sb_world *w)
{
    sb_rng r;
    sb_rng_seed(&r, w->seed, WG_STREAM_CUSTOMERS);
    size_t n = (size_t)w->scale;
    w_customer *cs = sb_xcalloc(n ? n : 1, sizeof *cs);
    unsigned weights[N_COUNTRIES];
    for (size_t i = 0; i < N_COUNTRIES; i++)
        weights[i] = countries[i].weight;
    static const char *const forced_countries[] = {"JP", "KR", "KW", "BH", "HU", "TW"};
    const size_t n_forced = sizeof forced_countries / sizeof *forced_countries;
    const size_t first_deletable = n_forced + N_HARD;

    for (size_t i = 0; i < n; i++) {
        w_customer *c = &cs[i];
        unsigned roll = (unsigned)sb_rng_below(&r, 1000);
        c->created = roll < 100 ? WG_TS_IMPORT : roll < 130 ? WG_TS_IMPORT2
                                                            : sb_rng_range(&r, W_START, W_NOW - 2 * W_DAY);
        c->name_on_file = 1;
        c->keep = i < first_deletable;
        if (i >= n_forced && i < first_deletable) {
            name(w, &r, c, &hard[i - n_forced]);
        } else {
            c->name_on_file = !sb_rng_pct(&r, 8);
            name(w, &r, c, sb_rng_pct(&r, 20) ? &PICK(&r, whole) : NULL);
        }

        if (sb_rng_pct(&r, 9) && i >= n_forced + 2) {
            c->email = NULL;
        } else {
            char slug[64];
            ascii_slug(c->display, slug, sizeof slug);
            const char *dom = PICK(&r, domains);
            unsigned kind = (unsigned)sb_rng_below(&r, 10);
            if (kind == 0)
                c->email = sb_arena_printf(w->arena, "%s+billing%zu@%s", slug, i, dom);
            else if (kind == 1 && slug[0] >= 'a' && slug[0] <= 'z')
                c->email = sb_arena_printf(w->arena, "%c%s%zu@%s", slug[0] - 32, slug + 1, i, dom);
            else
                c->email = sb_arena_printf(w->arena, "%s%zu@%s", slug, i, dom);
        }

        size_t ci = 0;
        if (i < n_forced) {
            ci = country_index(forced_countries[i]);
            c->has_address = 1;
        } else if (sb_rng_pct(&r, 75)) {
            ci = sb_rng_weighted(&r, weights, N_COUNTRIES);
            c->has_address = 1;
        }
        if (c->has_address) {
            const country *co = &countries[ci];
            const place *pl = &co->places[sb_rng_below(&r, 2)];
            c->line1 = sb_arena_printf(w->arena, "%d %s", (int)sb_rng_range(&r, 1, 999), PICK(&r, streets));
            c->line2 = sb_rng_pct(&r, 25) ? sb_arena_printf(w->arena, "Suite %d", (int)sb_rng_range(&r, 1, 900)) : NULL;
            c->city = pl->city;
            c->state = pl->state;
            c->postal = pl->postal;
            c->country = (i >= n_forced && sb_rng_pct(&r, 4)) ? NULL : co->code; /* never filled in */
            c->ccy = co->ccy;
            if (sb_rng_pct(&r, 35))
                c->phone = sb_arena_printf(w->arena, "%s%09lld", co->dial,
                                           (long long)sb_rng_range(&r, 100000000, 999999999));
        } else {
            static const unsigned cw[3] = {70, 20, 10};
            static const int pick[3] = {W_USD, W_EUR, W_GBP};
            c->ccy = pick[sb_rng_weighted(&r, cw, 3)];
        }
        if (!has_prices(w, c->ccy))
            c->ccy = W_USD;
        c->description = sb_rng_pct(&r, 10) ? PICK(&r, descriptions) : NULL;
        unsigned tx = (unsigned)sb_rng_below(&r, 100);
        c->tax_exempt = tx < 2 ? 1 : tx < 3 ? 2 : 0;
        c->bank = sb_rng_pct(&r, 5);

        /* deleted: about 3 %, and always the first two deletable ones */
        if (i >= first_deletable && (i < first_deletable + 2 || sb_rng_pct(&r, 3))) {
            int64_t lo = c->created + W_DAY;
            if (lo > W_NOW - W_DAY)
                lo = W_NOW - W_DAY;
            c->deleted_at = sb_rng_range(&r, lo, W_NOW - 3600);
            if (c->deleted_at <= c->created)
                c->deleted_at = c->created + 1;
        }
    }
    WG_SORT(cs, n, w_customer, NULL);
    w->customers = cs;
    w->n_customers = n;
}
