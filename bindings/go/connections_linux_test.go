package billtap_test

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// Connections are let go when an iteration ends, not when a finalizer
// runs: a client dropped without Close holds no socket (the issue: 3,000
// such clients held 438 MB). Counted from the kernel's table of TCP
// connections, a path apart from the binding and the library.

// established counts the TCP connections in ESTABLISHED state whose remote
// end is port (on 127.0.0.1): the client side of each connection to the
// sandbox, since only this test talks to its sandbox.
func established(t *testing.T, port int) int {
	t.Helper()
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		t.Fatalf("cannot count connections: %v", err)
	}
	defer f.Close()
	want := fmt.Sprintf("0100007F:%04X", port)
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st ...
		fields := strings.Fields(sc.Text())
		if len(fields) > 3 && fields[2] == want && fields[3] == "01" {
			n++
		}
	}
	return n
}

func sandboxPort(t *testing.T, sb *sandbox) int {
	t.Helper()
	u, err := url.Parse(sb.URL)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatalf("sandbox URL %s: %v", sb.URL, err)
	}
	return port
}

func TestConnectionsClosedWhenIterationEnds(t *testing.T) {
	sb := sandboxT(t, "--rate-limit", "0", "--scale", "60")
	port := sandboxPort(t, sb)
	ctx := withTimeout(t, time.Minute)
	c := sb.client(t, billtap.Settings{"page_size": "10"})

	it := c.Customers(ctx, nil)
	if !it.Next() {
		t.Fatal(it.Err())
	}
	if n := established(t, port); n < 1 {
		t.Fatalf("%d connections during the iteration, want at least 1", n)
	}
	records := 1
	for it.Next() {
		records++
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	if n := established(t, port); n != 0 {
		t.Fatalf("%d connections still open after the last record", n)
	}
	if billtap.OpenIterators(c) != 0 {
		t.Fatal("the C iterator outlived its iteration")
	}
	// What outlives the C iterator: its final checkpoint (which resumes at
	// the end: nothing more) and its counts.
	cp, err := it.Checkpoint()
	if err != nil || cp == "" {
		t.Fatalf("checkpoint after the end: %q %v", cp, err)
	}
	if st := it.Stats(); st.Records != uint64(records) || st.Requests < 6 {
		t.Fatalf("stats after the end: %+v for %d records", st, records)
	}
	it.Close()
	if cp2, err := it.Checkpoint(); err != nil || cp2 != cp {
		t.Fatalf("checkpoint after Close: %q %v", cp2, err)
	}
	rest := c.Customers(ctx, &billtap.ListOptions{Checkpoint: cp})
	if rest.Next() || rest.Err() != nil {
		t.Fatalf("resuming at the end gave a record or %v", rest.Err())
	}
	rest.Close()

	// An iterator closed early lets its connection go too; the client
	// works on, on a new connection.
	early := c.Customers(ctx, nil)
	if !early.Next() {
		t.Fatal(early.Err())
	}
	early.Close()
	if _, err := early.Checkpoint(); err != billtap.ErrClosed {
		t.Fatalf("checkpoint of an iterator closed early: %v, want ErrClosed", err)
	}
	n := 0
	for again := c.Customers(ctx, nil); again.Next(); n++ {
	}
	if n != records {
		t.Fatalf("second pass listed %d, first %d", n, records)
	}
	if n := established(t, port); n != 0 {
		t.Fatalf("%d connections open after the second pass", n)
	}

	// Clients dropped without Close after a full iteration hold none, with
	// no garbage collection in between.
	for i := 0; i < 20; i++ {
		d, err := billtap.NewClient("stripe", sb.Settings)
		if err != nil {
			t.Fatal(err)
		}
		for it := d.Plans(ctx, nil); it.Next(); {
		}
	}
	if n := established(t, port); n != 0 {
		t.Fatalf("%d connections held by dropped clients", n)
	}
}
