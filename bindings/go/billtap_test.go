package billtap_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

var resources = []struct {
	name string
	res  billtap.Resource
}{
	{"customers", billtap.ResourceCustomers},
	{"plans", billtap.ResourcePlans},
	{"subscriptions", billtap.ResourceSubscriptions},
	{"transactions", billtap.ResourceTransactions},
	{"invoices", billtap.ResourceInvoices},
}

func TestLibrary(t *testing.T) {
	if v := billtap.Version(); !strings.HasPrefix(v, "0.") {
		t.Errorf("Version() = %q", v)
	}
	found := false
	for _, p := range billtap.Providers() {
		found = found || p == "stripe"
	}
	if !found {
		t.Errorf("Providers() = %v, no stripe", billtap.Providers())
	}
	if s := billtap.CodeAuthentication.String(); s == "" {
		t.Error("empty strerror")
	}
}

// TestTruth reads every resource through the typed iterators and compares
// each record's JSON, built by the binding from the values it copied, with
// the sandbox's truth, and (checkViews) with the C library's own JSON and the
// generic decoding of the same C record.
func TestTruth(t *testing.T) {
	sb := sharedSandbox(t)
	// Small pages, so that records come from several responses.
	c := sb.client(t, billtap.Settings{"page_size": "40"})
	for _, r := range resources {
		r := r
		t.Run(r.name, func(t *testing.T) {
			sb.skipUnlessServed(t, r.name)
			tr := sb.truth(t, r.name)
			ctx := withTimeout(t, time.Minute)
			var it *billtap.Iterator
			var typed func() billtap.Record
			switch r.res {
			case billtap.ResourceCustomers:
				ci := c.Customers(ctx, nil)
				it, typed = ci.Iterator, func() billtap.Record { return ci.Customer() }
			case billtap.ResourcePlans:
				pi := c.Plans(ctx, nil)
				it, typed = pi.Iterator, func() billtap.Record { return pi.Plan() }
			case billtap.ResourceSubscriptions:
				si := c.Subscriptions(ctx, nil)
				it, typed = si.Iterator, func() billtap.Record { return si.Subscription() }
			case billtap.ResourceTransactions:
				ti := c.Transactions(ctx, nil)
				it, typed = ti.Iterator, func() billtap.Record { return ti.Transaction() }
			case billtap.ResourceInvoices:
				ii := c.Invoices(ctx, nil)
				it, typed = ii.Iterator, func() billtap.Record { return ii.Invoice() }
			}
			defer it.Close()
			viewed := checkViews(t, it)
			got := map[string][]byte{}
			for it.Next() {
				rec := it.Record()
				if !typedEqual(rec, typed()) {
					t.Fatalf("typed accessor and Record() disagree: %s", rec.JSON())
				}
				checkRaw(t, rec)
				b := rec.JSON()
				var head struct{ ID string }
				json.Unmarshal(b, &head)
				if _, dup := got[head.ID]; dup {
					t.Fatalf("duplicate %s", head.ID)
				}
				got[head.ID] = b
			}
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			checkAgainstTruth(t, got, tr)
			if *viewed != len(got) {
				t.Errorf("%d records seen through C, %d returned", *viewed, len(got))
			}
			st := it.Stats()
			if st.Records != uint64(len(got)) {
				t.Errorf("Stats().Records = %d, want %d", st.Records, len(got))
			}
			if min := uint64(len(got)/40 + 1); st.Requests < min {
				t.Errorf("Stats().Requests = %d, want >= %d", st.Requests, min)
			}
			if it.Next() {
				t.Error("Next after the end returned true")
			}
		})
	}
}

func typedEqual(a, b billtap.Record) bool {
	return a != nil && b != nil && string(a.JSON()) == string(b.JSON())
}

// checkRaw checks the provider JSON was copied: valid, and about the record.
func checkRaw(t *testing.T, rec billtap.Record) {
	t.Helper()
	var raw json.RawMessage
	var id string
	switch r := rec.(type) {
	case billtap.Customer:
		raw, id = r.Raw, r.ID
	case billtap.Plan:
		raw, id = r.Raw, r.ID
	case billtap.Subscription:
		raw, id = r.Raw, r.ID
	case billtap.Transaction:
		raw, id = r.Raw, r.ID
	case billtap.Invoice:
		raw, id = r.Raw, r.ID
	default:
		t.Fatalf("unexpected record type %T", rec)
	}
	var obj struct{ ID string }
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatalf("%s: Raw is not JSON: %v", id, err)
	}
	if obj.ID != id {
		t.Fatalf("%s: Raw has id %q", id, obj.ID)
	}
}

func TestRecordValues(t *testing.T) {
	sb := sharedSandbox(t)
	c := sb.client(t, nil)
	ctx := withTimeout(t, time.Minute)

	it := c.Transactions(ctx, nil)
	defer it.Close()
	kinds := map[billtap.TransactionKind]int{}
	for it.Next() {
		tx := it.Transaction()
		kinds[tx.Kind]++
		if tx.OccurredAt.Location() != time.UTC || tx.OccurredAt.IsZero() {
			t.Fatalf("%s: OccurredAt %v not UTC", tx.ID, tx.OccurredAt)
		}
		if tx.Amount.Amount <= 0 || tx.Amount.Currency == "" {
			t.Fatalf("%s: bad amount %+v", tx.ID, tx.Amount)
		}
		for _, m := range []billtap.NullMoney{tx.CapturedAmount, tx.RefundedAmount, tx.FeeAmount, tx.NetAmount} {
			if m.Currency != tx.Amount.Currency || m.Exponent != tx.Amount.Exponent {
				t.Fatalf("%s: %+v is not in the record's currency %+v", tx.ID, m, tx.Amount)
			}
		}
		if tx.FeeAmount.Valid != tx.NetAmount.Valid {
			t.Fatalf("%s: fee %+v, net %+v: both come from the balance transaction", tx.ID, tx.FeeAmount, tx.NetAmount)
		}
		// docs/data-model.md: captured and refunded amounts are the
		// payment's (Stripe reports both); a refund has refunded 0; a
		// chargeback has neither and names its payment.
		switch tx.Kind {
		case billtap.TransactionPayment:
			if !tx.CapturedAmount.Valid || !tx.RefundedAmount.Valid || tx.ParentID != nil {
				t.Fatalf("%s: payment %+v", tx.ID, tx)
			}
		case billtap.TransactionRefund:
			if tx.CapturedAmount.Valid || !tx.RefundedAmount.Valid || tx.RefundedAmount.Amount != 0 {
				t.Fatalf("%s: refund %+v", tx.ID, tx)
			}
		case billtap.TransactionChargeback:
			if tx.CapturedAmount.Valid || tx.RefundedAmount.Valid || tx.ParentID == nil {
				t.Fatalf("%s: chargeback %+v", tx.ID, tx)
			}
		default:
			t.Fatalf("%s: Stripe lists no %q transactions", tx.ID, tx.Kind)
		}
		if tx.Result == billtap.ResultAuthorized && tx.CapturedAmount.Amount != 0 {
			t.Fatalf("%s: authorized, yet captured %+v", tx.ID, tx.CapturedAmount)
		}
		if !tx.Kind.Known() || !tx.Result.Known() {
			t.Fatalf("%s: %q %q not in the vocabularies", tx.ID, tx.Kind, tx.Result)
		}
		if !strings.HasSuffix(tx.Amount.String(), " "+tx.Amount.Currency) {
			t.Fatalf("%s: Money.String() = %q", tx.ID, tx.Amount)
		}
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []billtap.TransactionKind{billtap.TransactionPayment, billtap.TransactionRefund,
		billtap.TransactionChargeback} {
		if kinds[k] == 0 {
			t.Errorf("no %s among the sandbox's transactions: %v", k, kinds)
		}
	}

	// Subscriptions carry items; at least one in the dataset has several.
	si := c.Subscriptions(ctx, nil)
	defer si.Close()
	most, discounted := 0, 0
	for si.Next() {
		sub := si.Subscription()
		if n := len(sub.Items); n > most {
			most = n
		}
		// Discounts is JSON text, an array ("[]" for none; Stripe always says).
		if sub.Discounts == nil {
			t.Fatalf("%s: discounts null", sub.ID)
		}
		var discounts []map[string]any
		if err := json.Unmarshal([]byte(*sub.Discounts), &discounts); err != nil {
			t.Fatalf("%s: discounts %q: %v", sub.ID, *sub.Discounts, err)
		}
		if len(discounts) > 0 {
			discounted++
		}
	}
	if err := si.Err(); err != nil {
		t.Fatal(err)
	}
	if most < 2 {
		t.Errorf("no subscription with more than %d items", most)
	}
	if discounted == 0 {
		t.Error("no subscription with a discount")
	}

	// Tiers is JSON text too; exact prices are decimal strings.
	pi := c.Plans(ctx, nil)
	defer pi.Close()
	tiered := 0
	for pi.Next() {
		p := pi.Plan()
		if p.Tiers != nil {
			var tiers []map[string]any
			if err := json.Unmarshal([]byte(*p.Tiers), &tiers); err != nil || len(tiers) == 0 ||
				p.TiersMode == nil || !p.TiersMode.Known() {
				t.Fatalf("%s: tiers %q (%v), mode %v", p.ID, *p.Tiers, err, p.TiersMode)
			}
			tiered++
		}
		if p.Amount.Valid && (p.AmountDecimal == nil || *p.AmountDecimal != fmt.Sprint(p.Amount.Amount)) {
			t.Fatalf("%s: amount %d, amount_decimal %v", p.ID, p.Amount.Amount, p.AmountDecimal)
		}
	}
	if err := pi.Err(); err != nil {
		t.Fatal(err)
	}
	if tiered == 0 {
		t.Error("no tiered plan")
	}
}

func TestResume(t *testing.T) {
	sb := sharedSandbox(t)
	for _, r := range resources {
		r := r
		t.Run(r.name, func(t *testing.T) {
			sb.skipUnlessServed(t, r.name)
			tr := sb.truth(t, r.name)
			ctx := withTimeout(t, time.Minute)
			// Stop mid-page: 7-record pages and a cut that is not a multiple.
			settings := billtap.Settings{"page_size": "7"}
			c := sb.client(t, settings)
			n := len(tr.ids)/2 + 3
			it := c.Iterate(ctx, r.res, nil)
			first, _ := collect(t, it, n)
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			cp, err := it.Checkpoint()
			if err != nil {
				t.Fatal(err)
			}
			it.Close()
			if _, err := it.Checkpoint(); !errors.Is(err, billtap.ErrClosed) {
				t.Errorf("Checkpoint after Close: %v", err)
			}

			// Resume in a fresh client, as another process would.
			c2 := sb.client(t, settings)
			it2 := c2.Iterate(ctx, r.res, &billtap.ListOptions{Checkpoint: cp})
			defer it2.Close()
			rest, _ := collect(t, it2, -1)
			if err := it2.Err(); err != nil {
				t.Fatal(err)
			}
			for id, b := range rest {
				if _, dup := first[id]; dup {
					t.Fatalf("%s returned before and after the checkpoint", id)
				}
				first[id] = b
			}
			if len(rest) == 0 {
				t.Error("nothing after the checkpoint")
			}
			checkAgainstTruth(t, first, tr)
		})
	}
}

func TestSince(t *testing.T) {
	sb := sharedSandbox(t)
	tr := sb.truth(t, "customers")
	// The median creation time splits the dataset.
	var times []time.Time
	for _, id := range tr.ids {
		var c struct {
			CreatedAt time.Time `json:"created_at"`
		}
		json.Unmarshal([]byte(tr.lines[id]), &c)
		times = append(times, c.CreatedAt)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	since := times[len(times)/2]
	want := 0
	for _, tm := range times {
		if !tm.Before(since) {
			want++
		}
	}

	c := sb.client(t, billtap.Settings{"page_size": "25"})
	ctx := withTimeout(t, time.Minute)
	it := c.Customers(ctx, &billtap.ListOptions{Since: since})
	defer it.Close()
	n := 0
	for it.Next() {
		if cu := it.Customer(); cu.CreatedAt.Before(since) {
			t.Fatalf("%s created %v, before %v", cu.ID, cu.CreatedAt, since)
		}
		n++
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if n != want || n == len(times) {
		t.Errorf("got %d customers since %v, want %d of %d", n, since, want, len(times))
	}

	// A checkpoint carries its Since: another one is refused.
	it.Close()
	it = c.Customers(ctx, &billtap.ListOptions{Since: since})
	it.Next()
	cp, err := it.Checkpoint()
	it.Close()
	if err != nil {
		t.Fatal(err)
	}
	bad := c.Customers(ctx, &billtap.ListOptions{Since: since.Add(-time.Hour), Checkpoint: cp})
	defer bad.Close()
	if bad.Next() || !errors.Is(bad.Err(), billtap.ErrCheckpoint) {
		t.Errorf("other Since with checkpoint: %v", bad.Err())
	}
}

func TestErrors(t *testing.T) {
	sb := sharedSandbox(t)
	ctx := withTimeout(t, time.Minute)

	t.Run("bad key", func(t *testing.T) {
		c := sb.client(t, billtap.Settings{"api_key": "sk_test_wrong_key"})
		it := c.Customers(ctx, nil)
		defer it.Close()
		if it.Next() {
			t.Fatal("Next succeeded with a bad key")
		}
		err := it.Err()
		if !errors.Is(err, billtap.ErrAuthentication) || !errors.Is(err, billtap.ErrProvider) {
			t.Fatalf("err = %v, want ErrAuthentication", err)
		}
		if errors.Is(err, billtap.ErrPermission) || errors.Is(err, billtap.ErrCanceled) {
			t.Errorf("err %v matches too much", err)
		}
		var be *billtap.Error
		if !errors.As(err, &be) {
			t.Fatalf("%T is not *billtap.Error", err)
		}
		if be.Code != billtap.CodeAuthentication || be.HTTPStatus != 401 || be.RequestID == "" {
			t.Errorf("details: %+v", be)
		}
		if !strings.Contains(be.Message, "401") || !strings.Contains(be.Message, be.RequestID) {
			t.Errorf("message %q lacks the status or request id", be.Message)
		}
		if strings.Contains(err.Error(), "sk_test_wrong_key") {
			t.Errorf("message leaks the key: %v", err)
		}
		// The checkpoint survives the error.
		if _, err := it.Checkpoint(); err != nil {
			t.Errorf("Checkpoint after error: %v", err)
		}
	})

	t.Run("unknown provider", func(t *testing.T) {
		c, err := billtap.NewClient("no-such-provider", nil)
		if c != nil || !errors.Is(err, billtap.ErrUnknownProvider) {
			t.Fatalf("NewClient = %v, %v", c, err)
		}
		var be *billtap.Error
		if !errors.As(err, &be) || !strings.Contains(be.Message, "no-such-provider") {
			t.Errorf("error %v does not name the provider", err)
		}
	})

	t.Run("unknown setting", func(t *testing.T) {
		c, err := billtap.NewClient("stripe", billtap.Settings{"api_key": sandboxKey, "no_such_key": "1"})
		if c != nil || !errors.Is(err, billtap.ErrUnknownSetting) || !errors.Is(err, billtap.ErrSetting) {
			t.Fatalf("NewClient = %v, %v", c, err)
		}
		if !strings.Contains(err.Error(), "no_such_key") {
			t.Errorf("message does not name the key: %v", err)
		}
	})

	t.Run("invalid setting", func(t *testing.T) {
		c := sb.client(t, nil)
		err := c.Set("page_size", "many")
		if !errors.Is(err, billtap.ErrSetting) || errors.Is(err, billtap.ErrUnknownSetting) {
			t.Fatalf("Set(page_size, many) = %v", err)
		}
		if err := c.Set("page_size", "50"); err != nil {
			t.Fatalf("the client is unusable after a bad Set: %v", err)
		}
	})

	t.Run("missing api key", func(t *testing.T) {
		c, err := billtap.NewClient("stripe", billtap.Settings{"base_url": sb.URL})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		it := c.Plans(ctx, nil)
		defer it.Close()
		if it.Next() || !errors.Is(it.Err(), billtap.ErrSetting) {
			t.Fatalf("Next without api_key: %v", it.Err())
		}
		if _, err := it.Checkpoint(); err != it.Err() {
			t.Errorf("Checkpoint of a failed iterator = %v, want %v", err, it.Err())
		}
	})

	t.Run("bad checkpoint", func(t *testing.T) {
		c := sb.client(t, nil)
		for _, cp := range []string{"garbage", "!!!", strings.Repeat("A", 300)} {
			it := c.Customers(ctx, &billtap.ListOptions{Checkpoint: cp})
			if it.Next() || !errors.Is(it.Err(), billtap.ErrCheckpoint) {
				t.Errorf("checkpoint %.20q: %v", cp, it.Err())
			}
			it.Close()
		}
		// A customers checkpoint does not fit plans.
		it := c.Customers(ctx, nil)
		it.Next()
		cp, err := it.Checkpoint()
		it.Close()
		if err != nil {
			t.Fatal(err)
		}
		pi := c.Plans(ctx, &billtap.ListOptions{Checkpoint: cp})
		defer pi.Close()
		if pi.Next() || !errors.Is(pi.Err(), billtap.ErrCheckpoint) {
			t.Errorf("customers checkpoint for plans: %v", pi.Err())
		}
	})
}

// TestHTTPFaults maps the provider's failures to sentinels, with retries off
// so that the first answer is final.
func TestHTTPFaults(t *testing.T) {
	cases := []struct {
		fault  string
		want   error
		status int
	}{
		{"429@1", billtap.ErrRateLimit, 429},
		{"403@1", billtap.ErrPermission, 403},
		{"400@1", billtap.ErrRequest, 400},
		{"500@1", billtap.ErrServer, 500},
		{"drop@1", billtap.ErrNetwork, 0},
	}
	for _, tc := range cases {
		tc := tc
		t.Run(tc.fault, func(t *testing.T) {
			t.Parallel()
			sb := sandboxT(t, "--scale", "20", "--rate-limit", "0", "--faults", tc.fault)
			c := sb.client(t, billtap.Settings{"max_retries": "0"})
			it := c.Customers(withTimeout(t, time.Minute), nil)
			defer it.Close()
			if it.Next() {
				t.Fatal("Next succeeded")
			}
			var be *billtap.Error
			if !errors.Is(it.Err(), tc.want) || !errors.As(it.Err(), &be) {
				t.Fatalf("err = %v, want %v", it.Err(), tc.want)
			}
			if be.HTTPStatus != tc.status {
				t.Errorf("HTTPStatus = %d, want %d", be.HTTPStatus, tc.status)
			}
			if tc.status != 0 && !errors.Is(it.Err(), billtap.ErrProvider) {
				t.Errorf("%v is not ErrProvider", it.Err())
			}
		})
	}
}

// slowSandbox delays the second response by 5 s: with 10-record pages, an
// iteration is soon blocked in C waiting for it.
func slowSandbox(t *testing.T) *sandbox {
	return sandboxT(t, "--rate-limit", "0", "--faults", "slow@2:5000")
}

// iterateInBackground runs the iteration in a goroutine and reports how many
// records it read once Next returns false. After ~200 ms that Next is
// blocked on the slow request.
func iterateInBackground(it *billtap.CustomerIterator) <-chan int {
	res := make(chan int, 1)
	go func() {
		n := 0
		for it.Next() {
			n++
		}
		res <- n
	}()
	return res
}

// finished waits for iterateInBackground's result.
func finished(t *testing.T, res <-chan int) int {
	t.Helper()
	select {
	case n := <-res:
		return n
	case <-time.After(3 * time.Second):
		t.Fatal("Next did not return")
	}
	return 0
}

func TestCancel(t *testing.T) {
	sb := slowSandbox(t)
	c := sb.client(t, billtap.Settings{"page_size": "10"})
	before := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	it := c.Customers(ctx, nil)
	defer it.Close()
	res := iterateInBackground(it)

	time.Sleep(200 * time.Millisecond)
	canceled := time.Now()
	cancel()
	n := finished(t, res)
	// The library's transfer loop looks at the cancel flag every 100 ms; allow
	// a loaded machine five times that.
	d := time.Since(canceled)
	t.Logf("Next returned %v after cancel", d)
	if d > 500*time.Millisecond {
		t.Errorf("Next returned %v after cancel, want about 100ms", d)
	}
	err := it.Err()
	if !errors.Is(err, context.Canceled) || !errors.Is(err, billtap.ErrCanceled) {
		t.Fatalf("err = %v, want context.Canceled and ErrCanceled", err)
	}
	var be *billtap.Error
	if !errors.As(err, &be) || be.Code != billtap.CodeCanceled {
		t.Errorf("err = %#v", err)
	}
	if it.Next() {
		t.Error("Next after cancel returned true")
	}
	// No watcher goroutine is left behind.
	waitGoroutines(t, before)

	// The checkpoint stays valid: resume and get the rest, no duplicates.
	cp, err := it.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	it2 := c.Customers(withTimeout(t, time.Minute), &billtap.ListOptions{Checkpoint: cp})
	defer it2.Close()
	rest, _ := collect(t, it2.Iterator, -1)
	if err := it2.Err(); err != nil {
		t.Fatal(err)
	}
	if got := int(it.Stats().Records); got != n || n == 0 {
		t.Errorf("read %d records before the cancel, Stats says %d", n, got)
	}
	want := len(sb.truth(t, "customers").ids) - n
	if len(rest) != want {
		t.Errorf("resumed with %d records, want %d", len(rest), want)
	}
}

func TestDeadline(t *testing.T) {
	sb := slowSandbox(t)
	c := sb.client(t, billtap.Settings{"page_size": "10"})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	it := c.Customers(ctx, nil)
	defer it.Close()
	start := time.Now()
	for it.Next() {
	}
	d := time.Since(start)
	t.Logf("iteration stopped %v after start (deadline 300ms)", d)
	if d > 1500*time.Millisecond {
		t.Errorf("iteration took %v with a 300ms deadline", d)
	}
	if err := it.Err(); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, billtap.ErrCanceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestCanceledBeforeStart(t *testing.T) {
	sb := sharedSandbox(t)
	c := sb.client(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	it := c.Customers(ctx, nil)
	defer it.Close()
	if it.Next() || !errors.Is(it.Err(), context.Canceled) || !errors.Is(it.Err(), billtap.ErrCanceled) {
		t.Fatalf("Next = true or err = %v", it.Err())
	}
	if st := it.Stats(); st.Requests != 0 {
		t.Errorf("%d requests made with a canceled context", st.Requests)
	}
}

// TestCloseWhileRunning closes the client while another goroutine is in
// Next: the call is canceled, the handles freed, nothing crashes.
func TestCloseWhileRunning(t *testing.T) {
	sb := slowSandbox(t)
	c := sb.client(t, billtap.Settings{"page_size": "10"})
	it := c.Customers(context.Background(), nil)
	res := iterateInBackground(it)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	c.Close()
	// Close waits for the canceled Next to leave C (see TestCancel).
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Close took %v", d)
	}
	n := finished(t, res)
	if err := it.Err(); !errors.Is(err, billtap.ErrCanceled) || !errors.Is(err, billtap.ErrClosed) {
		t.Fatalf("err = %v, want ErrCanceled and ErrClosed", err)
	}
	if it.Next() {
		t.Error("Next on a closed iterator")
	}
	// The canceled Next ended the iteration before Close freed it: its
	// checkpoint (after the n records read) outlives both closes and resumes
	// on another client with record n+1.
	cp, err := it.Checkpoint()
	if err != nil || cp == "" {
		t.Fatalf("Checkpoint = %q, %v", cp, err)
	}
	if st := it.Stats(); st.Records != uint64(n) || n == 0 {
		t.Errorf("final stats lost: %+v", st)
	}
	it.Close()
	all := sb.client(t, billtap.Settings{"page_size": "10"}).Customers(withTimeout(t, time.Minute), nil)
	defer all.Close()
	var ids []string
	for all.Next() {
		ids = append(ids, all.Customer().ID)
	}
	resumed := sb.client(t, nil).Customers(withTimeout(t, time.Minute), &billtap.ListOptions{Checkpoint: cp})
	defer resumed.Close()
	if !resumed.Next() || len(ids) <= n || resumed.Customer().ID != ids[n] {
		t.Fatalf("resumed at %v (%v), want record %d of %d", resumed.Record(), resumed.Err(), n+1, len(ids))
	}
}

func TestClosed(t *testing.T) {
	sb := sharedSandbox(t)
	c := sb.client(t, nil)
	ctx := withTimeout(t, time.Minute)
	it := c.Plans(ctx, nil)
	if !it.Next() {
		t.Fatal(it.Err())
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	it.Close() // idempotent
	if it.Next() || !errors.Is(it.Err(), billtap.ErrClosed) {
		t.Errorf("Next after Close: %v", it.Err())
	}
	if p := it.Plan(); p.ID != "" {
		t.Errorf("Plan() after failed Next = %+v", p)
	}

	it = c.Plans(ctx, nil) // left open: Client.Close frees it
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if it.Next() || !errors.Is(it.Err(), billtap.ErrClosed) {
		t.Errorf("Next after Client.Close: %v", it.Err())
	}
	it.Close()
	if err := c.Set("page_size", "10"); !errors.Is(err, billtap.ErrClosed) {
		t.Errorf("Set after Close: %v", err)
	}
	it2 := c.Customers(ctx, nil)
	if it2.Next() || !errors.Is(it2.Err(), billtap.ErrClosed) {
		t.Errorf("Customers after Close: %v", it2.Err())
	}
	it2.Close()
}

// TestParallel runs several clients at once (go test -race watches), and
// shares one client between goroutines, which its mutex allows.
func TestParallel(t *testing.T) {
	sb := sharedSandbox(t)
	want := map[billtap.Resource]int{}
	for _, r := range resources {
		if sb.serves(r.name) {
			want[r.res] = len(sb.truth(t, r.name).ids)
		}
	}
	ctx := withTimeout(t, 2*time.Minute)
	count := func(c *billtap.Client, res billtap.Resource) (int, error) {
		it := c.Iterate(ctx, res, nil)
		defer it.Close()
		n := 0
		for it.Next() {
			it.Record().JSON()
			n++
		}
		return n, it.Err()
	}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	check := func(c *billtap.Client, res billtap.Resource) {
		defer wg.Done()
		n, err := count(c, res)
		if err == nil && n != want[res] {
			err = errors.New(res.String() + ": wrong count")
		}
		if err != nil {
			errs <- err
		}
	}
	for i := 0; i < 4; i++ {
		c := sb.client(t, billtap.Settings{"page_size": "50"})
		for res := range want {
			wg.Add(1)
			go check(c, res) // the resources share client c
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func waitGoroutines(t *testing.T, limit int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > limit {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want <= %d:\n%s", runtime.NumGoroutine(), limit,
				buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
