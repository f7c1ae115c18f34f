package billtap_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	billtap "github.com/billtap/billtap/bindings/go"
)

// The CLI's JSON lines (billtap extract, written by the C library's
// billtap_record_json) decode into records that encode back to the same
// bytes: typed by UnmarshalRecord, into the concrete type by json.Unmarshal,
// and as GenericRecord. The line count is the truth file's.
func TestCLIJSONLinesRoundTrip(t *testing.T) {
	sb := sharedSandbox(t)
	cli, err := buildTool("BILLTAP_CLI", "examples/billtap")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]billtap.Record{"customers": billtap.Customer{}, "plans": billtap.Plan{},
		"subscriptions": billtap.Subscription{}, "transactions": billtap.Transaction{},
		"invoices": billtap.Invoice{}}
	for resource, zero := range types {
		resource, zero := resource, zero
		t.Run(resource, func(t *testing.T) {
			sb.skipUnlessServed(t, resource)
			cmd := exec.Command(cli, "extract", "--provider", "stripe", "--resource", resource,
				"--base-url", sb.URL, "--set", "api_key="+sb.Settings["api_key"])
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("billtap extract: %v: %s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if want := len(sb.truth(t, resource).ids); len(lines) != want {
				t.Fatalf("%d lines, truth has %d", len(lines), want)
			}
			for _, line := range lines {
				roundTrip(t, []byte(line), reflect.TypeOf(zero))
			}
		})
	}
}

func roundTrip(t *testing.T, line []byte, typ reflect.Type) {
	t.Helper()
	rec, err := billtap.UnmarshalRecord(line)
	if err != nil {
		t.Fatalf("UnmarshalRecord: %v\n%s", err, line)
	}
	if reflect.TypeOf(rec) != typ {
		t.Fatalf("UnmarshalRecord gave a %T, want %v", rec, typ)
	}
	if again := rec.JSON(); !bytes.Equal(again, line) {
		t.Fatalf("round trip differs\n got: %s\nwant: %s", again, line)
	}
	// json.Marshal escapes <, > and & (as it does any Marshaler's output):
	// the same JSON value; an Encoder with SetEscapeHTML(false) gives the bytes.
	if again, err := json.Marshal(rec); err != nil {
		t.Fatal(err)
	} else if same, err := sameJSON(again, line); err != nil || !same {
		t.Fatalf("json.Marshal differs (%v)\n got: %s\nwant: %s", err, again, line)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil || !bytes.Equal(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), line) {
		t.Fatalf("Encoder differs (%v)\n got: %s\nwant: %s", err, buf.Bytes(), line)
	}
	// json.Unmarshal into the concrete type gives the same value.
	ptr := reflect.New(typ)
	if err := json.Unmarshal(line, ptr.Interface()); err != nil {
		t.Fatalf("json.Unmarshal into %v: %v", typ, err)
	}
	if !reflect.DeepEqual(ptr.Elem().Interface(), rec) {
		t.Fatalf("json.Unmarshal and UnmarshalRecord differ: %v / %v", ptr.Elem().Interface(), rec)
	}
	var g billtap.GenericRecord
	if err := json.Unmarshal(line, &g); err != nil {
		t.Fatalf("GenericRecord: %v", err)
	}
	if !bytes.Equal(g.JSON(), line) {
		t.Fatalf("generic round trip differs\n got: %s\nwant: %s", g.JSON(), line)
	}
	if s := fmt.Sprint(rec); s != string(line) {
		t.Fatalf("%%v prints %s, want the JSON %s", s, line)
	}
}

func TestUnmarshalRecordRejects(t *testing.T) {
	good := `{"object":"customer","id":"cus_1","email":null,"name":"Ann","country":"FR",` +
		`"created_at":"2024-05-01T12:00:00Z","deleted":false}`
	var c billtap.Customer
	if err := json.Unmarshal([]byte(good), &c); err != nil || c.ID != "cus_1" || *c.Name != "Ann" ||
		c.Email != nil || c.CreatedAt.Unix() != 1714564800 {
		t.Fatalf("%v %+v", err, c)
	}
	bad := map[string]string{
		"another kind":     strings.Replace(good, `"customer"`, `"plan"`, 1),
		"a member missing": strings.Replace(good, `"email":null,`, ``, 1),
		"null where never": strings.Replace(good, `"deleted":false`, `"deleted":null`, 1),
		"a bad time":       strings.Replace(good, `2024-05-01T12:00:00Z`, `yesterday`, 1),
		"a wrong type":     strings.Replace(good, `"name":"Ann"`, `"name":7`, 1),
		"not JSON":         good[:20],
	}
	for what, line := range bad {
		before := c
		err := json.Unmarshal([]byte(line), &c)
		if err == nil {
			t.Errorf("%s: accepted %s", what, line)
		} else if !strings.HasPrefix(err.Error(), "billtap: ") && what != "not JSON" {
			t.Errorf("%s: %v does not say billtap", what, err)
		}
		if !reflect.DeepEqual(c, before) {
			t.Errorf("%s: a failed Unmarshal changed the record", what)
		}
	}
	if _, err := billtap.UnmarshalRecord([]byte(`{"id":"x"}`)); err == nil {
		t.Error("a record without object accepted")
	}
	if !strings.Contains(fmt.Sprint(json.Unmarshal([]byte(bad["a member missing"]), &c)), "email") {
		t.Error("the error does not name the missing member")
	}
	// A kind the library does not know decodes generically and encodes back.
	line := []byte(`{"object":"credit_note","id":"cn_1","amount":12,"flags":[1,2],"void":true}`)
	rec, err := billtap.UnmarshalRecord(line)
	g, ok := rec.(billtap.GenericRecord)
	if err != nil || !ok || g.Kind != "credit_note" || g.Fields["id"] != "cn_1" {
		t.Fatalf("%v %#v", err, rec)
	}
	var again map[string]any
	if err := json.Unmarshal(g.JSON(), &again); err != nil || len(again) != 5 || again["void"] != true {
		t.Fatalf("%v %s", err, g.JSON())
	}
}
