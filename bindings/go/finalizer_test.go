package billtap_test

import (
	"runtime"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// TestFinalizer leaves iterators unclosed: the safety net frees them (and
// the client does not crash when it is closed afterwards).
func TestFinalizer(t *testing.T) {
	sb := sharedSandbox(t)
	c := sb.client(t, nil)
	func() {
		for i := 0; i < 3; i++ {
			it := c.Plans(withTimeout(t, time.Minute), nil)
			if !it.Next() {
				t.Fatal(it.Err())
			}
		}
	}()
	if n := billtap.OpenIterators(c); n != 3 {
		t.Fatalf("%d open iterators, want 3", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for billtap.OpenIterators(c) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d iterators never finalized", billtap.OpenIterators(c))
		}
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}

	// An abandoned client (with an abandoned iterator) is freed too; all we
	// can observe is that nothing crashes.
	func() {
		c2, err := billtap.NewClient("stripe", billtap.Settings{"api_key": sandboxKey, "base_url": sb.URL})
		if err != nil {
			t.Fatal(err)
		}
		c2.Customers(withTimeout(t, time.Minute), nil).Next()
	}()
	for i := 0; i < 5; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
