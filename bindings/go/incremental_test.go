package billtap_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// advance moves the sandbox's world on by days (POST /_sandbox/advance); its
// truth files are rewritten for the new state.
func advance(t *testing.T, sb *sandbox, days string) {
	t.Helper()
	resp, err := http.Post(sb.URL+"/_sandbox/advance?days="+days, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("advance: HTTP %d", resp.StatusCode)
	}
}

func truthLines(t *testing.T, sb *sandbox, resource string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sb.Truth, resource+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var head struct{ ID string }
		if line != "" && json.Unmarshal([]byte(line), &head) == nil {
			out[head.ID] = line
		}
	}
	return out
}

// A full pass with Incremental, then rounds of world changes read from the
// sync token and applied (upserts, Tombstones delete) equal the new truth.
func TestIncrementalPassesFollowTheWorld(t *testing.T) {
	info, err := billtap.Describe("stripe")
	if err != nil {
		t.Fatal(err)
	}
	var synced []billtap.Resource
	for _, r := range info.Resources {
		if info.Sync[r] != billtap.SyncNone {
			synced = append(synced, r)
		}
	}
	if len(synced) != len(info.Resources) {
		t.Fatalf("stripe syncs %d of its %d resources; docs/incremental.md says all",
			len(synced), len(info.Resources))
	}
	sb := sandboxT(t, "--rate-limit", "0")
	c := sb.client(t, nil)
	ctx := withTimeout(t, 2*time.Minute)
	state := map[billtap.Resource]map[string][]byte{}
	tokens := map[billtap.Resource]string{}
	for _, r := range synced {
		it := c.Iterate(ctx, r, &billtap.ListOptions{Incremental: true})
		state[r] = map[string][]byte{}
		for it.Next() {
			rec := it.Record()
			var head struct{ ID string }
			json.Unmarshal(rec.JSON(), &head)
			state[r][head.ID] = rec.JSON()
		}
		if it.Err() != nil {
			t.Fatalf("%s: %v", r, it.Err())
		}
		if tokens[r] = it.SyncToken(); tokens[r] == "" {
			t.Fatalf("%s: no sync token after the full pass", r)
		}
	}
	for round := 1; round <= 2; round++ {
		advance(t, sb, "3")
		for _, r := range synced {
			it := c.Iterate(ctx, r, &billtap.ListOptions{Checkpoint: tokens[r]})
			for it.Next() {
				switch rec := it.Record().(type) {
				case billtap.Tombstone:
					if !it.Deleted() || rec.RecordKind() != r.Kind() {
						t.Fatalf("%s: tombstone %+v not reported as deleted", r, rec)
					}
					delete(state[r], rec.ID)
				default:
					var head struct{ ID string }
					json.Unmarshal(rec.JSON(), &head)
					state[r][head.ID] = rec.JSON()
				}
			}
			if it.Err() != nil {
				t.Fatalf("%s round %d: %v", r, round, it.Err())
			}
			if tokens[r] = it.SyncToken(); tokens[r] == "" {
				t.Fatalf("%s round %d: no sync token", r, round)
			}
			want := truthLines(t, sb, r.String())
			if len(want) != len(state[r]) {
				t.Errorf("%s round %d: %d records, truth has %d", r, round, len(state[r]), len(want))
			}
			for id, line := range want {
				if same, err := sameJSON(state[r][id], []byte(line)); err != nil || !same {
					t.Fatalf("%s round %d: %s differs\n got: %s\nwant: %s", r, round, id, state[r][id], line)
				}
			}
		}
	}
}

// A Tombstone's JSON is the C library's.
func TestTombstoneJSON(t *testing.T) {
	b, err := json.Marshal(billtap.Tombstone{Kind: billtap.KindInvoice, ID: "in_1"})
	if err != nil || string(b) != `{"object":"invoice","id":"in_1","deleted":true}` {
		t.Fatalf("%s %v", b, err)
	}
}
