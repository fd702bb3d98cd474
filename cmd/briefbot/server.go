package main

import (
	"container/list"
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

	"briefbot/internal/textfit"
)

// Bounds of the HTTP server, so that no client, signed or not, can make it grow: a complete
// Discord or Slack request is about 1 KiB of headers and at most 64 KiB of body (a Slack event at
// most 512 KiB: app_home_opened carries the Home tab as last published).
const (
	maxHeaderBytes    = 8 << 10
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 15 * time.Second
	idleTimeout       = 60 * time.Second
	// maxConnections open at once, so that a flood of idle or slow connections costs a fixed
	// amount of memory; at the limit, a new connection takes the place of an idle or silent one
	// (connLimit).
	maxConnections = 1024
	// maxInFlight requests at once; more are answered 503 with Retry-After, rather than queued.
	maxInFlight = 256
	// maxLoggedPath bounds, in characters, what a request's path adds to a log line: every
	// route is far shorter, so only a client probing with long paths is cut.
	maxLoggedPath = 128
)

// serverDeps is everything the HTTP server routes to; a nil handler leaves its route out.
type serverDeps struct {
	logger             *slog.Logger
	discord            http.Handler // POST /discord/interactions
	slackCommands      http.Handler // POST /slack/commands
	slackInteractivity http.Handler // POST /slack/interactivity
	slackEvents        http.Handler // POST /slack/events
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
	route("/slack/events", deps.slackEvents)
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
			logger.Log(r.Context(), level, "http", "id", id, "method", r.Method, "path", loggedPath(r.URL.Path),
				"status", rec.status, "duration", time.Since(start))
		}
	})
}

func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// loggedPath is a request's path as a log line shows it: cut to maxLoggedPath characters.
func loggedPath(path string) string {
	return textfit.Fitter{Measure: textfit.CodePoints}.Cut(path, maxLoggedPath, textfit.Ellipsis)
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

// boundedServer is an http.Server for h with every bound above, and the listener it is to serve:
// ln, limited to maxConns open connections. They come as a pair because the limit follows each
// connection's state through the server's ConnState.
func boundedServer(ln net.Listener, h http.Handler, maxConns int) (srv *http.Server, capped net.Listener) {
	conns := capConnections(ln, maxConns)
	srv = &http.Server{
		Handler:           conns.refuseEvicted(h),
		MaxHeaderBytes:    maxHeaderBytes,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ConnState:         conns.track,
		ConnContext:       conns.withConn,
	}
	return srv, conns
}

// connLimit is a listener that keeps at most max connections open and, at the limit, makes room
// for a new one rather than refusing it, so that neither idle keep-alives nor silent
// connections can lock everyone else out, a prober included. A connection is pending from its
// accept until it has sent a whole request header, and again once it starts sending the next;
// idle between requests; otherwise it has a request in progress. At the limit, a new
// connection takes the place of
//
//   - the oldest pending connection, while pending ones hold maxPending places or more: silent
//     or slow senders (a slowloris), however fast they reconnect, so churn among themselves
//     and cannot push out the keep-alives of real clients; each is closed by
//     readHeaderTimeout anyway;
//   - else the connection idle longest, which its client reopens when it needs it;
//   - else the oldest pending one.
//
// A connection with a request in progress is never closed to make room: only when every place
// holds one is the newcomer answered 503 and closed. Requests past maxInFlight are answered
// 503 at once, so with the limit well above it, that takes every connection's request being
// read or written at once, each within the timeouts.
//
// A prober that sends its request as it connects is so answered, unless maxPending connections
// (or, with fewer places free of requests in progress, that many) arrive after it before its
// header is read. Accept never waits: making room is closing a connection, and refusing is one
// write to a connection just accepted, whose send buffer is empty.
type connLimit struct {
	net.Listener
	max, maxPending int

	mu      sync.Mutex
	open    int
	pending list.List // of *limitedConn, oldest first
	idle    list.List // of *limitedConn, idle longest first
}

// pendingShare is the share of the places that connections yet to send a whole header may hold.
const pendingShare = 4

func capConnections(ln net.Listener, limit int) *connLimit {
	return &connLimit{Listener: ln, max: limit, maxPending: max(1, limit/pendingShare)}
}

const busyResponse = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n" +
	"Content-Length: 5\r\nConnection: close\r\n\r\nbusy\n"

// refuseWrite bounds the refusal's one write. It never takes that long: a connection just
// accepted has an empty send buffer, far larger than busyResponse.
const refuseWrite = 100 * time.Millisecond

func (l *connLimit) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		lc, evicted := l.admit(conn)
		if evicted != nil {
			evicted.Conn.Close()
		}
		if lc != nil {
			return lc, nil
		}
		conn.SetWriteDeadline(time.Now().Add(refuseWrite))
		conn.Write([]byte(busyResponse))
		conn.Close()
	}
}

// admit takes conn in as pending and returns the connection whose place it took, for the
// caller to close; admitted is nil when every place holds a request in progress.
func (l *connLimit) admit(conn net.Conn) (admitted, evicted *limitedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max {
		if l.pending.Len() < l.maxPending {
			evicted = l.evict(&l.idle)
		}
		if evicted == nil {
			evicted = l.evict(&l.pending)
		}
		if evicted == nil {
			return nil, nil
		}
	}
	l.open++
	admitted = &limitedConn{Conn: conn, limit: l}
	admitted.list(&l.pending)
	return admitted, evicted
}

// evict frees the place of the first connection on from, if any; the caller closes it.
func (l *connLimit) evict(from *list.List) *limitedConn {
	front := from.Front()
	if front == nil {
		return nil
	}
	lc := front.Value.(*limitedConn)
	lc.evicted.Store(true)
	l.forget(lc)
	return lc
}

// forget frees lc's place. Called with l.mu held.
func (l *connLimit) forget(lc *limitedConn) {
	if lc.gone {
		return
	}
	lc.unlist()
	lc.gone = true
	l.open--
}

// track follows each connection through the server's states: it is http.Server.ConnState.
func (l *connLimit) track(conn net.Conn, state http.ConnState) {
	lc, ok := conn.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if lc.gone {
		return
	}
	switch state {
	case http.StateActive, http.StateHijacked:
		lc.unlist() // in progress, or no longer the server's: never closed to make room
	case http.StateIdle:
		lc.unlist()
		lc.list(&l.idle)
	case http.StateClosed:
		l.forget(lc)
	}
}

// stirred notes that lc, idle, has sent something: the server is reading its next request's
// header now, so it is pending, and its place no longer goes first.
func (l *connLimit) stirred(lc *limitedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lc.in == &l.idle {
		lc.unlist()
		lc.list(&l.pending)
	}
}

type limitedConnKey struct{}

// withConn keeps the connection in its requests' context, for refuseEvicted: it is
// http.Server.ConnContext.
func (l *connLimit) withConn(ctx context.Context, conn net.Conn) context.Context {
	if lc, ok := conn.(*limitedConn); ok {
		return context.WithValue(ctx, limitedConnKey{}, lc)
	}
	return ctx
}

// refuseEvicted runs no request whose connection was closed to make room: its header was read
// just before, and its answer could never be sent; its client sees the connection close, as
// if it had come a moment later. The server marks a connection active before it runs its
// request, and an active one is never evicted, so the check is final.
func (l *connLimit) refuseEvicted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lc, ok := r.Context().Value(limitedConnKey{}).(*limitedConn); ok && lc.evicted.Load() {
			return // closed: there is no one to answer
		}
		next.ServeHTTP(w, r)
	})
}

// limitedConn is a connection that holds a place in a connLimit until it closes or is evicted.
type limitedConn struct {
	net.Conn
	limit *connLimit
	// idle is set while the connection is on the idle list, so that Read can tell the limit
	// when it stirs without a lock on every read.
	idle    atomic.Bool
	evicted atomic.Bool

	// Guarded by limit.mu:
	in   *list.List // pending, idle, or nil
	elem *list.Element
	gone bool // its place is free
}

func (c *limitedConn) list(on *list.List) {
	c.in, c.elem = on, on.PushBack(c)
	c.idle.Store(on == &c.limit.idle)
}

func (c *limitedConn) unlist() {
	if c.in != nil {
		c.in.Remove(c.elem)
		c.in, c.elem = nil, nil
	}
	c.idle.Store(false)
}

func (c *limitedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.idle.Load() {
		c.limit.stirred(c)
	}
	return n, err
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.limit.mu.Lock()
	c.limit.forget(c)
	c.limit.mu.Unlock()
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
