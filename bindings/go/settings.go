package billtap

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SettingError is the error of NewClient and Set for a setting that does
// not fit the provider's description (Describe), found before any C call: a
// key the provider does not know, or a value that is not of the setting's
// type or within its bounds. It wraps an *Error (CodeUnknownSetting or
// CodeSetting), so errors.Is(err, ErrSetting) and errors.As(err, &e) with an
// *Error work as for the library's own setting errors.
type SettingError struct {
	Provider string
	Key      string
	// Known lists every key the provider accepts (its own, then the
	// engine's) when Key is unknown.
	Known []string
	err   *Error
}

func (e *SettingError) Error() string { return e.err.Error() }

// Unwrap returns the *Error carrying the code and message.
func (e *SettingError) Unwrap() error { return e.err }

// check returns a *SettingError when value cannot be key's, else nil. The
// library checks values again (and the URL rules, which it alone knows).
func (p ProviderInfo) check(key, value string) error {
	s, ok := p.Setting(key)
	if !ok {
		known := make([]string, len(p.Settings))
		for i, s := range p.Settings {
			known[i] = s.Name
		}
		return &SettingError{Provider: p.Name, Key: key, Known: known, err: &Error{
			Code:    CodeUnknownSetting,
			Message: fmt.Sprintf("%s: unknown setting '%s' (known: %s)", p.Name, key, strings.Join(known, ", ")),
		}}
	}
	shown := strconv.Quote(value)
	if s.Secret {
		shown = "(secret)"
	}
	problem := ""
	switch s.Type {
	case SettingInt:
		n, err := strconv.ParseInt(value, 10, 64)
		switch {
		case err != nil:
			problem = fmt.Sprintf("wants an integer, not %s", shown)
		case n < s.Min || n > s.Max:
			problem = fmt.Sprintf("%d is out of range %d..%d", n, s.Min, s.Max)
		}
	case SettingBool:
		if value != "true" && value != "false" && value != "1" && value != "0" {
			problem = fmt.Sprintf("wants true, false, 1 or 0, not %s", shown)
		}
	}
	if problem == "" {
		return nil
	}
	return &SettingError{Provider: p.Name, Key: key, err: &Error{
		Code:    CodeSetting,
		Message: fmt.Sprintf("%s: setting %s: %s", p.Name, key, problem),
	}}
}

// checkAll checks settings in sorted key order, so the first bad one
// reported is always the same.
func (p ProviderInfo) checkAll(settings Settings) ([]string, error) {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := p.check(k, settings[k]); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
