package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

func TestHandlerVerifiesBeforeReading(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	ping := interaction{discordtest.Interaction{Kind: 1}}.body()
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))

	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"ping", func() *http.Request { return signed(ping) }, http.StatusOK},
		{"tampered body", func() *http.Request {
			r := signed(ping)
			r.Body = readCloser(bytes.Replace(ping, []byte(`"type":1`), []byte(`"type":2`), 1))
			return r
		}, http.StatusUnauthorized},
		{"wrong key", func() *http.Request {
			r := signed(ping)
			r.Header.Set("X-Signature-Ed25519", sign(other, timestamp, ping))
			return r
		}, http.StatusUnauthorized},
		{"no signature", func() *http.Request {
			r := signed(ping)
			r.Header.Del("X-Signature-Ed25519")
			return r
		}, http.StatusUnauthorized},
		{"no timestamp", func() *http.Request {
			r := signed(ping)
			r.Header.Del("X-Signature-Timestamp")
			return r
		}, http.StatusUnauthorized},
		{"signature not hex", func() *http.Request {
			r := signed(ping)
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
			return r
		}, http.StatusUnauthorized},
		{"signature too short", func() *http.Request {
			r := signed(ping)
			r.Header.Set("X-Signature-Ed25519", r.Header.Get("X-Signature-Ed25519")[:64])
			return r
		}, http.StatusUnauthorized},
		{"timestamp not the one signed", func() *http.Request {
			r := signed(ping)
			r.Header.Set("X-Signature-Ed25519", sign(testKey(), "1500000000", ping))
			return r
		}, http.StatusUnauthorized},
		{"signed without the timestamp", func() *http.Request {
			r := signed(ping)
			r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(testKey(), ping)))
			return r
		}, http.StatusUnauthorized},
		{"body over 64 KiB", func() *http.Request {
			big := append(bytes.TrimSuffix(ping, []byte("}")), []byte(`,"pad":"`+strings.Repeat("x", 65<<10)+`"}`)...)
			return signed(big)
		}, http.StatusRequestEntityTooLarge},
		{"GET", func() *http.Request {
			r := signed(ping)
			r.Method = http.MethodGet
			return r
		}, http.StatusMethodNotAllowed},
		{"JSON that is not an interaction", func() *http.Request { return signed([]byte(`{"hello":"world"}`)) }, http.StatusBadRequest},
		{"not JSON", func() *http.Request { return signed([]byte(`type=1`)) }, http.StatusBadRequest},
		{"a JSON list", func() *http.Request { return signed([]byte(`[{"type":1}]`)) }, http.StatusBadRequest},
		{"unknown interaction type", func() *http.Request { return signed([]byte(`{"type":99,"id":"1","token":"t"}`)) }, http.StatusBadRequest},
		{"command data of the wrong shape", func() *http.Request { return signed([]byte(`{"type":2,"data":[]}`)) }, http.StatusBadRequest},
		{"button without data", func() *http.Request { return signed([]byte(`{"type":3,"id":"1","token":"t"}`)) }, http.StatusBadRequest},
		{"command with null data", func() *http.Request { return signed([]byte(`{"type":2,"id":"3","token":"t","data":null}`)) }, http.StatusBadRequest},
		{"autocomplete with null data", func() *http.Request { return signed([]byte(`{"type":4,"data":null}`)) }, http.StatusBadRequest},
		// Which of two ids would be remembered as answered is a decoder's whim: refused.
		{"a key twice", func() *http.Request {
			return signed([]byte(`{"type":2,"id":"5","id":"6","token":"t","data":{"name":"help"}}`))
		}, http.StatusBadRequest},
		{"permissions not a string", func() *http.Request {
			return signed([]byte(`{"type":2,"member":{"permissions":8},"data":{"name":"help"}}`))
		}, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(h, tc.req())
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.want, w.Body)
			}
			if tc.want == http.StatusMethodNotAllowed && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", w.Header().Get("Allow"))
			}
			if tc.want == http.StatusOK && strings.TrimSpace(w.Body.String()) != `{"type":1}` {
				t.Errorf("PING answered %s, want {\"type\":1}", w.Body)
			}
		})
	}
}

func readCloser(b []byte) *readerCloser { return &readerCloser{bytes.NewReader(b)} }

type readerCloser struct{ *bytes.Reader }

func (readerCloser) Close() error { return nil }

func TestHandlerOffWithoutKey(t *testing.T) {
	b, err := discord.New(discord.Config{}, embeddedCore(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := serve(b.Handler(), signed(interaction{discordtest.Interaction{Kind: 1}}.body())); w.Code != http.StatusNotFound {
		t.Errorf("status %d without a public key, want 404", w.Code)
	}
}

// TestAnswers answers every command, autocomplete and button through the handler, and checks
// each answer against its golden file, Discord's limits and Discord's schema.
func TestAnswers(t *testing.T) {
	e := embeddedCore(t)
	h := httpBot(t, e).Handler()
	sch := loadSchemas(t)
	admin := command("digest", "action", "now")
	admin.Perms = "32"

	tests := []struct {
		name    string
		in      interaction
		kind    int    // the response type
		title   string // the first embed's title, for a message
		private bool
	}{
		{"ping", interaction{discordtest.Interaction{Kind: 1}}, 1, "", false},
		{"position", command("position", "issue", "sovereignty"), 4, "Sovereignty", false},
		{"position-party", command("position", "issue", "troops", "party", "mx"), 4, "Military Troop Deployment", false},
		{"position-typo", command("position", "issue", "sovreignty"), 4, "Sovereignty", false},
		{"position-unknown-issue", command("position", "issue", "weather"), 4, "No issue matches “weather”", true},
		{"position-unknown-briefing", command("position", "issue", "sovereignty", "briefing", "brexit"), 4, "No briefing matches “brexit”", true},
		{"position-missing-issue", command("position"), 4, "Missing issue", true},
		{"compare", command("compare"), 4, "Positions", false},
		{"briefing", command("briefing"), 4, "Mexico rejects U.S. troops plan", false},
		{"briefing-history", command("briefing", "section", "history"), 4, "History", false},
		{"briefing-quote", command("briefing", "section", "why mexico said no"), 4, "Why Mexico said no", false},
		{"briefing-next", command("briefing", "section", "what comes next"), 4, "What comes next", false},
		{"facts", command("facts"), 4, "Key figures", false},
		{"timeline", command("timeline"), 4, "Timeline", false},
		{"search", command("search", "words", "fentanyl"), 4, "Search: fentanyl", false},
		{"search-nothing", command("search", "words", "zebra"), 4, "Nothing matches “zebra”", true},
		// /digest may post to channels: it is deferred, and answered in an edit (TestAdmin).
		{"digest-preview", command("digest", "action", "preview"), 5, "", true},
		{"digest-now-admin", admin, 5, "", true},
		{"changes", command("changes"), 4, "No earlier version is known", true},
		{"umbrella", command("briefbot", "command", "position sovereignty"), 4, "Sovereignty", false},
		{"umbrella-search", command("briefbot", "command", "search fentanyl"), 4, "Search: fentanyl", false},
		{"umbrella-unknown", command("briefbot", "command", "dance"), 4, "Unknown command", true},
		{"help", command("help"), 4, "briefbot", true},
		{"unknown-command", command("cardsearch", "cardname", "The Gitrog Monster"), 4, "Unknown command", true},
		{"autocomplete-issue", autocomplete("position", "issue", "issue", "sov"), 8, "", false},
		{"autocomplete-issue-empty", autocomplete("position", "issue", "issue", ""), 8, "", false},
		{"autocomplete-issue-with-briefing", autocomplete("position", "issue", "issue", "bor", "briefing", "us-mexico-troops"), 8, "", false},
		{"autocomplete-section", autocomplete("briefing", "section", "section", "hist"), 8, "", false},
		{"autocomplete-briefing", autocomplete("compare", "briefing", "briefing", "mex"), 8, "", false},
		{"autocomplete-nothing", autocomplete("position", "issue", "issue", "zzzzzz"), 8, "", false},
		{"autocomplete-unknown-command", autocomplete("cardsearch", "cardname", "cardname", "Gi"), 8, "", false},
		{"button-compare", button("/compare briefing:us-mexico-troops"), 4, "Positions", false},
		{"button-unknown", button("/cardsearch gitrog"), 4, "Unknown command", true},
		{"modal", interaction{discordtest.Interaction{Kind: 5}}, 4, "Not supported", true},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.in.Command] = true
		t.Run(tc.name, func(t *testing.T) {
			r, raw := answer(t, h, tc.in)
			if r.Type != tc.kind {
				t.Fatalf("response type %d, want %d", r.Type, tc.kind)
			}
			checkLimits(t, r)
			if tc.kind == 4 {
				checkMessage(t, r, tc.title, tc.private)
			}
			golden(t, tc.name, raw)
			t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })
		})
	}
	for _, c := range e.Engine().Commands() {
		if !covered[c.Name] {
			t.Errorf("no answer tested for /%s", c.Name)
		}
	}
}

func checkMessage(t *testing.T, r response, title string, private bool) {
	t.Helper()
	d := r.Data
	if d == nil || len(d.Embeds) == 0 {
		t.Fatal("a message with no embeds")
	}
	if d.Embeds[0].Title != title {
		t.Errorf("title %q, want %q", d.Embeds[0].Title, title)
	}
	if got := d.Flags&64 != 0; got != private {
		t.Errorf("ephemeral = %v, want %v", got, private)
	}
	if d.AllowedMentions == nil || d.AllowedMentions.Parse == nil || len(d.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions = %+v, want {parse: []}", d.AllowedMentions)
	}
}

func TestAnswerShapes(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()

	t.Run("position is two inline fields, with the source and a button", func(t *testing.T) {
		r, _ := answer(t, h, command("position", "issue", "sovereignty"))
		e := r.Data.Embeds[0]
		if len(e.Fields) != 2 || !e.Fields[0].Inline || e.Fields[0].Name != "United States" || e.Fields[1].Name != "Mexico" {
			t.Errorf("fields = %+v, want United States and Mexico, inline", e.Fields)
		}
		if e.Fields[1].Value != "Prioritizes independence and historical context" {
			t.Errorf("Mexico's position = %q", e.Fields[1].Value)
		}
		if e.Author == nil || e.Author.Name != "Mexico rejects U.S. troops plan" {
			t.Errorf("author = %+v, want the briefing's title", e.Author)
		}
		if e.Footer == nil || !strings.HasPrefix(e.Footer.Text, "Source: USnewsSphere.com / apn, April 2025 · version ") {
			t.Errorf("footer = %+v, want the source line and the briefing's version", e.Footer)
		}
		b := r.Data.Components[0].Components[0]
		if b.Type != 2 || b.Style != 2 || b.CustomID != "/compare briefing:us-mexico-troops" || b.Label != "Full comparison" {
			t.Errorf("button = %+v", b)
		}
	})
	t.Run("compare is a field per issue, a line per party", func(t *testing.T) {
		r, _ := answer(t, h, command("compare"))
		fs := r.Data.Embeds[0].Fields
		if len(fs) != 5 || fs[4].Name != "Sovereignty" || fs[4].Inline {
			t.Fatalf("fields = %+v, want 5 issues, not inline", fs)
		}
		want := "**United States**: Views security cooperation as joint necessity\n**Mexico**: Prioritizes independence and historical context"
		if fs[4].Value != want {
			t.Errorf("Sovereignty = %q, want %q", fs[4].Value, want)
		}
	})
	t.Run("a button answers as a new message", func(t *testing.T) {
		pressed, _ := answer(t, h, button("/compare briefing:us-mexico-troops"))
		typed, _ := answer(t, h, command("compare", "briefing", "us-mexico-troops"))
		a, _ := json.Marshal(pressed)
		b, _ := json.Marshal(typed)
		if pressed.Type != 4 || !bytes.Equal(a, b) {
			t.Errorf("button answered %s, typing it answers %s", a, b)
		}
	})
	t.Run("quote and items", func(t *testing.T) {
		r, _ := answer(t, h, command("briefing", "section", "why mexico said no"))
		if d := r.Data.Embeds[0].Description; !strings.HasPrefix(d, "> Sovereignty is not for sale. Sovereignty is loved and defended.\n> — Claudia Sheinbaum") {
			t.Errorf("description = %q, want the quote first", d)
		}
		r, _ = answer(t, h, command("timeline"))
		if d := r.Data.Embeds[0].Description; !strings.HasPrefix(d, "- **1846–1848**: Mexican-American War;") {
			t.Errorf("description = %q, want labelled items", d)
		}
	})
	t.Run("autocomplete ranks the engine's suggestions", func(t *testing.T) {
		r, _ := answer(t, h, autocomplete("position", "issue", "issue", "sov"))
		if len(r.Data.Choices) == 0 || r.Data.Choices[0].Value != "sovereignty" || r.Data.Choices[0].Name != "Sovereignty" {
			t.Errorf("choices = %+v, want Sovereignty first", r.Data.Choices)
		}
		r, _ = answer(t, h, autocomplete("position", "issue", "issue", ""))
		if len(r.Data.Choices) != 5 {
			t.Errorf("%d choices for nothing typed, want the 5 issues", len(r.Data.Choices))
		}
	})
}

// TestMentions: nothing a user types can ping anyone, whatever the engine echoes.
func TestMentions(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	for _, in := range []interaction{
		command("search", "words", "@everyone"),
		command("search", "words", "fentanyl @here"),
		command("position", "issue", "<@&123>"),
		command("position", "issue", "<@53908232506183680>"),
		command("briefing", "section", "<!channel>"),
		button("/search @everyone"),
	} {
		r, raw := answer(t, h, in)
		if r.Type != 4 || r.Data.AllowedMentions == nil || r.Data.AllowedMentions.Parse == nil || len(r.Data.AllowedMentions.Parse) != 0 {
			t.Errorf("%s: allowed_mentions = %+v, want parse []", in.body(), r.Data.AllowedMentions)
		}
		if !bytes.Contains(raw, []byte(`"allowed_mentions":{"parse":[]`)) {
			t.Errorf("%s: answer %s has no empty parse list", in.body(), raw)
		}
		if r.Data.Content != "" {
			t.Errorf("content %q: mentions belong nowhere but embeds", r.Data.Content)
		}
	}
}

// TestAdmin: /digest now is for members who may manage the server or hold an admin role, decided
// by the engine for every request. It is slow, so the answer comes as the edit of a deferred one.
func TestAdmin(t *testing.T) {
	now := func(perms string, roles []string, dm bool) interaction {
		in := command("digest", "action", "now")
		in.Perms, in.Roles, in.DM = perms, roles, dm
		return in
	}
	const allowed, refused = "No digest is configured", "Only admins can post the digest"
	const outside = "Admin commands work in a server where briefbot is installed, not in DMs"
	// A manager of a server that has not installed briefbot, where the member installed it for
	// themselves: that server's rights grant nothing.
	elsewhere := now("32", nil, false)
	elsewhere.UserInstall = true
	tests := []struct {
		name  string
		roles []string // the config's admin roles
		in    interaction
		want  string
	}{
		{"member", nil, now("0", nil, false), refused},
		{"manage server", nil, now("32", nil, false), allowed},
		{"administrator", nil, now("8", nil, false), allowed},
		{"every permission", nil, now("2147483647", nil, false), allowed},
		{"other permissions", nil, now("2048", nil, false), refused},
		{"DM", nil, now("", nil, true), outside},
		{"server that did not install briefbot", nil, elsewhere, outside},
		{"admin role", []string{adminRole}, now("0", []string{"1", adminRole}, false), allowed},
		{"manage server without the admin role", []string{adminRole}, now("40", []string{"1"}, false), allowed},
		{"another role", []string{adminRole}, now("0", []string{"1"}, false), refused},
		{"DM with admin roles set", []string{adminRole}, now("", nil, true), outside},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := discordtest.NewFake(t)
			b := restBot(t, f, adminCore(t, tc.roles...), discord.Config{PublicKey: discordtest.PublicKey()})
			r, _ := answer(t, b.Handler(), tc.in)
			if r.Type != 5 || r.Data.Flags != 64 {
				t.Fatalf("/digest now answered type %d, flags %d; want a private deferred answer (5, 64)", r.Type, r.Data.Flags)
			}
			var edit struct {
				Embeds []struct {
					Title string `json:"title"`
				} `json:"embeds"`
				AllowedMentions *struct{} `json:"allowed_mentions"`
			}
			if err := json.Unmarshal(<-f.Callbacks, &edit); err != nil || len(edit.Embeds) == 0 {
				t.Fatalf("the deferred answer's edit is unreadable: %v", err)
			}
			if got := edit.Embeds[0].Title; got != tc.want {
				t.Errorf("/digest now = %q, want %q", got, tc.want)
			}
			if edit.AllowedMentions == nil {
				t.Error("the edit does not set allowed_mentions")
			}
		})
	}
}

// TestOddInteractions: what Discord may send, or a signer may send that Discord would not,
// gets a clean answer and never a panic.
func TestOddInteractions(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	sch := loadSchemas(t)
	tests := []struct {
		name string
		body string
		kind int
	}{
		{"command with empty data", `{"type":2,"id":"2","token":"t","data":{}}`, 4},
		{"null options", `{"type":2,"data":{"name":"position","options":[null,{"name":"issue","type":3,"value":"sovereignty"}]}}`, 4},
		{"option of another type", `{"type":2,"data":{"name":"position","options":[{"name":"issue","type":4,"value":42}]}}`, 4},
		{"option with an object value", `{"type":2,"data":{"name":"position","options":[{"name":"issue","type":3,"value":{"a":1}}]}}`, 4},
		{"subcommand", `{"type":2,"data":{"name":"position","options":[{"name":"x","type":1,"options":[{"name":"issue","type":3,"value":"sovereignty"}]}]}}`, 4},
		{"button with empty custom_id", `{"type":3,"data":{"custom_id":"","component_type":2}}`, 4},
		{"button with a very long custom_id", `{"type":3,"data":{"custom_id":"/search ` + strings.Repeat("a ", 3000) + `","component_type":2}}`, 4},
		{"autocomplete without a focused option", `{"type":4,"data":{"name":"position","options":[{"name":"issue","type":3,"value":"sov"}]}}`, 8},
		{"autocomplete on a text option", `{"type":4,"data":{"name":"search","options":[{"name":"words","type":3,"value":"fent","focused":true}]}}`, 8},
		{"autocomplete on an unknown option", `{"type":4,"data":{"name":"position","options":[{"name":"colour","type":3,"value":"re","focused":true}]}}`, 8},
		{"modal submit", `{"type":5,"data":{"custom_id":"x","components":[]}}`, 4},
		{"ping with member", `{"type":1,"member":{"permissions":"8","roles":["1"]}}`, 1},
		{"member with null roles", `{"type":2,"member":{"permissions":"0","roles":null},"data":{"name":"help"}}`, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(h, signed([]byte(tc.body)))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", w.Code, w.Body)
			}
			r := decode(t, w.Body.Bytes())
			if r.Type != tc.kind {
				t.Fatalf("response type %d, want %d: %s", r.Type, tc.kind, w.Body)
			}
			checkLimits(t, r)
			if tc.kind == 4 && (r.Data.AllowedMentions == nil || r.Data.AllowedMentions.Parse == nil) {
				t.Errorf("no allowed_mentions in %s", w.Body)
			}
			t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, w.Body.Bytes()) })
		})
	}
}

// TestDocumentedExample answers Discord's own example interaction (testdata/ORIGIN.md). Its
// command is not ours: the answer is a private "unknown command", not an error.
func TestDocumentedExample(t *testing.T) {
	raw, err := os.ReadFile("testdata/discord-slash-command-example.json")
	if err != nil {
		t.Fatal(err)
	}
	var in discordgo.Interaction
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatalf("decode the documented example: %v", err)
	}
	data, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if in.Type != discordgo.InteractionApplicationCommand || !ok || data.Name != "cardsearch" ||
		len(data.Options) != 1 || data.Options[0].StringValue() != "The Gitrog Monster" || in.Member == nil {
		t.Fatalf("decoded %+v, want /cardsearch cardname:The Gitrog Monster from a member", in)
	}

	w := serve(httpBot(t, embeddedCore(t)).Handler(), signed(raw))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", w.Code, w.Body)
	}
	r := decode(t, w.Body.Bytes())
	if r.Type != 4 {
		t.Fatalf("response type %d, want 4", r.Type)
	}
	checkMessage(t, r, "Unknown command", true)
	if d := r.Data.Embeds[0].Description; !strings.Contains(d, "/position") {
		t.Errorf("description %q does not list our commands", d)
	}
	t.Run("schema", func(t *testing.T) { loadSchemas(t).validate(t, callbackSchema, w.Body.Bytes()) })
}

func TestResponseJSON(t *testing.T) {
	e := embeddedCore(t)
	out, err := discord.ResponseJSON(e.Line(t.Context(), "/position sovereignty", bot.Caller{Platform: "discord"}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("{\n  \"type\": 4,")) {
		t.Errorf("ResponseJSON is not indented JSON of type 4:\n%s", out)
	}
	// The same bytes as the handler's answer, but indented.
	_, raw := answer(t, httpBot(t, e).Handler(), command("position", "issue", "sovereignty"))
	var a, b bytes.Buffer
	json.Compact(&a, out)
	json.Compact(&b, raw)
	if a.String() != b.String() {
		t.Errorf("ResponseJSON = %s\nhandler   = %s", a.Bytes(), b.Bytes())
	}
	t.Run("schema", func(t *testing.T) { loadSchemas(t).validate(t, callbackSchema, out) })
}

func TestNewRefuses(t *testing.T) {
	e := embeddedCore(t)
	tests := []struct {
		name string
		cfg  discord.Config
	}{
		{"key not hex", discord.Config{PublicKey: "not-hex"}},
		{"key too short", discord.Config{PublicKey: "abcd"}},
		{"gateway without token", discord.Config{Gateway: true}},
		{"token without application id", discord.Config{Token: "tok.SECRET"}},
		{"application id not numeric", discord.Config{Token: "tok.SECRET", ApplicationID: "my-app"}},
		{"guild id not numeric", discord.Config{Token: "tok.SECRET", ApplicationID: appID, GuildIDs: []string{"../../x"}}},
		{"api url not a URL", discord.Config{APIURL: "discord.com"}},
		{"api url of another scheme", discord.Config{APIURL: "ftp://discord.com/api"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := discord.New(tc.cfg, e, nil); err == nil {
				t.Errorf("New(%+v) = nil error", tc.cfg)
			} else if tc.cfg.Token != "" && strings.Contains(err.Error(), tc.cfg.Token) {
				t.Errorf("error %q quotes the token", err)
			}
		})
	}
	if _, err := discord.New(discord.Config{}, nil, nil); err == nil {
		t.Error("New without an engine = nil error")
	}
}

// A server for the handler through real HTTP, as cmd/briefbot mounts it.
func TestHandlerOverHTTP(t *testing.T) {
	srv := httptest.NewServer(httpBot(t, embeddedCore(t)).Handler())
	defer srv.Close()
	body := command("position", "issue", "sovereignty").body()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("X-Signature-Ed25519", sign(testKey(), timestamp, body))
	req.Header.Set("X-Signature-Timestamp", timestamp)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
