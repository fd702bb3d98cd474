package slack_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"briefbot/bot/bottest"
	"briefbot/bot/slack"
)

// TestChangesFitSlack: what changed, and /help on a command, fit Block Kit's limits whole: the
// engine cuts a long list of changes itself, so the renderer never has to.
func TestChangesFitSlack(t *testing.T) {
	count := func(s string) int { return len(utf16.Encode([]rune(s))) }
	type text struct {
		Text string `json:"text"`
	}
	for _, tc := range bottest.ChangeReplies(t, slack.PageRoom()) {
		t.Run(tc.Name, func(t *testing.T) {
			raw, err := slack.ResponseJSON(tc.Reply)
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Text   string `json:"text"`
				Blocks []struct {
					Type     string            `json:"type"`
					Text     *text             `json:"text"`
					Fields   []text            `json:"fields"`
					Elements []json.RawMessage `json:"elements"`
				} `json:"blocks"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if n := len(m.Blocks); n == 0 || n > 50 {
				t.Errorf("%d blocks; Slack takes 1 to 50", n)
			}
			footer := false
			for i, b := range m.Blocks {
				limit := map[string]int{"header": 150, "section": 3000}[b.Type]
				if b.Text != nil && limit > 0 && count(b.Text.Text) > limit {
					t.Errorf("block %d (%s): %d characters; Slack takes %d", i, b.Type, count(b.Text.Text), limit)
				}
				if len(b.Fields) > 10 {
					t.Errorf("block %d: %d fields; Slack takes 10", i, len(b.Fields))
				}
				for _, f := range b.Fields {
					if count(f.Text) > 2000 {
						t.Errorf("block %d: a field of %d characters; Slack takes 2000", i, count(f.Text))
					}
				}
				if b.Type == "context" {
					for _, el := range b.Elements {
						var t2 text
						if json.Unmarshal(el, &t2) == nil && strings.Contains(t2.Text, " · version ") {
							footer = true
						}
						if count(t2.Text) > 3000 {
							t.Errorf("block %d: context of %d characters; Slack takes 3000", i, count(t2.Text))
						}
					}
				}
			}
			if strings.Contains(string(raw), "(shortened)") {
				t.Errorf("the renderer had to cut the answer:\n%s", raw)
			}
			if !footer && tc.Name != "changes-help-position" {
				t.Errorf("no context block names the version:\n%s", raw)
			}
			if tc.Name != "changes-many" {
				bottest.Golden(t, tc.Name+".golden.json", append(raw, '\n'))
			}
		})
	}
}
