//go:build go1.21

package billtap

import (
	"context"
	"log/slog"
	"time"
)

// SetLogHandler sends the library's log events at level and above to h as
// slog records: the event's message, its level (Debug, Info, Warn, Error)
// and attributes event, provider, resource, method, path, http_status,
// attempt, wait_ms, request_id, code and record_id (those it has). nil
// removes it. See SetLogFunc for when and where h runs.
func (c *Client) SetLogHandler(h slog.Handler, level slog.Level) error {
	if h == nil {
		return c.SetLogFunc(LogDebug, nil)
	}
	return c.SetLogFunc(logLevelOf(level), func(e LogEvent) {
		ctx := context.Background()
		l := slogLevelOf(e.Level)
		if !h.Enabled(ctx, l) {
			return
		}
		r := slog.NewRecord(time.Now(), l, e.Message, 0)
		for _, a := range e.attrs() {
			r.AddAttrs(slog.Any(a.key, a.value))
		}
		_ = h.Handle(ctx, r)
	})
}

// SetLogger is SetLogHandler with the logger's handler.
func (c *Client) SetLogger(l *slog.Logger, level slog.Level) error {
	if l == nil {
		return c.SetLogFunc(LogDebug, nil)
	}
	return c.SetLogHandler(l.Handler(), level)
}

func logLevelOf(l slog.Level) LogLevel {
	switch {
	case l <= slog.LevelDebug:
		return LogDebug
	case l <= slog.LevelInfo:
		return LogInfo
	case l <= slog.LevelWarn:
		return LogWarn
	}
	return LogError
}

func slogLevelOf(l LogLevel) slog.Level {
	switch l {
	case LogDebug:
		return slog.LevelDebug
	case LogInfo:
		return slog.LevelInfo
	case LogWarn:
		return slog.LevelWarn
	}
	return slog.LevelError
}
