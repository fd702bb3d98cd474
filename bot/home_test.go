package bot_test

import (
	"context"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// TestHome: the home page names every loaded briefing with its version and what moved lately,
// offers buttons that each answer, as typed on the caller's platform, and shows the digests to
// admins alone.
func TestHome(t *testing.T) {
	admins := map[string]bot.Access{"slack": {Users: []string{"UADMIN"}}}
	three := bottest.ThreeBriefings(t, bot.Config{Access: admins, Digests: fakeDigests{}, Prefixes: map[string]string{"slack": "bb-"}})
	edited := bottest.EngineWith(t, bot.Config{Versions: bottest.History(t, bottest.BriefingBefore, bottest.BriefingAfter)}, bottest.BriefingAfter)
	unreadable := bottest.EngineWith(t, bot.Config{Versions: failingVersions{}}, bottest.BriefingAfter)
	member, admin := bot.Caller{Platform: "slack", User: "UMEMBER"}, bot.Caller{Platform: "slack", User: "UADMIN"}
	tests := []struct {
		name    string
		engine  *bot.Engine
		caller  bot.Caller
		want    []string
		notWant []string
	}{
		{"three briefings, a member", three, member,
			[]string{"Bridge tolls dispute", "River water sharing", "the default", "No earlier version is known.", "/bb-brief-search", "/bb-help lists them all"},
			[]string{"Digests", "/bb-digest status"}},
		{"three briefings, an admin", three, admin, []string{"Digests", "/bb-digest status"}, nil},
		{"an admin outside every server", three, bot.Caller{Platform: "slack", User: "UADMIN", OutsideServer: true}, nil, []string{"Digests"}},
		{"an edited briefing", edited, member, []string{"Since version", "1 position changed, 1 issue added"}, nil},
		{"versions that cannot be read", unreadable, member, []string{"Earlier versions cannot be read now."}, nil},
		{"no digest configured", edited, bot.Caller{Platform: "shell"}, []string{"No digest is configured."}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.engine.Home(context.Background(), tc.caller)
			text := bottest.Text(r)
			for _, a := range r.Actions {
				text += "\n" + a.Label
				if _, err := tc.engine.Parse(a.Command); err != nil {
					t.Errorf("button %q runs %q, which does not read: %v", a.Label, a.Command, err)
				}
				if tc.engine == unreadable {
					continue // /changes cannot answer from a store that cannot be read
				}
				if got := bottest.LineAs(tc.engine, a.Command, tc.caller); got.Status != bot.Answered {
					t.Errorf("button %q runs %q = %v %q; want an answer", a.Label, a.Command, got.Status, got.Title)
				}
			}
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("Home(%+v) lacks %q:\n%s", tc.caller, want, text)
				}
			}
			for _, bad := range tc.notWant {
				if strings.Contains(text, bad) {
					t.Errorf("Home(%+v) shows %q:\n%s", tc.caller, bad, text)
				}
			}
			if !r.Private || r.Status != bot.Answered {
				t.Errorf("Home is %v, private %v; want a private answer", r.Status, r.Private)
			}
		})
	}
}
