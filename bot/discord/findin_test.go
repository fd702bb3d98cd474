package discord_test

import (
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/discord/discordtest"
)

// question is a message someone asks in a channel, that "Find in briefing" is run on.
const question = "what does Mexico say about intel sharing?"

// TestFindInBriefing runs the message command over HTTP and through the gateway: a private
// answer, Mexico's position on intelligence sharing first, then the passages.
func TestFindInBriefing(t *testing.T) {
	sch := loadSchemas(t)
	h := httpBot(t, embeddedCore(t)).Handler()
	r, raw := answer(t, h, interaction{discordtest.MessageCommand(bot.FindLabel, question)})
	checkMessage(t, r, "In the briefings: “"+question+"”", true)
	desc := r.Data.Embeds[0].Description
	position := strings.Index(desc, "Supports only indirect intelligence exchange")
	passages := strings.Index(desc, "Passages")
	if position < 0 || passages < position || strings.Contains(desc, "Advocates joint real-time") {
		t.Errorf("Find in briefing on %q: description\n%s\nwant Mexico's position alone, then the passages", question, desc)
	}
	t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })
	t.Logf("Find answer: %d bytes", len(raw))
	_, pos := answer(t, h, command("position", "issue", "sovereignty"))
	t.Logf("/position sovereignty: %d bytes", len(pos))

	t.Run("a message with nothing the briefings have", func(t *testing.T) {
		r, _ := answer(t, h, interaction{discordtest.MessageCommand(bot.FindLabel, "lunch at noon?")})
		checkMessage(t, r, "Nothing in the briefings matches that message", true)
	})
	t.Run("a message with no text", func(t *testing.T) {
		r, _ := answer(t, h, interaction{discordtest.MessageCommand(bot.FindLabel, "")})
		checkMessage(t, r, "That message has no words to find", true)
	})
	t.Run("a message of many pages fits one answer", func(t *testing.T) {
		r, raw := answer(t, h, interaction{discordtest.MessageCommand(bot.FindLabel, strings.Repeat("Sovereignty and tunnels, drones and troops. ", 200))})
		checkMessage(t, r, "In the briefings: “Sovereignty and tunnels, drones and troops. Sovereignty and…”", true)
		checkLimits(t, r)
		sch.validate(t, callbackSchema, raw)
	})
	t.Run("another message command", func(t *testing.T) {
		r, _ := answer(t, h, interaction{discordtest.MessageCommand("Translate", question)})
		checkMessage(t, r, "Not supported", true)
	})

	t.Run("gateway", func(t *testing.T) {
		f := discordtest.NewFake(t)
		f.GatewayIn = discordtest.MessageCommand(bot.FindLabel, question).Body()
		b := gatewayBot(t, f, embeddedCore(t))
		got := nextCallback(t, f, "interaction")
		b.Close()
		if string(got) != string(raw) {
			t.Errorf("gateway answer %s\nHTTP answer    %s", got, raw)
		}
	})
}
