package billtap_test

import (
	"encoding/json"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// TestEveryProviderEqualsItsTruth reads every resource of every built-in
// provider the sandbox has a module for, found by introspection
// (billtap.Providers, billtap.Describe, billtap-sandbox --help; no provider
// is named here), with a client made from its sandbox's settings line, and
// compares the records with the truth files.
func TestEveryProviderEqualsItsTruth(t *testing.T) {
	modules, err := sandboxModules()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, name := range modules {
		known[name] = true
	}
	tested := 0
	for _, name := range billtap.Providers() {
		if !known[name] {
			continue
		}
		name := name
		tested++
		t.Run(name, func(t *testing.T) {
			sb, err := startProviderSandbox(name, "--scale", "120", "--rate-limit", "0")
			if err != nil {
				t.Fatal(err)
			}
			defer sb.stop()
			info, err := billtap.Describe(name)
			if err != nil {
				t.Fatal(err)
			}
			c, err := billtap.NewClient(name, sb.Settings)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			served := 0
			for _, res := range info.Resources {
				if !sb.serves(res.String()) {
					continue
				}
				served++
				tr := sb.truth(t, res.String())
				it := c.Iterate(withTimeout(t, time.Minute), res, nil)
				got := map[string][]byte{}
				for it.Next() {
					b := it.Record().JSON()
					var head struct{ ID string }
					json.Unmarshal(b, &head)
					if _, dup := got[head.ID]; dup {
						t.Fatalf("%s %s: duplicate %s", name, res, head.ID)
					}
					got[head.ID] = b
				}
				if err := it.Err(); err != nil {
					t.Fatalf("%s %s: %v", name, res, err)
				}
				it.Close()
				checkAgainstTruth(t, got, tr)
			}
			if served == 0 {
				t.Fatalf("%s: the sandbox writes no truth for any resource", name)
			}
		})
	}
	if tested < 2 {
		t.Fatalf("only %d providers with a sandbox module", tested)
	}
}
