package billtap_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	billtap "github.com/billtap/billtap/bindings/go"
	"github.com/billtap/billtap/bindings/go/internal/testrecord"
)

// The typed records follow the library's own tables: every kind, field and
// nested member the loaded library reports has its place in the binding.

// typed are the zero values of the kinds this binding has structs for.
var typed = map[billtap.Kind]billtap.Record{
	billtap.KindCustomer:         billtap.Customer{},
	billtap.KindPlan:             billtap.Plan{},
	billtap.KindSubscription:     billtap.Subscription{},
	billtap.KindTransaction:      billtap.Transaction{},
	billtap.KindSubscriptionItem: billtap.SubscriptionItem{},
	billtap.KindInvoice:          billtap.Invoice{},
	billtap.KindInvoiceLine:      billtap.InvoiceLine{},
}

// jsonMembers are the member names of a JSON object, in order, and which
// of them are null.
func jsonMembers(t *testing.T, b []byte) ([]string, map[string]bool) {
	t.Helper()
	var names []string
	null := map[string]bool{}
	d := json.NewDecoder(bytes.NewReader(b))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		name := tok.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		null[name] = string(v) == "null"
	}
	return names, null
}

// Each typed struct writes exactly the library's fields for its kind, in its
// order, null (in a zero value) exactly where the library says a field is
// nullable; a kind without a struct reads as a GenericRecord.
func TestEveryKindAndFieldHasAReader(t *testing.T) {
	kinds := billtap.Kinds()
	if len(kinds) < len(typed) {
		t.Fatalf("the library reports %d kinds: %v", len(kinds), kinds)
	}
	for _, k := range kinds {
		zero, ok := typed[k]
		if !ok {
			t.Logf("%s: no typed struct; its records decode as GenericRecord", k)
			continue
		}
		if zero.RecordKind() != k {
			t.Errorf("%T.RecordKind() = %s, want %s", zero, zero.RecordKind(), k)
		}
		want := []string{"object"}
		for _, f := range k.Fields() {
			want = append(want, f.Name)
		}
		nestedKind, member := k.Nested()
		if member != "" {
			want = append(want, member)
		}
		names, null := jsonMembers(t, zero.JSON())
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%T writes %v\nthe library's %s has %v", zero, names, k, want)
		}
		for _, f := range k.Fields() {
			if null[f.Name] != f.Nullable {
				t.Errorf("%s.%s: zero value null=%v, library nullable=%v", k, f.Name, null[f.Name], f.Nullable)
			}
		}
		if member != "" && typed[nestedKind] == nil {
			t.Errorf("%s nests %s, which has no struct", k, nestedKind)
		}
	}
}

func TestModelIntrospection(t *testing.T) {
	// Independent of the library: what docs/data-model.md documents for 0.1.0.
	wantKinds := []string{"customer", "plan", "subscription", "transaction", "subscription_item",
		"invoice", "invoice_line"}
	var kinds []string
	for _, k := range billtap.Kinds()[:len(wantKinds)] {
		kinds = append(kinds, k.String())
		if back, ok := billtap.KindNamed(k.String()); !ok || back != k {
			t.Errorf("KindNamed(%q) = %v, %v", k, back, ok)
		}
	}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("Kinds() = %v", kinds)
	}
	wantResources := map[string]billtap.Kind{"customers": billtap.KindCustomer, "plans": billtap.KindPlan,
		"subscriptions": billtap.KindSubscription, "transactions": billtap.KindTransaction,
		"invoices": billtap.KindInvoice}
	for _, r := range billtap.Resources() {
		if k, ok := wantResources[r.String()]; ok && r.Kind() != k {
			t.Errorf("%s lists %s, want %s", r, r.Kind(), k)
		}
		if r.Kind() == 0 {
			t.Errorf("%s lists no known kind", r)
		}
		delete(wantResources, r.String())
	}
	if len(wantResources) != 0 {
		t.Errorf("Resources() lacks %v", wantResources)
	}
	if billtap.ResourceInvoices.String() != "invoices" {
		t.Errorf("ResourceInvoices is %q", billtap.ResourceInvoices)
	}
	if k, m := billtap.KindInvoice.Nested(); k != billtap.KindInvoiceLine || m != "lines" {
		t.Errorf("invoice nests %s in %q", k, m)
	}
	if k, m := billtap.KindSubscription.Nested(); k != billtap.KindSubscriptionItem || m != "items" {
		t.Errorf("subscription nests %s in %q", k, m)
	}
	if k, m := billtap.KindCustomer.Nested(); k != 0 || m != "" {
		t.Errorf("customer nests %s in %q", k, m)
	}
	for _, k := range []billtap.Kind{billtap.KindSubscriptionItem, billtap.KindInvoiceLine} {
		if f, _ := k.Field("id"); !f.Nullable {
			t.Errorf("%s id is not nullable: nested records may lack an id", k)
		}
	}
	if f, _ := billtap.KindInvoice.Field("tax"); f.Type != billtap.FieldMoney || f.Nullable {
		t.Errorf("invoice tax: %+v", f)
	}
	statuses, err := billtap.KindInvoice.Vocabulary("status")
	if want := []string{"draft", "open", "paid", "void", "uncollectible", "other"}; err != nil ||
		!reflect.DeepEqual(statuses, want) {
		t.Errorf("invoice statuses %v, %v", statuses, err)
	}
	// As docs/data-model.md lists them ("Transaction kinds"); "other" keeps
	// a movement no other word fits (Chargebee payment_reversal, Recurly
	// void, a newer provider code).
	if kinds, err := billtap.KindTransaction.Vocabulary("kind"); err != nil ||
		!reflect.DeepEqual(kinds, []string{"payment", "refund", "chargeback", "reversal", "fee",
			"payout", "transfer", "conversion", "adjustment", "other"}) {
		t.Errorf("transaction kinds %v, %v", kinds, err)
	}
	if results, err := billtap.KindTransaction.Vocabulary("result"); err != nil ||
		!reflect.DeepEqual(results, []string{"succeeded", "failed", "pending", "authorized", "other"}) {
		t.Errorf("transaction results %v, %v", results, err)
	}
	// Amounts a provider may not report are null, not a made-up 0.
	for _, kf := range []struct {
		k    billtap.Kind
		name string
	}{{billtap.KindTransaction, "refunded_amount"}, {billtap.KindInvoice, "amount_paid"},
		{billtap.KindInvoice, "amount_due"}} {
		if f, _ := kf.k.Field(kf.name); f.Type != billtap.FieldMoney || !f.Nullable {
			t.Errorf("%s %s: %+v, want nullable money", kf.k, kf.name, f)
		}
	}
	if words, err := billtap.KindCustomer.Vocabulary("email"); err != nil || words != nil {
		t.Errorf("customer email vocabulary %v, %v: free text has none", words, err)
	}
	if _, err := billtap.KindInvoice.Vocabulary("nope"); !errors.Is(err, billtap.ErrInvalid) {
		t.Errorf("unknown field: %v", err)
	}
	if s := billtap.Kind(1000).String(); s != "kind(1000)" {
		t.Errorf("unknown kind String() = %q", s)
	}
}

// Nested records without an id (Chargebee and Paddle give none): nil IDs,
// identified by the parent's id and their index; typed, generic and C JSON
// agree.
func TestNestedRecordsWithoutIDs(t *testing.T) {
	rec, err := testrecord.InvoiceWithAnonymousLines()
	if err != nil {
		t.Fatal(err)
	}
	v := billtap.ViewsAt(rec)
	testrecord.Free(rec)
	if v.Err != nil || v.GenericErr != nil {
		t.Fatal(v.Err, v.GenericErr)
	}
	inv := v.Typed.(billtap.Invoice)
	if len(inv.Lines) != 2 || inv.Lines[0].ID != nil || inv.Lines[1].ID != nil {
		t.Fatalf("lines %+v", inv.Lines)
	}
	if !reflect.DeepEqual(inv.Lines[0], inv.Lines[1]) {
		t.Error("equal lines differ: only their index tells them apart")
	}
	if len(v.Generic.Nested) != 2 || v.Generic.Nested[0].Fields["id"] != nil {
		t.Errorf("generic lines %+v", v.Generic.Nested)
	}
	for name, b := range map[string][]byte{"typed": inv.JSON(), "generic": v.Generic.JSON()} {
		if same, err := sameJSON(b, v.CJSON); err != nil || !same {
			t.Errorf("%s JSON %s\nC JSON %s", name, b, v.CJSON)
		}
	}
	if want := `"lines":[{"object":"invoice_line","id":null,`; !bytes.Contains(v.CJSON, []byte(want)) {
		t.Errorf("C JSON %s lacks %s", v.CJSON, want)
	}
}

// A record with every field the library lists for its kind set (and two
// nested records likewise), built from the library's tables: the typed
// record carries each field, so its JSON is the C library's byte for byte,
// and decoding that JSON gives the same value back. A field the library
// gains and the binding lacks (in its struct, its C reader, its JSON shape
// or its decoder) fails here, whatever data the sandbox serves.
func TestEveryFieldSetRoundTrips(t *testing.T) {
	for k, zero := range typed {
		if k == billtap.KindSubscriptionItem || k == billtap.KindInvoiceLine {
			continue // nested kinds: read through their parent
		}
		rec, err := testrecord.Full(int(k))
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		v := billtap.ViewsAt(rec)
		testrecord.Free(rec)
		if v.Err != nil || v.GenericErr != nil {
			t.Fatalf("%s: %v, %v", k, v.Err, v.GenericErr)
		}
		if reflect.TypeOf(v.Typed) != reflect.TypeOf(zero) {
			t.Fatalf("%s decodes as %T", k, v.Typed)
		}
		names, null := jsonMembers(t, v.CJSON)
		for _, name := range names {
			if null[name] {
				t.Errorf("%s: %s is null in a record with every field set", k, name)
			}
		}
		if got := v.Typed.JSON(); !bytes.Equal(got, v.CJSON) {
			t.Errorf("%s typed JSON\n got %s\nwant %s", k, got, v.CJSON)
		}
		if got := v.Generic.JSON(); !bytes.Equal(got, v.CJSON) {
			t.Errorf("%s generic JSON\n got %s\nwant %s", k, got, v.CJSON)
		}
		back, err := billtap.UnmarshalRecord(v.CJSON)
		if err != nil {
			t.Fatalf("%s: UnmarshalRecord: %v", k, err)
		}
		if want := withoutRaw(v.Typed); !reflect.DeepEqual(back, want) {
			t.Errorf("%s decoded from JSON\n got %#v\nwant %#v", k, back, want)
		}
	}
}

// withoutRaw is rec with its Raw, and its nested records' Raw, nil: the
// normalized JSON does not carry the provider's.
func withoutRaw(rec billtap.Record) billtap.Record {
	v := reflect.New(reflect.TypeOf(rec)).Elem()
	v.Set(reflect.ValueOf(rec))
	var clear func(reflect.Value)
	clear = func(s reflect.Value) {
		if f := s.FieldByName("Raw"); f.IsValid() {
			f.Set(reflect.Zero(f.Type()))
		}
		for i := 0; i < s.NumField(); i++ {
			if f := s.Field(i); f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct {
				copied := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
				reflect.Copy(copied, f)
				for j := 0; j < copied.Len(); j++ {
					clear(copied.Index(j))
				}
				f.Set(copied)
			}
		}
	}
	clear(v)
	return v.Interface().(billtap.Record)
}
