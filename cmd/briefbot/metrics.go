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
	"briefbot/bot/schedule"
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
	// Every call to a platform's API and to the ledger, timed.
	platformCalls *prometheus.HistogramVec
	ledgerCalls   *prometheus.HistogramVec
	// The running config: whether the last load of it went through, and when the last did.
	reloadOK, reloadAt prometheus.Gauge
	// digests answers "did it go out?" per digest, from the scheduler and what it was told.
	digests *digestMetrics

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
			Help: "Calls to the platform's API answered 429 (rate limited), by platform."}, []string{"platform"}),
		ledgerFails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "briefbot_ledger_errors_total",
			Help: "Ledger calls the scheduler depends on that failed, by operation."}, []string{"op"}),
		connection: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "briefbot_ready",
			Help: "1 when a readiness check passes, by check (briefings, store, each connection)."}, []string{"check"}),
		platformCalls: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "briefbot_platform_request_duration_seconds",
			Help:    "Time for a call to the platform's API to answer (its headers), by platform.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20}}, []string{"platform"}),
		ledgerCalls: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "briefbot_ledger_duration_seconds",
			Help:    "Time for a ledger call, by operation.",
			Buckets: []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .5, 1, 5}}, []string{"op"}),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{Name: "briefbot_config_last_reload_successful",
			Help: "1 when the last load of the config and briefings went through, 0 when it was refused and the older one runs."}),
		reloadAt: prometheus.NewGauge(prometheus.GaugeOpts{Name: "briefbot_config_last_reload_success_timestamp_seconds",
			Help: "When the config and briefings running were loaded (at start or by a reload)."}),
		digests: newDigestMetrics(),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "briefbot_build_info",
		Help: "Always 1: the version and commit running."}, []string{"version", "commit", "goversion"})
	build.WithLabelValues(version, commit, runtime.Version()).Set(1)
	for _, op := range ledgerOps {
		m.ledgerCalls.WithLabelValues(op)
	}
	m.registry.MustRegister(m.commands, m.completions, m.latency, m.reloads, m.posts, m.rateLimited, m.ledgerFails, m.connection, build,
		m.platformCalls, m.ledgerCalls, m.reloadOK, m.reloadAt, m.digests,
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

// loaded says how a load of the config went: at start (always through, or serve does not
// run) and at each reload.
func (m *metrics) loaded(ok bool) {
	if !ok {
		m.reloadOK.Set(0)
		return
	}
	m.reloadOK.Set(1)
	m.reloadAt.SetToCurrentTime()
}

// The scheduler's observer.

func (m *metrics) Marked(slot store.Slot, result store.Result) {
	m.posts.WithLabelValues(slot.Platform, string(result)).Inc()
	if result == store.Posted || result == store.Late {
		m.digests.posted(slot.Digest, slot.At)
	}
}

func (m *metrics) Failed(slot store.Slot, why schedule.Failure) {
	m.digests.failed(slot.Digest, why, time.Now())
}

func (m *metrics) LedgerFailed(op string) { m.ledgerFails.WithLabelValues(op).Inc() }

// transport times every call to platform's API through next (nil: http.DefaultTransport) and
// counts the 429s among the answers: every call an adapter makes, whatever it is for, and each
// 429 once, before any retry of it.
func (m *metrics) transport(platform string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &timedTransport{next: next, took: m.platformCalls.WithLabelValues(platform),
		limited: m.rateLimited.WithLabelValues(platform)}
}

type timedTransport struct {
	next    http.RoundTripper
	took    prometheus.Observer
	limited prometheus.Counter
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	t.took.Observe(time.Since(start).Seconds())
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		t.limited.Inc()
	}
	return resp, err
}
