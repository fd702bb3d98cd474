package discord_test

import (
	"reflect"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

// The tests in this file sit on the edges of the renderer's and the settings check's rules, where
// a flipped comparison would change what Discord receives or what a config may say.

// responseOf renders r as the interaction response ResponseJSON gives.
func responseOf(t *testing.T, r bot.Reply) response {
	t.Helper()
	raw, err := discord.ResponseJSON(r)
	if err != nil {
		t.Fatalf("ResponseJSON: %v", err)
	}
	return decode(t, raw)
}

// TestOneEmbedReplies: a reply with one part only gets an embed with that part only; only a
// reply with nothing at all gets the zero-width placeholder Discord needs for an embed to be
// sent. Blocks are set apart by one blank line, whatever their kind.
func TestOneEmbedReplies(t *testing.T) {
	tests := []struct {
		name  string
		reply bot.Reply
		want  embed
	}{
		{"nothing", bot.Reply{}, embed{Description: "\u200b"}},
		{"title only", bot.Reply{Title: "Title"}, embed{Title: "Title"}},
		{"body only", bot.Reply{Blocks: []bot.Block{{Text: "Body"}}}, embed{Description: "Body"}},
		{"briefing only", bot.Reply{Briefing: "Briefing"}, embed{Author: &struct {
			Name string `json:"name"`
		}{"Briefing"}}},
		{"footer only", bot.Reply{Footer: "Source"}, embed{Footer: &struct {
			Text string `json:"text"`
		}{"Source"}}},
		{"field only", bot.Reply{Fields: []bot.Field{{Name: "Name", Value: "Value"}}}, embed{Fields: []struct {
			Name   string `json:"name"`
			Value  string `json:"value"`
			Inline bool   `json:"inline"`
		}{{"Name", "Value", false}}}},
		// An item first has no block before it to be set apart from.
		{"item first", bot.Reply{Blocks: []bot.Block{{Kind: bot.Item, Text: "one"}, {Kind: bot.Item, Text: "two"}}},
			embed{Description: "- one\n- two"}},
		{"quote after a paragraph", bot.Reply{Blocks: []bot.Block{{Text: "said:"}, {Kind: bot.Quote, Text: "one\ntwo"}, {Kind: bot.Heading, Text: "Next"}}},
			embed{Description: "said:\n\n> one\n> two\n\n**Next**"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := responseOf(t, tc.reply)
			if len(r.Data.Embeds) != 1 || !reflect.DeepEqual(r.Data.Embeds[0], tc.want) {
				t.Errorf("ResponseJSON(%+v) embeds = %+v; want [%+v]", tc.reply, r.Data.Embeds, tc.want)
			}
		})
	}
}

// TestRaggedTable: a table row with fewer or more cells than columns shows the cells that have a
// column, and no more.
func TestRaggedTable(t *testing.T) {
	table := &bot.Table{Columns: []string{"Issue", "Upstream", "Downstream"}, Rows: [][]string{
		{"Short row", "up"},
		{"Full row", "up", "down"},
		{"Long row", "up", "down", "stray"},
		{},
	}}
	r := responseOf(t, bot.Reply{Table: table})
	var got []string
	for _, f := range r.Data.Embeds[0].Fields {
		got = append(got, f.Name+" = "+f.Value)
	}
	want := []string{
		"Short row = **Upstream**: up",
		"Full row = **Upstream**: up\n**Downstream**: down",
		"Long row = **Upstream**: up\n**Downstream**: down",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields = %q; want %q", got, want)
	}
}

// TestMessageBudgetEdges fills a message to Discord's 6000-character total exactly, and to where
// exactly the least useful cut (40 characters) is left: both are kept; one character more is
// cut, or left out and said so in the footer.
func TestMessageBudgetEdges(t *testing.T) {
	const note = "Shortened to fit Discord."
	// Room for the message's text: 6000, less the note and its separator, always budgeted.
	room := 6000 - units(note+" · ")
	x := func(n int) string { return strings.Repeat("x", n) }
	description := func(r response) int {
		n := 0
		for _, e := range r.Data.Embeds {
			n += units(e.Description)
		}
		return n
	}
	footer := func(r response) string {
		last := r.Data.Embeds[len(r.Data.Embeds)-1]
		if last.Footer == nil {
			return ""
		}
		return last.Footer.Text
	}

	t.Run("body fills the budget", func(t *testing.T) {
		r := responseOf(t, bot.Reply{Blocks: []bot.Block{{Text: x(room)}}})
		if n, f := description(r), footer(r); n != room || f != "" {
			t.Errorf("a body of %d: %d placed, footer %q; want all of it and no footer", room, n, f)
		}
	})
	t.Run("body one past the budget", func(t *testing.T) {
		r := responseOf(t, bot.Reply{Blocks: []bot.Block{{Text: x(room + 1)}}})
		if n := description(r); n > room || !strings.HasSuffix(r.Data.Embeds[len(r.Data.Embeds)-1].Description, "… (shortened)") {
			t.Errorf("a body of %d: %d placed, not marked as shortened", room+1, n)
		}
	})

	// The body and a first field leave left; a second field's name takes one of it, and its value
	// gets the rest.
	fields := func(left int) bot.Reply {
		return bot.Reply{
			Blocks: []bot.Block{{Text: x(room - len("a") - 500 - left)}},
			Fields: []bot.Field{{Name: "a", Value: x(500)}, {Name: "b", Value: x(100)}},
		}
	}
	t.Run("exactly the least cut left", func(t *testing.T) {
		r := responseOf(t, fields(41))
		fs := r.Data.Embeds[len(r.Data.Embeds)-1].Fields
		if len(fs) != 2 || units(fs[1].Value) != 40 || footer(r) != "" {
			t.Errorf("with 40 left for the last field: %d fields, footer %q; want it cut to 40 and no footer", len(fs), footer(r))
		}
	})
	t.Run("one less than the least cut left", func(t *testing.T) {
		r := responseOf(t, fields(40))
		fs := r.Data.Embeds[len(r.Data.Embeds)-1].Fields
		if len(fs) != 1 || footer(r) != note {
			t.Errorf("with 39 left for the last field: %d fields, footer %q; want it left out and %q", len(fs), footer(r), note)
		}
	})
}

// TestMentionLikeTags: "<" is escaped before the tags Discord renders (animated emoji, timestamps)
// and nowhere else.
func TestMentionLikeTags(t *testing.T) {
	tests := []struct{ text, want string }{
		{"<a:wave:1>", `\<a:wave:1>`},
		{"<t:1744000000:F>", `\<t:1744000000:F>`},
		{"<:wave:1>", `\<:wave:1>`},
		{"<ab>", "<ab>"},
		{"<tx>", "<tx>"},
		{"<b:x>", "<b:x>"},
		{"<a", "<a"},
		{"<", "<"},
	}
	for _, tc := range tests {
		r := responseOf(t, bot.Reply{Blocks: []bot.Block{{Text: tc.text}}})
		if got := r.Data.Embeds[0].Description; got != tc.want {
			t.Errorf("body %q rendered %q; want %q", tc.text, got, tc.want)
		}
	}
}

// TestCheck is the settings judgement itself: each problem with its key and list index (-1 when
// the key is not a list), so that config check can point at the line.
func TestCheck(t *testing.T) {
	key := discordtest.PublicKey()
	problem := func(key string, i int, msg string) bot.SettingProblem {
		return bot.SettingProblem{Platform: "discord", Key: key, Index: i, Format: msg}
	}
	const (
		badKey = "must be the application's Ed25519 public key, 64 hex digits"
		badID  = "is not a Discord id (up to 20 digits)"
	)
	tests := []struct {
		name string
		cfg  discord.Config
		want []bot.SettingProblem
	}{
		{"nothing set", discord.Config{}, nil},
		{"endpoint", discord.Config{ApplicationID: appID, PublicKey: key}, nil},
		{"key with spaces around", discord.Config{ApplicationID: appID, PublicKey: " " + key + "\n"}, nil},
		{"key a byte short", discord.Config{ApplicationID: appID, PublicKey: key[:62]}, []bot.SettingProblem{problem("public_key", -1, badKey)}},
		{"key a byte long", discord.Config{ApplicationID: appID, PublicKey: key + "00"}, []bot.SettingProblem{problem("public_key", -1, badKey)}},
		{"key not hex", discord.Config{ApplicationID: appID, PublicKey: "g" + key[1:]}, []bot.SettingProblem{problem("public_key", -1, badKey)}},
		{"gateway without token", discord.Config{ApplicationID: appID, Gateway: true},
			[]bot.SettingProblem{problem("gateway", -1, "the gateway needs discord.token")}},
		{"gateway alone", discord.Config{Gateway: true}, []bot.SettingProblem{
			problem("gateway", -1, "the gateway needs discord.token"),
			problem("application_id", -1, "is needed to register commands and to answer them")}},
		{"token alone", discord.Config{Token: "t"}, []bot.SettingProblem{problem("application_id", -1, "is needed to register commands and to answer them")}},
		{"key alone", discord.Config{PublicKey: key}, []bot.SettingProblem{problem("application_id", -1, "is needed to register commands and to answer them")}},
		{"application id of 20 digits", discord.Config{Token: "t", ApplicationID: strings.Repeat("9", 20)}, nil},
		{"application id of 21 digits", discord.Config{Token: "t", ApplicationID: strings.Repeat("9", 21)}, []bot.SettingProblem{problem("application_id", -1, badID)}},
		{"application id alone, not digits", discord.Config{ApplicationID: "1/0"}, []bot.SettingProblem{problem("application_id", -1, badID)}},
		{"application id with a colon", discord.Config{Token: "t", ApplicationID: "12:"}, []bot.SettingProblem{problem("application_id", -1, badID)}},
		{"guild ids", discord.Config{Token: "t", ApplicationID: appID, GuildIDs: []string{"0", "x", "", "9"}},
			[]bot.SettingProblem{problem("guild_ids", 1, badID), problem("guild_ids", 2, badID)}},
		{"admin role ids", discord.Config{ApplicationID: appID, PublicKey: key, AdminRoleIDs: []string{" 5 ", "role"}},
			[]bot.SettingProblem{problem("admin_role_ids", 1, badID)}},
		{"api url with a slash", discord.Config{APIURL: "https://discord.test/api/v10/"}, nil},
		{"api url over http", discord.Config{APIURL: "http://127.0.0.1:1/api"}, nil},
		{"api url of another scheme", discord.Config{APIURL: "ftp://discord.test/api"}, []bot.SettingProblem{problem("api_url", -1, "must be an http(s) URL")}},
		{"api url without a host", discord.Config{APIURL: "https:///api"}, []bot.SettingProblem{problem("api_url", -1, "must be an http(s) URL")}},
		{"api url with a query", discord.Config{APIURL: "https://discord.test/api?v=9"}, []bot.SettingProblem{problem("api_url", -1, "must not carry a query or fragment")}},
		{"api url with a fragment", discord.Config{APIURL: "https://discord.test/api#v9"}, []bot.SettingProblem{problem("api_url", -1, "must not carry a query or fragment")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := bottest.ProblemLines(discord.Check(tc.cfg)), bottest.ProblemLines(tc.want); !reflect.DeepEqual(got, want) {
				t.Errorf("Check(%+v) = %q; want %q", tc.cfg, got, want)
			}
		})
	}
}
