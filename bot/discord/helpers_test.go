package discord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

const (
	appID     = discordtest.AppID
	guildID   = "290926798626357999"
	channelID = "645027906669510667"
	adminRole = "539082325061836999"
	timestamp = "1744000000"
)

func day() time.Time { return bottest.Day() }

func testKey() ed25519.PrivateKey { return discordtest.Key() }

func embeddedCore(tb testing.TB) *bot.Core { return bottest.Core(tb, bottest.Engine(tb)) }

// markdownCore serves briefings written in tests, for answers past Discord's limits.
func markdownCore(tb testing.TB, docs ...string) *bot.Core {
	return bottest.Core(tb, bottest.EngineFrom(tb, docs...))
}

// adminCore serves the embedded briefings with Discord's admin rules: server managers, and
// members with one of roles.
func adminCore(tb testing.TB, roles ...string) *bot.Core {
	return bottest.Core(tb, bottest.Engine(tb, bot.Config{Access: map[string]bot.Access{"discord": {Managers: true, Roles: roles}}}))
}

func testLogger(tb testing.TB) *slog.Logger { return bottest.Logger(tb) }

// httpBot is an adapter that takes interactions over HTTP only, with the test key.
func httpBot(tb testing.TB, core *bot.Core) *discord.Bot {
	b, _ := httpBotFake(tb, core)
	return b
}

// httpBotFake is httpBot with the fake Discord that takes its deferred answers' edits.
func httpBotFake(tb testing.TB, core *bot.Core) (*discord.Bot, *discordtest.Fake) {
	tb.Helper()
	f := discordtest.NewFake(tb)
	b, err := discord.New(discord.Config{ApplicationID: appID, PublicKey: discordtest.PublicKey(), APIURL: f.APIURL(), Now: signedAt},
		core, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("discord.New: %v", err)
	}
	tb.Cleanup(func() { b.Close() })
	return b, f
}

// sign signs with another key, for requests Discord did not send.
func sign(key ed25519.PrivateKey, ts string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...)))
}

// signed is a POST of body as Discord sends it.
func signed(body []byte) *http.Request { return discordtest.Request(timestamp, body) }

// signedAt is the clock of the bots the tests send signed requests to: the time the requests
// say they were signed, so that they are inside the replay window.
func signedAt() time.Time { return time.Unix(1744000000, 0) }

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// interaction is the kit's: one incoming interaction, rendered as Discord sends it by body.
type interaction struct{ discordtest.Interaction }

func command(name string, opts ...string) interaction {
	return interaction{discordtest.Command(name, opts...)}
}

func autocomplete(name, focused string, opts ...string) interaction {
	return interaction{discordtest.Autocomplete(name, focused, opts...)}
}

func button(customID string) interaction { return interaction{discordtest.Button(customID)} }

func (in interaction) body() []byte { return in.Body() }

// A response is an interaction response as the tests read it.
type response struct {
	Type int `json:"type"`
	Data *struct {
		Embeds     []embed `json:"embeds"`
		Components []struct {
			Type       int `json:"type"`
			Components []struct {
				Type     int    `json:"type"`
				Style    int    `json:"style"`
				Label    string `json:"label"`
				CustomID string `json:"custom_id"`
				Disabled bool   `json:"disabled"`
			} `json:"components"`
		} `json:"components"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
		Flags   int    `json:"flags"`
		Content string `json:"content"`
		Choices []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"choices"`
	} `json:"data"`
}

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Author      *struct {
		Name string `json:"name"`
	} `json:"author"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Fields []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Inline bool   `json:"inline"`
	} `json:"fields"`
}

func decode(tb testing.TB, raw []byte) response {
	tb.Helper()
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		tb.Fatalf("decode response: %v\n%s", err, raw)
	}
	return r
}

// answer sends in through h and returns the decoded response, failing on anything but 200.
func answer(tb testing.TB, h http.Handler, in interaction) (response, []byte) {
	tb.Helper()
	w := serve(h, signed(in.body()))
	if w.Code != http.StatusOK {
		tb.Fatalf("status %d, want 200: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		tb.Errorf("Content-Type %q, want application/json", ct)
	}
	return decode(tb, w.Body.Bytes()), w.Body.Bytes()
}

// answerFollowed is answer, and for a deferred command the edit that follows it, read from the
// fake Discord as the answer's data: what the user ends up seeing.
func answerFollowed(tb testing.TB, core *bot.Core, in interaction) (response, []byte) {
	tb.Helper()
	b, f := httpBotFake(tb, core)
	r, raw := answer(tb, b.Handler(), in)
	if r.Type != 5 {
		return r, raw
	}
	edit := <-f.Callbacks
	raw = []byte(`{"type":4,"data":` + string(edit) + `}`)
	return decode(tb, raw), raw
}

// units counts as Discord's limits do (UTF-16 code units; never fewer than code points).
func units(s string) int { return len(utf16.Encode([]rune(s))) }

// checkLimits fails when a message response passes any of Discord's limits, including the
// 6000-character total the schema does not check.
func checkLimits(tb testing.TB, r response) {
	tb.Helper()
	if r.Data == nil {
		return
	}
	if n := len(r.Data.Embeds); n > 10 {
		tb.Errorf("%d embeds, Discord takes 10", n)
	}
	total := 0
	for i, e := range r.Data.Embeds {
		limit := func(what, s string, max int) {
			tb.Helper()
			if n := units(s); n > max {
				tb.Errorf("embed %d: %s has %d characters, Discord takes %d", i, what, n, max)
			}
			total += units(s)
		}
		limit("title", e.Title, 256)
		limit("description", e.Description, 4096)
		if e.Author != nil {
			limit("author", e.Author.Name, 256)
		}
		if e.Footer != nil {
			limit("footer", e.Footer.Text, 2048)
		}
		if len(e.Fields) > 25 {
			tb.Errorf("embed %d: %d fields, Discord takes 25", i, len(e.Fields))
		}
		for _, f := range e.Fields {
			if f.Name == "" || f.Value == "" {
				tb.Errorf("embed %d: empty field %q: %q", i, f.Name, f.Value)
			}
			limit("field name", f.Name, 256)
			limit("field value", f.Value, 1024)
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 && e.Author == nil && e.Footer == nil {
			tb.Errorf("embed %d is empty", i)
		}
	}
	if total > 6000 {
		tb.Errorf("embeds hold %d characters in all, Discord takes 6000", total)
	}
	for _, row := range r.Data.Components {
		if len(row.Components) > 5 {
			tb.Errorf("%d buttons in a row, Discord takes 5", len(row.Components))
		}
		for _, c := range row.Components {
			if n := units(c.CustomID); n < 1 || n > 100 {
				tb.Errorf("custom_id of %d characters", n)
			}
			if n := units(c.Label); n > 80 {
				tb.Errorf("button label of %d characters", n)
			}
		}
	}
	if len(r.Data.Choices) > 25 {
		tb.Errorf("%d choices, Discord takes 25", len(r.Data.Choices))
	}
	for _, c := range r.Data.Choices {
		if n := units(c.Name); n < 1 || n > 100 {
			tb.Errorf("choice name of %d characters", n)
		}
		if n := units(c.Value); n < 1 || n > 100 {
			tb.Errorf("choice value of %d characters", n)
		}
	}
}

// openAPI is Discord's OpenAPI description, from the shared vectors (shared/vectors/README.md).
var openAPI = vector("discord-openapi.json")

// vector is the path of one of the shared vectors: checked out beside the repository, or in the
// folder BRIEFBOT_VECTORS names, for a copy of the tree kept elsewhere (scripts/mutation.sh).
func vector(name string) string {
	if dir := os.Getenv("BRIEFBOT_VECTORS"); dir != "" {
		return filepath.Join(dir, name)
	}
	return filepath.Join("../../../shared/vectors", name)
}

// The schemas every payload we send must meet, as pointers into Discord's OpenAPI description.
const (
	callbackSchema = "#/paths/~1interactions~1{interaction_id}~1{interaction_token}~1callback/post/requestBody/content/application~1json/schema"
	bulkSchema     = "#/paths/~1applications~1{application_id}~1commands/put/requestBody/content/application~1json/schema"
	guildSchema    = "#/paths/~1applications~1{application_id}~1guilds~1{guild_id}~1commands/put/requestBody/content/application~1json/schema"
	messageSchema  = "#/components/schemas/MessageCreateRequest"
	// A forum's post (POST /channels/{id}/threads) and a thread started on a message.
	forumPostSchema   = "#/paths/~1channels~1{channel_id}~1threads/post/requestBody/content/application~1json/schema"
	forumThreadSchema = "#/components/schemas/CreateForumThreadRequest"
	threadStartSchema = "#/paths/~1channels~1{channel_id}~1messages~1{message_id}~1threads/post/requestBody/content/application~1json/schema"
)

type schemas map[string]*jsonschema.Schema

// loadSchemas compiles the schemas, or returns nil when the description is not checked out.
func loadSchemas(tb testing.TB) schemas {
	tb.Helper()
	f, err := os.Open(openAPI)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		tb.Fatalf("read %s: %v", openAPI, err)
	}
	c := jsonschema.NewCompiler()
	const base = "https://discord.test/openapi.json"
	if err := c.AddResource(base, doc); err != nil {
		tb.Fatal(err)
	}
	out := schemas{}
	for _, p := range []string{callbackSchema, bulkSchema, guildSchema, messageSchema, forumPostSchema, forumThreadSchema, threadStartSchema} {
		s, err := c.Compile(base + p)
		if err != nil {
			tb.Fatalf("compile %s: %v", p, err)
		}
		out[p] = s
	}
	return out
}

// validate checks payload against one of Discord's schemas, skipping when the description is
// not checked out.
func (s schemas) validate(t *testing.T, pointer string, payload []byte) {
	t.Helper()
	if s == nil {
		missingVector(t, openAPI)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		t.Fatalf("payload is not JSON: %v", err)
	}
	if err := s[pointer].Validate(v); err != nil {
		t.Errorf("payload does not meet Discord's schema: %v\n%s", err, payload)
	}
}

// missingVector skips a test that needs one of the shared vectors when they are not checked out
// beside the repository, and fails it under CI (CI=true), which has them: a schema left
// unchecked there would let a payload Discord refuses pass unnoticed.
func missingVector(t *testing.T, path string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is absent: CI checks every payload against it", path)
	}
	t.Skipf("%s is absent: schema not checked", path)
}

// golden compares got with testdata/name.golden.json, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatalf("indent: %v", err)
	}
	pretty.WriteByte('\n')
	bottest.Golden(t, name+".golden.json", pretty.Bytes())
}
