package billtap

// #include <stdlib.h>
// #include <billtap.h>
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"time"
	"unsafe"
)

// Resource is what an iterator lists.
type Resource int

// The resources; values are those of billtap_resource. A newer library may
// have more: Resources lists them, and Iterate lists any of them.
const (
	ResourceCustomers     Resource = 1
	ResourcePlans         Resource = 2
	ResourceSubscriptions Resource = 3
	ResourceTransactions  Resource = 4
	ResourceInvoices      Resource = 5
)

// String is the resource's name ("customers").
func (r Resource) String() string {
	if p := C.billtap_resource_name(C.billtap_resource(r)); p != nil {
		return C.GoString(p)
	}
	return fmt.Sprintf("resource(%d)", int(r))
}

// ListOptions narrow or resume a listing. The zero value lists everything.
type ListOptions struct {
	// Since keeps only records created at or after it (whole seconds); the
	// zero Time means no filter.
	Since time.Time
	// Checkpoint resumes after the last record an earlier iterator over the
	// same provider and resource returned (see Iterator.Checkpoint). It
	// carries that iterator's Since: give the same Since or none.
	Checkpoint string
	// Incremental makes a pass that, run to its end, leaves a sync token
	// (Iterator.SyncToken); a later iterator given that token as Checkpoint
	// lists what changed since: created and changed records, and a Tombstone
	// for each deleted one (docs/incremental.md). A Checkpoint that is a sync
	// token, or of an incremental pass, implies it.
	Incremental bool
	// Generic makes Record return every record as a GenericRecord, with every
	// field the loaded library has, also fields added to a kind after this
	// binding was written (the typed accessors then return zero values).
	Generic bool
}

// Stats count the work an iterator has done.
type Stats struct {
	Requests uint64 // HTTP requests sent, retries included
	Retries  uint64 // requests that were retries
	Records  uint64 // records returned
}

// iterState is the part of an iterator its Client tracks, so that closing
// the client can free it. The finalizer sits on Iterator, which nothing in
// the client points to, so a forgotten iterator can still be collected.
type iterState struct {
	client *Client // keeps the client alive as long as the iterator
	// ptr is written with client.mu and client.cmu held; read with either.
	ptr *C.billtap_iter
	// closeRequested (under client.cmu) tells a canceled Next that Close,
	// not its context, stopped it.
	closeRequested bool
	stats          Stats   // the final counts, once ptr is freed (under client.mu)
	metrics        Metrics // likewise
	// ended and final: the iteration is over and ptr was freed by release,
	// final being its last checkpoint (under client.mu).
	ended bool
	final string
	// syncToken: the sync token of an incremental pass that ran to its end.
	syncToken string
}

// requestClose stops a Next that may be running. Caller holds client.cmu,
// which keeps ptr from being freed under billtap_iter_cancel.
func (s *iterState) requestClose() {
	s.closeRequested = true
	if s.ptr != nil {
		C.billtap_iter_cancel(s.ptr)
	}
}

// free releases the C iterator. Caller holds client.mu.
func (s *iterState) free() {
	c := s.client
	c.cmu.Lock()
	ptr := s.ptr
	s.ptr = nil
	delete(c.iters, s)
	c.cmu.Unlock()
	if ptr != nil {
		s.stats = readStats(ptr)
		s.metrics = readMetrics(ptr)
		C.billtap_iter_free(ptr)
	}
}

func (s *iterState) close() {
	c := s.client
	c.cmu.Lock()
	if s.ptr == nil {
		c.cmu.Unlock()
		return
	}
	s.requestClose()
	c.cmu.Unlock()

	c.mu.Lock()
	s.free()
	c.closeIdleIfUnused()
	c.mu.Unlock()
}

func readStats(ptr *C.billtap_iter) Stats {
	var req, ret, rec C.uint64_t
	C.billtap_iter_stats(&req, &ret, &rec, ptr)
	return Stats{uint64(req), uint64(ret), uint64(rec)}
}

// Iterator lists the records of one resource, like bufio.Scanner:
//
//	it := client.Iterate(ctx, billtap.ResourcePlans, nil)
//	defer it.Close()
//	for it.Next() {
//		rec := it.Record()
//	}
//	if err := it.Err(); err != nil { ... }
//
// An Iterator is for one goroutine at a time, except Close, which may be
// called from any goroutine and cancels a Next in progress.
type Iterator struct {
	s        *iterState
	ctx      context.Context
	resource Resource
	cur      Record
	err      error
	done     bool
	opened   bool // Iterate got a C iterator
	generic  bool // ListOptions.Generic
	// inspect, when set (by the tests only), sees every record Next returns
	// as each decoding and the C library's own JSON.
	inspect func(recordViews)
}

// Iterate lists a resource; Customers, Plans, Subscriptions, Transactions
// and Invoices are its typed forms. A resource of a newer library (see
// Resources) lists GenericRecord values. It makes no request: errors (a bad
// checkpoint, a missing api_key) surface as Next returning false and Err.
// ctx bounds the whole iteration. opts may be nil.
func (c *Client) Iterate(ctx context.Context, res Resource, opts *ListOptions) *Iterator {
	if ctx == nil {
		ctx = context.Background()
	}
	it := &Iterator{s: &iterState{client: c}, ctx: ctx, resource: res}
	it.generic = opts != nil && opts.Generic

	var o C.billtap_iter_options
	C.billtap_iter_options_init(&o, C.BILLTAP_ITER_OPTIONS_VERSION)
	if opts != nil {
		if !opts.Since.IsZero() {
			o.since = C.int64_t(opts.Since.Unix())
		}
		if opts.Checkpoint != "" {
			o.checkpoint = C.CString(opts.Checkpoint)
			defer C.free(unsafe.Pointer(o.checkpoint))
		}
		if opts.Incremental {
			o.flags = C.BILLTAP_ITER_INCREMENTAL
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		it.err = ErrClosed
		return it
	}
	var ptr *C.billtap_iter
	if rc := C.billtap_iter_new(&ptr, c.ptr, C.billtap_resource(res), &o); rc < 0 {
		it.err = clientError(c.ptr, rc)
		c.rethrowLogPanic()
		return it
	}
	// A log function's panic is raised once the iterator is registered (so
	// Close and the finalizer still free it).
	c.cmu.Lock()
	it.s.ptr = ptr
	it.opened = true
	c.iters[it.s] = struct{}{}
	c.cmu.Unlock()
	// The finalizer must not block the runtime's single finalizer goroutine
	// on c.mu while another iterator of the client waits for the network.
	runtime.SetFinalizer(it, func(it *Iterator) { go it.s.close() })
	c.rethrowLogPanic()
	return it
}

// Next advances to the next record, fetching pages as needed. It returns
// false at the end or on an error; Err tells which. After false, Next keeps
// returning false: to retry after an error, start a new iterator from
// Checkpoint.
func (it *Iterator) Next() bool {
	it.cur = nil
	if it.err != nil || it.done {
		return false
	}
	if err := it.ctx.Err(); err != nil {
		it.err = &Error{Code: CodeCanceled, Message: it.prefix() + "canceled", cause: err}
		return false
	}
	c := it.s.client
	c.mu.Lock()
	defer c.mu.Unlock()
	// A log function that panicked during the call that returned the last
	// record: raised now, the record having been delivered.
	c.rethrowLogPanic()
	ptr := it.s.ptr
	if ptr == nil {
		it.err = ErrClosed
		return false
	}
	var rec *C.billtap_record
	rc := next(it.ctx, &rec, ptr)
	if rc != 0 {
		if rc < 0 {
			it.err = it.failure(rc)
		}
		c.rethrowLogPanic() // no record to lose
	}
	switch {
	case rc == C.BILLTAP_ITEROVER:
		it.done = true
		it.release()
		return false
	case rc < 0:
		it.release()
		return false
	}
	var r Record
	var err error
	if k := Kind(C.billtap_record_kind_of(rec)); k != it.resource.Kind() {
		err = &Error{Code: CodeType, Message: fmt.Sprintf("got a %s", k)}
	} else if C.billtap_record_deleted(rec) == 1 {
		r = Tombstone{Kind: k, ID: C.GoString(C.billtap_record_id(rec))}
	} else if it.generic {
		r, err = decodeGeneric(rec)
	} else if r, err = decode(rec); err == nil && it.inspect != nil {
		it.inspect(views(rec))
	}
	runtime.KeepAlive(it) // rec is freed with the iterator: keep it until decoded
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Message = it.prefix() + e.Message
		}
		it.err = err
		it.release()
		return false
	}
	it.cur = r
	return true
}

// next calls billtap_iter_next while a goroutine watches ctx and cancels
// the call. The watcher ends before next returns, so it can neither leak nor
// cancel an iterator that Close has freed (free needs client.mu, which the
// caller holds throughout).
func next(ctx context.Context, out **C.billtap_record, ptr *C.billtap_iter) C.int {
	done := ctx.Done()
	if done == nil { // context.Background and the like never cancel
		return C.billtap_iter_next(out, ptr)
	}
	stop := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-done:
			C.billtap_iter_cancel(ptr)
		case <-stop:
		}
	}()
	rc := C.billtap_iter_next(out, ptr)
	close(stop)
	<-exited
	return rc
}

// failure copies the error of a failed next. Caller holds client.mu.
func (it *Iterator) failure(rc C.int) error {
	c := it.s.client
	e := clientError(c.ptr, rc)
	if Code(rc) == CodeCanceled {
		c.cmu.Lock()
		closing := it.s.closeRequested
		c.cmu.Unlock()
		if err := it.ctx.Err(); err != nil {
			e.cause = err
		} else if closing {
			e.cause = ErrClosed
		}
	}
	return e
}

func (it *Iterator) prefix() string {
	return it.s.client.provider + ": " + it.resource.String() + ": "
}

// Record is the record the last successful Next returned, or nil. It is a
// Customer, Plan, Subscription, Transaction or Invoice value, or a
// GenericRecord for a kind this binding has no type for.
func (it *Iterator) Record() Record { return it.cur }

// Err is the error that stopped the iteration, or nil at a normal end.
// A canceled context gives an *Error matching both ErrCanceled and
// ctx.Err() (context.Canceled or context.DeadlineExceeded).
func (it *Iterator) Err() error { return it.err }

// Checkpoint is a token for the position after the last record returned
// (or the start): printable ASCII to persist and pass as
// ListOptions.Checkpoint, in this process or another. It stays valid after
// the end, an error or a cancellation, also once the iterator is closed;
// an iterator closed before Next returned false has none (ErrClosed).
func (it *Iterator) Checkpoint() (string, error) {
	c := it.s.client
	c.mu.Lock()
	defer c.mu.Unlock()
	if it.s.ptr == nil {
		if it.s.ended {
			return it.s.final, nil
		}
		if !it.opened {
			return "", it.err // Iterate failed: say why
		}
		return "", ErrClosed
	}
	var p *C.char
	rc := C.billtap_iter_checkpoint(&p, it.s.ptr)
	var err error
	if rc < 0 {
		err = clientError(c.ptr, rc)
	}
	c.rethrowLogPanic()
	if err != nil {
		return "", err
	}
	cp := C.GoString(p)
	runtime.KeepAlive(it)
	return cp, nil
}

// SyncToken is the sync token of an incremental pass (ListOptions.Incremental,
// or a Checkpoint that is a sync token) once Next returned false at its end:
// keep it and pass it as ListOptions.Checkpoint to list what changed since.
// "" before the end, after an error, or for a pass that is not incremental.
func (it *Iterator) SyncToken() string {
	c := it.s.client
	c.mu.Lock()
	defer c.mu.Unlock()
	return it.s.syncToken
}

// Deleted reports whether the current record is a Tombstone: the typed
// accessors (CustomerIterator.Customer, ...) then return the zero record.
func (it *Iterator) Deleted() bool {
	_, ok := it.cur.(Tombstone)
	return ok
}

// Stats counts the work done so far; after Close, the final counts.
func (it *Iterator) Stats() Stats {
	c := it.s.client
	c.mu.Lock()
	defer c.mu.Unlock()
	if it.s.ptr == nil {
		return it.s.stats
	}
	st := readStats(it.s.ptr)
	runtime.KeepAlive(it)
	return st
}

// Close frees the C iterator. It is idempotent, always returns nil, and may
// be called from another goroutine to cancel a running Next. When no other
// iterator of the client is open, the client's idle connections are closed
// (as they are when Next returns false).
func (it *Iterator) Close() error {
	it.s.close()
	runtime.SetFinalizer(it, nil)
	return nil
}

// CustomerIterator lists customers; see Iterator.
type CustomerIterator struct{ *Iterator }

// PlanIterator lists plans; see Iterator.
type PlanIterator struct{ *Iterator }

// SubscriptionIterator lists subscriptions with their items; see Iterator.
type SubscriptionIterator struct{ *Iterator }

// TransactionIterator lists transactions; see Iterator.
type TransactionIterator struct{ *Iterator }

// InvoiceIterator lists invoices with their lines; see Iterator.
type InvoiceIterator struct{ *Iterator }

// Customers lists the customers. See Iterate.
func (c *Client) Customers(ctx context.Context, opts *ListOptions) *CustomerIterator {
	return &CustomerIterator{c.Iterate(ctx, ResourceCustomers, opts)}
}

// Plans lists the plans (Stripe: prices). See Iterate.
func (c *Client) Plans(ctx context.Context, opts *ListOptions) *PlanIterator {
	return &PlanIterator{c.Iterate(ctx, ResourcePlans, opts)}
}

// Subscriptions lists the subscriptions. See Iterate.
func (c *Client) Subscriptions(ctx context.Context, opts *ListOptions) *SubscriptionIterator {
	return &SubscriptionIterator{c.Iterate(ctx, ResourceSubscriptions, opts)}
}

// Transactions lists payments and refunds. See Iterate.
func (c *Client) Transactions(ctx context.Context, opts *ListOptions) *TransactionIterator {
	return &TransactionIterator{c.Iterate(ctx, ResourceTransactions, opts)}
}

// Invoices lists the invoices, each with all its lines. See Iterate.
func (c *Client) Invoices(ctx context.Context, opts *ListOptions) *InvoiceIterator {
	return &InvoiceIterator{c.Iterate(ctx, ResourceInvoices, opts)}
}

// Customer is the current customer (the zero value after Next returned false).
func (it *CustomerIterator) Customer() Customer { r, _ := it.cur.(Customer); return r }

// Plan is the current plan (the zero value after Next returned false).
func (it *PlanIterator) Plan() Plan { r, _ := it.cur.(Plan); return r }

// Subscription is the current subscription (the zero value after Next
// returned false).
func (it *SubscriptionIterator) Subscription() Subscription {
	r, _ := it.cur.(Subscription)
	return r
}

// Transaction is the current transaction (the zero value after Next
// returned false).
func (it *TransactionIterator) Transaction() Transaction {
	r, _ := it.cur.(Transaction)
	return r
}

// Invoice is the current invoice (the zero value after Next returned false).
func (it *InvoiceIterator) Invoice() Invoice { r, _ := it.cur.(Invoice); return r }
