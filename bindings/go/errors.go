package billtap

// #include <billtap.h>
import "C"

import (
	"errors"
)

// Code is a libbilltap status code (the negative BILLTAP_E* values).
// Codes are stable: never renumbered, never reused.
type Code int

// The status codes of include/billtap.h (the C names in the comments).
const (
	CodeInvalid         Code = -1  // BILLTAP_EINVAL
	CodeNoMemory        Code = -2  // BILLTAP_ENOMEM
	CodeVersion         Code = -3  // BILLTAP_EVERSION
	CodeUnknownProvider Code = -4  // BILLTAP_EUNKNOWN_PROVIDER
	CodeUnknownSetting  Code = -5  // BILLTAP_EUNKNOWN_SETTING
	CodeSetting         Code = -6  // BILLTAP_ESETTING
	CodeUnsupported     Code = -7  // BILLTAP_EUNSUPPORTED
	CodeNetwork         Code = -8  // BILLTAP_ENETWORK
	CodeTimeout         Code = -9  // BILLTAP_ETIMEOUT
	CodeAuthentication  Code = -10 // BILLTAP_EAUTH
	CodePermission      Code = -11 // BILLTAP_EPERMISSION
	CodeRateLimit       Code = -12 // BILLTAP_ERATELIMIT
	CodeRequest         Code = -13 // BILLTAP_EREQUEST
	CodeServer          Code = -14 // BILLTAP_ESERVER
	CodeParse           Code = -15 // BILLTAP_EPARSE
	CodeData            Code = -16 // BILLTAP_EDATA
	CodeCheckpoint      Code = -17 // BILLTAP_ECHECKPOINT
	CodeCanceled        Code = -18 // BILLTAP_ECANCELED
	CodeNotFound        Code = -19 // BILLTAP_ENOTFOUND
	CodeType            Code = -20 // BILLTAP_ETYPE
	CodeTransport       Code = -21 // BILLTAP_ETRANSPORT
	CodeUsage           Code = -22 // BILLTAP_EUSAGE
)

// String is the library's short description of the code ("invalid argument").
func (c Code) String() string {
	return C.GoString(C.billtap_strerror(C.int(c)))
}

// Error is a failure reported by libbilltap. Every error this package
// returns, except ErrClosed, is an *Error.
type Error struct {
	Code Code
	// Message names the provider, the resource, the HTTP status and the
	// request id where there is one; it never contains a secret.
	Message string
	// HTTPStatus of the response behind the error, or 0.
	HTTPStatus int
	// RequestID is the provider's id of the failed request, or "".
	RequestID string
	// ProviderCode is the provider's own error code ("resource_missing"), or "".
	ProviderCode string

	// cause is what made the binding cancel (ctx.Err() or ErrClosed), so
	// errors.Is(err, context.Canceled) works; Go 1.19 has no multi-%w.
	cause error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.String()
	}
	if e.cause != nil {
		return "billtap: " + msg + ": " + e.cause.Error()
	}
	return "billtap: " + msg
}

// Unwrap returns the reason a canceled iteration was canceled
// (context.Canceled, context.DeadlineExceeded or ErrClosed), else nil.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether the error belongs to the class of a sentinel such as
// ErrAuthentication. Some sentinels cover several codes: see their comments.
func (e *Error) Is(target error) bool {
	k, ok := target.(*kind)
	if !ok {
		return false
	}
	for _, c := range k.codes {
		if c == e.Code {
			return true
		}
	}
	return false
}

// kind is the type of the sentinels: a class of codes to match with errors.Is.
type kind struct {
	msg   string
	codes []Code
}

func (k *kind) Error() string { return "billtap: " + k.msg }

func newKind(msg string, codes ...Code) error { return &kind{msg, codes} }

// Sentinels for errors.Is. Each matches the codes named in its comment.
var (
	ErrInvalid         = newKind("invalid argument", CodeInvalid)             // CodeInvalid
	ErrNoMemory        = newKind("out of memory", CodeNoMemory)               // CodeNoMemory
	ErrVersion         = newKind("unknown version", CodeVersion)              // CodeVersion
	ErrUnknownProvider = newKind("unknown provider", CodeUnknownProvider)     // CodeUnknownProvider
	ErrUnknownSetting  = newKind("unknown setting", CodeUnknownSetting)       // CodeUnknownSetting
	ErrUnsupported     = newKind("unsupported", CodeUnsupported)              // CodeUnsupported
	ErrTimeout         = newKind("timeout", CodeTimeout)                      // CodeTimeout
	ErrAuthentication  = newKind("authentication failed", CodeAuthentication) // CodeAuthentication (HTTP 401)
	ErrPermission      = newKind("permission denied", CodePermission)         // CodePermission (HTTP 403)
	ErrRateLimit       = newKind("rate limited", CodeRateLimit)               // CodeRateLimit (429 after every retry)
	ErrRequest         = newKind("request rejected", CodeRequest)             // CodeRequest (other 4xx)
	ErrServer          = newKind("provider failed", CodeServer)               // CodeServer (5xx after every retry)
	ErrParse           = newKind("invalid JSON", CodeParse)                   // CodeParse
	ErrCheckpoint      = newKind("bad checkpoint", CodeCheckpoint)            // CodeCheckpoint
	ErrCanceled        = newKind("canceled", CodeCanceled)                    // CodeCanceled
	ErrNotFound        = newKind("null or absent field", CodeNotFound)        // CodeNotFound
	ErrType            = newKind("wrong field type", CodeType)                // CodeType
	ErrTransport       = newKind("transport failed", CodeTransport)           // CodeTransport
	ErrUsage           = newKind("call out of sequence", CodeUsage)           // CodeUsage

	// ErrSetting matches every settings problem: an invalid or missing value
	// (CodeSetting) and an unknown key (CodeUnknownSetting).
	ErrSetting = newKind("bad setting", CodeSetting, CodeUnknownSetting)
	// ErrNetwork matches failures to reach the provider: CodeNetwork,
	// CodeTimeout and CodeTransport.
	ErrNetwork = newKind("network failure", CodeNetwork, CodeTimeout, CodeTransport)
	// ErrData matches responses that cannot be used: CodeParse and CodeData.
	ErrData = newKind("unusable response", CodeParse, CodeData)
	// ErrProvider matches every error the provider answered with an HTTP
	// status: CodeAuthentication, CodePermission, CodeRateLimit, CodeRequest
	// and CodeServer. Test the specific sentinels first.
	ErrProvider = newKind("provider error", CodeAuthentication, CodePermission,
		CodeRateLimit, CodeRequest, CodeServer)
)

// ErrClosed is returned when a closed Client or Iterator is used. It is not
// an *Error: no C call was made.
var ErrClosed = errors.New("billtap: use of closed handle")

// clientError copies the last error recorded on a client. It must run right
// after the failing call, with the client's lock still held: the C strings
// are valid only until the next call on the client.
func clientError(c *C.billtap_client, rc C.int) *Error {
	e := &Error{Code: Code(rc)}
	// A failure that recorded nothing (a NULL argument, say) would leave an
	// older error's details behind: take them only when the codes agree.
	if c == nil || C.billtap_client_error_code(c) != rc {
		return e
	}
	e.Message = C.GoString(C.billtap_client_error_message(c))
	e.HTTPStatus = int(C.billtap_client_error_http_status(c))
	if p := C.billtap_client_error_request_id(c); p != nil {
		e.RequestID = C.GoString(p)
	}
	if p := C.billtap_client_error_provider_code(c); p != nil {
		e.ProviderCode = C.GoString(p)
	}
	return e
}
