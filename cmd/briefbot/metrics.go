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

// digestMetrics are the per-digest series: the slots the scheduler owes and each digest's
// catch-up window, read from it at each scrape, and the last post, the last failure and the
// failures by reason it was told of. Only the digests it runs now are exported, so that a digest
// a reload removed loses its series, and each of them has every failure reason, 0 until one
// happens, so that rate() and increase() see the first.
type digestMetrics struct {
	due func() []schedule.Due // nil until the scheduler exists

	lastPost, nextSlot, lastFailure, window, failures *prometheus.Desc

	mu      sync.Mutex
	posts   map[string]time.Time // the newest slot posted, by digest
	fails   map[string]time.Time // when the last failure was, by digest
	reasons map[string]map[schedule.Failure]float64
}

func newDigestMetrics() *digestMetrics {
	digest := []string{"digest"}
	return &digestMetrics{
		lastPost: prometheus.NewDesc("briefbot_digest_last_posted_timestamp_seconds",
			"The slot time of the newest slot of the digest this process posted (posted or late), in any channel.", digest, nil),
		nextSlot: prometheus.NewDesc("briefbot_digest_next_slot_timestamp_seconds",
			"The slot the digest owes next, after holds and rest days; a slot being delivered or retried keeps it until the ledger settles it.", digest, nil),
		lastFailure: prometheus.NewDesc("briefbot_digest_last_failure_timestamp_seconds",
			"When a slot of the digest last failed, for any reason.", digest, nil),
		window: prometheus.NewDesc("briefbot_digest_catch_up_window_seconds",
			"How late a slot of the digest is still posted (its catch_up).", digest, nil),
		failures: prometheus.NewDesc("briefbot_digest_failures_total",
			"Slots of the digest that did not go out, by reason (refused, deadline, missed, compose, ledger).", []string{"digest", "reason"}, nil),
		posts: map[string]time.Time{}, fails: map[string]time.Time{}, reasons: map[string]map[schedule.Failure]float64{},
	}
}

func (d *digestMetrics) posted(digest string, slot time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if slot.After(d.posts[digest]) {
		d.posts[digest] = slot
	}
}

func (d *digestMetrics) failed(digest string, why schedule.Failure, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fails[digest] = at
	if d.reasons[digest] == nil {
		d.reasons[digest] = map[schedule.Failure]float64{}
	}
	d.reasons[digest][why]++
}

func (d *digestMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{d.lastPost, d.nextSlot, d.lastFailure, d.window, d.failures} {
		ch <- desc
	}
}

func (d *digestMetrics) Collect(ch chan<- prometheus.Metric) {
	if d.due == nil {
		return
	}
	gauge := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	}
	seconds := func(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
	dues := d.due()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, due := range dues {
		name := due.Digest
		gauge(d.window, due.CatchUp.Seconds(), name)
		if !due.Next.IsZero() {
			gauge(d.nextSlot, seconds(due.Next), name)
		}
		if at, ok := d.posts[name]; ok {
			gauge(d.lastPost, seconds(at), name)
		}
		if at, ok := d.fails[name]; ok {
			gauge(d.lastFailure, seconds(at), name)
		}
		for _, why := range schedule.Failures {
			ch <- prometheus.MustNewConstMetric(d.failures, prometheus.CounterValue, d.reasons[name][why], name, string(why))
		}
	}
}

// ledgerOps name the ledger's calls in briefbot_ledger_duration_seconds, as
// briefbot_ledger_errors_total names those it counts.
var ledgerOps = [...]string{opClaim: "claim", opRenew: "renew", opMark: "mark", opRelease: "release", opRecord: "record",
	opLast: "last", opLastPosted: "last_posted", opFirstSeen: "first_seen", opPrune: "prune",
	opPutHold: "put_hold", opDropHold: "drop_hold", opHolds: "holds", opLease: "lease", opResign: "resign",
	opHolder: "holder", opAudit: "audit", opAuditSince: "audit_since", opSaveVersion: "save_version",
	opVersions: "versions", opPing: "ping", opWritable: "writable"}

type ledgerOp int

const (
	opClaim ledgerOp = iota
	opRenew
	opMark
	opRelease
	opRecord
	opLast
	opLastPosted
	opFirstSeen
	opPrune
	opPutHold
	opDropHold
	opHolds
	opLease
	opResign
	opHolder
	opAudit
	opAuditSince
	opSaveVersion
	opVersions
	opPing
	opWritable
	numLedgerOps
)

// timedLedger times every call to the ledger it wraps, by operation.
type timedLedger struct {
	store.Ledger // Close, untimed
	took         [numLedgerOps]prometheus.Observer
}

var _ store.Ledger = (*timedLedger)(nil)

// timed wraps l so that its calls are timed in briefbot_ledger_duration_seconds.
func (m *metrics) timed(l store.Ledger) store.Ledger {
	t := &timedLedger{Ledger: l}
	for op, name := range ledgerOps {
		t.took[op] = m.ledgerCalls.WithLabelValues(name)
	}
	return t
}

// since records how long a call of op that began at start took; deferred, with start taken as
// the call begins.
func (l *timedLedger) since(op ledgerOp, start time.Time) {
	l.took[op].Observe(time.Since(start).Seconds())
}

func (l *timedLedger) Claim(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) (store.Claim, error) {
	defer l.since(opClaim, time.Now())
	return l.Ledger.Claim(ctx, slot, owner, lease, now)
}

func (l *timedLedger) Renew(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) error {
	defer l.since(opRenew, time.Now())
	return l.Ledger.Renew(ctx, slot, owner, lease, now)
}

func (l *timedLedger) Mark(ctx context.Context, slot store.Slot, owner string, out store.Outcome, now time.Time) error {
	defer l.since(opMark, time.Now())
	return l.Ledger.Mark(ctx, slot, owner, out, now)
}

func (l *timedLedger) Release(ctx context.Context, slot store.Slot, owner string) error {
	defer l.since(opRelease, time.Now())
	return l.Ledger.Release(ctx, slot, owner)
}

func (l *timedLedger) Record(ctx context.Context, slot store.Slot, out store.Outcome, now time.Time) error {
	defer l.since(opRecord, time.Now())
	return l.Ledger.Record(ctx, slot, out, now)
}

func (l *timedLedger) Last(ctx context.Context, digest, platform, channel string) (*store.Entry, *store.Entry, error) {
	defer l.since(opLast, time.Now())
	return l.Ledger.Last(ctx, digest, platform, channel)
}

func (l *timedLedger) LastPosted(ctx context.Context, digest, platform, channel string) (*store.Entry, error) {
	defer l.since(opLastPosted, time.Now())
	return l.Ledger.LastPosted(ctx, digest, platform, channel)
}

func (l *timedLedger) FirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) (map[string]time.Time, error) {
	defer l.since(opFirstSeen, time.Now())
	return l.Ledger.FirstSeen(ctx, digest, platform, channels, now)
}

func (l *timedLedger) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	defer l.since(opPrune, time.Now())
	return l.Ledger.Prune(ctx, cutoff)
}

func (l *timedLedger) PutHold(ctx context.Context, h store.Hold) error {
	defer l.since(opPutHold, time.Now())
	return l.Ledger.PutHold(ctx, h)
}

func (l *timedLedger) DropHold(ctx context.Context, digest, skip string) (*store.Hold, error) {
	defer l.since(opDropHold, time.Now())
	return l.Ledger.DropHold(ctx, digest, skip)
}

func (l *timedLedger) Holds(ctx context.Context, digest string) ([]store.Hold, error) {
	defer l.since(opHolds, time.Now())
	return l.Ledger.Holds(ctx, digest)
}

func (l *timedLedger) Lease(ctx context.Context, role, owner string, ttl time.Duration, now time.Time) (bool, error) {
	defer l.since(opLease, time.Now())
	return l.Ledger.Lease(ctx, role, owner, ttl, now)
}

func (l *timedLedger) Resign(ctx context.Context, role, owner string) error {
	defer l.since(opResign, time.Now())
	return l.Ledger.Resign(ctx, role, owner)
}

func (l *timedLedger) Holder(ctx context.Context, role string, now time.Time) (string, error) {
	defer l.since(opHolder, time.Now())
	return l.Ledger.Holder(ctx, role, now)
}

func (l *timedLedger) Audit(ctx context.Context, e store.AuditEntry) error {
	defer l.since(opAudit, time.Now())
	return l.Ledger.Audit(ctx, e)
}

func (l *timedLedger) AuditSince(ctx context.Context, since time.Time, limit int) ([]store.AuditEntry, error) {
	defer l.since(opAuditSince, time.Now())
	return l.Ledger.AuditSince(ctx, since, limit)
}

func (l *timedLedger) SaveVersion(ctx context.Context, v store.Version) (bool, error) {
	defer l.since(opSaveVersion, time.Now())
	return l.Ledger.SaveVersion(ctx, v)
}

func (l *timedLedger) Versions(ctx context.Context, briefing string, limit int) ([]store.Version, error) {
	defer l.since(opVersions, time.Now())
	return l.Ledger.Versions(ctx, briefing, limit)
}

func (l *timedLedger) Ping(ctx context.Context) error {
	defer l.since(opPing, time.Now())
	return l.Ledger.Ping(ctx)
}

func (l *timedLedger) Writable(ctx context.Context) error {
	defer l.since(opWritable, time.Now())
	return l.Ledger.Writable(ctx)
}

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
