package main

import (
	"io"
	"log/slog"

	"briefbot/config"
)

// newLogger writes serve's log as config's log: says: JSON lines for a collector, or text for a
// person at a terminal ("auto" chooses by what stderr is).
func newLogger(w io.Writer, l config.Log) *slog.Logger {
	opts := &slog.HandlerOptions{Level: l.SlogLevel()}
	if l.Format == "text" || (l.Format != "json" && isTerminal(w)) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
