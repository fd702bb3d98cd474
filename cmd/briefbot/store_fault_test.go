package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefbot/bot/slack/slacktest"
	"briefbot/bot/store"
	"briefbot/bot/store/storetest"
)

// TestServeWithAReadOnlyLedger runs serve on a SQLite ledger that cannot be written: restarted
// onto a read-only file, or with its file turned read-only under it (as root only: nothing else
// stops a handle already open). /readyz says the store is not ready while the fault lasts; once
// the file is writable again, serve turns ready by itself and logs that it reopened the store.
// Without -short, the fault lasts across a minute's slot, which must be posted, once, after it.
func TestServeWithAReadOnlyLedger(t *testing.T) {
	for _, tc := range []struct {
		name      string
		whileOpen bool
	}{
		{"restarted onto a read-only file", false},
		{"file turned read-only while serving", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "ledger.db")
			slack := slacktest.NewWebAPI(t)
			config := fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
slack: {bot_token: %q, signing_secret: "s", api_url: %q}
digests:
  - {name: minutely, platform: slack, schedule: "* * * * *", channel: C0000001}
store: {dsn: %q}
`, slacktest.BotToken, slack.URL(), "sqlite://"+path)

			var writable func()
			if !tc.whileOpen {
				l, err := store.Open(context.Background(), "sqlite://"+path)
				if err != nil {
					t.Fatal(err)
				}
				l.Close()
				writable = storetest.ReadOnly(t, false, path)
			}
			started := time.Now()
			s := serveFile(t, writeFile(t, dir, "briefbot.yaml", config), nil)
			faulted := started
			if tc.whileOpen {
				waitReady(t, s, true, 10*time.Second)
				faulted = time.Now()
				// Commits go to the write-ahead log first: it must refuse them too.
				writable = storetest.ReadOnly(t, true, path, path+"-wal")
			}
			why := waitReady(t, s, false, 10*time.Second)
			notReady := time.Since(faulted)
			if !strings.Contains(why, "readonly") && !strings.Contains(why, "I/O") {
				t.Errorf("/readyz store check = %q; want it to say the ledger is read-only", why)
			}
			// A slot falls due during the fault, unless the test is short: it must be posted
			// once the fault clears.
			var missed time.Time
			if !testing.Short() {
				missed = time.Now().Truncate(time.Minute).Add(time.Minute)
				time.Sleep(time.Until(missed.Add(2 * time.Second)))
				if why := waitReady(t, s, false, time.Second); why == "" {
					t.Fatal("the store turned ready during the fault")
				}
			}

			writable()
			fixed := time.Now()
			waitReady(t, s, true, 10*time.Second)
			ready := time.Since(fixed)
			if !strings.Contains(s.log.String(), `"msg":"store reopened"`) {
				t.Errorf("log once ready again:\n%s\nwant it to say the store was reopened", s.log)
			}
			t.Logf("%s: /readyz 503 %v after the fault (store: %q), 200 %v after the fix",
				tc.name, notReady.Round(time.Millisecond), why, ready.Round(time.Millisecond))
			if missed.IsZero() {
				return
			}
			key := fmt.Sprintf("minutely@%d", missed.Unix())
			for slack.ByChannel()["C0000001"][key] == 0 {
				if time.Since(fixed) > 30*time.Second {
					t.Fatalf("slot %s, due during the fault, not posted %v after the fix:\n%s", key, time.Since(fixed), s.log)
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("%s: the slot due during the fault posted %v after the fix", tc.name, time.Since(fixed).Round(time.Millisecond))
			for key, n := range slack.ByChannel()["C0000001"] {
				if n != 1 {
					t.Errorf("slot %s posted %d times; want once", key, n)
				}
			}
		})
	}
}

// waitReady polls /readyz until its answer is ready (200) or not (503), and returns what its
// store check said.
func waitReady(t *testing.T, s *served, ready bool, within time.Duration) (store string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Checks map[string]string `json:"checks"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("/readyz: %v", err)
		}
		if (resp.StatusCode == http.StatusOK) == ready {
			return body.Checks["store"]
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %v for %v; want ready %v\n%s", resp.StatusCode, body.Checks, within, ready, s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
