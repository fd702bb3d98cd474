package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// The load benchmarks send signed requests over loopback to briefbot serve and to a bare handler
// that only verifies the signature and returns a fixed reply, so the figures say what briefbot
// costs above the platform's unavoidable work. Run them with:
//
//	go test ./cmd/briefbot -run '^$' -bench Load -benchtime 20000x
//
// Closed loop: b.N requests each to serve and to the bare handler from loadClients clients,
// alternating in rounds, reporting both rates, both p99s and the ratio.
// Paced: b.N requests at a fixed rate (1,000/s), reporting p99.

const loadClients = 16

// loadTarget makes one signed request.
type loadTarget func(ctx context.Context) (*http.Request, error)

func newLoadClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}, Timeout: 10 * time.Second}
}

func send(client *http.Client, target loadTarget) (time.Duration, error) {
	req, err := target(context.Background())
	if err != nil {
		return 0, err
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(start), nil
}

func p99(lat []time.Duration) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return lat[(len(lat)*99)/100]
}

// load sends n requests from loadClients clients and returns the latencies and the wall time.
func load(client *http.Client, target loadTarget, n int) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				d, err := send(client, target)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
				}
				lat[i] = d
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return nil, 0, err
	}
	return lat, time.Since(start), nil
}

// loadRound is how many requests each side gets before the other's turn. Alternating keeps
// both sides under the same conditions: on two cores shared with the load generator, a
// background hiccup would otherwise land on one side only and skew the ratio.
const loadRound = 1000

// compareLoad sends b.N requests to each of serve and bare, alternating in rounds, and reports
// both throughputs, both p99 latencies and the ratio serve/bare.
func compareLoad(b *testing.B, serve, bare loadTarget) {
	client := newLoadClient()
	defer client.CloseIdleConnections()
	for _, t := range []loadTarget{serve, bare} { // warm connections and caches
		if _, _, err := load(client, t, loadClients*4); err != nil {
			b.Fatal(err)
		}
	}
	var latServe, latBare []time.Duration
	var wallServe, wallBare time.Duration
	b.ResetTimer()
	for done := 0; done < b.N; done += loadRound {
		n := min(loadRound, b.N-done)
		lat, wall, err := load(client, serve, n)
		if err != nil {
			b.Fatal(err)
		}
		latServe, wallServe = append(latServe, lat...), wallServe+wall
		if lat, wall, err = load(client, bare, n); err != nil {
			b.Fatal(err)
		}
		latBare, wallBare = append(latBare, lat...), wallBare+wall
	}
	b.StopTimer()
	serveRate := float64(len(latServe)) / wallServe.Seconds()
	bareRate := float64(len(latBare)) / wallBare.Seconds()
	b.ReportMetric(serveRate, "serve-req/s")
	b.ReportMetric(bareRate, "bare-req/s")
	b.ReportMetric(serveRate/bareRate, "serve/bare")
	b.ReportMetric(float64(p99(latServe).Microseconds())/1000, "serve-p99-ms")
	b.ReportMetric(float64(p99(latBare).Microseconds())/1000, "bare-p99-ms")
}

// paced sends b.N requests at a fixed rate whatever the answers do (an open loop), timing each
// from when it was due, so a slow answer cannot hide the requests queued behind it.
func paced(b *testing.B, target loadTarget, perSecond int) {
	client := newLoadClient()
	defer client.CloseIdleConnections()
	lat := make([]time.Duration, b.N)
	errs := make([]error, b.N)
	interval := time.Second / time.Duration(perSecond)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, errs[i] = send(client, target); errs[i] == nil {
				lat[i] = time.Since(due)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(p99(lat).Microseconds())/1000, "p99-ms")
}

// Discord: Ed25519 over timestamp + body, signed with discordtest's key.

// positionInteraction is /position sovereignty as Discord sends it, with an interaction id of
// its own each time: briefbot answers an id once.
func positionInteraction() []byte {
	return []byte(`{"id":"` + discordtest.InteractionID() + `","application_id":"123","type":2,"token":"t","version":1,"guild_id":"9","channel_id":"8",` +
		`"member":{"user":{"id":"7","username":"u"},"roles":[],"permissions":"0"},` +
		`"data":{"id":"5","name":"position","type":1,"options":[{"name":"issue","type":3,"value":"sovereignty"}]}}`)
}

func discordTarget(url string) loadTarget {
	return func(ctx context.Context) (*http.Request, error) {
		body := positionInteraction()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		discordtest.SetHeaders(req.Header, strconv.FormatInt(time.Now().Unix(), 10), body)
		return req, nil
	}
}

// fixedAnswer is briefbot's own answer to /position sovereignty in a platform's JSON, made once:
// the bare handlers send these same bytes, so the comparison measures briefbot's work (parsing,
// the engine, rendering), not the size of what travels.
func fixedAnswer(tb testing.TB, encode func(bot.Reply) ([]byte, error)) []byte {
	indented, err := encode(bottest.LineAs(bottest.Engine(tb), "/position sovereignty", bot.Caller{Platform: "discord"}))
	if err != nil {
		tb.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, indented); err != nil {
		tb.Fatal(err)
	}
	return compact.Bytes()
}

// bareDiscord verifies the signature and returns a fixed reply: the floor any endpoint pays.
func bareDiscord(pub ed25519.PublicKey, reply []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		sig, herr := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		if err != nil || herr != nil || len(sig) != ed25519.SignatureSize ||
			!ed25519.Verify(pub, append([]byte(r.Header.Get("X-Signature-Timestamp")), body...), sig) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(reply)
	})
}

// Slack: HMAC-SHA256 over "v0:" + timestamp + ":" + body, with slacktest's secret.

func slackTarget(url string) loadTarget {
	return func(ctx context.Context) (*http.Request, error) {
		body := []byte(url2form(map[string]string{
			"command": "/position", "text": "sovereignty", "user_id": "U1", "channel_id": "C1",
			"team_id": "T1", "response_url": "http://127.0.0.1:1/unused", "trigger_id": slacktest.TriggerID(),
		}))
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		slacktest.SetHeaders(req.Header, body, time.Now())
		return req, nil
	}
}

func url2form(m map[string]string) string {
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return v.Encode()
}

func bareSlack(reply []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		sec, terr := strconv.ParseInt(ts, 10, 64)
		want := slacktest.Sign(slacktest.Secret, ts, body)
		if err != nil || terr != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute ||
			!hmac.Equal([]byte(want), []byte(r.Header.Get("X-Slack-Signature"))) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(reply)
	})
}

func BenchmarkLoad(b *testing.B) {
	base, stop := startServe(b, fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: %q}
slack: {signing_secret: %q, bot_token: "xoxb-load"}
`, discordtest.PublicKey(), slacktest.Secret), nil)
	defer stop()
	bareD := httptest.NewServer(bareDiscord(discordtest.Key().Public().(ed25519.PublicKey), fixedAnswer(b, discord.ResponseJSON)))
	defer bareD.Close()
	bareS := httptest.NewServer(bareSlack(fixedAnswer(b, slack.ResponseJSON)))
	defer bareS.Close()

	platforms := []struct {
		name        string
		serve, bare loadTarget
	}{
		{"discord", discordTarget(base + "/discord/interactions"), discordTarget(bareD.URL)},
		{"slack", slackTarget(base + "/slack/commands"), slackTarget(bareS.URL)},
	}
	for _, p := range platforms {
		b.Run(p.name, func(b *testing.B) { compareLoad(b, p.serve, p.bare) })
	}
	for _, p := range platforms {
		b.Run(p.name+"/serve/paced-1000rps", func(b *testing.B) { paced(b, p.serve, 1000) })
		b.Run(p.name+"/bare/paced-1000rps", func(b *testing.B) { paced(b, p.bare, 1000) })
	}
}
