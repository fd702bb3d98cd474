package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
	"briefbot/internal/cron"
)

// The tests in this file send interactions through the handler at the edges of what it reads:
// option values of other types, empty buttons, options in any order, suggestions at Discord's
// limits and over the gateway, ids and tokens that must not reach a URL, replays without an id.

// TestOptionValuesAsTyped: an option Discord sends as a number or a boolean (a command
// registered with another type, say) is read as the text it stands for, as if typed.
func TestOptionValuesAsTyped(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	position := func(value string) []byte {
		return fmt.Appendf(nil, `{"type":2,"id":%q,"token":"t","data":{"name":"position","options":[{"name":"issue","type":3,"value":%s}]}}`,
			discordtest.InteractionID(), value)
	}
	tests := []struct{ value, text string }{
		{`42`, `"42"`},
		{`2.5`, `"2.5"`},
		{`1e21`, `"1000000000000000000000"`},
		{`-7`, `"-7"`},
		{`true`, `"true"`},
	}
	for _, tc := range tests {
		got, want := serve(h, signed(position(tc.value))), serve(h, signed(position(tc.text)))
		if got.Code != http.StatusOK || got.Body.String() != want.Body.String() {
			t.Errorf("/position issue:%s answered %d %s\nwant the answer to issue:%s: %s", tc.value, got.Code, got.Body, tc.text, want.Body)
		}
	}
}

// TestButtonWithoutCommand: a button whose custom_id is empty or blank names no command; it is
// answered as a command that cannot be read.
func TestButtonWithoutCommand(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	raw, err := discord.ResponseJSON(bot.Unreadable())
	if err != nil {
		t.Fatal(err)
	}
	want := decode(t, raw)
	for _, id := range []string{"", " ", "\t\n"} {
		got, _ := answer(t, h, button(id))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("button %q answered %+v; want %+v", id, got.Data, want.Data)
		}
	}
}

// TestAutocompleteReadsOtherOptions: what was typed in the other options goes along whatever
// their order, so the briefing chosen before the issue decides which issues are suggested.
func TestAutocompleteReadsOtherOptions(t *testing.T) {
	core := markdownCore(t,
		doc{id: "alpha", title: "Alpha", issues: [][]string{{"Water", "More", "Less"}}}.markdown(),
		doc{id: "beta", title: "Beta", issues: [][]string{{"Tariffs", "Higher", "Lower"}}}.markdown())
	h := httpBot(t, core).Handler()
	tests := []struct {
		name string
		in   interaction
		want []string
	}{
		{"briefing before", autocomplete("position", "issue", "briefing", "beta", "issue", ""), []string{"tariffs"}},
		{"briefing after", autocomplete("position", "issue", "issue", "", "briefing", "beta"), []string{"tariffs"}},
		{"no briefing", autocomplete("position", "issue", "issue", ""), []string{"water", "beta/tariffs"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, raw := answer(t, h, tc.in)
			var got []string
			for _, c := range r.Data.Choices {
				got = append(got, c.Value)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("suggested %q; want %q\n%s", got, tc.want, raw)
			}
		})
	}
}

// namedDigests is a scheduler whose digests have the given names and which posts nothing.
type namedDigests []string

func (d namedDigests) Digests() []bot.Digest {
	daily, _ := cron.Parse("@daily", time.UTC)
	out := make([]bot.Digest, len(d))
	for i, name := range d {
		out[i] = bot.Digest{Name: name, Platform: "discord", Channels: []string{channelID}, Schedule: daily}
	}
	return out
}

func (namedDigests) PostNow(context.Context, string, string) (bot.NowResult, error) {
	return bot.NowResult{}, nil
}

func (namedDigests) Status(context.Context) ([]bot.ChannelStatus, error) { return nil, nil }

func (namedDigests) Audit(context.Context, int) ([]bot.AuditLine, error) { return nil, nil }

func (namedDigests) Hold(context.Context, bot.Hold) error { return nil }

func (namedDigests) Unhold(context.Context, string, string, string) (bool, error) { return false, nil }

func (namedDigests) Holds(context.Context, string) ([]bot.Hold, error) { return nil, nil }

// TestAutocompleteValueLimits: a suggestion's value must be 1 to 100 characters; one outside is
// left out, not cut, since a cut value would name another thing.
func TestAutocompleteValueLimits(t *testing.T) {
	names := namedDigests{"", "d", strings.Repeat("x", 100), strings.Repeat("y", 101), strings.Repeat("z", 99)}
	core := bottest.Core(t, bottest.Engine(t, bot.Config{Digests: names}))
	r, raw := answer(t, httpBot(t, core).Handler(), autocomplete("digest", "name", "name", ""))
	var got []string
	for _, c := range r.Data.Choices {
		got = append(got, c.Value)
	}
	if want := []string{"d", names[2], names[4]}; !slices.Equal(got, want) {
		t.Errorf("suggested %q; want %q\n%s", got, want, raw)
	}
}

// discordREST records what the adapter sends to Discord's REST API and answers every request
// with one status.
type discordREST struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // method and path as sent, unclean
}

func newDiscordREST(t *testing.T, status int) *discordREST {
	d := &discordREST{}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.requests = append(d.requests, r.Method+" "+r.RequestURI)
		d.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(`{"id":"1361000000000000009","type":19,"content":""}`))
	}))
	t.Cleanup(d.Close)
	return d
}

// TestFollowUpRoute: a slow command's answer is an edit sent to a URL made of the interaction's
// application id and token, so ids and tokens that could leave that path are never sent; and an
// edit Discord does not take (anything but a 2xx) is logged, there being nobody else to tell.
func TestFollowUpRoute(t *testing.T) {
	const edit = "PATCH /api/v10/webhooks/" + appID + "/tok/messages/@original"
	tests := []struct {
		name, id, app, token string
		status               int
		want                 []string // the requests Discord receives
		logged               bool     // the answer is logged as not delivered
	}{
		{"delivered", "", appID, "tok", http.StatusOK, []string{edit}, false},
		{"no content", "", appID, "tok", http.StatusNoContent, []string{edit}, false},
		{"refused", "", appID, "tok", http.StatusNotFound, []string{edit}, true},
		{"not a success", "", appID, "tok", http.StatusMultipleChoices, []string{edit}, true},
		{"id not a snowflake", "12x", appID, "tok", http.StatusOK, nil, true},
		{"application id not a snowflake", "", "../1", "tok", http.StatusOK, nil, true},
		{"no token", "", appID, "", http.StatusOK, nil, true},
		{"token with a slash", "", appID, "../../../../x", http.StatusOK, nil, true},
		{"token with a question mark", "", appID, "a?b", http.StatusOK, nil, true},
		{"token with a hash", "", appID, "a#b", http.StatusOK, nil, true},
		{"token with a percent", "", appID, "a%2Fb", http.StatusOK, nil, true},
		{"token with a backslash", "", appID, `a\b`, http.StatusOK, nil, true},
		{"token with a space", "", appID, "a b", http.StatusOK, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rest := newDiscordREST(t, tc.status)
			logs := &bottest.LogBuffer{}
			e := bottest.Engine(t, bot.Config{Access: map[string]bot.Access{"discord": {Managers: true}}})
			b, err := discord.New(discord.Config{ApplicationID: appID, PublicKey: discordtest.PublicKey(), APIURL: rest.URL + "/api/v10", Now: signedAt},
				bot.NewCore(e), logs.Logger())
			if err != nil {
				t.Fatal(err)
			}
			in := command("digest", "action", "preview")
			in.Perms = "32" // manages the server: an admin
			var body map[string]any
			if err := json.Unmarshal(in.body(), &body); err != nil {
				t.Fatal(err)
			}
			if tc.id != "" {
				body["id"] = tc.id
			}
			body["application_id"], body["token"] = tc.app, tc.token
			raw, _ := json.Marshal(body)
			if w := serve(b.Handler(), signed(raw)); w.Code != http.StatusOK || decode(t, w.Body.Bytes()).Type != 5 {
				t.Fatalf("status %d %s; want a deferred answer", w.Code, w.Body)
			}
			b.Close() // waits for the follow-up
			rest.mu.Lock()
			got := rest.requests
			rest.mu.Unlock()
			if !slices.Equal(got, tc.want) {
				t.Errorf("Discord received %q; want %q", got, tc.want)
			}
			if logged := strings.Contains(logs.String(), "deferred answer not delivered"); logged != tc.logged {
				t.Errorf("logged as not delivered: %t; want %t\n%s", logged, tc.logged, logs)
			}
		})
	}
}

// TestGatewayAnswersSuggestions: over the gateway, suggestions are answered over REST as a
// command's answer is (TestGateway), and are the same as over HTTP.
func TestGatewayAnswersSuggestions(t *testing.T) {
	f := discordtest.NewFake(t)
	in := autocomplete("position", "issue", "issue", "sov")
	f.GatewayIn = in.body()
	b := gatewayBot(t, f, embeddedCore(t))
	got := nextCallback(t, f, "autocomplete")
	b.Close()
	_, viaHTTP := answer(t, httpBot(t, embeddedCore(t)).Handler(), in)
	if string(got) != string(viaHTTP) {
		t.Errorf("gateway answer %s\nHTTP answer    %s", got, viaHTTP)
	}
}

// TestReplayWithoutID: Discord always sends an interaction id, but a signed request without
// one is still answered once: it is known by its timestamp and signature.
func TestReplayWithoutID(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	body := []byte(`{"type":2,"token":"t","data":{"name":"help"}}`)
	if w := serve(h, signed(body)); w.Code != http.StatusOK {
		t.Fatalf("first delivery: status %d", w.Code)
	}
	if w := serve(h, signed(body)); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed: status %d; want 401", w.Code)
	}
	other := []byte(`{"type":2,"token":"t","data":{"name":"help","options":[]}}`)
	if w := serve(h, signed(other)); w.Code != http.StatusOK {
		t.Errorf("another request without an id: status %d; want 200", w.Code)
	}
}

// TestReplayWindowEdge: our clock exactly five minutes behind the signature is still inside the
// window, as exactly five minutes ahead is (TestReplayWindow).
func TestReplayWindowEdge(t *testing.T) {
	c := newClock(signedAt().Add(-5 * time.Minute))
	h := clockBot(t, embeddedCore(t), c).Handler()
	if w := serve(h, signed(command("help").body())); w.Code != http.StatusOK {
		t.Errorf("status %d; want 200", w.Code)
	}
}
