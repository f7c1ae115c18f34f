// stripe-node's auto-pagination, as its README shows it, pointed at the sandbox.
// usage: node stripe_node.mjs NODE_MODULES_DIR BASE_URL API_KEY RESOURCE
// RESOURCE customers: customers.list; transactions: charges, refunds and disputes, the
// objects billtap's Stripe transactions are made of (billtap also reads invoice payments to
// link charges to invoices; this does not, so it makes fewer requests).
// Prints the number of objects iterated; exits 1 on the first error (as an app would).
import { createRequire } from 'node:module';
import path from 'node:path';

const [modules, baseUrl, apiKey, resource] = process.argv.slice(2);
const require = createRequire(path.resolve(modules, 'x.js'));
const Stripe = require('stripe');
const url = new URL(baseUrl);
const stripe = new Stripe(apiKey, {
  host: url.hostname,
  port: Number(url.port),
  protocol: url.protocol.replace(':', ''),
  apiVersion: '2025-03-31.basil',
});

const lists = resource === 'transactions'
  ? [() => stripe.charges.list({ limit: 100 }),
     () => stripe.refunds.list({ limit: 100 }),
     () => stripe.disputes.list({ limit: 100 })]
  : [() => stripe.customers.list({ limit: 100 })];

let n = 0;
try {
  for (const list of lists)
    for await (const obj of list()) // eslint-disable-line no-unused-vars
      n++;
} catch (e) {
  console.error(`stripe-node: after ${n} objects: ${e.type || e.name}: ${e.statusCode || ''} ${e.message}`);
  console.log(n);
  process.exit(1);
}
console.log(n);
