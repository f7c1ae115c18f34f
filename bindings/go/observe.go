package billtap

// #include <stdint.h>
// #include <stdlib.h>
// #include <billtap.h>
// void billtapGoLog(billtap_log_event *event, void *payload);
// static int billtap_go_set_log(billtap_client *c, int level, uintptr_t handle) {
// 	return billtap_client_set_log(c, handle ? (billtap_log_fn)billtapGoLog : NULL, level,
// 	                              (void *)handle);
// }
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// LogLevel is the level of a log event (billtap_log_level).
type LogLevel int

// The levels, least severe first.
const (
	LogDebug LogLevel = C.BILLTAP_LOG_DEBUG // every request and response
	LogInfo  LogLevel = C.BILLTAP_LOG_INFO  // pages, checkpoints
	LogWarn  LogLevel = C.BILLTAP_LOG_WARN  // retries, waits after a 429, skipped records
	LogError LogLevel = C.BILLTAP_LOG_ERROR // the error a call returns
)

// LogEvent is one event of the library's log (docs/observability.md). Every
// text is redacted by the library: no key, token or Authorization value.
// Fields an event does not have are zero; WaitMS is -1 when there is no wait.
type LogEvent struct {
	Level      LogLevel
	Event      string // "request", "response", "page", "checkpoint", "retry", "wait", "record_skipped", "error"
	Message    string
	Provider   string
	Resource   string
	Method     string
	Path       string // without the query
	HTTPStatus int
	Attempt    int // 1 for a first try
	WaitMS     int64
	RequestID  string
	Code       Code // a failure's status (retry, error, record_skipped)
	RecordID   string
	RawJSON    []byte
}

// logAttr is one attribute of an event for structured loggers: only those
// the event has, in a fixed order.
type logAttr struct {
	key   string
	value any
}

func (e LogEvent) attrs() []logAttr {
	var a []logAttr
	add := func(k string, v any, has bool) {
		if has {
			a = append(a, logAttr{k, v})
		}
	}
	add("event", e.Event, true)
	add("provider", e.Provider, e.Provider != "")
	add("resource", e.Resource, e.Resource != "")
	add("method", e.Method, e.Method != "")
	add("path", e.Path, e.Path != "")
	add("http_status", e.HTTPStatus, e.HTTPStatus != 0)
	add("attempt", e.Attempt, e.Attempt != 0)
	add("wait_ms", e.WaitMS, e.WaitMS >= 0)
	add("request_id", e.RequestID, e.RequestID != "")
	add("code", e.Code.String(), e.Code != 0)
	add("record_id", e.RecordID, e.RecordID != "")
	return a
}

// logSink is what a cgo.Handle given to C as the callback's payload holds.
type logSink struct {
	fn       func(LogEvent)
	panicked any // what fn panicked with, rethrown once the C call returns
	pending  bool
}

//export billtapGoLog
func billtapGoLog(ev *C.billtap_log_event, payload unsafe.Pointer) {
	s := cgo.Handle(uintptr(payload)).Value().(*logSink)
	// A panic must not unwind through the library's C frames: it is kept and
	// raised again on the same goroutine once the library has returned.
	defer func() {
		if r := recover(); r != nil && !s.pending {
			s.panicked, s.pending = r, true
		}
	}()
	s.fn(eventFromC(ev))
}

func goStr(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

func eventFromC(ev *C.billtap_log_event) LogEvent {
	e := LogEvent{
		Level: LogLevel(ev.level), Event: goStr(ev.event), Message: goStr(ev.message),
		Provider: goStr(ev.provider), Resource: goStr(ev.resource), Method: goStr(ev.method),
		Path: goStr(ev.path), HTTPStatus: int(ev.http_status), Attempt: int(ev.attempt),
		WaitMS: int64(ev.wait_ms), RequestID: goStr(ev.request_id), Code: Code(ev.code),
		RecordID: goStr(ev.record_id),
	}
	if ev.raw_json != nil {
		e.RawJSON = C.GoBytes(unsafe.Pointer(ev.raw_json), C.int(ev.raw_len))
	}
	return e
}

// SetLogFunc sends the library's log events at level and above to fn, for
// iterators created afterwards (an iterator keeps the function it was made
// with); fn nil removes it. fn runs on the goroutine calling Next (or
// Iterate, Checkpoint), inside that call, with the client's lock held: it
// must not call the client. A panic in fn is raised again from that call
// once the library has returned. With Go 1.21 or later, SetLogHandler and
// SetLogger send the events to log/slog.
func (c *Client) SetLogFunc(level LogLevel, fn func(LogEvent)) error {
	if fn != nil && (level < LogDebug || level > LogError) {
		return &Error{Code: CodeInvalid, Message: fmt.Sprintf("log level %d", level)}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return ErrClosed
	}
	var h cgo.Handle
	if fn != nil {
		s := &logSink{fn: fn}
		h = cgo.NewHandle(s)
		// Kept until Close: iterators made now call it for as long as they live.
		c.logHandles = append(c.logHandles, h)
		c.logSinks = append(c.logSinks, s)
	} else {
		level = 0
	}
	if rc := C.billtap_go_set_log(c.ptr, C.int(level), C.uintptr_t(h)); rc < 0 {
		return clientError(c.ptr, rc)
	}
	return nil
}

// rethrowLogPanic panics with what a log function panicked with during the
// last call into C, if it did. Caller holds c.mu (released by its defer).
func (c *Client) rethrowLogPanic() {
	for _, s := range c.logSinks {
		if s.pending {
			p := s.panicked
			s.panicked, s.pending = nil, false
			panic(p)
		}
	}
}

// freeLogHandles lets go of the callbacks once no C iterator or client can
// call them. Caller holds c.mu, after billtap_client_free.
func (c *Client) freeLogHandles() {
	for _, h := range c.logHandles {
		h.Delete()
	}
	c.logHandles, c.logSinks = nil, nil
}

// Metrics count what an iterator did (billtap_iter_metrics).
type Metrics struct {
	Requests       uint64 // HTTP requests sent, retries included
	Retries        uint64 // requests that were retries
	Pages          uint64 // answers handed to the provider
	Records        uint64 // records returned
	SkippedRecords uint64 // records refused and skipped (bad_records=skip)
	Bytes          uint64 // response body bytes received
	RateLimited    uint64 // answers that were HTTP 429
	Waits          uint64 // backoffs and rate-limiter delays
	WaitMS         uint64 // their sum, in milliseconds
}

func readMetrics(ptr *C.billtap_iter) Metrics {
	m := C.billtap_iter_metrics{version: C.BILLTAP_ITER_METRICS_VERSION}
	C.billtap_iter_metrics_get(&m, ptr)
	return Metrics{uint64(m.requests), uint64(m.retries), uint64(m.pages), uint64(m.records),
		uint64(m.skipped_records), uint64(m.bytes), uint64(m.rate_limited), uint64(m.waits),
		uint64(m.wait_ms)}
}

// Metrics counts what the iterator did so far; after Close, the final counts.
func (it *Iterator) Metrics() Metrics {
	c := it.s.client
	c.mu.Lock()
	defer c.mu.Unlock()
	if it.s.ptr == nil {
		return it.s.metrics
	}
	m := readMetrics(it.s.ptr)
	runtime.KeepAlive(it)
	return m
}

// Limiter is a request budget shared by clients of one account
// (billtap_limiter): NewLimiter for goroutines of this process, OpenLimiter
// for processes of this machine. Clients given it with SetLimiter keep it
// alive; Close drops only the caller's reference.
type Limiter struct {
	ptr *C.billtap_limiter
}

// NewLimiter makes a limiter of perSecond requests a second, burst at once.
func NewLimiter(perSecond, burst float64) (*Limiter, error) {
	var ptr *C.billtap_limiter
	if rc := C.billtap_limiter_new(&ptr, C.double(perSecond), C.double(burst)); rc < 0 {
		return nil, &Error{Code: Code(rc), Message: fmt.Sprintf("limiter %g/s, burst %g", perSecond, burst)}
	}
	return newLimiter(ptr), nil
}

// OpenLimiter makes a limiter whose budget lives in the file at path
// (created when missing), shared by every process that opens it with the
// same rates. Its error says why a file cannot be used.
func OpenLimiter(path string, perSecond, burst float64) (*Limiter, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var msg [512]C.char
	var ptr *C.billtap_limiter
	if rc := C.billtap_limiter_open(&ptr, cpath, C.double(perSecond), C.double(burst), &msg[0],
		C.size_t(len(msg))); rc < 0 {
		return nil, &Error{Code: Code(rc), Message: C.GoString(&msg[0])}
	}
	return newLimiter(ptr), nil
}

func newLimiter(ptr *C.billtap_limiter) *Limiter {
	l := &Limiter{ptr: ptr}
	runtime.SetFinalizer(l, (*Limiter).Close)
	return l
}

// Close drops this reference (clients that use the limiter keep theirs).
// Idempotent; not for concurrent use with SetLimiter on the same Limiter.
func (l *Limiter) Close() error {
	if l.ptr != nil {
		C.billtap_limiter_free(l.ptr)
		l.ptr = nil
	}
	runtime.SetFinalizer(l, nil)
	return nil
}

// SetLimiter makes iterators created afterwards draw from l; nil goes back to
// the client's own pace (the rate_limit setting, else the provider's rate).
func (c *Client) SetLimiter(l *Limiter) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return ErrClosed
	}
	var ptr *C.billtap_limiter
	if l != nil {
		if ptr = l.ptr; ptr == nil {
			return &Error{Code: CodeInvalid, Message: "limiter is closed"}
		}
	}
	rc := C.billtap_client_set_limiter(c.ptr, ptr)
	runtime.KeepAlive(l)
	if rc < 0 {
		return clientError(c.ptr, rc)
	}
	return nil
}
