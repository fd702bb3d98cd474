package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Bounds of the HTTP server, so that no client, signed or not, can make it grow: a complete
// Discord or Slack request is about 1 KiB of headers and at most 64 KiB of body.
const (
	maxHeaderBytes    = 8 << 10
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 15 * time.Second
	idleTimeout       = 60 * time.Second
	// maxConnections open at once; more are answered 503 and closed at once, so that a flood
	// of idle or slow connections costs a fixed amount of memory.
	maxConnections = 1024
	// maxInFlight requests at once; more are answered 503 with Retry-After, rather than queued.
	maxInFlight = 256
	// maxLoggedPath bounds what a request's path adds to a log line.
	maxLoggedPath = 128
)

// serverDeps is everything the HTTP server routes to; a nil handler leaves its route out.
type serverDeps struct {
	logger             *slog.Logger
	discord            http.Handler // POST /discord/interactions
	slackCommands      http.Handler // POST /slack/commands
	slackInteractivity http.Handler // POST /slack/interactivity
	metrics            http.Handler // GET /metrics, when served on this listener
	readiness          *readiness
}

// NewServer lists every route of briefbot's HTTP server in one place.
func NewServer(deps serverDeps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	if deps.readiness != nil {
		mux.Handle("GET /readyz", deps.readiness)
	}
	// The platform handlers check the method themselves: Slack sends GET ?ssl_check=1.
	route := func(path string, h http.Handler) {
		if h != nil {
			mux.Handle(path, h)
		}
	}
	route("/discord/interactions", deps.discord)
	route("/slack/commands", deps.slackCommands)
	route("/slack/interactivity", deps.slackInteractivity)
	route("GET /metrics", deps.metrics)
	return logRequests(deps.logger, shed(maxInFlight, mux))
}

// shed answers 503 with Retry-After once limit requests are in flight: a burst beyond what the
// process answers in time is refused at once, not queued until every caller times out.
func shed(limit int, next http.Handler) http.Handler {
	slots := make(chan struct{}, limit)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	})
}

// logRequests writes one line per request: an id (also sent back as X-Request-Id), the method,
// the path cut short, the status and the duration; never bodies or headers, which carry message
// text and signatures. Answers that went well are logged at debug level.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID()
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 400 {
			level = slog.LevelInfo
		}
		if logger.Enabled(r.Context(), level) { // spare the hot path the boxing of the values
			logger.Log(r.Context(), level, "http", "id", id, "method", r.Method, "path", cut(r.URL.Path, maxLoggedPath),
				"status", rec.status, "duration", time.Since(start))
		}
	})
}

func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// cut shortens s to at most n bytes on a character boundary, marking that it did.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// A check is one part of readiness: nil while it is up, else what is down, in words. A check
// that only informs is shown but does not make the process unready.
type check struct {
	name   string
	check  func(context.Context) error
	inform bool
}

// readiness answers /readyz: 200 with every check up, else 503 with JSON naming what is down;
// 503 at once, whatever the checks say, while the process drains for shutdown.
type readiness struct {
	draining atomic.Bool
	mu       sync.Mutex
	checks   []check
}

func (rd *readiness) add(name string, f func(context.Context) error) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	rd.checks = append(rd.checks, check{name: name, check: f})
}

// inform adds a check that is shown but does not gate readiness.
func (rd *readiness) inform(name string, f func(context.Context) error) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	rd.checks = append(rd.checks, check{name: name, check: f, inform: true})
}

// drain turns readiness off for good: load balancers stop sending before the listener closes.
func (rd *readiness) drain() { rd.draining.Store(true) }

func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	out := struct {
		Ready    bool              `json:"ready"`
		Draining bool              `json:"draining,omitempty"`
		Checks   map[string]string `json:"checks"`
	}{Ready: true, Draining: rd.draining.Load(), Checks: map[string]string{}}
	rd.mu.Lock()
	checks := append([]check(nil), rd.checks...)
	rd.mu.Unlock()
	for _, c := range checks {
		if err := c.check(ctx); err != nil {
			out.Ready = out.Ready && c.inform
			out.Checks[c.name] = err.Error()
		} else {
			out.Checks[c.name] = "ok"
		}
	}
	if out.Draining {
		out.Ready = false
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !out.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(out)
}

// capped is a listener that keeps at most limit connections open: a connection beyond that is
// answered 503 and closed before anything of it is read.
type capped struct {
	net.Listener
	slots chan struct{}
}

func capConnections(ln net.Listener, limit int) net.Listener {
	return &capped{Listener: ln, slots: make(chan struct{}, limit)}
}

const busyResponse = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n" +
	"Content-Length: 5\r\nConnection: close\r\n\r\nbusy\n"

func (c *capped) Accept() (net.Conn, error) {
	for {
		conn, err := c.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case c.slots <- struct{}{}:
			return &cappedConn{Conn: conn, release: func() { <-c.slots }}, nil
		default:
			conn.SetWriteDeadline(time.Now().Add(time.Second))
			conn.Write([]byte(busyResponse))
			conn.Close()
		}
	}
}

type cappedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// hostPort is the address a probe on this machine dials for a listen address: ":8080" and
// "0.0.0.0:8080" are reached on the loopback.
func hostPort(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
