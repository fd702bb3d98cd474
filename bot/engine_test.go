package bot_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

func newEngine(t testing.TB) *bot.Engine {
	return bottest.Engine(t, bot.Config{Now: func() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) }})
}

// member is a caller with no admin rights; the shell's operator has them all.
var member = bot.Caller{Platform: "discord", User: "1"}

func text(r bot.Reply) string { return bottest.Text(r) }

func TestHandle(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		line    string
		status  bot.Status
		private bool
		title   string
		has     []string
	}{
		{"/position sovereignty", bot.Answered, false, "Sovereignty",
			[]string{"United States: Views security cooperation as joint necessity", "Mexico: Prioritizes independence and historical context", "Source: USnewsSphere.com / apn"}},
		{"/position troops mexico", bot.Answered, false, "Military Troop Deployment",
			[]string{"Mexico: Strongly opposes any foreign military presence"}},
		{"/position issue:border surv party:us", bot.Answered, false, "Border Surveillance",
			[]string{"United States: Expanding high-tech border systems"}},
		{"/position sovreignty", bot.Answered, false, "Sovereignty", nil},
		{"/position banana", bot.NotFound, true, "No issue matches “banana”", []string{"Closest:"}},
		{"/position sovereignty canada", bot.NotFound, true, "No issue matches “sovereignty canada”", nil},
		{"/position sovereignty party:canada", bot.NotFound, true, "No party matches “canada”", []string{"United States", "Mexico"}},
		{"/position sovereignty briefing:nothing-here", bot.NotFound, true, "No briefing matches “nothing-here”", nil},
		{"/position", bot.Invalid, true, "Missing issue", []string{"/position <issue> [party] [briefing]"}},
		{"/compare", bot.Answered, false, "Positions", []string{"Issue | United States | Mexico", "Counter-Narcotics Operations | Favors joint raids on cartel infrastructure | Prefers independent actions with coordination"}},
		{"/briefing", bot.Answered, false, "Mexico rejects U.S. troops plan", []string{"April 2025", "Sections: positions"}},
		{"/briefing history", bot.Answered, false, "History", []string{"1846–1848"}},
		{"/briefing why mexico", bot.Answered, false, "Why Mexico said no", []string{"Sovereignty is not for sale. Sovereignty is loved and defended."}},
		{"/briefing timeline", bot.Answered, false, "Timeline", nil},
		{"/briefing nonsense", bot.NotFound, true, "No section matches “nonsense”", nil},
		{"/facts", bot.Answered, false, "Key figures", []string{"Over 70%", "Source: U.S. Drug Enforcement Administration (DEA)."}},
		{"/timeline", bot.Answered, false, "Timeline", []string{"1846–1848", "Early 1900s", "April 2025"}},
		{"/search drones", bot.Answered, false, "Search: drones", []string{"Stakes: "}},
		{"/search Rio Grande", bot.Answered, false, "Search: Rio Grande", []string{"What comes next"}},
		{"/search zebra", bot.NotFound, true, "Nothing matches “zebra”", nil},
		{"/search", bot.Invalid, true, "Missing words", nil},
		{"/digest", bot.Answered, true, "Daily briefing, Tuesday 24 November 2026", nil},
		{"/digest status", bot.Answered, true, "No digest is configured", nil},
		{"/digest sometime", bot.NotFound, true, "No action matches “sometime”", []string{"Closest: "}},
		{"/help", bot.Answered, true, "briefbot", []string{"/position <issue> [party] [briefing]", "us-mexico-troops"}},
		{"/POSITION Sovereignty", bot.Answered, false, "Sovereignty", nil},
		{"/dance", bot.Invalid, true, "Unknown command", []string{"/position"}},
		{"/pos sovereignty", bot.Answered, false, "Sovereignty", nil},
		{"/postion sovereignty", bot.Answered, false, "Sovereignty", nil},
		{"/time", bot.Answered, false, "Timeline", nil},
		{"/digest now later than usual", bot.Invalid, true, "Too many words", nil},
		{"/position " + strings.Repeat("x", 5000), bot.NotFound, true, "No issue matches “" + strings.Repeat("x", 59) + "…”", nil},
		{"/search " + strings.Repeat("zebra ", 30), bot.NotFound, true, "Nothing matches “" + strings.Repeat("zebra ", 9) + "zebra…”", nil},
	}
	for _, tc := range tests {
		r := bottest.LineAs(e, tc.line, member)
		if r.Status != tc.status || r.Private != tc.private || r.Title != tc.title {
			t.Errorf("Line(%q) = %v, private %v, %q; want %v, private %v, %q",
				tc.line, r.Status, r.Private, r.Title, tc.status, tc.private, tc.title)
		}
		got := text(r)
		for _, want := range tc.has {
			if !strings.Contains(got, want) {
				t.Errorf("Line(%q) does not say %q; it says:\n%s", tc.line, want, got)
			}
		}
	}
}

func TestDigestNowIsForAdmins(t *testing.T) {
	e := newEngine(t)
	if r := bottest.LineAs(e, "/digest now", member); r.Status != bot.Forbidden || !r.Private {
		t.Errorf("/digest now by a member = %v, private %v; want forbidden, private", r.Status, r.Private)
	}
	if r := bottest.Line(e, "/digest now"); r.Status == bot.Forbidden {
		t.Errorf("/digest now by an admin was refused")
	}
}

// TestDigestOutsideServer: from a DM, or a server that did not install the bot, a digest is
// previewed and nothing else; not even a caller the config names is an admin there.
func TestDigestOutsideServer(t *testing.T) {
	e := bottest.Engine(t, bot.Config{Access: map[string]bot.Access{"discord": {Managers: true, Users: []string{"1"}}}})
	outside := bot.Caller{Platform: "discord", User: "1", Manager: true, OutsideServer: true}
	if e.IsAdmin(outside) {
		t.Errorf("IsAdmin(%+v) = true outside a server", outside)
	}
	for _, line := range []string{"/digest now", "/digest status", "/digest pause", "/briefbot digest now"} {
		r := bottest.LineAs(e, line, outside)
		if r.Status != bot.Forbidden || !r.Private || r.Title != "Admin commands work in a server where briefbot is installed, not in DMs" {
			t.Errorf("%s outside a server = %v %q, private %v; want forbidden, private, the admin commands' place", line, r.Status, r.Title, r.Private)
		}
	}
	for _, line := range []string{"/digest", "/digest preview"} {
		if r := bottest.LineAs(e, line, outside); r.Status == bot.Forbidden || !r.Private {
			t.Errorf("%s outside a server = %v %q, private %v; want the preview, privately", line, r.Status, r.Title, r.Private)
		}
	}
	outside.OutsideServer = false
	if !e.IsAdmin(outside) {
		t.Errorf("IsAdmin(%+v) = false in a server", outside)
	}
}

func TestParse(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		line string
		want map[string]string
	}{
		{"/position sovereignty", map[string]string{"issue": "sovereignty"}},
		{"position troops mexico", map[string]string{"issue": "troops", "party": "mexico"}},
		{"/position border surv", map[string]string{"issue": "border surv"}},
		{"/position troops us us-mexico-troops", map[string]string{"issue": "troops", "party": "us", "briefing": "us-mexico-troops"}},
		{"/position issue:border surv party:mx", map[string]string{"issue": "border surv", "party": "mx"}},
		{"/briefing history", map[string]string{"section": "history"}},
		{"/search @here <@U123>", map[string]string{"words": "@here <@U123>"}},
		{"/digest now", map[string]string{"action": "now"}},
		{"/compare", map[string]string{}},
	}
	for _, tc := range tests {
		req, err := e.Parse(tc.line)
		if err != nil {
			t.Errorf("Parse(%q) = %v", tc.line, err)
			continue
		}
		if len(req.Options) != len(tc.want) {
			t.Errorf("Parse(%q).Options = %v; want %v", tc.line, req.Options, tc.want)
		}
		for k, v := range tc.want {
			if req.Options[k] != v {
				t.Errorf("Parse(%q).Options[%q] = %q; want %q", tc.line, k, req.Options[k], v)
			}
		}
	}
}

// command is e's command of that name, as a request carries it.
func command(t testing.TB, e *bot.Engine, name string) bot.Command {
	t.Helper()
	c, ok := e.Command(name)
	if !ok {
		t.Fatalf("no command %q", name)
	}
	return c
}

func TestComplete(t *testing.T) {
	e := newEngine(t)
	req := bot.Request{Command: command(t, e, "position"), Options: map[string]string{}}
	got := e.Complete(req, "issue", "sov", 25)
	if len(got) == 0 || got[0] != (bot.Choice{Name: "Sovereignty", Value: "sovereignty"}) {
		t.Errorf("Complete(position, issue, \"sov\") = %v", got)
	}
	if got := e.Complete(req, "issue", "", 25); len(got) != 5 {
		t.Errorf("Complete(position, issue, \"\") = %d choices; want all 5 issues", len(got))
	}
	if got := e.Complete(req, "issue", "", 2); len(got) != 2 {
		t.Errorf("Complete with limit 2 = %d choices", len(got))
	}
	secs := e.Complete(bot.Request{Command: command(t, e, "briefing")}, "section", "hist", 25)
	if len(secs) == 0 || secs[0].Value != "history" {
		t.Errorf("Complete(briefing, section, \"hist\") = %v", secs)
	}
	if got := e.Complete(bot.Request{Command: command(t, e, "compare")}, "briefing", "", 25); len(got) != 1 || got[0].Value != "us-mexico-troops" {
		t.Errorf("Complete(compare, briefing, \"\") = %v", got)
	}
	if got := e.Complete(bot.Request{Command: command(t, e, "search")}, "words", "x", 25); got != nil {
		t.Errorf("Complete(search, words) = %v; free text has no completion", got)
	}
}

func TestCommandsAreWellFormed(t *testing.T) {
	e := newEngine(t)
	for _, c := range e.Commands() {
		if c.Name == "" || c.Description == "" || len(c.Description) > 100 {
			t.Errorf("command %q: name and a description of 1 to 100 characters are required", c.Name)
		}
		for _, o := range c.Options {
			if o.Kind == bot.PartyOption && strings.Join(o.Choices, ",") != "us,mx" {
				t.Errorf("/%s %s choices = %v; want the loaded parties", c.Name, o.Name, o.Choices)
			}
		}
	}
}

// TestSeedCarriesOver holds every cell of the source article's table, and every figure, quote,
// date and source it gives, against what the commands answer.
func TestSeedCarriesOver(t *testing.T) {
	e := newEngine(t)
	raw, err := os.ReadFile("../briefings/testdata/seed-000_79d959bf3b0a6c77.txt")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 3 || strings.Contains(line, "---") || strings.Contains(line, "Key Issues") {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows++
		r := bottest.LineAs(e, "/position "+cells[0], member)
		if r.Title != cells[0] || len(r.Fields) != 2 || r.Fields[0].Value != cells[1] || r.Fields[1].Value != cells[2] {
			t.Errorf("/position %s = %q %v; want the article's %q and %q", cells[0], r.Title, r.Fields, cells[1], cells[2])
		}
		if cmp := text(bottest.LineAs(e, "/compare", member)); !strings.Contains(cmp, strings.Join(cells, " | ")) {
			t.Errorf("/compare lacks the row %q", cells)
		}
	}
	if rows != 5 {
		t.Fatalf("read %d rows of the article's table; want 5", rows)
	}

	var all strings.Builder
	for _, line := range []string{"/briefing", "/facts", "/timeline", "/compare"} {
		all.WriteString(text(bottest.LineAs(e, line, member)))
	}
	for _, s := range newEngine(t).DefaultBriefing().Sections {
		all.WriteString(text(bottest.LineAs(e, "/briefing "+s.Slug, member)))
	}
	said := all.String()
	for _, fact := range []string{
		"In April 2025", "Donald Trump", "Claudia Sheinbaum", "phone call", "violent drug cartels",
		"Sovereignty is not for sale. Sovereignty is loved and defended.",
		"over 70% of fentanyl in the U.S. to cartels operating from Mexico", "Drug Enforcement Administration (DEA)",
		"over 70,000 fentanyl-related deaths in 2023", "similar or higher toll in 2025", "Centers for Disease Control and Prevention (CDC)",
		"Department of Homeland Security (DHS)", "leaked in March", "drones, cryptocurrency, and tunnel systems",
		"Texas, Arizona, and California", "record drug seizures",
		"Mexican-American War (1846–1848)", "large portions of Mexican territory were annexed", "early 1900s",
		"several times during periods of internal unrest", "upcoming regional elections",
		"increased border surveillance funding", "intelligence-sharing through digital channels", "joint criminal databases",
		"drone surveillance along the Rio Grande", "bilateral task forces are scheduled to reconvene later this year",
		"joint technology upgrades, digital intelligence pipelines, and economic support programs",
		"non-negotiable line", "strict policy against foreign military presence",
		"USnewsSphere.com / apn",
	} {
		if !strings.Contains(said, fact) {
			t.Errorf("no command says %q", fact)
		}
	}
}

func BenchmarkPosition(b *testing.B) {
	core := bot.NewCore(newEngine(b))
	ctx := context.Background()
	req, err := core.Engine().Parse("/position sovereignty")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := core.Handle(ctx, req); r.Status != bot.Answered {
			b.Fatal(r.Title)
		}
	}
}

func BenchmarkPositionLine(b *testing.B) {
	core := bot.NewCore(newEngine(b))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := core.Line(ctx, "/position sovreignty", member); r.Status != bot.Answered {
			b.Fatal(r.Title)
		}
	}
}

// FuzzHandleLine: whatever a user types, the engine answers with a reply that has a title and
// a known status; nothing panics.
func FuzzHandleLine(f *testing.F) {
	e := newEngine(f)
	for _, seed := range []string{"/position sovereignty", "/position issue:border surv party:mx",
		"/briefing history us-mexico-troops", "/search @here <@U123>", "/digest now", "/p", "position:"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r := bottest.LineAs(e, line, member)
		if r.Title == "" || r.Status > bot.Invalid {
			t.Fatalf("Line(%q) = %+v", line, r)
		}
	})
}

// TestParseReadsEveryKindAtTheEnd: a value that can only be one option's (a digest's name, a
// briefing's id, a party) is read as that option wherever the line ends with it, as Slack and
// shell users type it, without its name.
func TestParseReadsEveryKindAtTheEnd(t *testing.T) {
	e := bottest.Engine(t, bot.Config{Digests: fakeDigests{}})
	tests := []struct {
		platform, line string
		want           map[string]string
	}{
		{"slack", "/digest now morning", map[string]string{"action": "now", "name": "morning"}},
		{"shell", "/digest status morning", map[string]string{"action": "status", "name": "morning"}},
		{"shell", "/digest preview Evening", map[string]string{"action": "preview", "name": "Evening"}},
		{"slack", "/digest morning", map[string]string{"name": "morning"}},
		{"shell", "/briefing us-mexico-troops", map[string]string{"briefing": "us-mexico-troops"}},
		{"shell", "/digest later", map[string]string{"action": "later"}},
		{"shell", "/help digest", map[string]string{"command": "digest"}},
		{"slack", "/help brief-search", map[string]string{"command": "brief-search"}},
		{"shell", "/briefbot digest status evening", map[string]string{"action": "status", "name": "evening"}},
		{"shell", "/briefing history us-mexico-troops", map[string]string{"section": "history", "briefing": "us-mexico-troops"}},
	}
	for _, tc := range tests {
		name, text, _ := strings.Cut(strings.TrimPrefix(tc.line, "/"), " ")
		req, err := e.ParseOn(tc.platform, name, text)
		if err != nil {
			t.Errorf("ParseOn(%s, %q) = %v", tc.platform, tc.line, err)
			continue
		}
		if len(req.Options) != len(tc.want) {
			t.Errorf("ParseOn(%s, %q).Options = %v; want %v", tc.platform, tc.line, req.Options, tc.want)
			continue
		}
		for k, v := range tc.want {
			if req.Options[k] != v {
				t.Errorf("ParseOn(%s, %q).Options[%q] = %q; want %q", tc.platform, tc.line, k, req.Options[k], v)
			}
		}
	}
}
