package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The load benchmarks send signed requests over loopback to briefbot serve and to a bare handler
// that only verifies the signature and returns a fixed reply, so the figures say what briefbot
// costs above the platform's unavoidable work. Run them with:
//
//	go test ./cmd/briefbot -run '^$' -bench Load -benchtime 20000x
//
// Closed loop: b.N requests from loadClients clients, reporting requests/second and p99.
// Paced: requests at a fixed rate (1,000/s), reporting p99, for b.N requests.

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

func closedLoop(b *testing.B, target loadTarget) {
	client := newLoadClient()
	defer client.CloseIdleConnections()
	lat := make([]time.Duration, b.N)
	var next, failed int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= int64(b.N) {
					return
				}
				d, err := send(client, target)
				if err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
				lat[i] = d
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed > 0 {
		b.Fatalf("%d of %d requests failed", failed, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(p99(lat).Microseconds())/1000, "p99-ms")
}

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
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[i], errs[i] = send(client, target)
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

// Discord: Ed25519 over timestamp + body.

type discordSigner struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

func newDiscordSigner(tb testing.TB) discordSigner {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return discordSigner{priv: priv, pub: pub}
}

const positionInteraction = `{"id":"1","application_id":"123","type":2,"token":"t","version":1,"guild_id":"9","channel_id":"8",` +
	`"member":{"user":{"id":"7","username":"u"},"roles":[],"permissions":"0"},` +
	`"data":{"id":"5","name":"position","type":1,"options":[{"name":"issue","type":3,"value":"sovereignty"}]}}`

func (s discordSigner) target(url string) loadTarget {
	body := []byte(positionInteraction)
	return func(ctx context.Context) (*http.Request, error) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		sig := ed25519.Sign(s.priv, append([]byte(ts), body...))
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
		req.Header.Set("X-Signature-Timestamp", ts)
		return req, nil
	}
}

// bareDiscord verifies the signature and returns a fixed reply: the floor any endpoint pays.
func bareDiscord(pub ed25519.PublicKey) http.Handler {
	reply := []byte(`{"type":4,"data":{"content":"ok","allowed_mentions":{"parse":[]}}}`)
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

// Slack: HMAC-SHA256 over "v0:" + timestamp + ":" + body.

const loadSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5"

func slackTarget(url string) loadTarget {
	body := []byte(url2form(map[string]string{
		"command": "/position", "text": "sovereignty", "user_id": "U1", "channel_id": "C1",
		"team_id": "T1", "response_url": "http://127.0.0.1:1/unused", "trigger_id": "1.2.3",
	}))
	return func(ctx context.Context) (*http.Request, error) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(loadSigningSecret))
		fmt.Fprintf(mac, "v0:%s:%s", ts, body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
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

func bareSlack() http.Handler {
	reply := []byte(`{"response_type":"in_channel","text":"ok"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		sec, terr := strconv.ParseInt(ts, 10, 64)
		mac := hmac.New(sha256.New, []byte(loadSigningSecret))
		fmt.Fprintf(mac, "v0:%s:%s", ts, body)
		want := "v0=" + hex.EncodeToString(mac.Sum(nil))
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
	signer := newDiscordSigner(b)
	base, stop := startServe(b, fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: %q}
slack: {signing_secret: %q, bot_token: "xoxb-load"}
`, hex.EncodeToString(signer.pub), loadSigningSecret), nil)
	defer stop()
	bareD := httptest.NewServer(bareDiscord(signer.pub))
	defer bareD.Close()
	bareS := httptest.NewServer(bareSlack())
	defer bareS.Close()

	targets := []struct {
		name   string
		target loadTarget
	}{
		{"discord/serve", signer.target(base + "/discord/interactions")},
		{"discord/bare", signer.target(bareD.URL)},
		{"slack/serve", slackTarget(base + "/slack/commands")},
		{"slack/bare", slackTarget(bareS.URL)},
	}
	for _, tc := range targets {
		b.Run(tc.name, func(b *testing.B) { closedLoop(b, tc.target) })
	}
	for _, tc := range targets {
		b.Run(tc.name+"/paced-1000rps", func(b *testing.B) { paced(b, tc.target, 1000) })
	}
}
