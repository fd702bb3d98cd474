package slack

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

// TestLibraryLog: a line slack-go writes comes out as one JSON record at debug level, not as
// raw text beside the log.
func TestLibraryLog(t *testing.T) {
	var buf bytes.Buffer
	l := libraryLog{slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if err := l.Output(2, "Sending Socket Mode response with envelope ID \"e1\"\n"); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil || bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("not one JSON record (%v):\n%s", err, buf.Bytes())
	}
	if rec["level"] != "DEBUG" || rec["msg"] != "slack-go" || rec["line"] != `Sending Socket Mode response with envelope ID "e1"` {
		t.Errorf("record %v", rec)
	}
	buf.Reset()
	l = libraryLog{slog.New(slog.NewJSONHandler(&buf, nil))}
	_ = l.Output(2, "quiet at info level")
	if buf.Len() != 0 {
		t.Errorf("a debug line at info level: %s", buf.Bytes())
	}
}
