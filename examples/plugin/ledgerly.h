/*
 * Ledgerly: a made-up billing service, and the billtap provider plugin that reads it.
 *
 * Ledgerly's API (fake_ledgerly.py imitates it):
 *   GET /v1/customers and GET /v1/invoices
 *     ?limit=1..50  &cursor=OPAQUE  &created_since=UNIX_SECONDS
 *     Authorization: Bearer API_KEY
 *   -> 200 {"data": [...], "next_cursor": "OPAQUE" | null}
 *   -> 4xx {"error": {"code": "...", "message": "..."}}, X-Request-Id: req_...
 *   Invoices carry all their lines inline; lines have no ids.
 */
#ifndef LEDGERLY_H
#define LEDGERLY_H

#include <billtap/provider_kit.h>

/* Maps one API object into a record the caller owns (0), or records why not. */
int ledgerly_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                          billtap_ctx *ctx);
int ledgerly_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                         billtap_ctx *ctx);

#endif
