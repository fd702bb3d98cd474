package discord_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

// buttonsOf lists the buttons of a response as custom_id, label and whether disabled.
func buttonsOf(r response) []pressable {
	var out []pressable
	for _, row := range r.Data.Components {
		for _, c := range row.Components {
			out = append(out, pressable{c.CustomID, c.Label, c.Disabled})
		}
	}
	return out
}

type pressable struct {
	id, label string
	disabled  bool
}

func footerOf(r response) string {
	last := r.Data.Embeds[len(r.Data.Embeds)-1]
	if last.Footer == nil {
		return ""
	}
	return last.Footer.Text
}

// TestPages: /search of many hits answers with its first page and buttons to the others;
// pressing one turns the page in place (type 7), over the endpoint and the gateway alike; the
// ends are disabled.
func TestPages(t *testing.T) {
	core := markdownCore(t, bottest.TunnelLog(20))
	h := httpBot(t, core).Handler()
	sch := loadSchemas(t)

	r, raw := answer(t, h, command("search", "words", "tunnels"))
	checkLimits(t, r)
	checkMessage(t, r, "Search: tunnels", false)
	if got := footerOf(r); !strings.HasPrefix(got, "Page 1 of 3 · Source: Test desk") {
		t.Errorf("footer %q; want the page, then the source", got)
	}
	want := []pressable{{"end ← Previous", "← Previous", true}, {"page /search words:tunnels page:2", "Next →", false}}
	if got := buttonsOf(r); !equalButtons(got, want) {
		t.Errorf("buttons %+v; want %+v", got, want)
	}
	golden(t, "search-page-1", raw)
	t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })

	r, raw = answer(t, h, button("page /search words:tunnels page:2"))
	if r.Type != 7 {
		t.Fatalf("a page button answered with type %d; want 7, the message updated", r.Type)
	}
	checkLimits(t, r)
	if r.Data.Flags != 0 || r.Data.Embeds[0].Title != "Search: tunnels" || !strings.HasPrefix(r.Data.Embeds[0].Description, "- **Findings**: Site 9:") {
		t.Errorf("page 2: flags %d, %q, %.60q", r.Data.Flags, r.Data.Embeds[0].Title, r.Data.Embeds[0].Description)
	}
	want = []pressable{{"page /search words:tunnels page:1", "← Previous", false}, {"page /search words:tunnels page:3", "Next →", false}}
	if got := buttonsOf(r); !equalButtons(got, want) {
		t.Errorf("buttons %+v; want %+v", got, want)
	}
	golden(t, "search-page-2", raw)
	t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })

	r, _ = answer(t, h, button("page /search words:tunnels page:3"))
	want = []pressable{{"page /search words:tunnels page:2", "← Previous", false}, {"end Next →", "Next →", true}}
	if got := buttonsOf(r); r.Type != 7 || !equalButtons(got, want) || !strings.HasPrefix(footerOf(r), "Page 3 of 3") {
		t.Errorf("last page: type %d, buttons %+v, footer %q", r.Type, got, footerOf(r))
	}

	// The gateway turns the page the same way.
	f := discordtest.NewFake(t)
	f.GatewayIn = button("page /search words:tunnels page:2").body()
	b := restBot(t, f, core, discord.Config{Gateway: true})
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	select {
	case got := <-f.Callbacks:
		if g := decode(t, got); g.Type != 7 || !equalButtons(buttonsOf(g), []pressable{{"page /search words:tunnels page:1", "← Previous", false}, {"page /search words:tunnels page:3", "Next →", false}}) {
			t.Errorf("over the gateway: %s", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer to the gateway's page button")
	}
}

// TestPagesForged: a page button whose line names no page there, or no paged command, is
// refused in a private message of its own; the page shown stays.
func TestPagesForged(t *testing.T) {
	h := httpBot(t, markdownCore(t, bottest.TunnelLog(20))).Handler()
	for _, tc := range []struct{ id, title string }{
		{"page /search words:tunnels page:99", "No page 99"},
		{"page /search words:tunnels page:0", "“0” is not a page"},
		{"page /search words:tunnels page:abc", "“abc” is not a page"},
		{"page /digest action:now", "Cannot read that command"},
		{"page /position issue:raids", "Cannot read that command"},
		{"page /nonsense page:2", "Unknown command"},
		{"page ", "Unknown command"},
	} {
		r, _ := answer(t, h, button(tc.id))
		if r.Type != 4 {
			t.Errorf("%q answered with type %d; want 4, a message of its own", tc.id, r.Type)
			continue
		}
		checkMessage(t, r, tc.title, true)
	}
}

// TestShare: a private answer carries Share to channel; pressing it posts the answer for
// everyone, naming the sharer without pinging; a second press of it, by anyone, is told it was
// shared; errors and forged lines stay private.
func TestShare(t *testing.T) {
	core := embeddedCore(t)
	h := httpBot(t, core).Handler()
	sch := loadSchemas(t)

	r, _ := answer(t, h, command("help"))
	if got := buttonsOf(r); len(got) != 1 || got[0].id != "share /help" || got[0].label != "Share to channel" {
		t.Fatalf("/help's buttons %+v; want Share to channel", got)
	}
	press := func(id, message, user string) (response, []byte) {
		in := button(id)
		in.MessageID, in.User, in.Ephemeral = message, user, true
		return answer(t, h, in)
	}
	r, raw := press("share /help", "1361000000000000100", "")
	checkMessage(t, r, "briefbot", false)
	if r.Type != 4 || r.Data.Content != "Shared by <@"+discordtest.UserID+">" {
		t.Errorf("shared: type %d, content %q; want a new message naming the sharer", r.Type, r.Data.Content)
	}
	if got := buttonsOf(r); len(got) != 0 {
		t.Errorf("the shared answer has buttons %+v; want none", got)
	}
	golden(t, "shared-help", raw)
	t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })

	for _, user := range []string{"", "80351110224678912"} {
		r, _ := press("share /help", "1361000000000000100", user)
		checkMessage(t, r, "Already shared", true)
	}
	// Another private answer shares once too.
	r, _ = press("share /help", "1361000000000000101", "")
	checkMessage(t, r, "briefbot", false)

	for _, tc := range []struct{ id, title string }{
		{"share /digest action:now", "This answer cannot be shared"},
		{"share /digest action:status", "This answer cannot be shared"},
		{"share /position issue:banana", "No issue matches “banana”"},
		{"share /nonsense", "This answer cannot be shared"},
	} {
		r, _ := press(tc.id, "1361000000000000200", "")
		checkMessage(t, r, tc.title, true)
	}
}

func equalButtons(got, want []pressable) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestPagesNeverCut: a list far longer than a message comes in pages that each keep within
// every limit whole, nothing shortened, and Next reaches every item.
func TestPagesNeverCut(t *testing.T) {
	var figures strings.Builder
	figures.WriteString("## Key figures\n")
	for i := range 60 {
		fmt.Fprintf(&figures, "- %d units: %s (source: Test desk)\n", i, words(fmt.Sprint("f", i, "w"), 900))
	}
	h := httpBot(t, markdownCore(t, doc{extra: figures.String()}.markdown())).Handler()
	seen, pages := map[string]bool{}, 0
	r, raw := answer(t, h, command("facts"))
	for {
		checkLimits(t, r)
		if strings.Contains(string(raw), "shortened") || strings.Contains(string(raw), "Shortened") {
			t.Fatalf("page %d was cut:\n%s", pages+1, raw)
		}
		for _, e := range r.Data.Embeds {
			for _, line := range strings.Split(e.Description, "\n") {
				if n, _, ok := strings.Cut(strings.TrimPrefix(line, "- **"), " units"); ok {
					seen[n] = true
				}
			}
		}
		pages++
		next := ""
		for _, b := range buttonsOf(r) {
			if b.label == "Next →" && !b.disabled {
				next = b.id
			}
		}
		if next == "" {
			break
		}
		if r, raw = answer(t, h, button(next)); r.Type != 7 {
			t.Fatalf("%q answered with type %d", next, r.Type)
		}
	}
	if len(seen) != 60 || pages < 10 {
		t.Errorf("%d pages showed %d of 60 figures; want every one, over many pages", pages, len(seen))
	}
}

// TestShareOverGateway: a Share button pressed over the gateway posts the answer for everyone.
func TestShareOverGateway(t *testing.T) {
	f := discordtest.NewFake(t)
	in := button("share /help")
	in.Ephemeral = true
	f.GatewayIn = in.body()
	b := restBot(t, f, embeddedCore(t), discord.Config{Gateway: true})
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	select {
	case got := <-f.Callbacks:
		r := decode(t, got)
		checkMessage(t, r, "briefbot", false)
		if r.Type != 4 || r.Data.Content != "Shared by <@"+discordtest.UserID+">" {
			t.Errorf("shared over the gateway: type %d, content %q", r.Type, r.Data.Content)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer to the gateway's Share button")
	}
}
