package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// serverDeps is everything the HTTP server routes to; a nil handler leaves its route out.
type serverDeps struct {
	logger             *slog.Logger
	discord            http.Handler // POST /discord/interactions
	slackCommands      http.Handler // POST /slack/commands
	slackInteractivity http.Handler // POST /slack/interactivity
	ready              func(context.Context) error
}

// NewServer lists every route of briefbot's HTTP server in one place.
func NewServer(deps serverDeps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if deps.ready != nil {
			if err := deps.ready(r.Context()); err != nil {
				deps.logger.Warn("not ready", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("not ready\n"))
				return
			}
		}
		w.Write([]byte("ready\n"))
	})
	// The platform handlers check the method themselves: Slack sends GET ?ssl_check=1.
	route := func(path string, h http.Handler) {
		if h != nil {
			mux.Handle(path, h)
		}
	}
	route("/discord/interactions", deps.discord)
	route("/slack/commands", deps.slackCommands)
	route("/slack/interactivity", deps.slackInteractivity)
	return logRequests(deps.logger, mux)
}

// logRequests logs each request's method, path, status and duration; never bodies or headers,
// which carry message text and signatures.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 400 {
			level = slog.LevelInfo
		}
		if logger.Enabled(r.Context(), level) { // spare the hot path the boxing of four values
			logger.Log(r.Context(), level, "http", "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "duration", time.Since(start))
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
