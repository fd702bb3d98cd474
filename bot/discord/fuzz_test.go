package discord_test

import (
	"net/http"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord/discordtest"
)

// FuzzInteraction: whatever a validly signed body holds, the interactions endpoint answers 200 or
// 400 and never panics, and every 200 is JSON within Discord's limits that pings no one. The
// bodies are signed here, so the fuzzer reaches decoding, the engine and rendering instead of
// stopping at the signature.
func FuzzInteraction(f *testing.F) {
	for _, in := range []interaction{
		{discordtest.Interaction{Kind: 1}},
		command("position", "issue", "sovereignty"),
		command("position", "issue", "sovreignty", "party", "mexico"),
		command("position", "issue", "@everyone <@&539082325061836999>"),
		command("compare"),
		command("briefing", "section", "history"),
		command("facts"), command("timeline"), command("help"),
		command("search", "words", `"border surveillance" cartels`),
		command("digest", "action", "preview"),
		command("briefbot", "command", "search tunnels"),
		command("nonsense", "x", strings.Repeat("é", 300)),
		autocomplete("position", "issue", "issue", "sov"),
		autocomplete("briefing", "section", "section", ""),
		button("/compare briefing:us-mexico-troops"),
		button("/digest now"),
		{discordtest.Interaction{Kind: 5}},
		{discordtest.Interaction{Kind: 2, Command: "help", DM: true}},
	} {
		f.Add(in.body())
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"type":2}`, `{"type":2,"data":null}`, `{"type":4,"data":{"name":"position"}}`,
		`{"type":2,"data":{"name":"position","options":[{"name":"issue","type":3,"value":123}]}}`,
		`{"type":2,"data":{"name":"position","options":[{"name":"issue","value":null},{}]}}`,
		`{"type":3,"data":{"custom_id":""}}`, `{"type":3,"data":{"custom_id":"/position \u0000"}}`,
		`{"type":2,"member":{"permissions":"x"}}`, `{"type":9}`, `{"type":"2"}`, "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	// No Recover middleware: a panic in the engine must fail here, not turn into an apology.
	core := bot.NewCore(bottest.Engine(f))
	f.Fuzz(func(t *testing.T, body []byte) {
		// A bot per input: the adapter answers each interaction id once, and the fuzzer repeats
		// the ids it was seeded with.
		w := serve(httpBot(t, core).Handler(), signed(body))
		switch w.Code {
		case http.StatusOK:
		case http.StatusBadRequest:
			return
		case http.StatusRequestEntityTooLarge:
			if len(body) > 64<<10 {
				return
			}
			fallthrough
		default:
			t.Fatalf("status %d for a signed body of %d bytes: %s", w.Code, len(body), w.Body)
		}
		r := decode(t, w.Body.Bytes())
		checkLimits(t, r)
		switch r.Type {
		case 1, 5, 8:
		case 4, 7:
			if r.Data == nil || r.Data.AllowedMentions == nil || len(r.Data.AllowedMentions.Parse) != 0 {
				t.Fatalf("a message answer that may ping: %s", w.Body)
			}
		default:
			t.Fatalf("response type %d: %s", r.Type, w.Body)
		}
	})
}
