package billtap

// #cgo pkg-config: billtap
// #include <stdlib.h>
// #include <billtap.h>
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// Settings are a provider's settings in their text form, as billtap_client_set
// takes them: "api_key", "base_url", "page_size", "timeout_ms", ... (see
// docs/providers/NAME.md).
type Settings map[string]string

// Client is a connection to one provider account: one C billtap_client.
//
// A Client is safe for concurrent use: a mutex serializes every call into C
// on the client and on its iterators, since the C handle (and the error state
// its iterators share) may be used by one thread at a time. Calls therefore
// wait for one another, a Next that is fetching a page included; use one
// Client per goroutine to extract in parallel. Distinct clients are
// independent.
type Client struct {
	// mu is held across every C call that uses ptr or an iterator's ptr, and
	// across reading the error those calls leave on the client.
	mu sync.Mutex
	// cmu guards ptr and iters for the one thing done without mu:
	// billtap_iter_cancel, which Close uses to stop a Next another goroutine
	// is blocked in. ptr and iters change only with both locks held.
	cmu      sync.Mutex
	ptr      *C.billtap_client
	iters    map[*iterState]struct{}
	provider string
	info     ProviderInfo // what the provider offered when the client was made
	// Log callbacks given to C (SetLogFunc), under mu: kept until Close, as
	// iterators call the one they were created with.
	logHandles []cgo.Handle
	logSinks   []*logSink
}

var globalInit struct {
	once sync.Once
	err  error
}

// initLibrary runs billtap_global_init once. The C library does it on its
// own too, but asks threaded hosts (every Go program) to do it early, since
// libcurl's global init is not thread-safe before curl 7.84.
func initLibrary() error {
	globalInit.once.Do(func() {
		if rc := C.billtap_global_init(); rc < 0 {
			globalInit.err = &Error{Code: Code(rc), Message: "global init"}
		}
	})
	return globalInit.err
}

// Version is the version of the libbilltap loaded at run time ("0.1.0").
func Version() string {
	return C.GoString(C.billtap_version(nil, nil, nil))
}

// Providers are the names of the registered providers ("stripe", ...).
func Providers() []string {
	if initLibrary() != nil {
		return nil
	}
	n := C.billtap_provider_names(nil, 0)
	if n == 0 {
		return nil
	}
	// A Go slice may receive the names: it holds C pointers, never Go ones.
	arr := make([]*C.char, int(n))
	if m := C.billtap_provider_names(&arr[0], n); m < n {
		arr = arr[:int(m)] // (the registry only grows; this is caution)
	}
	names := make([]string, 0, len(arr))
	for _, p := range arr {
		names = append(names, C.GoString(p))
	}
	return names
}

// NewClient creates a client for the provider registered as provider
// ("stripe") and applies settings. Every key and value is first checked
// against Describe(provider): an unknown key or a value not of its setting's
// type is a *SettingError, before any client is made. Keys are applied in
// sorted order, so the first bad one reported is always the same.
func NewClient(provider string, settings Settings) (*Client, error) {
	info, err := Describe(provider)
	if err != nil {
		return nil, err
	}
	keys, err := info.checkAll(settings)
	if err != nil {
		return nil, err
	}
	cname := C.CString(provider)
	defer C.free(unsafe.Pointer(cname))
	var ptr *C.billtap_client
	if rc := C.billtap_client_new(&ptr, cname, nil); rc < 0 {
		// No client, so no recorded message: say what we know.
		return nil, &Error{Code: Code(rc), Message: fmt.Sprintf("%q: %s", provider, Code(rc))}
	}
	c := &Client{ptr: ptr, iters: map[*iterState]struct{}{}, info: info}
	c.provider = C.GoString(C.billtap_client_provider(ptr))
	runtime.SetFinalizer(c, (*Client).Close)

	for _, k := range keys {
		if err := c.Set(k, settings[k]); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Provider is the provider's registered name ("stripe").
func (c *Client) Provider() string { return c.provider }

// Set changes one setting from its text form. An unknown key fails with
// ErrUnknownSetting, an invalid value with ErrSetting (a *SettingError when
// Describe's information already tells); messages never hold the value of a
// secret.
func (c *Client) Set(key, value string) error {
	if err := c.info.check(key, value); err != nil {
		return err
	}
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	cv := C.CString(value)
	defer C.free(unsafe.Pointer(cv))
	return c.set(ck, cv)
}

// Reset restores a setting's default.
func (c *Client) Reset(key string) error {
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	return c.set(ck, nil)
}

func (c *Client) set(key, value *C.char) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return ErrClosed
	}
	if rc := C.billtap_client_set(c.ptr, key, value); rc < 0 {
		return clientError(c.ptr, rc)
	}
	runtime.KeepAlive(c)
	return nil
}

// Close frees the client and every iterator still open on it; a Next
// running on another goroutine is canceled first (its Err matches
// ErrCanceled and ErrClosed). Close is idempotent and always returns nil.
func (c *Client) Close() error {
	// Stop running iterations so that taking mu below does not wait for a
	// page that nobody will read.
	c.cmu.Lock()
	for s := range c.iters {
		s.requestClose()
	}
	c.cmu.Unlock()

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil
	}
	c.cmu.Lock()
	iters := c.iters
	ptr := c.ptr
	c.iters, c.ptr = nil, nil
	c.cmu.Unlock()
	// The C API wants iterators freed before their client.
	for s := range iters {
		s.free()
	}
	C.billtap_client_free(ptr)
	c.freeLogHandles()
	runtime.SetFinalizer(c, nil)
	return nil
}
