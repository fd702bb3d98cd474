package slack_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/bot/slack"
)

// BenchmarkSlashCommand is one signed /position sovereignty through the handler, in-process:
// verification, form parsing, the engine, Block Kit and JSON.
func BenchmarkSlashCommand(b *testing.B) {
	bt := newBot(b, embeddedEngine(b), slack.Config{})
	h := bt.Commands()
	body := commandBody("/position", "sovereignty", memberUser, "https://hooks.slack.invalid/x")
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	sig := sign(testSecret, stamp, body)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", stamp)
		r.Header.Set("X-Slack-Signature", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// bareHandler is the least a slash-command endpoint can do: verify the signature and return a
// fixed answer. It is the yardstick for the real handler's cost over HTTP.
func bareHandler(secret string) http.Handler {
	fixed := []byte(`{"response_type":"in_channel","text":"ok"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		stamp := r.Header.Get("X-Slack-Request-Timestamp")
		secs, err := strconv.ParseInt(stamp, 10, 64)
		if err != nil || time.Since(time.Unix(secs, 0)).Abs() > 5*time.Minute {
			http.Error(w, "stale", http.StatusUnauthorized)
			return
		}
		got, err := hex.DecodeString(strings.TrimPrefix(r.Header.Get("X-Slack-Signature"), "v0="))
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + stamp + ":"))
		mac.Write(body)
		if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixed)
	})
}

// loadClient sends signed slash commands to one server over real loopback HTTP.
type loadClient struct {
	url, stamp, sig string
	body            []byte
	client          *http.Client
}

func newLoadClient(tb testing.TB, url string, conns int) *loadClient {
	body := commandBody("/position", "sovereignty", memberUser, "https://hooks.slack.invalid/x")
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	tb.Cleanup(tr.CloseIdleConnections)
	return &loadClient{url: url, stamp: stamp, sig: sign(testSecret, stamp, body), body: body,
		client: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

func (c *loadClient) do() (time.Duration, error) {
	req, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(c.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", c.stamp)
	req.Header.Set("X-Slack-Signature", c.sig)
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, &statusError{resp.StatusCode}
	}
	return time.Since(start), nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "status " + strconv.Itoa(e.code) }

// closedLoop keeps `clients` requests in flight until n are done: throughput and p99.
func closedLoop(tb testing.TB, c *loadClient, clients, n int) (perSecond float64, p99 time.Duration) {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				d, err := c.do()
				if err != nil {
					failed.Store(err)
					return
				}
				lat[i] = d
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := failed.Load().(error); err != nil {
		tb.Fatalf("load: %v", err)
	}
	return float64(n) / elapsed.Seconds(), percentile(lat, 0.99)
}

// paced sends rate requests a second for d, each on schedule whatever the others do (an open
// loop, so a slow answer cannot hide the ones queued behind it): p99.
func paced(tb testing.TB, c *loadClient, rate int, d time.Duration) time.Duration {
	n := int(d.Seconds() * float64(rate))
	interval := time.Second / time.Duration(rate)
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		wg.Go(func() {
			d, err := c.do()
			if err != nil {
				failed.Store(err)
			}
			lat[i] = d
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		tb.Fatalf("paced load: %v", err)
	}
	return percentile(lat, 0.99)
}

func percentile(lat []time.Duration, p float64) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkLoopback drives the real handler and a bare verify-and-reply handler over loopback
// HTTP with the same concurrent clients, and reports each one's requests per second and p99, the
// ratio of the two, and the real handler's p99 at a steady 1,000 requests a second. One run
// takes a few seconds whatever b.N is; ns/op is left out, as it would mean nothing here, and so
// do B/op and allocs/op under -benchmem, which count the whole run, load generator included.
func BenchmarkLoopback(b *testing.B) {
	const (
		clients  = 32
		requests = 20000
		warmup   = 500
		rate     = 1000
		pacedFor = 3 * time.Second
	)
	bt := newBot(b, embeddedEngine(b), slack.Config{})
	botSrv := httptest.NewServer(bt.Commands())
	defer botSrv.Close()
	bareSrv := httptest.NewServer(bareHandler(testSecret))
	defer bareSrv.Close()

	var botRPS, bareRPS, botP99, bareP99, pacedP99, pacedBareP99 float64
	for range b.N {
		bare := newLoadClient(b, bareSrv.URL, clients)
		closedLoop(b, bare, clients, warmup)
		rps, p99 := closedLoop(b, bare, clients, requests)
		bareRPS, bareP99 = bareRPS+rps, bareP99+ms(p99)

		real := newLoadClient(b, botSrv.URL, clients)
		closedLoop(b, real, clients, warmup)
		rps, p99 = closedLoop(b, real, clients, requests)
		botRPS, botP99 = botRPS+rps, botP99+ms(p99)

		pacedP99 += ms(paced(b, newLoadClient(b, botSrv.URL, clients), rate, pacedFor))
		pacedBareP99 += ms(paced(b, newLoadClient(b, bareSrv.URL, clients), rate, pacedFor))
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(botRPS/n, "bot-req/s")
	b.ReportMetric(bareRPS/n, "bare-req/s")
	b.ReportMetric(botRPS/bareRPS, "bot/bare-throughput")
	b.ReportMetric(botP99/n, "bot-p99-ms")
	b.ReportMetric(bareP99/n, "bare-p99-ms")
	b.ReportMetric(pacedP99/n, "bot-p99-ms@1000rps")
	b.ReportMetric(pacedBareP99/n, "bare-p99-ms@1000rps")
}
