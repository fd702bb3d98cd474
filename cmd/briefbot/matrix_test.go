package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
	"briefbot/config"
)

// The command matrix: every command, with every way its options can be given (typed in order as
// Slack and shell users type them, picked by name as Discord sends them, through /briefbot), on
// every surface a running bot has (the shell's ask, Discord's Interactions Endpoint and gateway,
// Slack's slash command URL and Socket Mode), with one and with three briefings loaded, with and
// without digests configured. Every example in README.md and in /help <command> is a row too: an
// example that stops working fails the build.

// A matrixRow is one command given one way. want is what the answer's title holds in every
// setup; wantThree and wantDigests replace it where three briefings are loaded or digests are
// configured. only limits the row to the setups where its words mean one thing: with one
// briefing, "river-water" is no briefing's id, so typed it is read as a section and picked by
// name as a briefing, and each answer says so in its own words.
type matrixRow struct {
	command string
	typed   string      // the words after the command, as typed
	named   [][2]string // the options as Discord sends them, picked by name
	want    string
	// wantThree and wantDigests, when set, replace want in those setups; both set and both
	// apply: wantBoth.
	wantThree, wantDigests, wantBoth string
	only                             func(s matrixSetup) bool
	// posts marks the /digest actions that change what is posted (now, pause, resume, skip,
	// unskip): the shell's ask, which only reads the ledger, refuses them.
	posts bool
	// wantShell, when set, replaces want in the shell, which prints a long answer whole, as
	// one page: page 2 of it is not there.
	wantShell string
}

func (r matrixRow) expected(s matrixSetup) string {
	switch {
	case s.three && s.digests && r.wantBoth != "":
		return r.wantBoth
	case s.digests && r.wantDigests != "":
		return r.wantDigests
	case s.three && r.wantThree != "":
		return r.wantThree
	}
	return r.want
}

func named(pairs ...string) [][2]string {
	var out [][2]string
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, [2]string{pairs[i], pairs[i+1]})
	}
	return out
}

func threeOnly(s matrixSetup) bool   { return s.three }
func digestsOnly(s matrixSetup) bool { return s.digests }

// matrixRows are the commands given every way, with what each setup answers.
var matrixRows = []matrixRow{
	{command: "position", typed: "sovereignty", named: named("issue", "sovereignty"), want: "Sovereignty"},
	{command: "position", typed: "troops mexico", named: named("issue", "troops", "party", "mexico"), want: "Military Troop Deployment"},
	{command: "position", typed: "issue:border surv party:mx", named: named("issue", "border surv", "party", "mx"), want: "Border Surveillance"},
	{command: "position", typed: "sovreignty", named: named("issue", "sovreignty"), want: "Sovereignty"},
	{command: "position", typed: "sovereignty us-mexico-troops", named: named("issue", "sovereignty", "briefing", "us-mexico-troops"), want: "Sovereignty"},
	{command: "position", typed: "banana", named: named("issue", "banana"), want: "No issue matches “banana”"},
	{command: "position", typed: "night tolls", named: named("issue", "night tolls"),
		want: "No issue matches “night tolls”", wantThree: "Night Tolls"},
	{command: "position", typed: "sovereignty bridge-tolls", named: named("issue", "sovereignty", "briefing", "bridge-tolls"),
		want: "Sovereignty", only: threeOnly},
	{command: "position", typed: "inspection lanes", named: named("issue", "inspection lanes"),
		want: "No issue matches “inspection lanes”", wantThree: "Which briefing?"},
	{command: "position", typed: "inspection lanes party:canada", named: named("issue", "inspection lanes", "party", "canada"),
		want: "No issue matches “inspection lanes”", wantThree: "Inspection Lanes"},
	{command: "position", typed: "inspection lanes canada", named: named("issue", "inspection lanes", "party", "canada"),
		want: "Inspection Lanes", only: threeOnly},
	{command: "compare", typed: "", want: "Positions"},
	{command: "compare", typed: "bridge-tolls", named: named("briefing", "bridge-tolls"),
		want: "No briefing matches “bridge-tolls”", wantThree: "Positions"},
	{command: "briefing", typed: "", want: "Mexico rejects U.S. troops plan"},
	{command: "briefing", typed: "history", named: named("section", "history"), want: "History"},
	{command: "briefing", typed: "why mexico", named: named("section", "why mexico"), want: "Why Mexico said no"},
	{command: "briefing", typed: "toll booths", named: named("section", "toll booths"),
		want: "No section matches “toll booths”", wantThree: "Toll Booths"},
	{command: "briefing", typed: "river-water", named: named("briefing", "river-water"), want: "River water sharing", only: threeOnly},
	{command: "briefing", typed: "history us-mexico-troops", named: named("section", "history", "briefing", "us-mexico-troops"), want: "History"},
	{command: "facts", typed: "", want: "Key figures"},
	{command: "facts", typed: "river-water", named: named("briefing", "river-water"), want: "Key figures", only: threeOnly},
	{command: "timeline", typed: "", want: "Timeline"},
	{command: "search", typed: "tunnels", named: named("words", "tunnels"), want: "Search: tunnels"},
	{command: "search", typed: `"Rio Grande"`, named: named("words", `"Rio Grande"`), want: `Search: "Rio Grande"`},
	{command: "search", typed: "zebra", named: named("words", "zebra"), want: "Nothing matches “zebra”"},
	{command: "search", typed: "mexico page:2", named: named("words", "mexico", "page", "2"), want: "Search: mexico", wantShell: "No page 2"},
	{command: "search", typed: "words:mexico page:2", named: named("words", "mexico", "page", "2"), want: "Search: mexico", wantShell: "No page 2"},
	{command: "search", typed: "mexico page:99", named: named("words", "mexico", "page", "99"), want: "No page 99"},
	{command: "search", typed: "mexico page:abc", named: named("words", "mexico", "page", "abc"), want: "“abc” is not a page"},
	{command: "changes", typed: "", want: "No earlier version"},
	{command: "digest", typed: "", want: "Daily briefing, "},
	{command: "digest", typed: "preview", named: named("action", "preview"), want: "Daily briefing, "},
	{command: "digest", typed: "status", named: named("action", "status"), want: "No digest is configured", wantDigests: "Digests"},
	{command: "digest", typed: "status morning", named: named("action", "status", "name", "morning"), want: "Digests", only: digestsOnly},
	{command: "digest", typed: "preview evening", named: named("action", "preview", "name", "evening"), want: "Daily briefing, ", only: digestsOnly},
	{command: "digest", typed: "morning", named: named("name", "morning"), want: "Daily briefing, ", only: digestsOnly},
	{command: "digest", typed: "now morning", named: named("action", "now", "name", "morning"), want: "posted", only: digestsOnly, posts: true},
	{command: "digest", typed: "now", named: named("action", "now"), want: "No digest is configured", wantDigests: "posted", posts: true},
	{command: "help", typed: "", want: "briefbot"},
	{command: "help", typed: "position", named: named("command", "position"), want: "<issue> [party] [briefing]"},
	{command: "digest", typed: "pause morning until " + holdDay, named: named("action", "pause", "name", "morning", "date", holdDay),
		want: "Digest morning paused until " + holdDay, only: digestsOnly, posts: true},
	{command: "digest", typed: "status morning", named: named("action", "status", "name", "morning"), want: "Digests", only: digestsOnly},
	{command: "digest", typed: "resume morning", named: named("action", "resume", "name", "morning"), want: "Digest morning ", only: digestsOnly, posts: true},
	{command: "digest", typed: "pause evening", named: named("action", "pause", "name", "evening"), want: "Digest evening paused", only: digestsOnly, posts: true},
	{command: "digest", typed: "resume evening", named: named("action", "resume", "name", "evening"), want: "Digest evening ", only: digestsOnly, posts: true},
	{command: "digest", typed: "skip morning " + holdDay, named: named("action", "skip", "name", "morning", "date", holdDay),
		want: "Digest morning skips " + holdDay, only: digestsOnly, posts: true},
	{command: "digest", typed: "unskip morning " + holdDay, named: named("action", "unskip", "name", "morning", "date", holdDay),
		want: "Digest morning ", only: digestsOnly, posts: true},
	{command: "digest", typed: "pause mornign", named: named("action", "pause", "name", "mornign"),
		want: "No digest is configured", wantDigests: "No digest matches “mornign”"},
	{command: "digest", typed: "skip morning 25-12-2026", named: named("action", "skip", "name", "morning", "date", "25-12-2026"),
		want: "“25-12-2026” is not a date"},
	{command: "digest", typed: "skip morning", named: named("action", "skip", "name", "morning"),
		want: "No digest is configured", wantDigests: "Name the day to skip"},
	{command: "help", typed: "digest", named: named("command", "digest"), want: "[preview|now|status|pause|resume|skip|unskip] [name] [date]"},
}

// holdDay is a day ahead, for the rows that pause a digest until it or skip it.
var holdDay = time.Now().AddDate(0, 0, 40).Format(time.DateOnly)

// A matrixSetup is one config the matrix runs under.
type matrixSetup struct{ three, digests bool }

func (s matrixSetup) String() string {
	n, d := "one briefing", "no digests"
	if s.three {
		n = "three briefings"
	}
	if s.digests {
		d = "digests"
	}
	return n + ", " + d
}

func TestCommandMatrix(t *testing.T) {
	for _, setup := range []matrixSetup{{false, false}, {false, true}, {true, false}, {true, true}} {
		t.Run(setup.String(), func(t *testing.T) {
			t.Parallel()
			b := startMatrixBot(t, setup)
			cases := b.cases(t, setup)
			for _, s := range b.surfaces() {
				t.Run(s.name, func(t *testing.T) {
					for _, c := range cases {
						if s.typed && c.line == "" || !s.typed && c.options == nil {
							continue
						}
						title := s.ask(t, c)
						want := c.want
						if c.wantShell != "" && s.name == "shell" {
							want = c.wantShell
						}
						if c.posts && s.name == "shell" {
							want = "The digest could not be posted"
							if !strings.HasPrefix(c.line, "now") && !strings.HasPrefix(c.line, "digest now") {
								want = "The digest was not changed"
							}
						}
						if want != "" && !strings.Contains(title, want) {
							t.Errorf("%s on %s = %q; want a title with %q", c.show(s.typed), s.name, title, want)
						}
						if c.sameAs != "" && title != c.sameAs {
							t.Errorf("%s on %s = %q; the shell answers %q (%s)", c.show(s.typed), s.name, title, c.sameAs, c.origin)
						}
					}
				})
			}
			t.Run("find, buttons and home", func(t *testing.T) { b.testActions(t, setup) })
		})
	}
}

// A matrixCase is one request to put to every surface: a typed line for the surfaces where
// users type, options by name for Discord, and what to expect of the answer.
type matrixCase struct {
	command string // the table's name
	line    string // typed, after the command's name
	options [][2]string
	want    string // the title holds it
	// wantShell replaces want in the shell.
	wantShell string
	sameAs    string // every surface's title is the shell's, which answered it
	posts     bool   // a digest is posted: the shell refuses
	origin    string
}

func (c matrixCase) show(typed bool) string {
	if typed {
		return strings.TrimSpace("/" + c.command + " " + c.line)
	}
	return fmt.Sprintf("/%s %q", c.command, c.options)
}

// cases are the matrix's rows in setup, each also through /briefbot, and every example of
// README.md and of /help, which must answer and answer alike everywhere.
func (b *matrixBot) cases(t *testing.T, setup matrixSetup) []matrixCase {
	var out []matrixCase
	for _, r := range matrixRows {
		if r.only != nil && !r.only(setup) {
			continue
		}
		opts := r.named
		if opts == nil {
			opts = [][2]string{}
		}
		c := matrixCase{command: r.command, line: r.typed, options: opts, want: r.expected(setup), wantShell: r.wantShell,
			posts: r.posts && setup.digests, origin: "matrix"}
		out = append(out, c, c.umbrella())
	}
	for _, ex := range b.examples(t) {
		out = append(out, ex, ex.umbrella())
	}
	return out
}

// umbrella is c given through /briefbot.
func (c matrixCase) umbrella() matrixCase {
	line := strings.TrimSpace(c.command + " " + c.line)
	u := c
	u.command, u.line, u.options = bot.UmbrellaName, line, nil
	if c.options != nil { // Discord users type the whole line into /briefbot's one option
		u.options = [][2]string{{"command", line}}
	}
	return u
}

// examples are the command lines README.md shows and /help gives for every command, read with
// the setup's engine into Discord's named options, and answered by the shell to know what
// every other surface must answer. With three briefings and digests, every one must answer.
func (b *matrixBot) examples(t *testing.T) []matrixCase {
	e := b.engine(t)
	var lines []string
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("`(/[^`]+)`").FindAllStringSubmatch(string(readme), -1) {
		if !strings.ContainsAny(m[1], "<[|") { // a usage pattern, not an example
			lines = append(lines, m[1])
		}
	}
	for _, c := range e.Commands() {
		r := bottest.Line(e, "/help "+c.Name)
		for i, blk := range r.Blocks {
			if blk.Kind == bot.Heading && blk.Text == "Examples" {
				for _, ex := range r.Blocks[i+1:] {
					lines = append(lines, ex.Text)
				}
			}
		}
	}
	var out []matrixCase
	seen := map[string]bool{}
	for _, line := range lines {
		name, words, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
		cmd, ok := e.CommandOn("slack", name)
		if !ok {
			if cmd, ok = e.Command(name); !ok {
				continue // a path such as /slack/commands, or Slack's own /invite
			}
		}
		if cmd.Umbrella || seen[cmd.Name+" "+words] || words == "" && slices.ContainsFunc(cmd.Options, func(o bot.Option) bool { return o.Required }) {
			continue // a mention of the command by its name, not an example of its use
		}
		seen[cmd.Name+" "+words] = true
		req, err := e.Parse("/" + cmd.Name + " " + words)
		if err != nil && b.full {
			t.Errorf("example %q does not parse: %v", line, err)
			continue
		}
		var opts [][2]string // an example the setup cannot read has no named form for Discord
		if err == nil {
			opts = [][2]string{}
			for _, o := range cmd.Options {
				if v := req.Option(o.Name); v != "" {
					opts = append(opts, [2]string{o.Name, v})
				}
			}
		}
		switch req.Option("action") {
		case bot.DigestNow, bot.DigestPause, bot.DigestResume, bot.DigestSkip, bot.DigestUnskip:
			continue // changes what is posted: the matrix's own rows try it on every surface
		}
		shellTitle, status := b.shell(t, cmd.Name, words)
		if status != "answered" && b.full {
			// README's examples assume what it describes: its digests, more than one briefing.
			t.Errorf("example %q: the shell answers %s %q", line, status, shellTitle)
			continue
		}
		out = append(out, matrixCase{command: cmd.Name, line: words, options: opts, sameAs: shellTitle,
			origin: "example " + line})
	}
	return out
}

// A matrixBot is briefbot serve under one setup, with fakes of Discord and Slack behind it.
type matrixBot struct {
	base      string
	config    string
	discord   *discordtest.Fake
	slack     *slacktest.WebAPI
	socket    *slacktest.SocketMode
	views     *slacktest.Views // views.publish, behind the same api_url as slack
	responses chan []byte      // what was posted to response_url
	respURL   string
	full      bool // three briefings and digests: every example answers
}

const matrixAdmin = "U0ADMIN"

func startMatrixBot(t *testing.T, setup matrixSetup) *matrixBot {
	dir := t.TempDir()
	b := &matrixBot{discord: discordtest.NewFake(t), slack: slacktest.NewWebAPI(t), responses: make(chan []byte, 16),
		full: setup.three && setup.digests}
	b.socket = b.slack.WithSocketMode()
	b.views = slacktest.NewViews(t)
	slackAPI := slackFront(t, b.slack, b.views)
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.responses <- body
	}))
	t.Cleanup(rs.Close)
	b.respURL = rs.URL
	dirs := "[]"
	if setup.three {
		writeFile(t, dir, "briefings/bridge-tolls.md", bottest.BridgeTolls)
		writeFile(t, dir, "briefings/river-water.md", bottest.RiverWater)
		dirs = fmt.Sprintf("[%q]", filepath.Join(dir, "briefings"))
	}
	digests := "digests: []\n"
	if setup.digests {
		digests = `digests:
  - {name: morning, platform: slack, channels: [C0123], schedule: "0 9 * * 1-5", timezone: America/Mexico_City}
  - {name: evening, platform: discord, channels: ["645027906669510667"], schedule: "0 18 * * *", timezone: UTC}
`
	}
	b.config = writeFile(t, dir, "briefbot.yaml", fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, public_key: %q, gateway: true, api_url: %q}
slack: {bot_token: %q, signing_secret: %q, app_token: %q, api_url: %q, admin_user_ids: [%s]}
briefings: {dirs: %s, default: us-mexico-troops}
%sstore: {dsn: "sqlite://%s"}
`, discordtest.Token, discordtest.AppID, discordtest.PublicKey(), b.discord.APIURL(),
		slacktest.BotToken, slacktest.Secret, slacktest.AppToken, slackAPI, matrixAdmin,
		dirs, digests, filepath.Join(dir, "ledger.db")))
	b.base = serveFile(t, b.config, nil).base
	return b
}

// engine is an engine over what the setup loads, to read examples as the bot reads them.
func (b *matrixBot) engine(t *testing.T) *bot.Engine {
	built, err := readFrom(config.Load(b.config, func(string) (string, bool) { return "", false }))
	core, closeLedger, err := readServices(t.Context(), built, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeLedger() })
	return core.Engine()
}

// A surface is one way into the running bot: it asks a case and reads the answer's title.
type surface struct {
	name  string
	typed bool // users type the words; otherwise they pick options by name
	ask   func(t *testing.T, c matrixCase) (title string)
}

func (b *matrixBot) surfaces() []surface {
	return []surface{
		{"shell", true, func(t *testing.T, c matrixCase) string { title, _ := b.shell(t, c.command, c.line); return title }},
		{"slack http", true, b.slackHTTP},
		{"slack socket mode", true, b.slackSocket},
		{"discord http", false, b.discordHTTP},
		{"discord gateway", false, b.discordGateway},
	}
}

// shell asks with briefbot ask and the bot's config, as an operator at a terminal does, and
// says how it went by ask's exit status: "answered", "not found" or "refused".
func (b *matrixBot) shell(t *testing.T, command, words string) (string, string) {
	t.Helper()
	stdout, stderr, code := invoke(t, "", nil, "ask", "--config", b.config, strings.TrimSpace("/"+command+" "+words))
	title, _, _ := strings.Cut(stdout, "\n")
	switch code {
	case 0:
		return title, "answered"
	case 1:
		return title, "not found"
	case 2:
		return title, "refused"
	}
	t.Fatalf("ask exit %d:\n%s%s", code, stdout, stderr)
	return "", ""
}

// slackName is the command's name on Slack.
func slackName(command string) string {
	if command == "search" {
		return "brief-search"
	}
	return command
}

func (b *matrixBot) slackForm(c matrixCase) map[string]string {
	return map[string]string{
		"command": "/" + slackName(c.command), "text": c.line, "user_id": matrixAdmin, "user_name": "ana",
		"channel_id": "C0123", "team_id": "T0001", "api_app_id": "A0001",
		"response_url": b.respURL + "/commands", "trigger_id": slacktest.TriggerID(),
	}
}

// slackHTTP posts the command to /slack/commands, signed, and reads the answer's title.
func (b *matrixBot) slackHTTP(t *testing.T, c matrixCase) string {
	t.Helper()
	return b.slackHTTPReply(t, c).title
}

// slackSocket hands the command over Socket Mode and reads the answer's title.
func (b *matrixBot) slackSocket(t *testing.T, c matrixCase) string {
	t.Helper()
	return b.slackSocketReply(t, c).title
}

// discordHTTP posts the command to the Interactions Endpoint and reads the answer's title.
func (b *matrixBot) discordHTTP(t *testing.T, c matrixCase) string {
	t.Helper()
	return b.discordPost(t, b.interaction(c)).title
}

// discordGateway dispatches the command through the gateway and reads the answer's title,
// sent over REST.
func (b *matrixBot) discordGateway(t *testing.T, c matrixCase) string {
	t.Helper()
	return b.discordDispatch(t, b.interaction(c)).title
}

// interaction is c as Discord sends it, from a member who may manage the server.
func (b *matrixBot) interaction(c matrixCase) discordtest.Interaction {
	in := discordtest.Command(c.command)
	in.Options, in.Perms = c.options, "32" // MANAGE_GUILD
	return in
}

var markdownEscape = regexp.MustCompile(`\\([[:punct:]])`)

func do(t *testing.T, req *http.Request) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s = %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return body
}
