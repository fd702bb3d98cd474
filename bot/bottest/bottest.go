// Package bottest holds what tests of the engine and its adapters share, in the manner of
// net/http/httptest: engines over the embedded or test-written briefings with a fixed clock,
// golden files, and logs kept where a test can read them.
package bottest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/briefings"
	"briefbot/internal/golden"
)

// Day is the engines' clock in tests, so that a digest is the same on every run.
func Day() time.Time { return time.Date(2025, 4, 7, 9, 0, 0, 0, time.UTC) }

// Engine is an engine over the embedded briefings, on Day's clock unless cfg sets one.
func Engine(tb testing.TB, cfg ...bot.Config) *bot.Engine {
	tb.Helper()
	lib, err := briefings.LoadEmbedded()
	if err != nil {
		tb.Fatalf("LoadEmbedded: %v", err)
	}
	return over(tb, lib, cfg)
}

// EngineFrom is an engine over briefings written in the test, as Markdown files.
func EngineFrom(tb testing.TB, docs ...string) *bot.Engine {
	tb.Helper()
	return EngineWith(tb, bot.Config{}, docs...)
}

func over(tb testing.TB, lib *briefings.Library, cfg []bot.Config) *bot.Engine {
	tb.Helper()
	var c bot.Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	if c.Now == nil {
		c.Now = Day
	}
	e, err := bot.New(lib, c)
	if err != nil {
		tb.Fatalf("bot.New: %v", err)
	}
	return e
}

// Core serves e through the middlewares every adapter gets in production, logging to the test.
func Core(tb testing.TB, e *bot.Engine) *bot.Core {
	logger := Logger(tb)
	return bot.NewCore(e, bot.Recover(logger), bot.Log(logger))
}

// Golden compares got with testdata/name, or rewrites it under -update.
func Golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	golden.Check(tb, name, got)
}

// Logger writes to the test's own log, shown when it fails or under -v. A fuzz target may not
// log through its *testing.F, so there it writes nothing.
func Logger(tb testing.TB) *slog.Logger {
	if _, fuzz := tb.(*testing.F); fuzz {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// A LogBuffer keeps what a logger wrote, for tests that read logs back, from any goroutine.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Logger is a JSON logger at debug level into the buffer.
func (l *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Text flattens everything a reply shows, for "does the answer say X" checks.
func Text(r bot.Reply) string {
	var sb strings.Builder
	sb.WriteString(r.Title + "\n" + r.Briefing + "\n")
	for _, b := range r.Blocks {
		sb.WriteString(b.Label + ": " + b.Text + "\n")
	}
	for _, f := range r.Fields {
		sb.WriteString(f.Name + ": " + f.Value + "\n")
	}
	if r.Table != nil {
		sb.WriteString(strings.Join(r.Table.Columns, " | ") + "\n")
		for _, row := range r.Table.Rows {
			sb.WriteString(strings.Join(row, " | ") + "\n")
		}
	}
	sb.WriteString(r.Footer + "\n")
	return sb.String()
}

// ProblemLines are settings problems as config check prints them, each with its list index,
// for comparing what an adapter's Check finds.
func ProblemLines(ps []bot.SettingProblem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("[%d] %v", p.Index, p))
	}
	return out
}

// Line answers a typed line with e, as the local operator.
func Line(e *bot.Engine, line string) bot.Reply {
	return LineAs(e, line, bot.Caller{Platform: "shell"})
}

// LineAs answers a typed line with e, as caller.
func LineAs(e *bot.Engine, line string, caller bot.Caller) bot.Reply {
	return bot.NewCore(e).Line(context.Background(), line, caller)
}
