package billtap_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// The sandbox (tests/sandbox) is a fake Stripe that also writes the truth:
// what a correct extraction must return, and prints the settings a client
// needs. BILLTAP_SANDBOX names its binary; without it, the source tree's
// build directory has it (../../build, or BILLTAP_BUILD_DIR), or PATH does.
// Without any, the tests that need it fail saying so: a run that skipped
// them would look like a pass.

const sandboxKey = "sk_test_sandbox"

type sandbox struct {
	URL      string
	Settings billtap.Settings // its "settings:" line: api_key, base_url
	Truth    string           // directory of the truth files
	cmd      *exec.Cmd
	errs     bytes.Buffer
	mu       sync.Mutex
}

// startSandbox runs a Stripe sandbox with the given extra flags; stop it with stop.
func startSandbox(args ...string) (*sandbox, error) {
	return startProviderSandbox("stripe", args...)
}

// sandboxModules lists the providers billtap-sandbox has a module for (its
// --help names each one).
func sandboxModules() ([]string, error) {
	bin, err := buildTool("BILLTAP_SANDBOX", "tests/sandbox/billtap-sandbox")
	if err != nil {
		return nil, err
	}
	out, _ := exec.Command(bin, "--help").CombinedOutput() // --help exits 0 or 2 by build
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "--provider ") && strings.HasSuffix(line, ", module options:") {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(line, "--provider "), ", module options:"))
		}
	}
	return names, nil
}

// startProviderSandbox runs a sandbox of one provider's module with the
// given extra flags; stop it with stop.
func startProviderSandbox(provider string, args ...string) (*sandbox, error) {
	bin, err := buildTool("BILLTAP_SANDBOX", "tests/sandbox/billtap-sandbox")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "billtap-go-truth-")
	if err != nil {
		return nil, err
	}
	sb := &sandbox{Truth: dir}
	argv := append([]string{"--provider", provider, "--port", "0", "--seed", "42",
		"--scale", "300", "--truth", dir}, args...)
	sb.cmd = exec.Command(bin, argv...)
	// An os.Pipe rather than StdoutPipe, so that Wait does not depend on
	// our reader having finished.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	sb.cmd.Stdout = w
	sb.cmd.Stderr = &lockedWriter{&sb.mu, &sb.errs}
	if err := sb.cmd.Start(); err != nil {
		w.Close()
		r.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	w.Close()
	lines := make(chan [2]string, 1)
	go func() {
		br := bufio.NewReader(r)
		first, _ := br.ReadString('\n')
		second, _ := br.ReadString('\n')
		lines <- [2]string{first, second}
		io.Copy(io.Discard, br) // whatever else it prints, until it exits
		r.Close()
	}()
	select {
	case l := <-lines:
		if !strings.HasPrefix(l[0], "listening on ") || !strings.HasPrefix(l[1], "settings: ") {
			sb.stop()
			return nil, fmt.Errorf("sandbox said %q %q; stderr: %s", l[0], l[1], sb.stderr())
		}
		sb.URL = strings.TrimSpace(strings.TrimPrefix(l[0], "listening on "))
		sb.Settings = billtap.Settings{}
		for _, kv := range strings.Fields(strings.TrimPrefix(l[1], "settings: ")) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				sb.Settings[k] = v
			}
		}
	case <-time.After(20 * time.Second):
		sb.stop()
		return nil, fmt.Errorf("sandbox did not start; stderr: %s", sb.stderr())
	}
	return sb, nil
}

// buildTool finds a file the tests use: the one the environment variable
// env names (when env is not ""), else the source tree's build directory's (../../build unless
// BILLTAP_BUILD_DIR says otherwise) file at rel, else the file's name on PATH.
func buildTool(env, rel string) (string, error) {
	if bin := os.Getenv(env); env != "" && bin != "" {
		return bin, nil
	}
	build := os.Getenv("BILLTAP_BUILD_DIR")
	if build == "" {
		build = filepath.Join("..", "..", "build")
	}
	candidate, err := filepath.Abs(filepath.Join(build, rel))
	if err == nil {
		if st, err := os.Stat(candidate); err == nil && !st.IsDir() {
			return candidate, nil
		}
	}
	if bin, err := exec.LookPath(filepath.Base(rel)); err == nil {
		return bin, nil
	}
	return "", fmt.Errorf("no %s: set %s, build the tree (meson setup build && ninja -C build; "+
		"looked for %s) or put it on PATH", filepath.Base(rel), env+" or BILLTAP_BUILD_DIR", candidate)
}

// sandboxT starts a sandbox for one test and stops it when the test ends.
func sandboxT(t *testing.T, args ...string) *sandbox {
	t.Helper()
	sb, err := startSandbox(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.stop)
	return sb
}

func (sb *sandbox) stop() {
	if sb.cmd != nil && sb.cmd.Process != nil {
		sb.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { sb.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			// It finishes a request delayed by --faults slow@ before
			// exiting: don't wait seconds for an answer nobody reads.
			sb.cmd.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(sb.Truth)
}

func (sb *sandbox) stderr() string {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.errs.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// client opens a client on the sandbox; extra settings override the defaults.
func (sb *sandbox) client(t testing.TB, extra billtap.Settings) *billtap.Client {
	t.Helper()
	return stripeClient(t, sb.Settings["api_key"], sb.Settings["base_url"], extra)
}

// stripeClient opens a Stripe client on a local server, closed when the test
// ends; extra settings override key and url.
func stripeClient(t testing.TB, key, url string, extra billtap.Settings) *billtap.Client {
	t.Helper()
	// Pacing off (not Stripe's 25 a second) unless extra sets it: the
	// sandbox's --rate-limit is the limit these tests are about.
	s := billtap.Settings{"api_key": key, "base_url": url, "rate_limit": "0"}
	for k, v := range extra {
		s[k] = v
	}
	c, err := billtap.NewClient("stripe", s)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// truth is one truth file: the normalized JSON of each record, by id.
type truth struct {
	ids   []string // file order (sorted by id)
	lines map[string]string
}

func (sb *sandbox) truth(t testing.TB, resource string) truth {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sb.Truth, resource+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	tr := truth{lines: map[string]string{}}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" {
			continue
		}
		var head struct{ ID string }
		if err := json.Unmarshal([]byte(line), &head); err != nil || head.ID == "" {
			t.Fatalf("truth line without id: %.80s", line)
		}
		tr.ids = append(tr.ids, head.ID)
		tr.lines[head.ID] = line
	}
	if len(tr.ids) == 0 {
		t.Fatalf("empty truth file for %s", resource)
	}
	return tr
}

// skipUnlessServed skips, saying so, a test of a resource the sandbox does
// not serve yet: it writes a truth file for each resource it serves. test.sh
// counts skips apart from passes and lists them.
func (sb *sandbox) skipUnlessServed(t *testing.T, resource string) {
	t.Helper()
	if !sb.serves(resource) {
		t.Skipf("SKIPPED: %s: billtap-sandbox writes no %s.jsonl: no truth to compare %s with yet",
			t.Name(), resource, resource)
	}
}

func (sb *sandbox) serves(resource string) bool {
	_, err := os.Stat(filepath.Join(sb.Truth, resource+".jsonl"))
	return err == nil
}

// checkViews makes every record it returns be compared, as JSON values,
// with the C library's billtap_record_json of the same C record, both as the
// typed record and as the generic decoding; the count of records checked
// is returned.
func checkViews(t *testing.T, it *billtap.Iterator) *int {
	t.Helper()
	n := new(int)
	billtap.Inspect(it, func(v billtap.RecordViews) {
		*n++
		if v.Err != nil || v.GenericErr != nil {
			t.Fatalf("decoding: %v / generic: %v", v.Err, v.GenericErr)
		}
		if same, err := sameJSON(v.Typed.JSON(), v.CJSON); err != nil || !same {
			t.Fatalf("typed record differs from billtap_record_json (%v)\n got: %s\nwant: %s",
				err, v.Typed.JSON(), v.CJSON)
		}
		if same, err := sameJSON(v.Generic.JSON(), v.CJSON); err != nil || !same {
			t.Fatalf("generic record differs from billtap_record_json (%v)\n got: %s\nwant: %s",
				err, v.Generic.JSON(), v.CJSON)
		}
	})
	return n
}

// sameJSON compares two JSON texts as values, numbers exactly.
func sameJSON(a, b []byte) (bool, error) {
	va, err := decodeJSON(a)
	if err != nil {
		return false, err
	}
	vb, err := decodeJSON(b)
	if err != nil {
		return false, err
	}
	return reflect.DeepEqual(va, vb), nil
}

func decodeJSON(b []byte) (interface{}, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v interface{}
	err := d.Decode(&v)
	return v, err
}

// collect drains an iterator into normalized JSON by id, failing on a
// duplicate id.
func collect(t testing.TB, it *billtap.Iterator, limit int) (map[string][]byte, []string) {
	t.Helper()
	got := map[string][]byte{}
	var order []string
	for (limit < 0 || len(order) < limit) && it.Next() {
		rec := it.Record()
		b := rec.JSON()
		var head struct{ ID string }
		if err := json.Unmarshal(b, &head); err != nil {
			t.Fatalf("record JSON: %v: %s", err, b)
		}
		if _, dup := got[head.ID]; dup {
			t.Fatalf("duplicate record %s", head.ID)
		}
		got[head.ID] = b
		order = append(order, head.ID)
	}
	return got, order
}

// checkAgainstTruth compares records (normalized JSON by id) with a truth file.
func checkAgainstTruth(t testing.TB, got map[string][]byte, tr truth) {
	t.Helper()
	if len(got) != len(tr.ids) {
		t.Errorf("got %d records, truth has %d", len(got), len(tr.ids))
	}
	bad := 0
	for _, id := range tr.ids {
		b, ok := got[id]
		if !ok {
			t.Errorf("missing %s", id)
			bad++
		} else if same, err := sameJSON(b, []byte(tr.lines[id])); err != nil || !same {
			t.Errorf("record %s differs (%v)\n got: %s\nwant: %s", id, err, b, tr.lines[id])
			bad++
		}
		if bad > 5 {
			t.Fatal("too many differences")
		}
	}
	for id := range got {
		if _, ok := tr.lines[id]; !ok {
			t.Errorf("extra record %s", id)
		}
	}
}

// shared is the sandbox of the tests that need no faults.
var shared struct {
	once sync.Once
	sb   *sandbox
	err  error
}

func sharedSandbox(t *testing.T) *sandbox {
	t.Helper()
	shared.once.Do(func() { shared.sb, shared.err = startSandbox("--rate-limit", "0") })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.sb
}

// TestMain points the Example functions at a sandbox: they read
// STRIPE_API_KEY and STRIPE_BASE_URL as a program would, and are always
// given the sandbox's, never a key from the environment.
func TestMain(m *testing.M) {
	shared.once.Do(func() { shared.sb, shared.err = startSandbox("--rate-limit", "0") })
	if shared.err != nil {
		fmt.Fprintln(os.Stderr, "billtap tests need the sandbox:", shared.err)
		os.Exit(1)
	}
	os.Setenv("STRIPE_API_KEY", shared.sb.Settings["api_key"])
	os.Setenv("STRIPE_BASE_URL", shared.sb.Settings["base_url"])
	code := m.Run()
	if shared.sb != nil {
		shared.sb.stop()
	}
	os.Exit(code)
}

// withTimeout is a context for one test, so a hang fails instead of
// waiting for go test's global timeout.
func withTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
