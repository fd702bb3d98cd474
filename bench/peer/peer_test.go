package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
)

// reply is an answer of briefbot's shape: an embed with fields, a row with a button, no pings.
const reply = `{"type":4,"data":{"tts":false,"content":"","components":[{"components":[{"label":"Full comparison",` +
	`"style":2,"disabled":false,"custom_id":"/compare briefing:us-mexico-troops","type":2}],"type":1}],` +
	`"embeds":[{"title":"Sovereignty","footer":{"text":"Source: USnewsSphere.com / apn, April 2025"},` +
	`"author":{"name":"Mexico rejects U.S. troops plan"},"fields":[{"name":"United States","value":"Views ` +
	`security cooperation as joint necessity","inline":true},{"name":"Mexico","value":"Prioritizes ` +
	`independence and historical context","inline":true}]}],"allowed_mentions":{"parse":[],"replied_user":false}}}`

// TestEndpointsAnswerAlike: the bare and disgo endpoints put the same message on the wire (bare
// byte for byte, disgo up to the fields it leaves out when empty or false) and refuse what
// briefbot refuses, so the comparison weighs the same work.
func TestEndpointsAnswerAlike(t *testing.T) {
	pub := discordtest.Key().Public().(ed25519.PublicKey)
	disgo, err := disgoHandler(pub, []byte(reply))
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Appendf(nil, positionInteraction, 1361000000000000001)
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	post := func(h http.Handler, body []byte, sign func(http.Header)) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
		sign(r.Header)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	signed := func(h http.Header) { discordtest.SetHeaders(h, stamp, body) }
	forged := func(h http.Header) { discordtest.SetHeaders(h, stamp, []byte("other")) }

	for name, h := range map[string]http.Handler{"bare": bare(pub, []byte(reply)), "disgo": disgo} {
		w := post(h, body, signed)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d for a signed interaction: %s", name, w.Code, w.Body)
		}
		if name == "bare" && w.Body.String() != reply {
			t.Errorf("bare answered %s; want the reply's bytes", w.Body)
		}
		if got, want := meaning(t, w.Body.Bytes()), meaning(t, []byte(reply)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s answered %v; want %v", name, got, want)
		}
		if w := post(h, body, forged); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d for a bad signature; want 401", name, w.Code)
		}
	}
	big := bytes.Repeat([]byte("x"), maxBody+1)
	if w := post(bare(pub, []byte(reply)), big, func(h http.Header) { discordtest.SetHeaders(h, stamp, big) }); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("bare: status %d for an oversized body; want 413", w.Code)
	}
}

// meaning is a JSON document without the members that say nothing: false, "", null, [] and {}.
func meaning(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, raw)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, x := range v {
				x = strip(x)
				switch x := x.(type) {
				case bool:
					if !x {
						continue
					}
				case string:
					if x == "" {
						continue
					}
				case nil:
					continue
				case []any:
					if len(x) == 0 {
						continue
					}
				case map[string]any:
					if len(x) == 0 {
						continue
					}
				}
				out[k] = x
			}
			return out
		case []any:
			for i := range v {
				v[i] = strip(v[i])
			}
		}
		return v
	}
	return strip(v)
}

func TestSummary(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	report := func(rps, p50, p99 float64) string {
		return fmt.Sprintf(`{"requests":1000,"failed":0,"throughput_rps":%g,"latency_ms":{"p50":%g,"p99":%g}}`, rps, p50, p99)
	}
	for round, rps := range map[int][3]float64{1: {900, 1000, 800}, 2: {800, 1000, 400}, 3: {950, 1000, 1000}} {
		for i, s := range []string{"serve", "bare", "disgo"} {
			write(fmt.Sprintf("round-%d-%s.json", round, s), report(rps[i], 1, 2))
			write(fmt.Sprintf("round-%d-%s.cpu", round, s), strconv.FormatFloat(100/rps[i], 'f', -1, 64))
		}
	}
	write("warmup-serve.json", report(1, 1, 1))
	var out bytes.Buffer
	if err := summary(dir, &out); err != nil {
		t.Fatalf("summary: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// Ratios within each round: 0.9, 0.8, 0.95 against bare, median 0.9; 1.125, 2, 0.95 against
	// disgo, median 1.125.
	for _, want := range []string{"0.900", "1.125"} {
		if !strings.Contains(lines[4], want) {
			t.Errorf("median row %q lacks %s:\n%s", lines[4], want, out.String())
		}
	}
	if !strings.Contains(out.String(), "serve÷bare") {
		t.Errorf("no CPU table:\n%s", out.String())
	}
	write("round-4-serve.json", `{"requests":1000,"failed":3,"throughput_rps":1}`)
	if err := summary(dir, &out); err == nil {
		t.Error("summary of a run with failed requests: nil error; want one")
	}
}
