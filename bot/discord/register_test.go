package discord_test

import (
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

func restBot(tb testing.TB, f *discordtest.Fake, core *bot.Core, cfg discord.Config) *discord.Bot {
	tb.Helper()
	cfg.Token, cfg.ApplicationID, cfg.APIURL = discordtest.Token, appID, f.APIURL()
	if cfg.Now == nil {
		cfg.Now = signedAt
	}
	b, err := discord.New(cfg, core, testLogger(tb))
	if err != nil {
		tb.Fatalf("discord.New: %v", err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

type registered struct {
	Type        int    `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Options     []struct {
		Type         int    `json:"type"`
		Name         string `json:"name"`
		Description  string `json:"description"`
		Required     bool   `json:"required"`
		Autocomplete bool   `json:"autocomplete"`
		Choices      []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"choices"`
	} `json:"options"`
	DefaultMemberPermissions *int64 `json:"default_member_permissions"`
	IntegrationTypes         []int  `json:"integration_types"`
	Contexts                 []int  `json:"contexts"`
	DMPermission             *bool  `json:"dm_permission"`
}

func TestStartRegistersOnlyWhenChanged(t *testing.T) {
	f := discordtest.NewFake(t)
	e := embeddedCore(t)
	sch := loadSchemas(t)

	if err := restBot(t, f, e, discord.Config{}).Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if f.Gets != 1 || f.Puts != 1 || f.PutPaths[0] != "/api/v10/applications/"+appID+"/commands" {
		t.Fatalf("first Start: %d lists, %d overwrites at %v; want 1 and 1, global", f.Gets, f.Puts, f.PutPaths)
	}
	t.Run("schema", func(t *testing.T) { sch.validate(t, bulkSchema, f.PutBodies[0]) })
	golden(t, "register-global", f.PutBodies[0])

	var cmds []registered
	if err := json.Unmarshal(f.PutBodies[0], &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]registered{}
	for _, c := range cmds {
		names = append(names, c.Name)
		byName[c.Name] = c
		if c.Name == bot.FindLabel {
			// A message command: no description, no options, as Discord requires.
			if c.Type != 3 || c.Description != "" || len(c.Options) > 0 {
				t.Errorf("%s: type %d, description %q, %d options; want a message command (3) with neither", c.Name, c.Type, c.Description, len(c.Options))
			}
		} else if c.Type != 1 || c.Description == "" || len([]rune(c.Description)) > 100 {
			t.Errorf("/%s: type %d, description %q", c.Name, c.Type, c.Description)
		}
		if admin := c.DefaultMemberPermissions != nil; admin != (c.Name == "digest") {
			t.Errorf("/%s: default_member_permissions %v", c.Name, c.DefaultMemberPermissions)
		}
		// Installed in a server or by a member for themselves, used anywhere; admin commands
		// only in a server that installed the bot. dm_permission is deprecated for contexts.
		installs, contexts := []int{0, 1}, []int{0, 1, 2}
		if c.Name == "digest" {
			installs, contexts = []int{0}, []int{0}
		}
		if !reflect.DeepEqual(c.IntegrationTypes, installs) || !reflect.DeepEqual(c.Contexts, contexts) {
			t.Errorf("/%s: integration_types %v, contexts %v; want %v and %v", c.Name, c.IntegrationTypes, c.Contexts, installs, contexts)
		}
		if c.DMPermission != nil {
			t.Errorf("/%s: dm_permission %v sent; contexts replace it", c.Name, *c.DMPermission)
		}
	}
	if want := []string{"position", "compare", "briefing", "facts", "timeline", "search", "changes", "digest", "help", "briefbot", bot.FindLabel}; !reflect.DeepEqual(names, want) {
		t.Errorf("registered %v, want %v", names, want)
	}
	if p := byName["digest"].DefaultMemberPermissions; p == nil || *p != 32 {
		t.Errorf("/digest default_member_permissions = %v, want 32 (Manage Server)", p)
	}
	pos := byName["position"].Options
	if len(pos) != 3 || pos[0].Name != "issue" || !pos[0].Required || !pos[0].Autocomplete || pos[0].Type != 3 {
		t.Errorf("/position issue = %+v, want a required string with autocomplete", pos)
	}
	if pos[1].Name != "party" || pos[1].Autocomplete || len(pos[1].Choices) != 2 || pos[1].Choices[0].Name != "us" || pos[1].Choices[1].Value != "mx" {
		t.Errorf("/position party = %+v, want the choices us and mx", pos[1])
	}
	if pos[2].Name != "briefing" || !pos[2].Autocomplete {
		t.Errorf("/position briefing = %+v, want autocomplete", pos[2])
	}
	if w := byName["search"].Options[0]; w.Autocomplete || len(w.Choices) > 0 || !w.Required {
		t.Errorf("/search words = %+v, want plain required text", w)
	}
	if a := byName["digest"].Options[0]; len(a.Choices) != 7 || a.Choices[0].Value != "preview" || a.Choices[6].Value != "unskip" {
		t.Errorf("/digest action = %+v, want the choices preview, now, status, pause, resume, skip, unskip", a)
	}
	if d := byName["digest"].Options[2]; d.Name != "date" || !d.Autocomplete || d.Required {
		t.Errorf("/digest date = %+v, want an optional date with autocomplete", d)
	}

	// Again, with the same bot and with a new one (a restart): Discord has them already.
	if err := restBot(t, f, e, discord.Config{}).Start(t.Context()); err != nil {
		t.Fatalf("second Start: %v", err)
	}
	if f.Gets != 2 || f.Puts != 1 {
		t.Errorf("second Start: %d lists, %d overwrites; want 2 and still 1", f.Gets, f.Puts)
	}

	// New parties change /position's choices: overwrite.
	other := markdownCore(t, doc{parties: []string{"Canada", "Mexico"}}.markdown())
	if err := restBot(t, f, other, discord.Config{}).Start(t.Context()); err != nil {
		t.Fatalf("Start with other parties: %v", err)
	}
	if f.Puts != 2 {
		t.Errorf("%d overwrites after the parties changed, want 2", f.Puts)
	}
}

func TestStartPerGuild(t *testing.T) {
	f := discordtest.NewFake(t)
	sch := loadSchemas(t)
	guilds := []string{guildID, "290926798626358000"}
	b := restBot(t, f, embeddedCore(t), discord.Config{GuildIDs: guilds})
	for range 2 {
		if err := b.Start(t.Context()); err != nil {
			t.Fatalf("Start: %v", err)
		}
	}
	want := []string{"/api/v10/applications/" + appID + "/guilds/" + guilds[0] + "/commands",
		"/api/v10/applications/" + appID + "/guilds/" + guilds[1] + "/commands"}
	if !reflect.DeepEqual(f.PutPaths, want) {
		t.Errorf("overwrites at %v, want once per guild %v", f.PutPaths, want)
	}
	for i, body := range f.PutBodies {
		t.Run("schema "+guilds[i], func(t *testing.T) { sch.validate(t, guildSchema, body) })
		// Discord takes installs and contexts for global commands only: a guild's are its own.
		var cmds []map[string]any
		if err := json.Unmarshal(body, &cmds); err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if _, ok := c["integration_types"]; ok {
				t.Errorf("guild %s: /%s sends integration_types", guilds[i], c["name"])
			}
			if _, ok := c["contexts"]; ok {
				t.Errorf("guild %s: /%s sends contexts", guilds[i], c["name"])
			}
		}
	}
}

// TestStartUpdatesRegistrationForInstalls: commands registered before user installs, as Discord
// lists them (installed in servers, contexts null, dm_permission true), are overwritten once,
// and then left alone however Discord orders the lists.
func TestStartUpdatesRegistrationForInstalls(t *testing.T) {
	f := discordtest.NewFake(t)
	e := embeddedCore(t)
	path := "/api/v10/applications/" + appID + "/commands"
	if err := restBot(t, f, e, discord.Config{}).Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.Mu.Lock()
	for _, c := range f.Commands[path] {
		c["integration_types"], c["contexts"], c["dm_permission"] = []int{0}, nil, true
	}
	f.Mu.Unlock()

	start := func() {
		t.Helper()
		if err := restBot(t, f, e, discord.Config{}).Start(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	start()
	if f.Puts != 2 {
		t.Fatalf("%d overwrites of a registration without contexts, want 2 (the first, and this)", f.Puts)
	}
	start()
	if f.Puts != 2 {
		t.Errorf("%d overwrites once contexts match, want still 2", f.Puts)
	}

	// The same sets in another order, and dm_permission as Discord keeps it: unchanged.
	f.Mu.Lock()
	var raw []map[string]any
	b, _ := json.Marshal(f.Commands[path])
	json.Unmarshal(b, &raw)
	for _, c := range raw {
		if c["name"] != "digest" {
			c["integration_types"], c["contexts"], c["dm_permission"] = []int{1, 0}, []int{2, 0, 1}, false
		}
	}
	f.Commands[path] = raw
	f.Mu.Unlock()
	start()
	if f.Puts != 2 {
		t.Errorf("%d overwrites for the same lists in another order, want still 2", f.Puts)
	}

	// /digest opened to DMs, as someone may set it by hand: put back.
	f.Mu.Lock()
	for _, c := range f.Commands[path] {
		if c["name"] == "digest" {
			c["contexts"] = []int{0, 1, 2}
		}
	}
	f.Mu.Unlock()
	start()
	if f.Puts != 3 {
		t.Errorf("%d overwrites after /digest was opened to DMs, want 3", f.Puts)
	}
}

func TestStartReplacesStaleCommands(t *testing.T) {
	f := discordtest.NewFake(t)
	e := embeddedCore(t)
	if err := restBot(t, f, e, discord.Config{}).Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	path := "/api/v10/applications/" + appID + "/commands"
	tests := []struct {
		name  string
		stale func(cmds []map[string]any) []map[string]any
	}{
		{"a command of ours is gone", func(c []map[string]any) []map[string]any { return c[1:] }},
		{"one more command", func(c []map[string]any) []map[string]any {
			return append(c, map[string]any{"id": "1", "type": 1, "name": "cardsearch", "description": "x", "default_member_permissions": nil})
		}},
		{"a description edited", func(c []map[string]any) []map[string]any { c[0]["description"] = "old"; return c }},
		{"admin permission dropped", func(c []map[string]any) []map[string]any {
			for _, x := range c {
				x["default_member_permissions"] = nil
			}
			return c
		}},
		{"an option lost autocomplete", func(c []map[string]any) []map[string]any {
			c[0]["options"].([]any)[0].(map[string]any)["autocomplete"] = false
			return c
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.Mu.Lock()
			var fresh []map[string]any
			raw, _ := json.Marshal(f.Commands[path])
			json.Unmarshal(raw, &fresh)
			f.Commands[path] = tc.stale(fresh)
			puts := f.Puts
			f.Mu.Unlock()
			if err := restBot(t, f, e, discord.Config{}).Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			if f.Puts != puts+1 {
				t.Errorf("no overwrite of stale commands")
			}
		})
	}
}

func TestStartRefused(t *testing.T) {
	f := discordtest.NewFake(t)
	b, err := discord.New(discord.Config{Token: "wrong-token.SECRET", ApplicationID: appID, APIURL: f.APIURL()},
		embeddedCore(t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	err = b.Start(t.Context())
	if err == nil {
		t.Fatal("Start with a bad token = nil error")
	}
	if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), f.Server.URL) {
		t.Errorf("error %q quotes the token or the URL", err)
	}
	if !strings.Contains(err.Error(), "401") {
		t.Errorf("error %q does not say 401", err)
	}
}

func TestStartWithoutToken(t *testing.T) {
	f := discordtest.NewFake(t)
	b, err := discord.New(discord.Config{ApplicationID: appID, APIURL: f.APIURL(), PublicKey: discordtest.PublicKey()},
		embeddedCore(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start without a token: %v", err)
	}
	if f.Gets+f.Puts != 0 {
		t.Errorf("%d requests without a token", f.Gets+f.Puts)
	}
}
