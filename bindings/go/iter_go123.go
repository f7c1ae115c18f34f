//go:build go1.23

package billtap

import (
	"context"
	"iter"
)

// The range-over-func forms, for Go 1.23 and later:
//
//	for c, err := range client.AllCustomers(ctx, nil) {
//		if err != nil { return err }
//		fmt.Println(c.ID)
//	}
//
// Each sequence opens its own iterator when ranged over and closes it when
// the loop ends, breaks or panics. An error is yielded once, with the zero
// record, as the last pair. Use the scanner form when you need Checkpoint
// or Stats.

// All lists a resource as a sequence of records. See Iterate.
func (c *Client) All(ctx context.Context, res Resource, opts *ListOptions) iter.Seq2[Record, error] {
	return seq(func() *Iterator { return c.Iterate(ctx, res, opts) }, (*Iterator).Record)
}

// AllCustomers lists the customers as a sequence. See Customers.
func (c *Client) AllCustomers(ctx context.Context, opts *ListOptions) iter.Seq2[Customer, error] {
	return seq(func() *Iterator { return c.Iterate(ctx, ResourceCustomers, opts) },
		func(it *Iterator) Customer { return (&CustomerIterator{it}).Customer() })
}

// AllPlans lists the plans as a sequence. See Plans.
func (c *Client) AllPlans(ctx context.Context, opts *ListOptions) iter.Seq2[Plan, error] {
	return seq(func() *Iterator { return c.Iterate(ctx, ResourcePlans, opts) },
		func(it *Iterator) Plan { return (&PlanIterator{it}).Plan() })
}

// AllSubscriptions lists the subscriptions as a sequence. See Subscriptions.
func (c *Client) AllSubscriptions(ctx context.Context, opts *ListOptions) iter.Seq2[Subscription, error] {
	return seq(func() *Iterator { return c.Iterate(ctx, ResourceSubscriptions, opts) },
		func(it *Iterator) Subscription { return (&SubscriptionIterator{it}).Subscription() })
}

// AllTransactions lists the transactions as a sequence. See Transactions.
func (c *Client) AllTransactions(ctx context.Context, opts *ListOptions) iter.Seq2[Transaction, error] {
	return seq(func() *Iterator { return c.Iterate(ctx, ResourceTransactions, opts) },
		func(it *Iterator) Transaction { return (&TransactionIterator{it}).Transaction() })
}

// AllInvoices lists the invoices as a sequence. See Invoices.
func (c *Client) AllInvoices(ctx context.Context, opts *ListOptions) iter.Seq2[Invoice, error] {
	return seq(func() *Iterator { return c.Iterate(ctx, ResourceInvoices, opts) },
		func(it *Iterator) Invoice { return (&InvoiceIterator{it}).Invoice() })
}

// seq opens the iterator only when the sequence is ranged over, so a
// sequence may be ranged over again (each time from the start).
func seq[T any](open func() *Iterator, get func(*Iterator) T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		it := open()
		defer it.Close()
		for it.Next() {
			if !yield(get(it), nil) {
				return
			}
		}
		if err := it.Err(); err != nil {
			var zero T
			yield(zero, err)
		}
	}
}
