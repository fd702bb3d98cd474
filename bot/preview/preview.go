// Package preview is the moderators' local preview page: what each command and digest looks like
// on Discord, on Slack and in the terminal, and what is wrong with the config, live as the files
// are edited. It draws every answer from the payloads the adapters send, so what it shows is what
// the platforms get; it never posts and never prints a config value.
package preview

import (
	"log/slog"
	"sync"
	"time"

	"briefbot/bot"
	"briefbot/internal/cron"
)

// A Source is what the page shows: the command line builds it from the config file and the
// briefing folders and tells the page when they change.
type Source interface {
	// Current is the state in force now.
	Current() State
	// Changed returns a channel that is closed at the next change after the call: each waiter
	// asks again, so any number of open pages can wait on one change without a fan-out.
	Changed() <-chan struct{}
}

// State is one reading of the config and the briefings.
type State struct {
	// Engine answers commands; nil while the config or a briefing is broken.
	Engine *bot.Engine
	// Problems are what stops the config from loading, each "FILE:LINE: message", in file order.
	// While there are any, the page shows them in place of its content.
	Problems []string
	// Warnings are findings that do not stop the config, each "FILE:LINE: message".
	Warnings []string
	// Digests are the configured digests, in config order.
	Digests []DigestView
	// Version names this state: it must differ from one change to the next, so that an open page
	// can tell whether what it shows is current. Latest sets it.
	Version uint64
	// Loaded is when the files were read, shown on the page.
	Loaded time.Time
}

// A DigestView is one configured digest as the scheduler runs it (a Briefing of "" is the
// default briefing), with the next runs the command line worked out when it read the files.
type DigestView struct {
	bot.Digest
	Next []cron.Run // oldest first (five is plenty)
}

// Options tune the page.
type Options struct {
	// Now is the clock for the digest's default date; nil means time.Now.
	Now func() time.Time
	// Hosts are the names the page answers to (the request's Host, port aside); empty answers
	// any. A page on a loopback address lists its loopback names, so that a web page elsewhere
	// cannot reach it by pointing its own name at 127.0.0.1 (DNS rebinding).
	Hosts []string
	// Logger gets one line per failed render; nil logs nothing.
	Logger *slog.Logger
	// Heartbeat is how often an idle event stream sends a comment, so that proxies and browsers
	// keep it open; zero means 25 seconds.
	Heartbeat time.Duration
}

// Latest is a Source that holds the latest state: the command line sets it after each reading of
// the files, and tests set it by hand.
type Latest struct {
	mu      sync.Mutex
	state   State
	changed chan struct{}
}

var _ Source = (*Latest)(nil)

// NewLatest starts with st.
func NewLatest(st State) *Latest {
	l := &Latest{changed: make(chan struct{})}
	l.Set(st)
	return l
}

// Set puts st in force, gives it the next Version, and wakes every waiter.
func (l *Latest) Set(st State) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st.Version = l.state.Version + 1
	if st.Loaded.IsZero() {
		st.Loaded = time.Now()
	}
	l.state = st
	close(l.changed)
	l.changed = make(chan struct{})
}

// Current is the state in force.
func (l *Latest) Current() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

// Changed returns a channel closed at the next Set.
func (l *Latest) Changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}
