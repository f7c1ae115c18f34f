#!/usr/bin/env python3
"""The CLI's CSV, read back by Python's csv module, says what its JSON lines say.

A local fake of the test plugin's API (tests/plugins/test_plugin.c: GET /customers with
limit/after paging) serves customers whose ids and emails are seeded random strings full
of what CSV must quote: commas, quotes, CR, LF, tabs, backslashes, spaces at the ends,
non-ASCII (sent both raw and \\u-escaped). `billtap extract` runs once with --format csv and
once with --format jsonl; every CSV row must equal its JSON line, cell by cell, and both
must hold exactly the strings served.

Usage: csv_roundtrip.py BILLTAP_CLI TESTPLUG_SO [SEED]    (TAP on stdout)
"""
import csv
import io
import json
import random
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PIECES = [',', '"', '""', '\n', '\r', '\r\n', '\t', ' ', '\\', ';', "'", 'a', 'Z', '0',
          '\u00e9', '\u6f22', '\U0001F600', '\u2028', '=', '+', '-', '@', '#']


def random_text(rng, printable_ascii=False):
    pool = [p for p in PIECES if not printable_ascii or (p.isascii() and p.isprintable())]
    return ''.join(rng.choice(pool) for _ in range(rng.randrange(1, 12)))


def make_customers(rng, n):
    customers, seen = [], set()
    while len(customers) < n:
        # Ids end up in checkpoint marks, which are printable ASCII.
        cid = 'c' + random_text(rng, printable_ascii=True)[:40]
        if cid in seen:
            continue
        seen.add(cid)
        email = rng.choice([None, '', random_text(rng), random_text(rng) + '@x.test'])
        customers.append({'id': cid, 'created': 1700000000 + rng.randrange(10**8),
                          'email': email})
    return customers


def serve(customers, rng):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            q = parse_qs(url.query)
            limit = int(q.get('limit', ['2'])[0])
            start = 0
            if 'after' in q:
                start = [c['id'] for c in customers].index(q['after'][0]) + 1
            page = customers[start:start + limit]
            body = json.dumps({'data': page, 'has_more': start + limit < len(customers)},
                              ensure_ascii=rng.random() < 0.5).encode('utf-8')
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def cell(value):
    """How a JSON value of a record reads as a CSV cell (docs/cli.md)."""
    if value is None:
        return ''
    if value is True or value is False:
        return 'true' if value else 'false'
    return str(value)


def main():
    cli, plugin = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261125
    rng = random.Random(seed)
    print('# seed %d (rerun: csv_roundtrip.py CLI PLUGIN %d)' % (seed, seed))
    customers = make_customers(rng, 150)
    server = serve(customers, rng)
    base = 'http://127.0.0.1:%d' % server.server_address[1]
    outputs = {}
    for fmt in ('csv', 'jsonl'):
        run = subprocess.run([cli, '--plugin', plugin, 'extract', '--provider', 'testplug',
                              '--resource', 'customers', '--base-url', base,
                              '--set', 'api_key=k', '--set', 'page_size=7', '--format', fmt],
                             capture_output=True, timeout=120)
        if run.returncode != 0:
            print('1..1\nnot ok 1 - billtap extract --format %s exited %d: %s'
                  % (fmt, run.returncode, run.stderr.decode(errors='replace')))
            sys.exit(1)
        outputs[fmt] = run.stdout.decode('utf-8')
    server.shutdown()

    rows = list(csv.reader(io.StringIO(outputs['csv'], newline='')))
    lines = [json.loads(l) for l in outputs['jsonl'].split('\n') if l]
    tests = []

    header, body = rows[0], rows[1:]
    tests.append(('as many CSV rows as JSON lines as customers served (%d)' % len(customers),
                  len(body) == len(lines) == len(customers), (len(body), len(lines))))
    diffs = []
    for i, (row, obj) in enumerate(zip(body, lines)):
        if len(row) != len(header):
            diffs.append('row %d has %d cells for %d columns' % (i, len(row), len(header)))
            continue
        for name, got in zip(header, row):
            if name not in obj:
                diffs.append('row %d: column %s is not in the JSON' % (i, name))
            elif got != cell(obj[name]):
                diffs.append('row %d %s: CSV %r, JSON %r' % (i, name, got, obj[name]))
    tests.append(('every CSV cell equals its JSON value', not diffs, diffs[:5]))
    truth = [(c['id'], c['email']) for c in customers]
    got = [(o.get('id'), o.get('email')) for o in lines]
    tests.append(('the JSON holds exactly the ids and emails served', got == truth,
                  [(g, t) for g, t in zip(got, truth) if g != t][:3]))
    tricky = sum(1 for c in customers if c['email'] and any(ch in c['email'] for ch in ',"\r\n'))
    tests.append(('the data exercised quoting (%d emails with , " CR or LF)' % tricky,
                  tricky >= 20, tricky))

    print('1..%d' % len(tests))
    for n, (name, ok, detail) in enumerate(tests, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', n, name))
        if not ok:
            print('#   %r' % (detail,))
    sys.exit(0 if all(t[1] for t in tests) else 1)


if __name__ == '__main__':
    main()
