// Package billtap is the Go binding of libbilltap, which extracts billing data
// (customers, plans, subscriptions, invoices, transactions) from billing
// services such as Stripe as normalized, exact records.
//
//	client, err := billtap.NewClient("stripe", billtap.Settings{"api_key": key})
//	if err != nil { ... }
//	defer client.Close()
//	it := client.Customers(ctx, nil)
//	defer it.Close()
//	for it.Next() {
//		c := it.Customer()
//		fmt.Println(c.ID, c.CreatedAt)
//	}
//	if err := it.Err(); err != nil { ... }
//
// # Ownership
//
// A Client and an Iterator each own one C handle. Close frees it; Close is
// idempotent, and a closed handle returns ErrClosed instead of crashing. A
// finalizer frees a handle that was never closed, but only as a safety net:
// C memory and sockets are invisible to the garbage collector, so close what
// you open. An Iterator keeps its Client alive; closing a Client frees the
// iterators still open on it. Records are plain Go values copied out of C as
// soon as Next returns, so they outlive the iterator. An iteration frees its
// C iterator once Next returns false (Checkpoint and Stats stay), and a
// client with no open iterator closes its idle connections, so a client
// waiting for its finalizer holds no socket.
//
// glibc gives the OS threads cgo calls run on their own malloc arenas: set
// MALLOC_ARENA_MAX=2 in a long-running extractor's environment to keep its
// memory down (see the README, "Memory").
//
// # Goroutines
//
// A Client is safe for concurrent use: a mutex per Client serializes every
// call into C on it and on its iterators, because the C client (and the
// error state its iterators share) must be used by one thread at a time. A
// Next that waits for the network therefore blocks other calls on the same
// Client; use one Client per goroutine for parallel extraction. Distinct
// clients are independent. An Iterator, like bufio.Scanner, is for one
// goroutine, except Close, which may be called from any. No OS thread is
// pinned: the C library keeps its error state per client, never per thread.
//
// # Cancellation
//
// The context given to Customers (and the other listing methods) bounds the
// whole iteration. While Next is inside C, a goroutine watches ctx.Done() and
// calls billtap_iter_cancel, which aborts the transfer; Next then returns
// false and Err returns an *Error that matches both ErrCanceled and ctx.Err().
// The watcher exits before Next returns. A canceled iterator stays canceled;
// its Checkpoint stays valid, so resume with a new iterator.
//
// # Records
//
// Customer, Plan, Subscription, Transaction and Invoice are typed structs,
// their closed vocabularies typed strings (InvoiceStatus: InvoicePaid, ...).
// Money is exact (minor units, the provider's exponent; Decimal and Rat give
// the value). Records and Money encode to and decode from the normalized
// JSON, byte for byte the CLI's lines (UnmarshalRecord reads any kind), and
// print as it with %v.
// Nested records (SubscriptionItem, InvoiceLine) may lack an id (nil ID): the
// parent's id and their index identify them. A record of a kind this binding
// has no struct for is a GenericRecord, built from the loaded library's own
// description of the kind (Kinds, Kind.Fields); ListOptions.Generic returns
// every record that way. JSON and json.Marshal give the same JSON value as the
// C library's billtap_record_json.
//
// # Errors
//
// Failures are *Error values (Code, Message, HTTPStatus, RequestID,
// ProviderCode), copied from the client right after the failing call. Test
// them with errors.Is against the Err* sentinels and read details with
// errors.As. Settings that NewClient or Set finds wrong from Describe before
// calling C come as a *SettingError (Provider, Key, Known), which wraps such
// an *Error.
//
// # Plugins
//
// LoadPlugin loads a provider from a shared object and returns its name for
// NewClient; Describe tells what any registered provider offers (resources,
// settings with their types, flags and defaults); UnregisterProvider removes
// one (clients already made keep working).
package billtap
