"""Debian's python3-stripe auto-paging, pointed at the sandbox.

usage: python3 stripe_python.py BASE_URL API_KEY RESOURCE
RESOURCE customers: Customer.list; transactions: charges, refunds and disputes, the objects
billtap's Stripe transactions are made of (billtap also reads invoice payments to link
charges to invoices; this does not, so it makes fewer requests).
Prints the number of objects iterated; exits 1 on the first error (as an app would)."""
import sys

import stripe

base_url, api_key, resource = sys.argv[1:4]
stripe.api_key = api_key
stripe.api_base = base_url
stripe.api_version = "2025-03-31.basil"
lists = ([stripe.Charge, stripe.Refund, stripe.Dispute] if resource == "transactions"
         else [stripe.Customer])
n = 0
try:
    for cls in lists:
        for _ in cls.list(limit=100).auto_paging_iter():
            n += 1
except stripe.error.StripeError as e:
    print(f"python3-stripe: after {n} objects: {type(e).__name__}: {e.http_status} {e}", file=sys.stderr)
    print(n)
    sys.exit(1)
print(n)
