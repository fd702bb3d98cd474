package main

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"briefbot/bot/schedule"
)

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
