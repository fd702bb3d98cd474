package discord_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Load over loopback, against briefbot serve and a bare verify-and-reply handler, is measured in
// cmd/briefbot (BenchmarkLoad).

// BenchmarkInteraction is one signed /position sovereignty through Handler(), in process:
// verification, the replay checks, decoding, the engine, rendering and encoding. Each
// interaction is answered once, so each iteration signs a new one, off the clock.
func BenchmarkInteraction(b *testing.B) {
	h := httpBot(b, embeddedCore(b)).Handler()
	in := command("position", "issue", "sovereignty")
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		body := in.body()
		req := signed(body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		b.StartTimer()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
