package main

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"briefbot/bot"
	"briefbot/bot/store"
)

// metrics are serve's Prometheus metrics, in a registry of their own (no global state). Every
// label comes from briefbot's own tables (command names, platforms, outcomes), never from text
// a user typed, so that the number of series stays fixed.
type metrics struct {
	registry    *prometheus.Registry
	commands    *prometheus.CounterVec
	completions *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	reloads     *prometheus.CounterVec
	posts       *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	ledgerFails *prometheus.CounterVec
	connection  *prometheus.GaugeVec

	// commandSeries keeps each command's series once looked up: WithLabelValues hashes its
	// labels and takes the vector's lock on every call, and every request counts a command.
	seriesMu      sync.RWMutex
	commandSeries map[commandKey]commandSeries
}

type commandKey struct{ command, platform, outcome string }

type commandSeries struct {
	latency prometheus.Observer
	count   prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "briefbot_commands_total",
			Help: "Commands answered, by command, platform and outcome."}, []string{"command", "platform", "outcome"}),
		completions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "briefbot_autocompletes_total",
			Help: "Autocomplete suggestions answered, by platform."}, []string{"platform"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "briefbot_command_duration_seconds",
			Help:    "Time to make an answer, by command and platform.",
			Buckets: []float64{.00001, .00005, .0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5}},
			[]string{"command", "platform"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "briefbot_reloads_total",
			Help: "Reloads of the config and briefings, by outcome."}, []string{"outcome"}),
		posts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "briefbot_digest_posts_total",
			Help: "Digest slots ended, by platform and result (posted, late, skipped, failed)."}, []string{"platform", "result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "briefbot_rate_limited_total",
			Help: "Digest posts refused for the platform's rate limit (429)."}, []string{"platform"}),
		ledgerFails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "briefbot_ledger_errors_total",
			Help: "Ledger calls that failed, by operation."}, []string{"op"}),
		connection: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "briefbot_ready",
			Help: "1 when a readiness check passes, by check (briefings, store, each connection)."}, []string{"check"}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "briefbot_build_info",
		Help: "Always 1: the version and commit running."}, []string{"version", "commit", "goversion"})
	build.WithLabelValues(version, commit, runtime.Version()).Set(1)
	m.registry.MustRegister(m.commands, m.completions, m.latency, m.reloads, m.posts, m.rateLimited, m.ledgerFails, m.connection, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// middleware counts and times every command through the core's chain.
func (m *metrics) middleware() bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
			start := time.Now()
			reply := next.Handle(ctx, req)
			series := m.series(commandKey{req.Label(), req.Caller.Platform, reply.Status.String()})
			series.latency.Observe(time.Since(start).Seconds())
			series.count.Inc()
			return reply
		})
	}
}

// series returns the latency and count series of a command, platform and outcome. Their number
// is fixed by briefbot's own tables, so the map stays small.
func (m *metrics) series(k commandKey) commandSeries {
	m.seriesMu.RLock()
	s, ok := m.commandSeries[k]
	m.seriesMu.RUnlock()
	if ok {
		return s
	}
	s = commandSeries{latency: m.latency.WithLabelValues(k.command, k.platform), count: m.commands.WithLabelValues(k.command, k.platform, k.outcome)}
	m.seriesMu.Lock()
	defer m.seriesMu.Unlock()
	if m.commandSeries == nil {
		m.commandSeries = make(map[commandKey]commandSeries)
	}
	m.commandSeries[k] = s
	return s
}

// completed counts an autocomplete answered.
func (m *metrics) completed(platform string) { m.completions.WithLabelValues(platform).Inc() }

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// The scheduler's observer.

func (m *metrics) Marked(platform string, result store.Result) {
	m.posts.WithLabelValues(platform, string(result)).Inc()
}
func (m *metrics) RateLimited(platform string) { m.rateLimited.WithLabelValues(platform).Inc() }
func (m *metrics) LedgerFailed(op string)      { m.ledgerFails.WithLabelValues(op).Inc() }

// watchReadiness keeps briefbot_ready in step with the readiness checks, as a probe would see
// them, until ctx ends.
func (m *metrics) watchReadiness(ctx context.Context, rd *readiness, every time.Duration) {
	for {
		rd.mu.Lock()
		checks := append([]check(nil), rd.checks...)
		rd.mu.Unlock()
		for _, c := range checks {
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			v := 1.0
			if c.check(cctx) != nil {
				v = 0
			}
			cancel()
			m.connection.WithLabelValues(c.name).Set(v)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
