package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
)

// A fake answers both endpoints as briefbot does at its edge: it verifies each signature, refuses
// bodies over 64 KiB with 413, answers each interaction id and trigger_id once, and answers
// interactions by type. Its faults make it answer wrong in one way, to see briefload count it.
type fake struct {
	acceptBadSignatures bool
	status              int    // answer every verified request with this status instead
	body                string // answer every verified request with this body instead
	delay               time.Duration
	discordKey          ed25519.PublicKey
}

func (f fake) server(t *testing.T) string {
	t.Helper()
	if f.discordKey == nil {
		f.discordKey = discordtest.Key().Public().(ed25519.PublicKey)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	first := func(id string) bool {
		if f.acceptBadSignatures {
			return true // a server this broken remembers nothing either
		}
		mu.Lock()
		defer mu.Unlock()
		if seen[id] {
			return false
		}
		seen[id] = true
		return true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /discord/interactions", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		ts := r.Header.Get("X-Signature-Timestamp")
		sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		if !f.acceptBadSignatures && (len(sig) != ed25519.SignatureSize || !ed25519.Verify(f.discordKey, append([]byte(ts), body...), sig)) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var in struct {
			Type int
			ID   string
		}
		_ = json.Unmarshal(body, &in)
		if in.Type != 1 && !first("discord:"+in.ID) {
			http.Error(w, "answered already", http.StatusUnauthorized)
			return
		}
		answer := map[int]string{1: `{"type":1}`, 2: `{"type":4,"data":{"content":"ok"}}`, 4: `{"type":8,"data":{"choices":[]}}`}[in.Type]
		f.answer(w, answer)
	})
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		want := slacktest.Sign(slacktest.Secret, r.Header.Get("X-Slack-Request-Timestamp"), body)
		if !f.acceptBadSignatures && !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Slack-Signature"))) {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		form, _ := url.ParseQuery(string(body))
		if !first("slack:" + form.Get("trigger_id")) {
			http.Error(w, "answered already", http.StatusUnauthorized)
			return
		}
		f.answer(w, `{"response_type":"ephemeral","text":"ok"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func (f fake) answer(w http.ResponseWriter, body string) {
	time.Sleep(f.delay)
	if f.body != "" {
		body = f.body
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(max(f.status, http.StatusOK))
	io.WriteString(w, body)
}

// briefload runs the command with a JSON report and returns it, the error and stderr.
func briefload(t *testing.T, args ...string) (report, error, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := run(ctx, append([]string{"--format", "json"}, args...), &stdout, &stderr)
	var rep report
	if stdout.Len() > 0 {
		if jerr := json.Unmarshal(stdout.Bytes(), &rep); jerr != nil {
			t.Fatalf("report is not JSON: %v\n%s", jerr, stdout.Bytes())
		}
	}
	return rep, err, stderr.String()
}

func sent(rep report) map[string]int64 {
	out := map[string]int64{}
	for _, k := range rep.Kinds {
		out[k.Name] = k.Requests
	}
	return out
}

func TestRun(t *testing.T) {
	closedPort := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + ln.Addr().String()
		ln.Close()
		return url
	}
	tests := []struct {
		name    string
		fake    fake
		target  func(t *testing.T) string // default: the fake
		args    []string
		wantErr error // errFailed, a usageError, or nil
		check   func(t *testing.T, rep report)
	}{{
		name: "the mix is sent in its proportions, refusals counted as answers",
		args: []string{"--requests", "100", "--mix", "position=60,autocomplete=20,compare=10,badsig=5,oversized=5"},
		check: func(t *testing.T, rep report) {
			want := map[string]int64{"discord/position": 60, "discord/autocomplete": 20, "discord/compare": 10, "discord/badsig": 5, "discord/oversized": 5}
			if got := sent(rep); !equalCounts(got, want) {
				t.Errorf("sent %v, want %v", got, want)
			}
			if rep.OK != 100 || rep.Failed != 0 || len(rep.Errors) != 0 {
				t.Errorf("ok %d, failed %d, errors %v; want all 100 ok", rep.OK, rep.Failed, rep.Errors)
			}
			if rep.LatencyMS.P50 <= 0 || rep.LatencyMS.P50 > rep.LatencyMS.P99 || rep.LatencyMS.P99 > rep.LatencyMS.Max {
				t.Errorf("latency %+v: want 0 < p50 <= p99 <= max", rep.LatencyMS)
			}
		},
	}, {
		name: "both platforms share a kind, Discord keeps the kinds only it has",
		args: []string{"--requests", "40", "--platform", "discord,slack", "--mix", "position=2,autocomplete=1,badsig=1"},
		check: func(t *testing.T, rep report) {
			want := map[string]int64{"discord/position": 10, "slack/position": 10, "discord/autocomplete": 10, "discord/badsig": 5, "slack/badsig": 5}
			if got := sent(rep); !equalCounts(got, want) {
				t.Errorf("sent %v, want %v", got, want)
			}
		},
	}, {
		name:    "a server that takes bad signatures fails the run",
		fake:    fake{acceptBadSignatures: true},
		args:    []string{"--requests", "20", "--platform", "discord,slack", "--mix", "position=1,badsig=1"},
		wantErr: errFailed,
		check: func(t *testing.T, rep report) {
			if got := rep.Errors["status 200 (want 401 for badsig)"]; got != 10 {
				t.Errorf("errors %v; want 10 of status 200 (want 401 for badsig)", rep.Errors)
			}
		},
	}, {
		name:    "server errors are counted by status",
		fake:    fake{status: http.StatusServiceUnavailable},
		args:    []string{"--requests", "10"},
		wantErr: errFailed,
		check: func(t *testing.T, rep report) {
			if rep.Errors["status 503"] != 10 || rep.OK != 0 {
				t.Errorf("ok %d, errors %v; want 10 of status 503", rep.OK, rep.Errors)
			}
		},
	}, {
		name:    "an answer of the wrong shape is an unexpected body",
		fake:    fake{body: `{"type":7}`},
		args:    []string{"--requests", "6", "--mix", "position=1,autocomplete=1,ping=1"},
		wantErr: errFailed,
		check: func(t *testing.T, rep report) {
			want := map[string]int64{
				"unexpected body: response type 7 to position":     2,
				"unexpected body: response type 7 to autocomplete": 2,
				"unexpected body: response type 7 to ping":         2,
			}
			if !equalCounts(rep.Errors, want) {
				t.Errorf("errors %v, want %v", rep.Errors, want)
			}
		},
	}, {
		name:    "an answer that is not JSON is an unexpected body",
		fake:    fake{body: "<html>"},
		args:    []string{"--requests", "4", "--platform", "slack"},
		wantErr: errFailed,
		check: func(t *testing.T, rep report) {
			if rep.Errors["unexpected body: not JSON"] != 4 {
				t.Errorf("errors %v; want 4 not JSON", rep.Errors)
			}
		},
	}, {
		name:    "no server is a transport error",
		target:  closedPort,
		args:    []string{"--requests", "5"},
		wantErr: errFailed,
		check: func(t *testing.T, rep report) {
			if rep.Errors["transport: connection refused"] != 5 {
				t.Errorf("errors %v; want 5 connection refused", rep.Errors)
			}
		},
	}, {
		name:    "a slow server times out",
		fake:    fake{delay: 300 * time.Millisecond},
		args:    []string{"--requests", "2", "--timeout", "50ms"},
		wantErr: errFailed,
		check: func(t *testing.T, rep report) {
			if rep.Errors["transport: timeout"] != 2 {
				t.Errorf("errors %v; want 2 timeouts", rep.Errors)
			}
		},
	}, {
		name: "a fixed rate spreads the requests over time",
		args: []string{"--requests", "20", "--rate", "200/s"},
		check: func(t *testing.T, rep report) {
			if rep.Mode != "paced" || rep.Requests != 20 || rep.OK != 20 {
				t.Errorf("mode %s, %d requests, %d ok; want paced, 20, 20", rep.Mode, rep.Requests, rep.OK)
			}
			if rep.ElapsedS < 0.09 {
				t.Errorf("20 requests at 200/s took %.3fs; want at least 0.095s", rep.ElapsedS)
			}
		},
	}, {
		name: "latency at a fixed rate counts from when a request was due",
		fake: fake{delay: 40 * time.Millisecond},
		// One in flight at a time, due every 10ms: each waits behind the last, and the wait shows.
		args: []string{"--requests", "10", "--rate", "100/s", "--concurrency", "1"},
		check: func(t *testing.T, rep report) {
			if rep.LatencyMS.Max < 200 {
				t.Errorf("max latency %.1fms; want over 200ms, the queue behind a 40ms server", rep.LatencyMS.Max)
			}
		},
	}, {
		name: "a duration bounds the run",
		fake: fake{delay: 5 * time.Millisecond},
		args: []string{"--duration", "150ms", "--concurrency", "2"},
		check: func(t *testing.T, rep report) {
			if rep.ElapsedS > 2 || rep.Requests == 0 {
				t.Errorf("%d requests in %.3fs; want some, within the duration", rep.Requests, rep.ElapsedS)
			}
		},
	}, {
		name: "at a fixed rate a duration sends what falls due within it, no more",
		args: []string{"--duration", "300ms", "--rate", "100/s"},
		check: func(t *testing.T, rep report) {
			// At most what fell due: a busy machine may send fewer, never more.
			if rep.Requests > 30 || rep.Requests < 1 {
				t.Errorf("%d requests at 100/s for 300ms; want some, and at most the 30 that fell due", rep.Requests)
			}
		},
	}, {
		name: "the first of requests and duration stops it",
		args: []string{"--duration", "1m", "--requests", "7"},
		check: func(t *testing.T, rep report) {
			if rep.Requests != 7 {
				t.Errorf("%d requests, want 7", rep.Requests)
			}
		},
	}, {
		name:    "an unbounded run is refused",
		args:    []string{"--concurrency", "4"},
		wantErr: usageError{},
	}, {
		name:    "a remote target is refused",
		target:  func(*testing.T) string { return "http://192.0.2.1:8080" },
		args:    []string{"--requests", "1"},
		wantErr: usageError{},
	}, {
		name:    "autocomplete needs Discord",
		args:    []string{"--requests", "1", "--platform", "slack", "--mix", "autocomplete=1"},
		wantErr: usageError{},
	}, {
		name:    "an unknown kind is refused",
		args:    []string{"--requests", "1", "--mix", "position=1,sovereignty=2"},
		wantErr: usageError{},
	}, {
		name:    "a mix of nothing is refused",
		args:    []string{"--requests", "1", "--mix", "position=0"},
		wantErr: usageError{},
	}, {
		name:    "a rate must be positive",
		args:    []string{"--requests", "1", "--rate", "0/s"},
		wantErr: usageError{},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var base string
			if tc.target != nil {
				base = tc.target(t)
			} else {
				base = tc.fake.server(t)
			}
			rep, err, stderr := briefload(t, append(tc.args, base)...)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("run(%q) = %v; want nil\n%s", tc.args, err, stderr)
			case errors.As(tc.wantErr, new(usageError)):
				if !errors.As(err, new(usageError)) {
					t.Fatalf("run(%q) = %v; want a usage error", tc.args, err)
				}
				return
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("run(%q) = %v; want %v", tc.args, err, tc.wantErr)
			}
			tc.check(t, rep)
		})
	}
}

func equalCounts(got, want map[string]int64) bool {
	if len(got) != len(want) {
		return false
	}
	for k, n := range want {
		if got[k] != n {
			return false
		}
	}
	return true
}

// TestKeysFromEnvironment: a key from the environment signs instead of the test key, so a server
// configured with the test key refuses every request and one with the new key takes them.
func TestKeysFromEnvironment(t *testing.T) {
	seed := strings.Repeat("42", ed25519.SeedSize)
	raw, _ := hex.DecodeString(seed)
	t.Setenv("BRIEFLOAD_DISCORD_KEY", seed)

	rep, err, _ := briefload(t, "--requests", "3", fake{}.server(t))
	if !errors.Is(err, errFailed) || rep.Errors["status 401"] != 3 {
		t.Errorf("against the test key: %v, errors %v; want 3 of status 401", err, rep.Errors)
	}
	pub := ed25519.NewKeyFromSeed(raw).Public().(ed25519.PublicKey)
	if rep, err, _ = briefload(t, "--requests", "3", fake{discordKey: pub}.server(t)); err != nil || rep.OK != 3 {
		t.Errorf("against the new key: %v, %d ok; want 3", err, rep.OK)
	}
	t.Setenv("BRIEFLOAD_DISCORD_KEY", "not hex")
	if _, err, _ = briefload(t, "--requests", "1", fake{}.server(t)); !errors.As(err, new(usageError)) {
		t.Errorf("a malformed key: %v; want a usage error", err)
	}
}

// TestTextReport: the text report names the figures a reader looks for.
func TestTextReport(t *testing.T) {
	var stdout, stderr bytes.Buffer
	base := fake{}.server(t)
	if err := run(context.Background(), []string{"--requests", "10", "--mix", "position=1,badsig=1", base}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{`req/s`, `p50`, `p90`, `p99`, `max`, `discord/badsig +5 sent, 5 ok`, `errors +none`} {
		if !regexp.MustCompile(want).MatchString(stdout.String()) {
			t.Errorf("report lacks %q:\n%s", want, stdout.String())
		}
	}
}
