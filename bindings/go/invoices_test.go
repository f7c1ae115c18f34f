package billtap_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// Invoices with their lines from a fake Stripe serving the provider's
// fixtures (the sandbox-truth comparison is TestTruth/invoices, which runs
// once the sandbox serves invoices).

func fakeClient(t *testing.T, f *fakeStripe, extra billtap.Settings) *billtap.Client {
	t.Helper()
	return stripeClient(t, fakeKey, f.URL, extra)
}

func readInvoices(t *testing.T, it *billtap.InvoiceIterator) []billtap.Invoice {
	t.Helper()
	defer it.Close()
	var out []billtap.Invoice
	for it.Next() {
		out = append(out, it.Invoice())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func lineIDs(inv billtap.Invoice) []string {
	out := []string{}
	for _, l := range inv.Lines {
		if l.ID == nil {
			out = append(out, "<nil>")
		} else {
			out = append(out, *l.ID)
		}
	}
	return out
}

// Every field of every invoice and line, typed and generic, equals the C
// library's own JSON, and the lines beyond the embedded ones were paged in.
func TestInvoicesEqualTheCLibrarysJSON(t *testing.T) {
	f := startFakeStripe(t)
	c := fakeClient(t, f, nil)
	it := c.Invoices(withTimeout(t, time.Minute), nil)
	viewed := checkViews(t, it.Iterator)
	invoices := readInvoices(t, it)
	var got []string
	for _, inv := range invoices {
		got = append(got, inv.ID)
		if want := f.lineIDs(inv.ID); !reflect.DeepEqual(lineIDs(inv), want) {
			t.Errorf("%s lines %v, want %v", inv.ID, lineIDs(inv), want)
		}
	}
	if !reflect.DeepEqual(got, f.invoiceIDs()) {
		t.Errorf("invoices %v, want %v", got, f.invoiceIDs())
	}
	if *viewed != len(invoices) {
		t.Errorf("%d invoices checked against C, %d returned", *viewed, len(invoices))
	}
	want := "/v1/invoices/in_B1/lines?limit=100&starting_after=il_11"
	found := false
	for _, r := range f.served() {
		found = found || r == want
	}
	if !found {
		t.Errorf("no request %s among %v", want, f.served())
	}
}

func TestInvoiceValues(t *testing.T) {
	f := startFakeStripe(t)
	c := fakeClient(t, f, nil)
	invoices := readInvoices(t, c.Invoices(withTimeout(t, time.Minute), nil))
	if len(invoices) != 2 {
		t.Fatalf("%d invoices", len(invoices))
	}
	paid, open := invoices[0], invoices[1]
	eur := func(minor int64) billtap.Money { return billtap.Money{Amount: minor, Currency: "EUR", Exponent: 2} }
	unix := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	// Values the fixture states directly (invoices_basil.json).
	checks := []struct {
		what      string
		got, want any
	}{
		{"number", *paid.Number, "ABC-0002"},
		{"customer", *paid.CustomerID, "cus_Q1"},
		{"status", paid.Status, billtap.InvoicePaid},
		{"subtotal", paid.Subtotal, eur(5330)},
		{"discount", paid.Discount, eur(500)},
		{"tax", paid.Tax, eur(1300)},
		{"total", paid.Total, eur(6130)},
		{"amount_paid", paid.AmountPaid, billtap.NullMoney{Money: eur(6130), Valid: true}},
		{"amount_due", paid.AmountDue, billtap.NullMoney{Money: eur(0), Valid: true}},
		{"created_at", paid.CreatedAt, unix(1714521600)},
		{"issued_at", *paid.IssuedAt, unix(1714525200)},
		{"paid_at", *paid.PaidAt, unix(1714528800)},
		{"voided_at", paid.VoidedAt, (*time.Time)(nil)},
		{"open number", open.Number, (*string)(nil)},
		{"open amount_due", open.AmountDue, billtap.NullMoney{Money: billtap.Money{Amount: 300000, Currency: "JPY", Exponent: 0}, Valid: true}},
		{"line amounts", []int64{paid.Lines[0].Amount.Amount, paid.Lines[1].Amount.Amount, paid.Lines[2].Amount.Amount},
			[]int64{5000, -1200, 1530}},
		{"line quantity", *paid.Lines[0].Quantity, int64(2)},
		{"metered-less line quantity", paid.Lines[2].Quantity, (*int64)(nil)},
		{"prorations", []bool{paid.Lines[0].Proration, paid.Lines[1].Proration, paid.Lines[2].Proration},
			[]bool{false, true, false}},
		{"line description", paid.Lines[2].Description, (*string)(nil)},
		{"line plan", *paid.Lines[0].PlanID, "price_pro"},
		{"line period", *paid.Lines[0].PeriodStart, unix(1714521600)},
		{"line currency", paid.Lines[1].Amount.Currency, "EUR"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	statuses, err := billtap.KindInvoice.Vocabulary("status")
	if err != nil || !contains(statuses, string(paid.Status)) || !contains(statuses, string(open.Status)) {
		t.Errorf("statuses %v (%v) lack %s or %s", statuses, err, paid.Status, open.Status)
	}
	kinds, _ := billtap.KindInvoiceLine.Vocabulary("kind")
	for _, l := range paid.Lines {
		if !contains(kinds, string(l.Kind)) {
			t.Errorf("line kind %q not in %v", l.Kind, kinds)
		}
		var raw struct{ Object, ID string }
		if err := json.Unmarshal(l.Raw, &raw); err != nil || raw.Object != "line_item" || raw.ID != *l.ID {
			t.Errorf("line Raw is not the provider's line (%v): %.80s", err, l.Raw)
		}
	}
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// Resuming after the first invoice: the second comes with all its lines.
func TestInvoicesResume(t *testing.T) {
	f := startFakeStripe(t)
	c := fakeClient(t, f, billtap.Settings{"page_size": "1"})
	ctx := withTimeout(t, time.Minute)
	all := readInvoices(t, c.Invoices(ctx, nil))

	it := c.Invoices(ctx, nil)
	if !it.Next() {
		t.Fatal(it.Err())
	}
	head := it.Invoice()
	cp, err := it.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	it.Close()
	tail := readInvoices(t, c.Invoices(ctx, &billtap.ListOptions{Checkpoint: cp}))
	if got := append([]billtap.Invoice{head}, tail...); !reflect.DeepEqual(got, all) {
		t.Errorf("resumed %d invoices, differing from the %d of a full pass", len(got), len(all))
	}
	if len(tail) != 1 || !reflect.DeepEqual(lineIDs(tail[0]), f.lineIDs(tail[0].ID)) {
		t.Errorf("tail %v", tail)
	}
}

func TestInvoicesWrongKey(t *testing.T) {
	f := startFakeStripe(t)
	c := fakeClient(t, f, billtap.Settings{"api_key": "sk_test_wrong"})
	it := c.Invoices(withTimeout(t, time.Minute), nil)
	defer it.Close()
	if it.Next() {
		t.Fatal("listed with a wrong key")
	}
	var be *billtap.Error
	if !errors.As(it.Err(), &be) || be.HTTPStatus != 401 || strings.Contains(be.Message, "sk_test_wrong") {
		t.Fatalf("err = %v", it.Err())
	}
}

// ListOptions.Generic: every record as a GenericRecord, equal to the typed one.
func TestGenericListing(t *testing.T) {
	f := startFakeStripe(t)
	c := fakeClient(t, f, nil)
	ctx := withTimeout(t, time.Minute)
	typed := readInvoices(t, c.Invoices(ctx, nil))
	it := c.Invoices(ctx, &billtap.ListOptions{Generic: true})
	defer it.Close()
	i := 0
	for ; it.Next(); i++ {
		g, ok := it.Record().(billtap.GenericRecord)
		if !ok {
			t.Fatalf("Record() is a %T", it.Record())
		}
		if it.Invoice().ID != "" {
			t.Error("the typed accessor of a generic listing is not the zero value")
		}
		if same, err := sameJSON(g.JSON(), typed[i].JSON()); err != nil || !same {
			t.Errorf("generic %s\ntyped   %s", g.JSON(), typed[i].JSON())
		}
		if g.Kind != "invoice" || g.RecordKind() != billtap.KindInvoice || g.NestedMember != "lines" ||
			g.Fields["id"] != typed[i].ID || g.Fields["tax"] != typed[i].Tax ||
			g.Fields["created_at"] != typed[i].CreatedAt || len(g.Nested) != len(typed[i].Lines) {
			t.Errorf("generic record %+v", g)
		}
		for j, l := range g.Nested {
			if l.Fields["id"] != *typed[i].Lines[j].ID || l.Fields["proration"] != typed[i].Lines[j].Proration {
				t.Errorf("generic line %+v", l)
			}
		}
	}
	if err := it.Err(); err != nil || i != len(typed) {
		t.Fatalf("%d generic records, %d typed (%v)", i, len(typed), err)
	}
}
