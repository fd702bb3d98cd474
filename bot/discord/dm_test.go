package discord_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

// The tests in this file send commands from outside every server that installed briefbot: a DM
// with the bot (context 1: a user, no member, no guild) and a server where only the member
// installed it, for themselves. Commands answer there as anywhere; admin parts do not.

const outsideServer = "Admin commands work in a server where briefbot is installed, not in DMs"

// inDM is in sent from a DM with the bot, by the user who installed briefbot for themselves.
func inDM(in interaction) interaction {
	in.DM, in.UserInstall = true, true
	return in
}

// configuredAdminCore serves the embedded briefings with Discord's admin rules naming the test
// user, as well as server managers: even that user is no admin outside a server.
func configuredAdminCore(tb testing.TB) *bot.Core {
	return bottest.Core(tb, bottest.Engine(tb, bot.Config{Access: map[string]bot.Access{
		"discord": {Managers: true, Users: []string{discordtest.UserID}}}}))
}

// editTitle is the title of the next deferred answer's edit the fake takes.
func editTitle(t *testing.T, f *discordtest.Fake) string {
	t.Helper()
	var edit struct {
		Embeds []struct {
			Title string `json:"title"`
		} `json:"embeds"`
		Flags int `json:"flags"`
	}
	select {
	case raw := <-f.Callbacks:
		if err := json.Unmarshal(raw, &edit); err != nil || len(edit.Embeds) == 0 {
			t.Fatalf("the deferred answer's edit is unreadable (%v): %s", err, raw)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no edit of the deferred answer")
	}
	return edit.Embeds[0].Title
}

func TestCommandFromDM(t *testing.T) {
	core := configuredAdminCore(t)
	f := discordtest.NewFake(t)
	h := restBot(t, f, core, discord.Config{PublicKey: discordtest.PublicKey()}).Handler()
	sch := loadSchemas(t)

	t.Run("position", func(t *testing.T) {
		r, raw := answer(t, h, inDM(command("position", "issue", "sovereignty")))
		checkMessage(t, r, "Sovereignty", false)
		_, inServer := answer(t, h, command("position", "issue", "sovereignty"))
		if string(raw) != string(inServer) {
			t.Errorf("from a DM: %s\nin a server: %s", raw, inServer)
		}
		t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })
	})

	elsewhere := command("digest", "action", "now")
	elsewhere.Perms, elsewhere.UserInstall = "32", true
	pressed := button("/digest now")
	pressed.DM, pressed.UserInstall = true, true
	tests := []struct {
		name string
		in   interaction
		want string // the deferred answer's title
	}{
		{"digest now", inDM(command("digest", "action", "now")), outsideServer},
		{"digest pause", inDM(command("digest", "action", "pause")), outsideServer},
		{"digest status", inDM(command("digest", "action", "status")), outsideServer},
		{"digest now through /briefbot", inDM(command("briefbot", "command", "digest now")), outsideServer},
		{"digest now as a button", pressed, outsideServer},
		{"digest now by a manager of a server that did not install briefbot", elsewhere, outsideServer},
		// The same user, in a server that installed briefbot, is an admin.
		{"digest now in the server", command("digest", "action", "now"), "No digest is configured"},
		{"digest status in the server", command("digest", "action", "status"), "No digest is configured"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, raw := answer(t, h, tc.in)
			if r.Type != 5 || r.Data.Flags != 64 {
				t.Fatalf("answered type %d, flags %d; want a private deferred answer (5, 64)", r.Type, r.Data.Flags)
			}
			if got := editTitle(t, f); got != tc.want {
				t.Errorf("answered %q, want %q", got, tc.want)
			}
			t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })
		})
	}

	t.Run("digest preview", func(t *testing.T) {
		answer(t, h, inDM(command("digest", "action", "preview")))
		if got := editTitle(t, f); got == outsideServer || got == "" {
			t.Errorf("/digest preview from a DM answered %q, want the digest", got)
		}
	})
}

// TestGatewayFromDM: the gateway hands over the same interactions, decoded by discordgo, and
// they are answered as over HTTP.
func TestGatewayFromDM(t *testing.T) {
	f := discordtest.NewFake(t)
	position := inDM(command("position", "issue", "sovereignty"))
	f.GatewayIn = position.body()
	gatewayBot(t, f, configuredAdminCore(t))
	got := nextCallback(t, f, "interaction")
	_, viaHTTP := answer(t, httpBot(t, configuredAdminCore(t)).Handler(), inDM(command("position", "issue", "sovereignty")))
	if string(got) != string(viaHTTP) {
		t.Errorf("gateway answer %s\nHTTP answer    %s", got, viaHTTP)
	}

	elsewhere := command("digest", "action", "now")
	elsewhere.Perms, elsewhere.UserInstall = "32", true
	for _, tc := range []struct {
		name string
		in   interaction
		want string
	}{
		{"digest now from a DM", inDM(command("digest", "action", "now")), outsideServer},
		{"digest now through /briefbot from a DM", inDM(command("briefbot", "command", "digest now")), outsideServer},
		{"digest now in a server that did not install briefbot", elsewhere, outsideServer},
		{"digest now in the server", command("digest", "action", "now"), "No digest is configured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.Dispatch(t, tc.in.body())
			deferred := decode(t, nextCallback(t, f, "interaction"))
			if deferred.Type != 5 {
				t.Fatalf("answered type %d, want a deferred answer (5)", deferred.Type)
			}
			if got := editTitle(t, f); got != tc.want {
				t.Errorf("answered %q, want %q", got, tc.want)
			}
		})
	}
}

// TestOddOwners: authorizing_integration_owners as Discord has sent it, or not at all, is read
// and answered; a member's rights count only where the server's own installation authorized.
func TestOddOwners(t *testing.T) {
	f := discordtest.NewFake(t)
	h := restBot(t, f, adminCore(t), discord.Config{PublicKey: discordtest.PublicKey()}).Handler()
	member := `"guild_id":"` + discordtest.GuildID + `","context":0,"member":{"user":{"id":"7"},"roles":[],"permissions":"32"}`
	digestNow := `"data":{"name":"digest","options":[{"name":"action","type":3,"value":"now"}]}`
	tests := []struct {
		name, fields, want string
	}{
		{"the server's installation", member + `,"authorizing_integration_owners":{"0":"` + discordtest.GuildID + `"}`, "No digest is configured"},
		{"the server's and the member's", member + `,"authorizing_integration_owners":{"0":"` + discordtest.GuildID + `","1":"7"}`, "No digest is configured"},
		{"another server's", member + `,"authorizing_integration_owners":{"0":"290926798626358000"}`, outsideServer},
		{"the member's only", member + `,"authorizing_integration_owners":{"1":"7"}`, outsideServer},
		{"none", member, outsideServer},
		{"a key Discord may add", member + `,"authorizing_integration_owners":{"0":"` + discordtest.GuildID + `","7":"1"}`, "No digest is configured"},
		{"a bot DM's 0 as a number", `"context":1,"user":{"id":"7"},"authorizing_integration_owners":{"0":0}`, outsideServer},
		{"in a server, context of a DM", `"guild_id":"` + discordtest.GuildID + `","context":2,"member":{"user":{"id":"7"},"roles":[],"permissions":"32"},"authorizing_integration_owners":{"0":"` + discordtest.GuildID + `"}`, outsideServer},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"type":2,"id":"` + discordtest.InteractionID() + `","token":"t",` + tc.fields + `,` + digestNow + `}`
			w := serve(h, signed([]byte(body)))
			if r := decode(t, w.Body.Bytes()); w.Code != http.StatusOK || r.Type != 5 {
				t.Fatalf("answered %d, type %d; want a deferred answer (5): %s", w.Code, r.Type, w.Body)
			}
			if got := editTitle(t, f); got != tc.want {
				t.Errorf("answered %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("an owner that is no snowflake", func(t *testing.T) {
		body := `{"type":2,"id":"` + discordtest.InteractionID() + `","token":"t",` + member +
			`,"authorizing_integration_owners":{"0":["x"]},` + digestNow + `}`
		if w := serve(h, signed([]byte(body))); w.Code != http.StatusBadRequest {
			t.Errorf("status %d, want 400: %s", w.Code, w.Body)
		}
	})
}
