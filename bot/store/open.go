package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// DefaultRetention is how far back Prune should keep marked slots and audit entries, when
// the operator sets nothing else: cutoff = now - DefaultRetention. Ninety days answers "did
// the digest go out last month, and who changed what" with room to spare, and holds a daily
// digest to about ninety rows per channel, far beyond any catch-up window a slot is claimed in.
const DefaultRetention = 90 * 24 * time.Hour

// Open opens the ledger that dsn names and brings its schema up to date:
//
//	sqlite://briefbot.db         a file, relative to the working directory
//	sqlite:///var/lib/briefbot.db
//	sqlite://:memory:            a private in-memory database, for tests
//	postgres://user:password@host:5432/db?sslmode=disable   (or postgresql://)
//
// Errors never show the DSN's password.
func Open(ctx context.Context, dsn string, opts ...Option) (Ledger, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	scheme, rest, ok := strings.Cut(dsn, "://")
	switch {
	case !ok:
		// Shown nowhere: without a scheme it may be a key=value DSN with a password in it.
		return nil, errors.New("store: open: the DSN must start with sqlite:// or postgres://")
	case scheme == "sqlite":
		return openSQLite(ctx, rest, o)
	case scheme == "postgres" || scheme == "postgresql":
		return openPostgres(ctx, dsn, o)
	default:
		return nil, fmt.Errorf("store: open %s: unknown scheme %q, want sqlite or postgres", redact(dsn), scheme)
	}
}

// An Option changes how Open opens a ledger.
type Option func(*options)

type options struct {
	logger      *slog.Logger
	callerClock bool
}

// WithLogger sends what the ledger reports of itself to log: a write that failed for a fault
// of the database (a file turned read-only, a full disk), and its handle reopened once the
// fault cleared. Without it, nothing is logged.
func WithLogger(log *slog.Logger) Option {
	return func(o *options) { o.logger = log }
}

// TrustCallerClock makes a PostgreSQL ledger compare and set leases with the now its callers
// pass, as SQLite always does, rather than the server's clock. It is for tests that drive time
// with a fake clock: between replicas whose clocks disagree, the one ahead would take over
// posts still under way. SQLite ignores it.
func TrustCallerClock() Option {
	return func(o *options) { o.callerClock = true }
}

// redact returns dsn with its password, in the user info or in a password parameter,
// replaced by xxxxx. A DSN too malformed to parse is cut down to its scheme.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		scheme, _, ok := strings.Cut(dsn, "://")
		if !ok || strings.ContainsAny(scheme, ":/@?= ") {
			return "(malformed DSN)"
		}
		return scheme + "://(malformed)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// scrub removes every form of dsn's password from err's message, for drivers that quote what
// they were given. It keeps err for errors.Is and errors.As.
func scrub(err error, dsn string) error {
	msg := err.Error()
	for _, secret := range passwords(dsn) {
		msg = strings.ReplaceAll(msg, secret, "xxxxx")
	}
	return &scrubbedError{msg: msg, err: err}
}

func passwords(dsn string) []string {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
		}
	}
	if u, err := url.Parse(dsn); err == nil {
		if p, ok := u.User.Password(); ok {
			add(p)
		}
		add(u.Query().Get("password"))
	}
	// The raw user info too, in case the driver quotes it undecoded or url.Parse refused it.
	if _, rest, ok := strings.Cut(dsn, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, p, ok := strings.Cut(rest[:at], ":"); ok {
				add(p)
			}
		}
	}
	return out
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
