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
// verification, decoding, the engine, rendering and encoding.
func BenchmarkInteraction(b *testing.B) {
	h := httpBot(b, embeddedCore(b)).Handler()
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
