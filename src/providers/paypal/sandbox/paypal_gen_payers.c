/* Payers (PayPal accounts that pay the merchant): names in many scripts, businesses known
 * by a single name, missing emails and countries, alternate full names that differ from
 * given name + surname. */
#include <stdio.h>
#include <string.h>

#include "paypal_gen.h"
#include "sandbox_buf.h"

static const char *const given_names[] = {
    "James", "Mary", "Ana", "Zoë", "Björn", "Łukasz", "Søren", "François", "Chloé", "Mateo",
    "Aiko", "Min-jun", "Fatima", "Olumide", "Priya", "Hiroshi", "Inès", "Jürgen", "Noémie",
    "Raúl", "Siobhán", "Dmitri", "Yuki", "Omar", "Ingrid", "Kwame", "Lucía", "Mehmet",
    "太郎", "Владимир", "Ελένη", "محمد", "지민", "José", "O'Neil", "Zoltán",
};
static const char *const surnames[] = {
    "Smith", "García", "Müller", "Johansson", "Kowalski", "Dubois", "Rossi", "Tanaka", "Kim",
    "Al-Sabah", "Okafor", "Patel", "Nguyễn", "O'Connor", "van der Berg", "Schäfer",
    "Fernández", "Ivanova", "Haddad", "Lindqvist", "Søndergaard", "Yılmaz", "Costa", "Novák",
    "山田", "Петров", "Παπαδοπούλου", "الفارسي", "박", "Nagy", "Brown", "Ødegård",
};
static const char *const businesses[] = {
    "Acme Corp", "Café Olé S.L.", "Straße & Söhne KG", "株式会社サンプル", "Dvořák & Synové s.r.o.",
    "\"Quoted\" Trading Ltd", "Stark Industries 🚀", "Þórður ehf.", "Globex Ltd", "Ünïcødé GmbH",
};
static const char *const middles[] = {"A.", "J.", "M.", "W.", "Ch.", "de la", "van", "Q."};
static const char *const domains[] = {"example.com", "example.org", "example.net", "mail.example.com"};

static const pp_place places[] = {
    {"US", "San Jose", "CA", "95131", "2211 N First Street"},
    {"US", "Austin", "TX", "78701", "500 Congress Ave"},
    {"DE", "München", "BY", "80331", "Marienplatz 1"},
    {"FR", "Paris", NULL, "75002", "12 rue de la Paix"},
    {"GB", "London", NULL, "EC1A 1BB", "1 St Martin's Le Grand"},
    {"JP", "東京都", "東京都", "100-0001", "千代田1-1"},
    {"HU", "Budapest", NULL, "1051", "Széchenyi tér 1"},
    {"TW", "臺北市", NULL, "100", "中正區重慶南路一段122號"},
    {"CA", "Montréal", "QC", "H2Y 1C6", "275 Rue Notre-Dame E"},
    {"AU", "Sydney", "NSW", "2000", "1 Macquarie St"},
    {"ES", "A Coruña", NULL, "15001", "Praza de María Pita 1"},
    {"NO", "Tromsø", NULL, "9008", "Storgata 1"},
};
#define N_PLACES (sizeof places / sizeof places[0])

static int ccy_of(const pp_place *pl)
{
    if (!pl)
        return PP_USD;
    const char *c = pl->country;
    if (!strcmp(c, "DE") || !strcmp(c, "FR") || !strcmp(c, "ES"))
        return PP_EUR;
    if (!strcmp(c, "GB"))
        return PP_GBP;
    if (!strcmp(c, "JP"))
        return PP_JPY;
    if (!strcmp(c, "HU"))
        return PP_HUF;
    if (!strcmp(c, "TW"))
        return PP_TWD;
    if (!strcmp(c, "CA"))
        return PP_CAD;
    if (!strcmp(c, "AU"))
        return PP_AUD;
    return PP_USD;
}

#define NG (sizeof given_names / sizeof given_names[0])
#define NS (sizeof surnames / sizeof surnames[0])

const char *pp_guest_name(uint64_t g)
{
    static const char *const full[] = {"Wade W Niedermann", "Hamidou Dia", "Garrett Goda",
                                       "Ana Núñez", "李小龙", "Renée Müller", "Олег Смирнов"};
    return full[g % (sizeof full / sizeof full[0])];
}

const pp_place *pp_guest_place(uint64_t g)
{
    return &places[(g * 7) % N_PLACES];
}

void pp_gen_payers(pp_dataset *ds)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, PP_STREAM_PAYERS);
    size_t n = (size_t)ds->scale;
    ds->payers = sb_xcalloc(n, sizeof *ds->payers);
    ds->n_payers = n;
    for (size_t i = 0; i < n; i++) {
        pp_payer *p = &ds->payers[i];
        pp_make_id(ds->seed, PP_IDS_PAYER, i, p->id);
        p->given = given_names[sb_rng_below(&r, NG)];
        p->surname = surnames[sb_rng_below(&r, NS)];
        if (sb_rng_pct(&r, 12)) {
            p->business = businesses[sb_rng_below(&r, sizeof businesses / sizeof businesses[0])];
        } else if (sb_rng_pct(&r, 20)) {
            snprintf(p->alt_name, sizeof p->alt_name, "%s %s %s", p->given,
                     middles[sb_rng_below(&r, sizeof middles / sizeof middles[0])], p->surname);
        } else if (sb_rng_pct(&r, 70)) {
            snprintf(p->alt_name, sizeof p->alt_name, "%s %s", p->given, p->surname);
        }
        if (!sb_rng_pct(&r, 5)) {
            static const char *const locals[] = {"buyer", "ana", "j.smith", "billing", "zoe+pp", "o'neil"};
            snprintf(p->email, sizeof p->email, "%s%zu@%s",
                     locals[sb_rng_below(&r, sizeof locals / sizeof locals[0])], i,
                     domains[sb_rng_below(&r, sizeof domains / sizeof domains[0])]);
        }
        p->place = sb_rng_pct(&r, 6) ? NULL : &places[sb_rng_below(&r, N_PLACES)];
        p->ccy = ccy_of(p->place);
        p->payer_status = sb_rng_pct(&r, 70) ? 'Y' : 'N';
        p->address_status = sb_rng_pct(&r, 60) ? 'Y' : 'N';
    }
    /* a few fixed hard cases, whatever the seed */
    if (n >= 3) {
        ds->payers[0].email[0] = '\0';  /* never an email anywhere */
        ds->payers[1].place = NULL;     /* never a country */
        ds->payers[1].ccy = PP_USD;
        ds->payers[2].business = NULL;
        snprintf(ds->payers[2].alt_name, sizeof ds->payers[2].alt_name, "%s", "Zoë Ødegård-Müller 李");
    }
}
