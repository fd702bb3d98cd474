package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/internal/cron"
)

func TestHelpCommand(t *testing.T) {
	e := bottest.Engine(t, bot.Config{Prefixes: map[string]string{"slack": "bb-"}})
	slack := bot.Caller{Platform: "slack"}
	dm := bot.Caller{Platform: "discord", User: "1", OutsideServer: true}
	tests := []struct {
		line   string
		caller bot.Caller
		status bot.Status
		title  string
		has    []string
	}{
		{"/help position", member, bot.Answered, "/position <issue> [party] [briefing]", []string{
			"Each party's position on an issue, side by side.",
			"issue (required): The issue, e.g. sovereignty. In us-mexico-troops: Military Troop Deployment,",
			"party: Only this party's position. In us-mexico-troops: us (United States), mx (Mexico).",
			": /position military-troop-deployment\n",
			": /position intelligence-sharing party:mx\n",
		}},
		{"/help /pos", member, bot.Answered, "/position <issue> [party] [briefing]", nil},
		{"/help search", member, bot.Answered, "/search <words>", []string{": /search fentanyl\n", ": /search cartels\n"}},
		{"/help search", slack, bot.Answered, "/bb-brief-search <words>", []string{": /bb-brief-search fentanyl\n"}},
		{"/help bb-brief-search", slack, bot.Answered, "/bb-brief-search <words>", nil},
		{"/help briefing", member, bot.Answered, "/briefing [section] [briefing]", []string{"In us-mexico-troops: summary, positions, why-the-us-asked", ": /briefing why-the-us-asked\n"}},
		{"/help digest", member, bot.Answered, "/digest [preview|now|status|pause|resume|skip|unskip] [name] [date]", []string{"(parts for admins).", ": /digest\n"}},
		{"/help changes", member, bot.Answered, "/changes [briefing]", []string{": /changes\n", ": /changes us-mexico-troops\n"}},
		{"/help help", member, bot.Answered, "/help [command]", []string{": /help\n"}},
		{"/help briefbot", slack, bot.Answered, "/bb-briefbot <command>", []string{": /bb-briefbot position military-troop-deployment\n", ": /bb-briefbot search fentanyl\n", ": /bb-briefbot help\n"}},
		{"/help dance", member, bot.NotFound, "No command matches “dance”", []string{"Closest: /"}},
		{"/help serch", slack, bot.Answered, "/bb-brief-search <words>", nil},
		{"/help position sovereignty", member, bot.Invalid, "Too many words", nil},
		{"/briefbot help timeline", member, bot.Answered, "/timeline [briefing]", nil},
		// In a DM Discord offers no /digest (admin commands are registered for servers only), so
		// the overview says where it is and that /briefbot digest previews it here.
		{"/help", dm, bot.Answered, "briefbot", []string{"/position <issue>", "In a server where briefbot is installed: /digest", "/briefbot digest preview"}},
	}
	for _, tc := range tests {
		r := bottest.LineAs(e, tc.line, tc.caller)
		if r.Status != tc.status || !r.Private || r.Title != tc.title {
			t.Errorf("Line(%q) on %s = %v, private %v, %q; want %v, private, %q",
				tc.line, tc.caller.Platform, r.Status, r.Private, r.Title, tc.status, tc.title)
		}
		got := bottest.Text(r)
		if tc.caller.OutsideServer && strings.Contains(got, "/digest [") {
			t.Errorf("Line(%q) outside a server lists /digest as a command; it says:\n%s", tc.line, got)
		}
		for _, want := range tc.has {
			if !strings.Contains(got, want) {
				t.Errorf("Line(%q) on %s does not say %q; it says:\n%s", tc.line, tc.caller.Platform, want, got)
			}
		}
	}
}

// TestHelpExamplesAnswer: every example /help gives, on every platform, is a line the engine
// reads and answers from what is loaded.
func TestHelpExamplesAnswer(t *testing.T) {
	everyone := bot.Access{Everyone: true}
	cfg := bot.Config{Prefixes: map[string]string{"slack": "bb-"}, Digests: fakeDigests{},
		Access: map[string]bot.Access{"discord": everyone, "slack": everyone}}
	for _, e := range []*bot.Engine{bottest.Engine(t, cfg), bottest.ThreeBriefings(t, cfg)} {
		helpExamplesAnswer(t, e)
	}
}

func helpExamplesAnswer(t *testing.T, e *bot.Engine) {
	core := bot.NewCore(e)
	for _, platform := range []string{"shell", "discord", "slack"} {
		caller := bot.Caller{Platform: platform}
		for _, c := range e.Commands() {
			r := bottest.LineAs(e, "/help "+c.Name, caller)
			var examples []string
			for i, b := range r.Blocks {
				if b.Kind == bot.Heading && b.Text == "Examples" {
					for _, ex := range r.Blocks[i+1:] {
						examples = append(examples, ex.Text)
					}
				}
			}
			if len(examples) < 2 || len(examples) > 3 {
				t.Errorf("/help %s on %s gives %d examples %q; want 2 or 3", c.Name, platform, len(examples), examples)
			}
			for _, ex := range examples {
				name, text, _ := strings.Cut(strings.TrimPrefix(ex, "/"), " ")
				req, err := e.ParseOn(platform, name, text)
				if err != nil {
					t.Errorf("/help %s on %s: example %q does not parse: %v", c.Name, platform, ex, err)
					continue
				}
				req.Caller = caller
				if got := core.Handle(context.Background(), req); got.Status != bot.Answered {
					t.Errorf("/help %s on %s: example %q = %v %q; want an answer", c.Name, platform, ex, got.Status, got.Title)
				}
			}
		}
	}
}

// fakeDigests is a scheduler with two digests that posts nothing.
type fakeDigests struct{}

func (fakeDigests) Digests() []bot.Digest {
	daily := func(spec string) cron.Schedule { s, _ := cron.Parse(spec, time.UTC); return s }
	return []bot.Digest{
		{Name: "morning", Briefing: "us-mexico-troops", Platform: "slack", Channels: []string{"C1"}, Schedule: daily("0 9 * * *")},
		{Name: "evening", Briefing: "us-mexico-troops", Platform: "slack", Channels: []string{"C1"}, Schedule: daily("0 18 * * *")},
	}
}

func (fakeDigests) PostNow(context.Context, string, string) (bot.NowResult, error) {
	return bot.NowResult{Posted: []string{"slack:C1"}}, nil
}

func (fakeDigests) Status(context.Context) ([]bot.ChannelStatus, error) { return nil, nil }

func (fakeDigests) Audit(context.Context, int) ([]bot.AuditLine, error) { return nil, nil }

func (fakeDigests) Hold(context.Context, bot.Hold) error { return nil }

func (fakeDigests) Unhold(context.Context, string, string, string) (bool, error) { return false, nil }

func (fakeDigests) Holds(context.Context, string) ([]bot.Hold, error) { return nil, nil }

// TestClosestValues: a value of any kind that names nothing is answered privately with the
// closest valid ones.
func TestClosestValues(t *testing.T) {
	e := bottest.Engine(t, bot.Config{Digests: fakeDigests{}})
	tests := []struct {
		line    string
		title   string
		closest string
	}{
		{"/position sovreignity banana", "No issue matches “sovreignity banana”", "Closest: "},
		{"/position sovereignty party:canada", "No party matches “canada”", "United States"},
		{"/briefing histroy of it", "No section matches “histroy of it”", "History"},
		{"/compare briefing:canada", "No briefing matches “canada”", "Mexico rejects U.S. troops plan"},
		{"/digest sometime", "No action matches “sometime”", "Closest: "},
		{"/digest stauts", "No action matches “stauts”", "Closest: status"},
		{"/digest preview name:mornin", "No digest matches “mornin”", "Closest: morning"},
		{"/digest status name:evenign", "No digest matches “evenign”", "Closest: evening"},
		{"/help stats", "No command matches “stats”", "Closest: /"},
	}
	for _, tc := range tests {
		r := bottest.LineAs(e, tc.line, member)
		if r.Status != bot.NotFound || !r.Private || r.Title != tc.title || len(r.Suggestions) == 0 {
			t.Errorf("Line(%q) = %v, private %v, %q, suggesting %q; want not found, private, %q, with suggestions",
				tc.line, r.Status, r.Private, r.Title, r.Suggestions, tc.title)
		}
		if got := bottest.Text(r); !strings.Contains(got, tc.closest) {
			t.Errorf("Line(%q) does not say %q; it says:\n%s", tc.line, tc.closest, got)
		}
	}
	// A known value in another case is no mistake.
	if r := bottest.LineAs(e, "/digest preview name:Morning", member); r.Status != bot.Answered {
		t.Errorf("/digest preview name:Morning = %v %q; want the morning digest", r.Status, r.Title)
	}
	if r := bottest.LineAs(e, "/digest STATUS", member); r.Status != bot.Answered {
		t.Errorf("/digest STATUS = %v %q; want the status", r.Status, r.Title)
	}
}

func TestCompleteCommand(t *testing.T) {
	e := bottest.Engine(t, bot.Config{Prefixes: map[string]string{"slack": "bb-"}})
	got := e.Complete(bot.Request{Command: command(t, e, "help"), Caller: bot.Caller{Platform: "discord"}}, "command", "pos", 25)
	if len(got) == 0 || got[0] != (bot.Choice{Name: "/position", Value: "position"}) {
		t.Errorf("Complete(help, command, \"pos\") = %v; want /position first", got)
	}
	plain := bottest.Engine(t)
	got = plain.Complete(bot.Request{Command: command(t, plain, "help"), Caller: bot.Caller{Platform: "slack"}}, "command", "sea", 25)
	if len(got) == 0 || got[0] != (bot.Choice{Name: "/brief-search", Value: "search"}) {
		t.Errorf("Complete(help, command, \"sea\") on Slack = %v; want /brief-search first", got)
	}
}
