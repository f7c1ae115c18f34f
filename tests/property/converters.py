#!/usr/bin/env python3
"""The library's exact converters against Python's references, over seeded random inputs:

  money  billtap_money_from_decimal (every exponent 0..18, refused outside) and
         billtap_json_money (0..6, refused above) against decimal.Decimal, for values near
         the int64 limits, excess digits, exponent notation; and back: minor units written
         as a decimal in Python parse to the same minor units;
  time   billtap_time_parse_n against the proleptic Gregorian calendar (datetime) for
         random instants from 1600 to 2400 in every form the parser accepts (RFC 3339 with
         Z, +HH:MM, +HHMM, fractions, 't'/' ' separators; YYYY-MM-DD; YYYYMMDD), impossible
         dates refused (2100-02-29 among them); billtap_time_format against strftime;
  url    billtap_url_encode against urllib.parse.quote for all 256 byte values, alone and
         together, and its buffer-size contract.

Usage: converters.py PROBE [SEED]    (TAP on stdout; the seed is printed)
"""
import calendar
import datetime
import random
import re
import subprocess
import sys
import urllib.parse
from decimal import Decimal, localcontext

JSON_NUMBER = re.compile(r'-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
INT64_MIN, INT64_MAX = -2**63, 2**63 - 1
EINVAL, EDATA = -1, -16
results = []


def ask(probe, questions):
    out = subprocess.run([probe], input='\n'.join(questions) + '\n', capture_output=True,
                         text=True, check=True).stdout.split('\n')
    assert len(out) >= len(questions), 'the probe answered %d of %d' % (len(out), len(questions))
    return out[:len(questions)]


def check(name, cases, answers):
    """cases: (question, expected answer, description); reports the first few misses."""
    misses = [(c, a) for c, a in zip(cases, answers) if a != c[1]]
    results.append((name, not misses))
    print('%s %d - %s (%d cases)' % ('not ok' if misses else 'ok', len(results), name,
                                     len(cases)))
    for (q, want, what), got in misses[:10]:
        print('#   %s: %s: got %r, want %r' % (what, q, got, want))


def hexs(s):
    return s.encode('utf-8').hex() if isinstance(s, str) else s.hex()


# ---- money ----

def decimal_text(rng, value):
    """A decimal text for an exact Decimal, in one of the forms providers send."""
    sign, digits, exp = value.as_tuple()
    s = format(value, 'f')
    form = rng.randrange(5)
    if form == 1 and '.' in s:
        s += '0' * rng.randrange(1, 4)            # excess zeros: harmless
    elif form == 2 and s.startswith(('0.', '-0.')):
        s = s.replace('0.', '.', 1)                # ".5"
    elif form == 3:
        k = rng.randrange(-3, 4)                   # "1.5e2": shift the point by k
        with localcontext() as ctx:
            ctx.prec = 80
            mant = value.scaleb(-k)
        s = format(mant, 'f') + rng.choice('eE') + rng.choice(['', '+'] if k >= 0 else ['-'])
        s += str(abs(k))
    elif form == 4 and '.' not in s:
        s = ('-' if s.startswith('-') else '') + '0' * rng.randrange(1, 30) + s.lstrip('-')
    return s


def reference_minor(text, exponent):
    """Minor units of text at exponent, or None when the library must refuse it."""
    with localcontext() as ctx:
        ctx.prec = 200
        v = Decimal(text).scaleb(exponent)
    if v != v.to_integral_value():
        return None
    v = int(v)
    return v if INT64_MIN <= v <= INT64_MAX else None


def near_limit(rng):
    edge = rng.choice([INT64_MAX, INT64_MIN, 0])
    if edge == 0:
        return rng.randrange(INT64_MIN, INT64_MAX)
    return edge - rng.randrange(-50, 50) if edge > 0 else edge + rng.randrange(-50, 50)


def money(probe, rng):
    cases, jcases = [], []
    for _ in range(4000):
        exponent = rng.randrange(0, 19)
        minor = near_limit(rng)
        value = Decimal(minor).scaleb(-exponent)
        if rng.randrange(4) == 0:                  # a digit the currency cannot hold
            value += Decimal(rng.randrange(1, 10)).scaleb(-exponent - rng.randrange(1, 4))
        text = decimal_text(rng, value)
        want = reference_minor(text, exponent)
        cases.append(('dec %d %s' % (exponent, hexs(text)),
                      'err %d' % EDATA if want is None else 'ok %d' % want,
                      'exponent %d, %r' % (exponent, text)))
        if exponent <= 6:
            lexeme = text if JSON_NUMBER.fullmatch(text) else '"%s"' % text
            jcases.append(('jmoney %d %s' % (exponent, hexs(lexeme)),
                           'err %d' % EDATA if want is None else 'ok %d' % want,
                           'exponent %d, JSON %s' % (exponent, lexeme)))
    # Back: minor units written by Python as a decimal read back unchanged, every exponent.
    for exponent in range(0, 19):
        for _ in range(40):
            minor = max(INT64_MIN, min(INT64_MAX, near_limit(rng)))
            text = format(Decimal(minor).scaleb(-exponent), 'f')
            cases.append(('dec %d %s' % (exponent, hexs(text)), 'ok %d' % minor,
                          'back at exponent %d' % exponent))
    # One past the limits at exponent 0 wraps in a library without the overflow check.
    for text in ['9223372036854775808', '-9223372036854775809', '1e20', '92233720368547758.08']:
        cases.append(('dec 0 %s' % hexs(text), 'err %d' % EDATA, 'overflow %r' % text))
    for exponent in (-1, 19, 40):
        cases.append(('dec %d %s' % (exponent, hexs('1')), 'err %d' % EINVAL,
                      'exponent %d refused' % exponent))
    for exponent in (-1, 7, 18):
        jcases.append(('jmoney %d %s' % (exponent, hexs('"1"')), 'err %d' % EINVAL,
                       'currency exponent %d refused' % exponent))
    for bad in ['', '-', '.', '5.', '1e', '1e+', '+1', '1.2.3', ' 1', '1 ', '0x10', '1_000']:
        cases.append(('dec 2 %s' % hexs(bad), 'err %d' % EDATA, 'syntax %r' % bad))
    check('money_from_decimal against decimal.Decimal', cases, ask(probe, [c[0] for c in cases]))
    check('json_money (major units) against decimal.Decimal', jcases,
          ask(probe, [c[0] for c in jcases]))


# ---- time ----

def time_forms(rng, t):
    """(text, seconds) pairs naming instant t in every form the parser accepts."""
    out = []
    dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)
    for zone_minutes, zone in [(0, 'Z'), (0, 'z'), (0, '+00:00'), (0, '-00:00'), (0, '+0000')] + \
            [(m, fmt) for m in [rng.randrange(-23 * 60 - 59, 23 * 60 + 60)]
             for fmt in ('%s%02d:%02d', '%s%02d%02d')]:
        if zone_minutes or '%' in zone:
            sign = '-' if zone_minutes < 0 else '+'
            zone = zone % (sign, abs(zone_minutes) // 60, abs(zone_minutes) % 60)
        local = dt + datetime.timedelta(minutes=zone_minutes)
        if not 1 <= local.year <= 9999:
            continue
        sep = rng.choice('Tt ')
        frac = rng.choice(['', '.' + str(rng.randrange(10**rng.randrange(1, 10))).zfill(1)])
        text = '%04d-%02d-%02d%s%02d:%02d:%02d%s%s' % (local.year, local.month, local.day, sep,
                                                     local.hour, local.minute, local.second,
                                                     frac, zone)
        out.append((text, t))
    midnight = t - t % 86400
    out.append(('%04d-%02d-%02d' % (dt.year, dt.month, dt.day), midnight))
    out.append(('%04d%02d%02d' % (dt.year, dt.month, dt.day), midnight))
    return out


def gregorian_seconds(y, mo, d, h=0, mi=0, s=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


def times(probe, rng):
    lo, hi = gregorian_seconds(1600, 1, 1), gregorian_seconds(2400, 12, 31, 23, 59, 59)
    cases, fcases = [], []
    for _ in range(1500):
        t = rng.randrange(lo, hi + 1)
        for text, want in time_forms(rng, t):
            cases.append(('time %s' % hexs(text), 'ok %d' % want, repr(text)))
        ref = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)
        fcases.append(('fmt %d' % t, 'ok ' + ref.strftime('%Y-%m-%dT%H:%M:%SZ'),
                       'format %d' % t))
    # Every February 29th and every month's last day + 1 in the range: the leap rule with
    # its century exceptions (1700, 1800, 1900, 2100, 2200, 2300 are not leap years).
    for y in range(1600, 2401):
        for mo in range(1, 13):
            last = calendar.monthrange(y, mo)[1]
            for d in (last, last + 1):
                text = '%04d-%02d-%02d' % (y, mo, d)
                want = 'ok %d' % gregorian_seconds(y, mo, d) if d <= last else 'err %d' % EINVAL
                cases.append(('time %s' % hexs(text), want, text))
                cases.append(('time %s' % hexs(text + 'T12:00:00Z'),
                              want if d > last else 'ok %d' % (gregorian_seconds(y, mo, d) +
                                                               43200), text + 'T12:00:00Z'))
    for bad in ['2100-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31',
                '2024-05-01T24:00:00Z', '2024-05-01T12:60:00Z', '2024-05-01T12:00:00',
                '2024-05-01T12:00:00+24:00', '2024-05-01T12:00:00+01:60', '2024-05-01T12:00Z',
                '2024-05-01T12:00:00.Z', '2024-05-01T12:00:00Zjunk', '2024-5-01', '']:
        cases.append(('time %s' % hexs(bad), 'err %d' % EINVAL, 'refused %r' % bad))
    check('time_parse against the proleptic Gregorian calendar', cases,
          ask(probe, [c[0] for c in cases]))
    check('time_format against strftime', fcases, ask(probe, [c[0] for c in fcases]))


# ---- URL encoding ----

def urls(probe, rng):
    cases = []
    everything = bytes(range(256))
    inputs = [bytes([b]) for b in range(256)] + [everything, everything[::-1], b'']
    for _ in range(200):
        inputs.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))))
    for data in inputs:
        want = urllib.parse.quote(data, safe='-._~')
        cases.append(('url %d %s' % (3 * len(data) + 1, hexs(data)),
                      'ok %d %s' % (len(want), want), 'bytes %s' % data[:16].hex()))
        # Exactly enough room fits; one byte less is refused.
        cases.append(('url %d %s' % (len(want) + 1, hexs(data)),
                      'ok %d %s' % (len(want), want), 'tight buffer %s' % data[:16].hex()))
        cases.append(('url %d %s' % (len(want), hexs(data)), 'err %d' % EINVAL,
                      'short buffer %s' % data[:16].hex()))
    check('url_encode against urllib.parse.quote (all 256 bytes)', cases,
          ask(probe, [c[0] for c in cases]))


def main():
    probe = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261125
    print('# seed %d (rerun: converters.py PROBE %d)' % (seed, seed))
    print("1..5")
    money(probe, random.Random(seed))
    times(probe, random.Random(seed + 1))
    urls(probe, random.Random(seed + 2))
    sys.exit(0 if all(ok for _, ok in results) else 1)


if __name__ == '__main__':
    main()
