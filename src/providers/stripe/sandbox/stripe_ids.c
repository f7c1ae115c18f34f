/* Stripe-looking ids, currency codes and exponents. Long ids carry the account fragment
 * in the middle, as real ones do (price_1MoBy5LkdIwHu7ix...). */
#include <ctype.h>
#include <string.h>

#include "sandbox_rng.h"
#include "stripe_model.h"

static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void st_ids_init(st_state *st)
{
    static const struct {
        const char *prefix;
        unsigned len;
        char lead; /* long ids: their first character; 0: a short id */
    } kinds[ST_NKINDS] = {
        [ST_CUSTOMER] = {"cus_", 14, 0},   [ST_PRODUCT] = {"prod_", 14, 0},
        [ST_PRICE] = {"price_", 24, '1'},  [ST_SUB] = {"sub_", 24, '1'},
        [ST_ITEM] = {"si_", 14, 0},        [ST_CHARGE] = {"ch_", 24, '3'},
        [ST_REFUND] = {"re_", 24, '3'},    [ST_INVOICE] = {"in_", 24, '1'},
        [ST_LINE] = {"il_", 24, '1'},      [ST_INVOICEITEM] = {"ii_", 24, '1'},
        [ST_PI] = {"pi_", 24, '3'},        [ST_TXN] = {"txn_", 24, '3'},
        [ST_PM] = {"pm_", 24, '1'},        [ST_DISCOUNT] = {"di_", 24, '1'},
        [ST_TAX_RATE] = {"txr_", 24, '1'}, [ST_DISPUTE] = {"du_", 24, '1'},
        [ST_INPAY] = {"inpay_", 24, '1'},  [ST_EVENT] = {"evt_", 24, '1'},
    };
    sb_rng r;
    sb_rng_seed(&r, st->w->seed, 0);
    for (int i = 0; i < 8; i++)
        st->account[i] = alnum[sb_rng_below(&r, 62)];
    st->account[8] = '\0';
    for (int k = 0; k < ST_NKINDS; k++)
        st->styles[k] = (sb_id_style){kinds[k].prefix, alnum, kinds[k].len, 5, kinds[k].lead,
                                      kinds[k].lead ? st->account : NULL, 7};
}

void st_id(const st_state *st, int kind, uint64_t n, char *out)
{
    sb_id_make(out, &st->styles[kind], st->w->seed, (unsigned)kind, n);
}

long st_find(const st_state *st, int kind, const char *id, size_t count)
{
    long long n = sb_id_number(id, &st->styles[kind], st->w->seed, (unsigned)kind);
    return n >= 0 && (size_t)n < count ? (long)n : -1;
}

void st_request_id(uint64_t seed, uint64_t number, char out[24])
{
    /* sb_mix64 is a bijection, so distinct request numbers give distinct 11-digit heads. */
    uint64_t x = sb_mix64(number ^ sb_mix64(seed ^ 0x5EED5EEDULL));
    uint64_t y = sb_mix64(x + 7);
    memcpy(out, "req_", 4);
    for (int i = 0; i < 11; i++, x /= 62)
        out[4 + i] = alnum[x % 62];
    for (int i = 0; i < 3; i++, y /= 62)
        out[15 + i] = alnum[y % 62];
    out[18] = '\0';
}

int st_currency_exponent(const char *code)
{
    static const char zero[] = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF";
    static const char three[] = "BHD JOD KWD OMR TND";
    char up[4] = "";
    for (int i = 0; i < 3 && code[i]; i++)
        up[i] = (char)toupper((unsigned char)code[i]);
    if (strlen(up) != 3)
        return 2;
    return strstr(zero, up) ? 0 : strstr(three, up) ? 3 : 2;
}

const char *st_ccy(int ccy)
{
    static const char *const lower[W_NCCY] = {
        [W_USD] = "usd", [W_EUR] = "eur", [W_GBP] = "gbp", [W_CAD] = "cad", [W_AUD] = "aud",
        [W_CHF] = "chf", [W_SEK] = "sek", [W_JPY] = "jpy", [W_KRW] = "krw", [W_KWD] = "kwd",
        [W_BHD] = "bhd", [W_HUF] = "huf", [W_TWD] = "twd",
    };
    return lower[ccy];
}
