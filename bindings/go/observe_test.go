package billtap_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	billtap "github.com/billtap/billtap/bindings/go"
)

// customerIDs drains it (customers), returning the ids of its records, and fails on
// an error.
func customerIDs(t *testing.T, it *billtap.Iterator) []string {
	t.Helper()
	var got []string
	for it.Next() {
		got = append(got, it.Record().(billtap.Customer).ID)
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func sameIDs(t *testing.T, got []string, tr truth) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range got {
		if _, ok := tr.lines[id]; !ok || seen[id] {
			t.Fatalf("%s: unknown or returned twice", id)
		}
		seen[id] = true
	}
	if len(seen) != len(tr.ids) {
		t.Fatalf("%d records, the truth has %d", len(seen), len(tr.ids))
	}
}

func TestLogEventsAndMetrics(t *testing.T) {
	sb := sandboxT(t, "--scale", "60", "--rate-limit", "0", "--faults", "503@1,429@2,429@4")
	c := sb.client(t, billtap.Settings{"retry_base_ms": "1", "page_size": "20"})
	var events []billtap.LogEvent
	if err := c.SetLogFunc(billtap.LogDebug, func(e billtap.LogEvent) { events = append(events, e) }); err != nil {
		t.Fatal(err)
	}
	it := c.Iterate(context.Background(), billtap.ResourceCustomers, nil)
	defer it.Close()
	sameIDs(t, customerIDs(t, it), sb.truth(t, "customers"))
	m := it.Metrics()
	if m.RateLimited != 2 || m.Retries != 3 || m.Pages != m.Requests-3 || m.Records != uint64(len(sb.truth(t, "customers").ids)) ||
		m.Waits < 3 || m.Bytes == 0 || m.SkippedRecords != 0 {
		t.Fatalf("metrics %+v", m)
	}
	var statuses []int
	requests, responses := 0, 0
	for _, e := range events {
		switch e.Event {
		case "retry":
			statuses = append(statuses, e.HTTPStatus)
			if e.Level != billtap.LogWarn || e.Method != "GET" || e.Path != "/v1/customers" || e.WaitMS < 0 {
				t.Errorf("retry event %+v", e)
			}
		case "request":
			requests++
		case "response":
			responses++
		}
	}
	if !reflect.DeepEqual(statuses, []int{503, 429, 429}) || requests != int(m.Requests) || responses != requests {
		t.Fatalf("retries %v, %d requests, %d responses", statuses, requests, responses)
	}
	if keys := billtap.EventAttrKeys(events[0]); !reflect.DeepEqual(keys,
		[]string{"event", "provider", "resource", "method", "path", "attempt"}) {
		t.Fatalf("request attributes %v", keys)
	}
	it.Close()
	if after := it.Metrics(); after != m { // the final counts stay readable
		t.Fatalf("after Close %+v, before %+v", after, m)
	}
	if err := c.SetLogFunc(7, func(billtap.LogEvent) {}); err == nil {
		t.Fatal("level 7 accepted")
	}
}

func TestLogNeverShowsAnEchoedKey(t *testing.T) {
	sb := sandboxT(t, "--scale", "20", "--faults", "echo@1")
	c := sb.client(t, nil)
	var text strings.Builder
	var errorEvents int
	c.SetLogFunc(billtap.LogDebug, func(e billtap.LogEvent) {
		fmt.Fprintf(&text, "%+v\n", e)
		if e.Event == "error" {
			errorEvents++
		}
	})
	it := c.Customers(context.Background(), nil)
	defer it.Close()
	if it.Next() || !strings.Contains(it.Err().Error(), "401") {
		t.Fatalf("want a 401, got %v", it.Err())
	}
	if errorEvents != 1 || !strings.Contains(text.String(), "[redacted]") {
		t.Fatalf("%d error events:\n%s", errorEvents, text.String())
	}
	if strings.Contains(text.String(), sb.Settings["api_key"]) {
		t.Fatalf("the key is in an event:\n%s", text.String())
	}
}

func TestLogPanicSurfacesAfterTheRecord(t *testing.T) {
	sb := sharedSandbox(t)
	c := sb.client(t, billtap.Settings{"page_size": "100"})
	c.SetLogFunc(billtap.LogInfo, func(e billtap.LogEvent) {
		if e.Event == "page" {
			panic("boom")
		}
	})
	it := c.Iterate(context.Background(), billtap.ResourceCustomers, nil)
	defer it.Close()
	var got []string
	panics := 0
	next := func() (ok bool) {
		defer func() {
			if r := recover(); r != nil {
				if r != "boom" {
					panic(r)
				}
				panics++
				ok = true // go on: the record of that call was delivered already
			}
		}()
		if !it.Next() {
			return false
		}
		got = append(got, it.Record().(billtap.Customer).ID)
		return true
	}
	for next() {
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	if panics == 0 {
		t.Fatal("the panic never surfaced")
	}
	sameIDs(t, got, sb.truth(t, "customers")) // nothing lost to the panics
}

func TestLimiterSharedByGoroutines(t *testing.T) {
	sb := sandboxT(t, "--scale", "100", "--rate-limit", "25")
	tr := sb.truth(t, "customers")
	lim, err := billtap.NewLimiter(25, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer lim.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var limited, waits uint64
	for i := 0; i < 4; i++ {
		c := sb.client(t, billtap.Settings{"page_size": "10", "retry_base_ms": "50"})
		if err := c.SetLimiter(lim); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := c.Iterate(context.Background(), billtap.ResourceCustomers, nil)
			defer it.Close()
			n := 0
			for it.Next() {
				n++
			}
			m := it.Metrics()
			mu.Lock()
			defer mu.Unlock()
			if it.Err() != nil || n != len(tr.ids) {
				t.Errorf("%d records, %v", n, it.Err())
			}
			limited += m.RateLimited
			waits += m.Waits
		}()
	}
	wg.Wait()
	if limited > 2 || waits == 0 {
		t.Fatalf("%d answers were 429, %d waits", limited, waits)
	}
}

func TestOpenLimiter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "budget")
	a, err := billtap.OpenLimiter(path, 25, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	_, err = billtap.OpenLimiter(path, 100, 20)
	if err == nil || !strings.Contains(err.Error(), "holds a budget of 25 requests a second") {
		t.Fatalf("other rates: %v", err)
	}
	if _, err := billtap.NewLimiter(0, 1); err == nil {
		t.Fatal("a rate of 0 accepted")
	}
	sb := sharedSandbox(t)
	c := sb.client(t, nil)
	if err := c.SetLimiter(a); err != nil {
		t.Fatal(err)
	}
	a.Close() // the client keeps its reference
	it := c.Iterate(context.Background(), billtap.ResourceCustomers, nil)
	defer it.Close()
	sameIDs(t, customerIDs(t, it), sb.truth(t, "customers"))
	if err := c.SetLimiter(nil); err != nil {
		t.Fatal(err)
	}
}
