package billtap_test

import (
	"strings"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// Every registered provider that billtap-sandbox has a module for, found by
// introspection (Providers, Describe): each resource it lists equals the
// sandbox's truth, with no settings but the sandbox's settings line. No
// provider is named here: a new one is covered as soon as it is built in
// with a sandbox module.
func TestEveryProviderEqualsTheSandboxTruth(t *testing.T) {
	covered := 0
	for _, name := range billtap.Providers() {
		name := name
		t.Run(name, func(t *testing.T) {
			sb, err := startSandbox("--provider", name, "--rate-limit", "0")
			if err != nil {
				if strings.Contains(err.Error(), "unknown provider") {
					t.Skipf("SKIPPED: billtap-sandbox has no module for %s", name)
				}
				t.Fatal(err)
			}
			defer sb.stop()
			info, err := billtap.Describe(name)
			if err != nil {
				t.Fatal(err)
			}
			settings := billtap.Settings{}
			for k, v := range sb.Settings {
				settings[k] = v
			}
			c, err := billtap.NewClient(name, settings)
			if err != nil {
				t.Fatalf("NewClient from the settings line: %v", err)
			}
			defer c.Close()
			for _, res := range info.Resources {
				ctx := withTimeout(t, 2*time.Minute)
				it := c.Iterate(ctx, res, nil)
				got, _ := collect(t, it, -1)
				if err := it.Err(); err != nil {
					t.Fatalf("%s: %v", res, err)
				}
				it.Close()
				checkAgainstTruth(t, got, sb.truth(t, res.String()))
			}
			covered++
		})
	}
	if covered == 0 {
		t.Error("no provider had a sandbox module: nothing was compared")
	}
}
