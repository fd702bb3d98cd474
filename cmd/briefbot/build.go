package main

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/schedule"
	"briefbot/bot/slack"
	"briefbot/briefings"
	"briefbot/config"
	"briefbot/internal/cron"
)

// A build is everything that answers, made whole from one config: the briefings, the engine over
// them, and each platform's settings, all checked. `config check`, `serve` and a reload make it
// the same way, so that what one accepts the others cannot refuse; it succeeds whole or fails
// with every FILE:LINE problem at once.
//
// It is made in two steps: readFrom reads and checks the files, then makeEngine makes the engine
// once, over the services it will ask. serve has things to start between the two (the ledger,
// the adapters, the scheduler the engine asks about /digest); the other commands take both at
// once, with build.
type build struct {
	cfg     *config.Config
	engine  *bot.Engine // nil until makeEngine
	discord discord.Config
	slack   slack.Config
	digests []bot.Digest
	limits  map[string]schedule.Limit // the rate budgets digests are posted within
	lib     *briefings.Library
}

// services are what an engine asks beyond the files: the scheduler about /digest, the ledger
// about earlier versions of the briefings. The zero value answers from the files alone.
type services struct {
	digests  bot.Digests
	versions bot.Versions
}

// buildFrom reads, checks and makes the engine over svc: readFrom, then makeEngine.
func buildFrom(cfg *config.Config, loadErr error, svc services) (*build, error) {
	b, err := readFrom(cfg, loadErr)
	if err != nil {
		return nil, err
	}
	if err := b.makeEngine(svc); err != nil {
		return nil, err
	}
	return b, nil
}

// readFrom reads and checks everything a config as config.Load gives it names: its briefings,
// its digests' schedules and channels, the adapters' settings. When the file itself has problems,
// the checks that only the build can make still run, so that a moderator reads every problem in
// one pass.
func readFrom(cfg *config.Config, loadErr error) (*build, error) {
	if cfg == nil {
		return nil, loadErr
	}
	var errs []error
	if loadErr != nil {
		errs = append(errs, loadErr)
	}
	b := &build{cfg: cfg, discord: discordSettings(cfg), slack: slackSettings(cfg), limits: rateLimits(cfg.RateLimits)}
	errs = append(errs, adapterProblems(cfg)...)
	errs = append(errs, checkChannels(cfg)...)
	errs = append(errs, checkMentions(cfg)...)
	lib, libErrs := loadLibrary(cfg)
	errs = append(errs, libErrs...)
	if loadErr != nil {
		// The file's own problems include its schedules and prefix: said once is enough.
		return nil, joinByLine(errs)
	}
	if lib != nil && len(libErrs) == 0 {
		b.lib = lib
		var digestErrs []error
		b.digests, digestErrs = scheduleDigests(cfg, lib)
		errs = append(errs, digestErrs...)
	}
	if slackConfigured(cfg.Slack) {
		for _, name := range bot.CommandNames("slack", cfg.Slack.CommandPrefix) {
			if err := slack.CheckCommandName(name); err != nil {
				errs = append(errs, cfg.Errorf([]any{"slack", "command_prefix"}, "slack.command_prefix: %v", err))
				break
			}
		}
	}
	if err := joinByLine(errs); err != nil {
		return nil, err
	}
	return b, nil
}

// makeEngine makes b's engine over its briefings, asking svc.
func (b *build) makeEngine(svc services) error {
	cfg := b.cfg
	e, err := bot.New(b.lib, bot.Config{
		DefaultBriefing: cfg.Briefings.Default,
		Access: map[string]bot.Access{
			"discord": {Managers: true, Roles: cfg.Discord.AdminRoleIDs},
			"slack":   {Users: cfg.Slack.AdminUserIDs},
		},
		Prefixes: map[string]string{"slack": cfg.Slack.CommandPrefix},
		Digests:  svc.digests,
		Versions: svc.versions,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", cmp.Or(cfg.File, "config"), err)
	}
	b.engine = e
	return nil
}

// adapterProblems are the adapters' own judgements of their settings, at the config's lines.
func adapterProblems(cfg *config.Config) []error {
	ps := discord.Check(discordSettings(cfg))
	if slackConfigured(cfg.Slack) {
		ps = append(ps, slack.Check(slackSettings(cfg))...)
	}
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = cfg.Errorf(p.Path(), "%s: "+p.Format, append([]any{p.Where()}, p.Args...)...)
	}
	return errs
}

func discordSettings(cfg *config.Config) discord.Config {
	d := cfg.Discord
	// serve holds the gateway by a lease in the ledger, so that one replica at a time has it.
	return discord.Config{Token: d.Token, ApplicationID: d.ApplicationID, PublicKey: d.PublicKey, Gateway: d.Gateway,
		GatewayLeased: d.Gateway,
		GuildIDs:      d.GuildIDs, APIURL: d.APIURL, AdminRoleIDs: d.AdminRoleIDs}
}

// scheduleDigests makes the file's digests into the digests the scheduler runs and the engine
// answers about, each schedule read in its zone by the reader config checked it with, and the
// days it rests on as config read them. A digest that names no briefing posts the default one,
// as the engine answers with it.
func scheduleDigests(cfg *config.Config, lib *briefings.Library) ([]bot.Digest, []error) {
	var out []bot.Digest
	var errs []error
	fallback := cmp.Or(cfg.Briefings.Default, lib.Briefings()[0].ID)
	for i, d := range cfg.Digests {
		sched, err := cron.Parse(d.Schedule, d.Location)
		if err != nil {
			errs = append(errs, cfg.Errorf([]any{"digests", i, "schedule"}, "digest %q: schedule %q: %v", d.Name, d.Schedule, err))
			continue
		}
		digest := bot.Digest{Name: d.Name, Briefing: cmp.Or(d.Briefing, fallback),
			Platform: d.Platform, Channels: d.Channels, Schedule: sched, CatchUp: d.CatchUpTime,
			Thread: d.Thread, Mention: d.Mention, OnlyWhenChanged: d.OnlyWhenChanged}
		if d.Closures != nil {
			digest.Closed = d.Closures.Closed
		}
		out = append(out, digest)
	}
	return out, errs
}

// rateLimits are the budgets the scheduler posts within: its own defaults, with those the config
// sets in their place.
func rateLimits(set config.RateLimits) map[string]schedule.Limit {
	limits := schedule.DefaultLimits()
	discord, slack := limits["discord"], limits["slack"]
	if v := set.Discord.PerSecond; v > 0 {
		discord.PerSecond = v
	}
	if v := set.Slack.PerChannelPerSecond; v > 0 {
		slack.PerSecond = v
	}
	if v := set.Slack.WorkspacePerMinute; v > 0 {
		slack.Shared = v / 60
	}
	limits["discord"], limits["slack"] = discord, slack
	return limits
}

// checkChannels: every digest channel must be an id in its platform's form, which the adapters
// know; a name such as #general is the usual mistake.
func checkChannels(cfg *config.Config) []error {
	var errs []error
	for i, d := range cfg.Digests {
		valid, form := discord.ValidChannel, "a Discord channel id (digits)"
		if d.Platform == "slack" {
			valid, form = slack.ValidChannel, "a Slack channel id (C..., G... or D...)"
		} else if d.Platform != "discord" {
			continue // config names the platform's own problem
		}
		for j, ch := range d.Channels {
			path := []any{"digests", i, "channels", j}
			if d.Channel != "" {
				path = []any{"digests", i, "channel"}
			}
			if !valid(ch) {
				errs = append(errs, cfg.Errorf(path, "digest %q: channel %q is not %s", d.Name, ch, form))
			}
		}
	}
	return errs
}

// checkMentions: a digest's mention must be the id of what its platform pings, which the
// adapters know: a role on Discord, a user group on Slack. The mention as a message writes it
// (<@&123...>, <!subteam^S123...|@team>) is the usual mistake; its id is suggested.
func checkMentions(cfg *config.Config) []error {
	var errs []error
	for i, d := range cfg.Digests {
		valid, form := discord.ValidMention, "a Discord role id (digits)"
		switch {
		case d.Mention == "":
			continue
		case d.Platform == "slack":
			valid, form = slack.ValidMention, "a Slack user group id (S...)"
		case d.Platform != "discord":
			continue // config names the platform's own problem
		}
		if valid(d.Mention) {
			continue
		}
		path := []any{"digests", i, "mention"}
		if id := mentionID(d.Mention); valid(id) && !cfg.Hidden(d.Mention) {
			errs = append(errs, cfg.Errorf(path, "digest %q: mention %q is not %s; did you mean %q?", d.Name, d.Mention, form, id))
		} else {
			errs = append(errs, cfg.Errorf(path, "digest %q: mention %q is not %s", d.Name, d.Mention, form))
		}
	}
	return errs
}

// mentionMarkup is a role or user group mention as Discord and Slack write it in a message.
var mentionMarkup = regexp.MustCompile(`^<(?:@&|!subteam\^)([A-Za-z0-9]+)(?:\|[^>]*)?>$`)

// mentionID is the id a mention was probably meant to be: the one in its markup, in capitals as
// Slack writes ids.
func mentionID(mention string) string {
	if m := mentionMarkup.FindStringSubmatch(mention); m != nil {
		mention = m[1]
	}
	return strings.ToUpper(mention)
}

// slackConfigured: any Slack key set means Slack is meant to run, and must be complete.
func slackConfigured(s config.Slack) bool {
	return s.BotToken != "" || s.SigningSecret != "" || s.AppToken != "" || s.APIURL != "" || len(s.AdminUserIDs) > 0
}

func slackSettings(cfg *config.Config) slack.Config {
	s := cfg.Slack
	return slack.Config{BotToken: s.BotToken, SigningSecret: s.SigningSecret, AppToken: s.AppToken,
		APIURL: s.APIURL, AdminUserIDs: s.AdminUserIDs}
}

// loadLibrary loads the embedded briefings and the config's folders, refusing the lot if any file
// is bad (a file on disk replaces a built-in briefing only when it says replaces: true), and checks that every briefing the config names is loaded, naming the closest one that
// is when it is not.
func loadLibrary(cfg *config.Config) (*briefings.Library, []error) {
	lib, err := briefings.LoadDirs(cfg.Briefings.Dirs...)
	if err != nil {
		return nil, []error{err}
	}
	var errs []error
	// Every value goes to Errorf as an argument, never inside a message made here: one read from
	// the environment is then shown as where it came from, whatever its length.
	unknown := func(path []any, format string, args ...any) error {
		id := args[len(args)-1].(string)
		if ms := lib.Resolver().Closest(id, 1); len(ms) > 0 {
			return cfg.Errorf(path, format+" (did you mean %q?)", append(args, ms[0].Key)...)
		}
		return cfg.Errorf(path, format, args...)
	}
	if id := cfg.Briefings.Default; id != "" {
		if _, ok := lib.ByID(id); !ok {
			errs = append(errs, unknown([]any{"briefings", "default"}, "briefings.default: no briefing has id %q", id))
		}
	}
	for i, d := range cfg.Digests {
		if _, ok := lib.ByID(d.Briefing); d.Briefing != "" && !ok {
			errs = append(errs, unknown([]any{"digests", i, "briefing"}, "digest %q: no briefing has id %q", d.Name, d.Briefing))
		}
	}
	return lib, errs
}

// joinByLine joins errors, each split into its lines, sorted by file and line number, so that a
// moderator reads the problems in the order of the file whichever check found them. Problems of
// one kind are folded after the first few (foldAlike): everything that lists problems (config
// check, serve, a reload's log) lists them from here.
func joinByLine(errs []error) error {
	var lines []string
	for _, err := range errs {
		if err != nil {
			lines = append(lines, strings.Split(err.Error(), "\n")...)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	slices.SortStableFunc(lines, func(a, b string) int {
		fa, la := fileLine(a)
		fb, lb := fileLine(b)
		return cmp.Or(strings.Compare(fa, fb), cmp.Compare(la, lb))
	})
	return errors.New(strings.Join(foldAlike(lines), "\n"))
}

// foldAfter is how many problems of one kind are listed: a file with one mistake on 100,000 lines
// needs a few examples and a count, not 100,000 lines in a terminal or a log.
const foldAfter = 5

// foldAlike keeps the first foldAfter problems of each kind, in order, and says after the last
// one kept how many more there are: "... and 99,995 more like it".
func foldAlike(lines []string) []string {
	kinds := make([]string, len(lines))
	total := map[string]int{}
	for i, l := range lines {
		kinds[i] = problemKind(l)
		total[kinds[i]]++
	}
	out := make([]string, 0, min(len(lines), len(total)*(foldAfter+1)))
	listed := map[string]int{}
	for i, l := range lines {
		k := kinds[i]
		listed[k]++
		if n := listed[k]; n <= foldAfter {
			out = append(out, l)
			if n == foldAfter && total[k] > foldAfter {
				out = append(out, "... and "+thousands(total[k]-foldAfter)+" more like it")
			}
		}
	}
	return out
}

// problemKind is a problem without its place, and with what varies between problems of one
// kind blanked: the values it quotes and the numbers (indexes, lines) it gives. "unknown key
// "a1" in digests[3]" on line 9 and "unknown key "b" in digests[4]" on line 12 are one kind.
func problemKind(line string) string {
	msg := line
	if file, n := fileLine(line); file != "" {
		msg = strings.TrimPrefix(msg, file+":")
		if n > 0 {
			msg = strings.TrimPrefix(msg, strconv.Itoa(n)+":")
		}
	}
	var kind strings.Builder
	kind.Grow(len(msg))
	for i := 0; i < len(msg); i++ {
		switch c := msg[i]; {
		case c == '"':
			for i++; i < len(msg) && msg[i] != '"'; i++ {
				if msg[i] == '\\' {
					i++
				}
			}
			kind.WriteByte('_')
		case c >= '0' && c <= '9':
			for i+1 < len(msg) && msg[i+1] >= '0' && msg[i+1] <= '9' {
				i++
			}
			kind.WriteByte('_')
		default:
			kind.WriteByte(c)
		}
	}
	return kind.String()
}

// thousands writes a count n >= 0 with commas between groups of three digits: "99,995".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fileLine reads "FILE:LINE: message"; a message with no line sorts first in its file.
func fileLine(msg string) (string, int) {
	file, rest, ok := strings.Cut(msg, ":")
	if !ok {
		return "", 0
	}
	num, _, _ := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	if err != nil {
		return file, 0
	}
	return file, n
}
