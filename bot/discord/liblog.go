package discord

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordgo logs through one package-level function, discordgo.Logger, and by default to the
// standard logger: plain text in the middle of our JSON log. It is set here once, before any
// session of ours exists, to a function that forwards to the logger of the Bot made last and
// not yet closed, held behind an atomic pointer. Setting the variable once keeps it free of
// races with sessions logging; forwarding through the pointer lets each Bot (each test) get the
// lines of its own time, and nothing after its Close. A process runs one Discord bot, so "made
// last" is the only one outside tests.
var (
	libLogOnce sync.Once
	libLog     atomic.Pointer[slog.Logger]
)

func routeLibraryLog(l *slog.Logger) {
	libLogOnce.Do(func() { discordgo.Logger = forwardLibraryLog })
	libLog.Store(l)
}

// unrouteLibraryLog stops forwarding to l, unless a later Bot took over already.
func unrouteLibraryLog(l *slog.Logger) { libLog.CompareAndSwap(l, nil) }

// forwardLibraryLog writes one discordgo line as a record. Sessions log warnings and errors only
// (newSession sets the level), and even those may quote what Discord sent (an unknown event's
// payload, the first packet): only errors, numbers and durations are kept of the arguments, the
// rest is left out.
func forwardLibraryLog(msgL, _ int, format string, args ...any) {
	l := libLog.Load()
	if l == nil {
		return
	}
	level := slog.LevelDebug
	switch msgL {
	case discordgo.LogError:
		level = slog.LevelError
	case discordgo.LogWarning:
		level = slog.LevelWarn
	case discordgo.LogInformational:
		level = slog.LevelInfo
	}
	ctx := context.Background()
	if !l.Enabled(ctx, level) {
		return
	}
	safe := make([]any, len(args))
	for i, a := range args {
		switch a.(type) {
		case error, int, int64, time.Duration:
			safe[i] = a
		default:
			safe[i] = "[omitted]"
		}
	}
	l.Log(ctx, level, "discordgo", "line", fmt.Sprintf(format, safe...))
}
