package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkInteraction is one signed /position sovereignty through Handler(), in process:
// verification, decoding, the engine, rendering and encoding.
func BenchmarkInteraction(b *testing.B) {
	h := httpBot(b, embeddedEngine(b)).Handler()
	body := command("position", "issue", "sovereignty").body()
	req := signed(body)
	b.ReportAllocs()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// bareHandler is the least an interactions endpoint can do: verify the signature and answer a
// fixed type-4 reply. The full handler is measured against it.
func bareHandler(key ed25519.PublicKey, reply []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		ts := r.Header.Get("X-Signature-Timestamp")
		body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(key, append([]byte(ts), body...), sig) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(reply)
	})
}

// A load is a run of requests against one loopback server, and what each took.
type load struct {
	latencies []time.Duration
	elapsed   time.Duration
	failures  int64
}

func (l *load) add(o load) {
	l.latencies = append(l.latencies, o.latencies...)
	l.elapsed += o.elapsed
	l.failures += o.failures
}

func (l *load) perSecond() float64 { return float64(len(l.latencies)) / l.elapsed.Seconds() }

func (l *load) quantile(q float64) time.Duration {
	s := slices.Clone(l.latencies)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(float64(len(s))*q))]
}

// post sends one signed interaction and reads the whole answer, so the connection is reused.
func post(c *http.Client, url string, body []byte, sig string) bool {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("X-Signature-Ed25519", sig)
	req.Header.Set("X-Signature-Timestamp", timestamp)
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func loopbackClient(conns int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns}}
}

// closedLoop has clients send total requests between them, each as soon as its last is answered.
func closedLoop(url string, body []byte, sig string, clients, total int) load {
	c := loopbackClient(clients)
	defer c.CloseIdleConnections()
	var next, failures atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(total) {
				t0 := time.Now()
				if !post(c, url, body, sig) {
					failures.Add(1)
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	return load{latencies: slices.Concat(lat...), elapsed: time.Since(start), failures: failures.Load()}
}

// paced sends total requests at a fixed rate whatever the answers do (an open loop), timing each
// from when it was due, so a slow answer cannot hide the requests queued behind it.
func paced(url string, body []byte, sig string, rate, total int) load {
	c := loopbackClient(64)
	defer c.CloseIdleConnections()
	var failures atomic.Int64
	lat := make([]time.Duration, total)
	interval := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Go(func() {
			if !post(c, url, body, sig) {
				failures.Add(1)
			}
			lat[i] = time.Since(due)
		})
	}
	wg.Wait()
	return load{latencies: lat, elapsed: time.Since(start), failures: failures.Load()}
}

// loopbackServers starts Handler() and the bare handler on loopback, with one signed request.
func loopbackServers(b *testing.B) (full, bare string, body []byte, sig string) {
	body = command("position", "issue", "sovereignty").body()
	sig = sign(testKey(), timestamp, body)
	reply, err := io.ReadAll(serve(httpBot(b, embeddedEngine(b)).Handler(), signed(body)).Body)
	if err != nil {
		b.Fatal(err)
	}
	fs := httptest.NewServer(httpBot(b, embeddedEngine(b)).Handler())
	bs := httptest.NewServer(bareHandler(testKey().Public().(ed25519.PublicKey), reply))
	b.Cleanup(fs.Close)
	b.Cleanup(bs.Close)
	return fs.URL + "/discord/interactions", bs.URL + "/discord/interactions", body, sig
}

// BenchmarkLoopback drives Handler() and the bare handler with 16 concurrent clients over real
// HTTP on loopback and reports throughput and p99 latency of both and the ratio of their
// throughputs. The two alternate in rounds of 500 requests, 4000 each per iteration after a
// warm-up, so that a noisy machine weighs on both alike.
func BenchmarkLoopback(b *testing.B) {
	const clients, round, rounds = 16, 500, 8
	full, bare, body, sig := loopbackServers(b)
	closedLoop(full, body, sig, clients, round)
	closedLoop(bare, body, sig, clients, round)
	var f, s load
	for range b.N {
		for range rounds {
			f.add(closedLoop(full, body, sig, clients, round))
			s.add(closedLoop(bare, body, sig, clients, round))
		}
	}
	if f.failures+s.failures > 0 {
		b.Fatalf("%d requests failed", f.failures+s.failures)
	}
	b.ReportMetric(float64(f.elapsed.Nanoseconds())/float64(len(f.latencies)), "ns/op")
	b.ReportMetric(f.perSecond(), "full-req/s")
	b.ReportMetric(float64(f.quantile(0.99).Microseconds()), "full-p99-µs")
	b.ReportMetric(s.perSecond(), "bare-req/s")
	b.ReportMetric(float64(s.quantile(0.99).Microseconds()), "bare-p99-µs")
	b.ReportMetric(f.perSecond()/s.perSecond(), "full/bare")
}

// BenchmarkLoopbackPaced sends 1,000 requests a second for 2 seconds to each server and reports
// the median and p99 latency: what a busy server's users see, short of saturation.
func BenchmarkLoopbackPaced(b *testing.B) {
	const rate, total = 1000, 2000
	full, bare, body, sig := loopbackServers(b)
	var f, s load
	for range b.N {
		f.add(paced(full, body, sig, rate, total))
		s.add(paced(bare, body, sig, rate, total))
	}
	if f.failures+s.failures > 0 {
		b.Fatalf("%d requests failed", f.failures+s.failures)
	}
	b.ReportMetric(float64(f.elapsed.Nanoseconds())/float64(len(f.latencies)), "ns/op")
	b.ReportMetric(float64(f.quantile(0.5).Microseconds()), "full-p50-µs")
	b.ReportMetric(float64(f.quantile(0.99).Microseconds()), "full-p99-µs")
	b.ReportMetric(float64(s.quantile(0.5).Microseconds()), "bare-p50-µs")
	b.ReportMetric(float64(s.quantile(0.99).Microseconds()), "bare-p99-µs")
}
