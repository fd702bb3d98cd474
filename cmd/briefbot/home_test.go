package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"briefbot/bot/slack/slacktest"
)

// TestServerSlackEvents: the served /slack/events answers Slack's challenge, publishes the Home
// tab of whoever opens it, and refuses what is not signed with the signing secret.
func TestServerSlackEvents(t *testing.T) {
	views := slacktest.NewViews(t)
	base, stop := startServe(t, fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
slack: {bot_token: %q, signing_secret: %q, api_url: %q}
`, slacktest.BotToken, slacktest.Secret, views.URL()), nil)
	post := func(body []byte, signed bool) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		slacktest.SetHeaders(req.Header, body, time.Now())
		req.Header.Set("Content-Type", "application/json")
		if !signed {
			req.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(answer)
	}

	code, answer := post(slacktest.URLVerification("challenge-1"), true)
	var challenge struct {
		Challenge string `json:"challenge"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(answer), &challenge) != nil || challenge.Challenge != "challenge-1" {
		t.Errorf("url_verification = %d %s; want 200 and the challenge", code, answer)
	}
	opened := slacktest.EventCallback("Ev-serve", slacktest.AppHomeOpened("U1", "home"))
	if code, _ := post(opened, false); code != http.StatusUnauthorized {
		t.Errorf("app_home_opened with a wrong signature = %d; want 401", code)
	}
	if code, answer := post(opened, true); code != http.StatusOK {
		t.Errorf("app_home_opened = %d %s; want 200", code, answer)
	}
	if user, view := views.Next(t); user != "U1" || !bytes.Contains(view, []byte(`"type":"home"`)) {
		t.Errorf("published %s for %q; want U1's Home tab", view, user)
	}
	if err := stop(); err != nil {
		t.Errorf("serve after stop = %v", err)
	}
	if n := views.Count("U1"); n != 1 {
		t.Errorf("%d views published; want 1", n)
	}
}
