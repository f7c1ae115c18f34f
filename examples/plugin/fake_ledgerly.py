#!/usr/bin/env python3
"""A fake Ledgerly API for the example plugin, and the truth it must extract.

    fake_ledgerly.py --truth DIR [--port 0] [--seed 7] [--customers 45] [--invoices 61]
                     [--api-key lk_test_example]

Serves GET /v1/customers and GET /v1/invoices on 127.0.0.1 (cursor paging, bearer auth,
created_since) and prints "listening on http://127.0.0.1:PORT" once it is ready. Writes
DIR/customers.jsonl and DIR/invoices.jsonl: the records a correct extraction returns, in
billtap's normalized form (docs/data-model.md), one a line, sorted by id. The truth is
computed from the generated data here, never from the API answers. Standard library only.
"""
import argparse
import base64
import datetime
import json
import os
import random
import sys
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

EXPONENTS = {"EUR": 2, "USD": 2, "JPY": 0, "KWD": 3}
STATES = {"draft": "draft", "issued": "open", "settled": "paid", "cancelled": "void",
          "written_off": "uncollectible", "disputed": "other"}
LINE_TYPES = {"plan": "subscription", "proration": "proration", "one_time": "one_off",
              "discount": "discount", "tax": "tax", "usage": "other"}
EPOCH = 1704067200  # 2024-01-01T00:00:00Z


def rfc3339(t):
    return None if t is None else datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_time(rng, t):
    """A time as Ledgerly writes it: UTC, or an offset, sometimes with a fraction."""
    style = rng.randrange(3)
    if style == 0:
        return rfc3339(t)
    offset = rng.choice([-5, 2, 9]) * 3600
    local = datetime.datetime.fromtimestamp(t + offset, datetime.timezone.utc)
    sign = "+" if offset >= 0 else "-"
    zone = "%s%02d:00" % (sign, abs(offset) // 3600)
    fraction = ".%03d" % rng.randrange(1000) if style == 2 else ""
    return local.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone


def major(minor, exponent):
    """Minor units as Ledgerly's decimal string in major units ("12.30", "-5.000")."""
    return str(Decimal(minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent)))


def generate(seed, n_customers, n_invoices):
    rng = random.Random(seed)
    names = ["Ana Núñez", "Björn Åberg", 'Acme, "Global" Ltd', "李小龙", None, "Zoë O'Hara"]
    customers, api_customers = [], []
    for i in range(n_customers):
        created = EPOCH + i * 5003 + rng.randrange(3600)
        email = None if i % 7 == 3 else "customer%d@example.test" % i
        name = names[i % len(names)]
        country = rng.choice(["DE", "JP", "US", None])
        archived = i % 11 == 5
        cid = "cus_%04d" % i
        customers.append({"object": "customer", "id": cid, "email": email, "name": name,
                          "country": country, "created_at": rfc3339(created),
                          "deleted": archived})
        api = {"id": cid, "email": email, "name": name, "created_at": api_time(rng, created),
               "address": {"country": country, "city": "Somewhere"} if country else None}
        if archived or rng.random() < 0.5:
            api["archived"] = archived
        api_customers.append((created, api))

    invoices, api_invoices = [], []
    for i in range(n_invoices):
        created = EPOCH + 86400 + i * 7001 + rng.randrange(3600)
        currency = rng.choice(list(EXPONENTS))
        exponent = EXPONENTS[currency]
        state = rng.choice(list(STATES))
        lines, api_lines = [], []
        for j in range(rng.choice([0, 1, 2, 3, 5])):
            kind = rng.choice(list(LINE_TYPES))
            amount = rng.randrange(1, 500000)
            if kind == "discount":
                amount = -amount
            start = created - 86400 * rng.randrange(1, 60)
            end = start + 86400 * 30
            with_period = kind not in ("one_time", "tax")
            quantity = rng.randrange(1, 5) if kind in ("plan", "proration", "usage") else None
            plan = "plan_%d" % rng.randrange(5) if kind in ("plan", "proration") else None
            api_line = {"type": kind, "plan": plan, "quantity": quantity,
                        "description": "line %d of invoice %d" % (j, i),
                        "amount": major(amount, exponent)}
            if currency == "JPY" and j % 2:
                api_line["amount"] = amount  # a JSON number, in major units
            if with_period:
                api_line["period"] = {"start": start, "end": end}
            api_lines.append(api_line)
            lines.append({"object": "invoice_line", "id": None, "kind": LINE_TYPES[kind],
                          "plan_id": plan, "description": api_line["description"],
                          "quantity": quantity, "amount": amount, "currency": currency,
                          "currency_exponent": exponent,
                          "period_start": rfc3339(start) if with_period else None,
                          "period_end": rfc3339(end) if with_period else None,
                          "proration": kind == "proration"})
        subtotal = sum(line["amount"] for line in lines)
        discount = rng.choice([0, 0, abs(subtotal) // 10])
        tax = rng.choice([0, abs(subtotal) // 5])
        total = subtotal - discount + tax
        paid = total if state == "settled" else 0
        finalized = None if state == "draft" else created + 600
        due_day = None if state == "draft" else (created // 86400 + 30) * 86400
        settled = created + 3 * 86400 if state == "settled" else None
        cancelled = created + 5 * 86400 if state == "cancelled" else None
        starts = [l["period"]["start"] for l in api_lines if "period" in l]
        ends = [l["period"]["end"] for l in api_lines if "period" in l]
        iid = "inv_%04d" % i
        customer = "cus_%04d" % rng.randrange(n_customers) if n_customers else None
        subscription = "sub_%d" % rng.randrange(20) if rng.random() < 0.7 else None
        number = None if state == "draft" else "LG-%05d" % (i + 1)
        invoices.append({
            "object": "invoice", "id": iid, "number": number, "customer_id": customer,
            "subscription_id": subscription, "status": STATES[state], "provider_status": state,
            "currency": currency, "currency_exponent": exponent, "subtotal": subtotal,
            "discount": discount, "tax": tax, "total": total, "amount_paid": paid,
            "amount_due": total - paid, "created_at": rfc3339(created),
            "issued_at": rfc3339(finalized), "due_at": rfc3339(due_day),
            "paid_at": rfc3339(settled), "voided_at": rfc3339(cancelled),
            "period_start": rfc3339(min(starts)) if starts else None,
            "period_end": rfc3339(max(ends)) if ends else None, "lines": lines})
        api_invoices.append((created, {
            "id": iid, "number": number, "customer": customer, "subscription": subscription,
            "state": state, "currency": currency.lower() if i % 3 == 0 else currency,
            "totals": {"subtotal": major(subtotal, exponent), "discount": major(discount, exponent),
                       "tax": major(tax, exponent), "total": major(total, exponent),
                       "paid": major(paid, exponent), "due": major(total - paid, exponent)},
            "created_at": api_time(rng, created),
            "finalized_at": api_time(rng, finalized) if finalized else None,
            "due_on": rfc3339(due_day)[:10] if due_day else None,
            "settled_at": api_time(rng, settled) if settled else None,
            "cancelled_at": api_time(rng, cancelled) if cancelled else None,
            "lines": api_lines}))
    return ({"customers": api_customers, "invoices": api_invoices},
            {"customers": customers, "invoices": invoices})


def write_truth(directory, truth):
    os.makedirs(directory, exist_ok=True)
    for resource, records in truth.items():
        with open(os.path.join(directory, resource + ".jsonl"), "w", encoding="utf-8") as f:
            for record in sorted(records, key=lambda r: r["id"].encode()):
                f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


class Ledgerly(BaseHTTPRequestHandler):
    data = None
    api_key = None
    requests = 0

    def log_message(self, *args):
        pass  # quiet: the tests read stdout

    def answer(self, status, body):
        Ledgerly.requests += 1
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", "req_%06d" % Ledgerly.requests)
        self.end_headers()
        self.wfile.write(payload)

    def error(self, status, code, message):
        self.answer(status, {"error": {"code": code, "message": message}})

    def do_GET(self):
        url = urlparse(self.path)
        resource = {"/v1/customers": "customers", "/v1/invoices": "invoices"}.get(url.path)
        if not resource:
            return self.error(404, "not_found", "no such endpoint: " + url.path)
        if self.headers.get("Authorization") != "Bearer " + Ledgerly.api_key:
            return self.error(401, "unauthorized", "Invalid API key.")
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        try:
            limit = int(query.get("limit", "20"))
            since = int(query["created_since"]) if "created_since" in query else None
        except ValueError:
            return self.error(400, "invalid_parameter", "limit and created_since are integers")
        if not 1 <= limit <= 50:
            return self.error(400, "invalid_parameter", "limit must be 1..50")
        rows = [api for created, api in Ledgerly.data[resource] if since is None or created >= since]
        offset = 0
        if "cursor" in query:
            try:
                cursor = json.loads(base64.urlsafe_b64decode(query["cursor"].encode()))
                if cursor["r"] != resource or cursor["s"] != since:
                    raise ValueError
                offset = int(cursor["o"])
            except (ValueError, KeyError, TypeError):
                return self.error(400, "invalid_cursor", "the cursor is not one this list gave")
        page = rows[offset:offset + limit]
        following = None
        if offset + limit < len(rows):
            following = base64.urlsafe_b64encode(json.dumps(
                {"r": resource, "o": offset + limit, "s": since}).encode()).decode()
        self.answer(200, {"data": page, "next_cursor": following})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customers", type=int, default=45)
    parser.add_argument("--invoices", type=int, default=61)
    parser.add_argument("--api-key", default="lk_test_example")
    args = parser.parse_args()
    Ledgerly.data, truth = generate(args.seed, args.customers, args.invoices)
    Ledgerly.api_key = args.api_key
    write_truth(args.truth, truth)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Ledgerly)
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
