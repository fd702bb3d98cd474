package main

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefbot/bot/slack/slacktest"
	"briefbot/bot/store"
)

// TestAskAnswersAsServeWould: ask with a config answers every command as the running bot would
// with it (its digests, its ledger, its briefings), reading the ledger without writing to it and
// never posting.
func TestAskAnswersAsServeWould(t *testing.T) {
	dir := t.TempDir()
	api := slacktest.NewWebAPI(t)
	ledgerPath := filepath.Join(dir, "ledger.db")
	config := writeFile(t, dir, "briefbot.yaml", `slack: {signing_secret: s, bot_token: `+slacktest.BotToken+`, api_url: "`+api.URL()+`"}
digests:
  - {name: morning, platform: slack, channels: [C0123], schedule: "0 9 * * 1-5", timezone: Europe/London}
  - {name: evening, platform: slack, channels: [C0456], schedule: "0 18 * * *", timezone: UTC}
store: {dsn: "sqlite://`+ledgerPath+`"}
`)
	// Before any bot ran there is no ledger: ask answers from nothing recorded, and makes none.
	stdout, stderr, code := invoke(t, "", nil, "ask", "--config", config, "/digest status")
	if code != 0 || !strings.Contains(stdout, "morning") || !strings.Contains(stdout, "not run yet") {
		t.Errorf("ask /digest status without a ledger = exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(ledgerPath); !os.IsNotExist(err) {
		t.Errorf("ask made the ledger file (%v); want it left alone", err)
	}

	// A ledger a running bot wrote: one slot posted.
	ledger, err := store.Open(context.Background(), "sqlite://"+ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	slot := store.Slot{Digest: "morning", Platform: "slack", Channel: "C0123", At: time.Now().Add(-time.Hour).Truncate(time.Second)}
	if _, err := ledger.Claim(context.Background(), slot, "serve", time.Minute, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := ledger.Mark(context.Background(), slot, "serve", store.Outcome{Result: store.Posted, MessageID: "1.2"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	ledger.Close()
	before := fileSum(t, ledgerPath)

	tests := []struct {
		line   string
		code   int
		stdout []string
	}{
		{"/digest status", 0, []string{"morning → slack C0123", "posted", "evening → slack C0456"}},
		{"/digest status morning", 0, []string{"morning → slack C0123"}},
		{"/digest preview evening", 0, []string{"Daily briefing"}},
		{"/digest now morning", 2, []string{"could not be posted", "briefbot serve"}},
		{"/digest now", 2, []string{"could not be posted"}},
		{"/position sovereignty", 0, []string{"Prioritizes independence"}},
	}
	for _, tc := range tests {
		stdout, stderr, code := invoke(t, "", nil, "ask", "--config", config, tc.line)
		if code != tc.code {
			t.Errorf("ask %q = exit %d; want %d\n%s%s", tc.line, code, tc.code, stdout, stderr)
		}
		for _, want := range tc.stdout {
			if !strings.Contains(stdout, want) {
				t.Errorf("ask %q does not say %q:\n%s%s", tc.line, want, stdout, stderr)
			}
		}
	}
	if got := len(api.ByChannel()); got != 0 {
		t.Errorf("ask posted to %d channels; want none", got)
	}
	if after := fileSum(t, ledgerPath); after != before {
		t.Errorf("ask changed the ledger file")
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}
