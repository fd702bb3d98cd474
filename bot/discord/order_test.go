package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
)

// TestCheckOrder sends interactions with two faults at once. The handler looks at the signature
// headers first and reads nothing of a request whose signature is missing, malformed or stale;
// it reads the body (bounded) only to verify it, and parses only what verified. So a forged
// request is a 401 whatever its body holds, and an oversized body is a 413 only when it comes
// with a signature that could have been Discord's.
func TestCheckOrder(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	big := []byte(`{"type":1,"pad":"` + strings.Repeat("x", 65<<10) + `"}`)
	// request is body posted with the signature and timestamp headers set to sig and ts; an
	// empty value leaves its header out.
	request := func(body []byte, sig, ts string) *http.Request {
		r := signed(body)
		r.Header.Del("X-Signature-Ed25519")
		r.Header.Del("X-Signature-Timestamp")
		if sig != "" {
			r.Header.Set("X-Signature-Ed25519", sig)
		}
		if ts != "" {
			r.Header.Set("X-Signature-Timestamp", ts)
		}
		return r
	}
	const stale = "1743999000" // 1000 seconds before the bot's clock
	tests := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"oversized, signed by another key", request(big, sign(other, timestamp, big), timestamp), http.StatusRequestEntityTooLarge},
		{"oversized, signature too short", request(big, sign(testKey(), timestamp, big)[:64], timestamp), http.StatusUnauthorized},
		{"oversized, signature too long", request(big, sign(testKey(), timestamp, big)+"00", timestamp), http.StatusUnauthorized},
		{"oversized, signature not hex", request(big, "zz"+sign(testKey(), timestamp, big)[2:], timestamp), http.StatusUnauthorized},
		{"oversized, no signature", request(big, "", timestamp), http.StatusUnauthorized},
		{"oversized, no timestamp", request(big, sign(testKey(), timestamp, big), ""), http.StatusUnauthorized},
		{"oversized, stale", request(big, sign(testKey(), stale, big), stale), http.StatusUnauthorized},
		{"not JSON, signed by another key", request([]byte("type=1"), sign(other, timestamp, []byte("type=1")), timestamp), http.StatusUnauthorized},
		{"not an interaction, signed by another key", request([]byte(`{"type":99}`), sign(other, timestamp, []byte(`{"type":99}`)), timestamp), http.StatusUnauthorized},
		{"not JSON, stale", request([]byte("type=1"), sign(testKey(), stale, []byte("type=1")), stale), http.StatusUnauthorized},
		{"not JSON, signed", request([]byte("type=1"), sign(testKey(), timestamp, []byte("type=1")), timestamp), http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if w := serve(h, tc.req); w.Code != tc.want {
				t.Errorf("status %d, want %d: %s", w.Code, tc.want, strings.TrimSpace(w.Body.String()))
			}
		})
	}
}
