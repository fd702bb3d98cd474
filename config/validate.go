package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"briefbot/internal/cron"
)

// validate checks what is structural or spans sections. The values only a platform understands
// (Discord ids and keys, Slack token kinds, API URLs) are its adapter's to check, so that
// `config check` and `serve` judge them by the same code.
func (l *loader) validate() {
	c := l.c
	l.listen([]any{"http", "listen"}, "http.listen", c.HTTP.Listen)
	if c.Metrics.Listen != "" && l.listen([]any{"metrics", "listen"}, "metrics.listen", c.Metrics.Listen) &&
		c.Metrics.Listen == c.HTTP.Listen {
		l.problem([]any{"metrics", "listen"}, "metrics.listen is http.listen's address; leave it empty to serve /metrics there")
	}
	for i, dir := range c.Briefings.Dirs {
		if strings.TrimSpace(dir) == "" {
			l.problem([]any{"briefings", "dirs", i}, "briefings.dirs: an empty folder name")
		}
	}
	l.store()
	l.oneOf([]any{"log", "level"}, "log.level", c.Log.Level, logLevels)
	l.oneOf([]any{"log", "format"}, "log.format", c.Log.Format, logFormats)
	l.commandPrefix()
	l.rateLimits()
	first := map[string]int{}
	for i := range c.Digests {
		l.digest(i, first)
	}
}

// listen checks a host:port to listen on and reports whether it is one.
func (l *loader) listen(path []any, key, addr string) bool {
	fix, ok := checkListen(addr)
	if ok {
		return true
	}
	msg := fmt.Sprintf("%s %s is not host:port (such as 127.0.0.1:8080 or :8080)", key, l.show(path, addr))
	if fix != "" && !l.fromEnv(path...) {
		msg += fmt.Sprintf("; did you mean %q?", fix)
	}
	l.problem(path, "%s", msg)
	return false
}

var dsnSchemes = []string{"sqlite", "postgres", "postgresql"}

// schemeLike is what a DSN's scheme must look like to be quoted back.
var schemeLike = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]{0,15}$`)

// store checks the DSN without ever quoting it (it may hold a password) and the retention.
func (l *loader) store() {
	s := &l.c.Store
	path := []any{"store", "dsn"}
	scheme, rest, found := strings.Cut(s.DSN, "://")
	switch {
	case !found || !slices.Contains(dsnSchemes, scheme):
		msg := "store.dsn must start with sqlite://, postgres:// or postgresql://"
		if found && schemeLike.MatchString(scheme) && !l.fromEnv(path...) {
			msg += fmt.Sprintf(" (it starts with %q)", scheme+"://")
			if fix, ok := Closest(scheme, dsnSchemes); ok {
				msg += fmt.Sprintf("; did you mean %q?", fix+"://")
			}
		}
		l.problem(path, "%s", msg)
	case rest == "":
		l.problem(path, "store.dsn names no database (sqlite://briefbot.db, postgres://user@host/db)")
	case scheme != "sqlite":
		if _, err := url.Parse(s.DSN); err != nil {
			// url's own error quotes the whole DSN, password and all.
			l.problem(path, "store.dsn is not a URL (a user name or password with @, :, / or # must be percent-encoded)")
		}
	}
	if s.Retention == "" {
		return
	}
	path = []any{"store", "retention"}
	switch d, ok := ParseDuration(s.Retention); {
	case !ok:
		l.problem(path, "store.retention %s is not a duration such as 90d or 720h", l.show(path, s.Retention))
	case d == 0:
		l.problem(path, "store.retention must be longer than 0")
	default:
		s.RetentionTime = d
	}
}

// oneOf checks a value that must be one of a few words.
func (l *loader) oneOf(path []any, key, v string, words []string) {
	if slices.Contains(words, v) {
		return
	}
	msg := fmt.Sprintf("%s %s is not one of %s", key, l.show(path, v), strings.Join(words, ", "))
	if fix, ok := Closest(v, words); ok && !l.fromEnv(path...) {
		msg += fmt.Sprintf("; did you mean %q?", fix)
	}
	l.problem(path, "%s", msg)
}

// rateLimits checks the budgets the file sets: a rate of 0 or less would post nothing, and an
// infinite one is no budget, while every platform has a limit. A key left out, or left empty,
// keeps the default.
func (l *loader) rateLimits() {
	r := l.c.RateLimits
	for _, rate := range []struct {
		path []any
		v    float64
	}{
		{[]any{"rate_limits", "discord", "per_second"}, r.Discord.PerSecond},
		{[]any{"rate_limits", "slack", "per_channel_per_second"}, r.Slack.PerChannelPerSecond},
		{[]any{"rate_limits", "slack", "workspace_per_minute"}, r.Slack.WorkspacePerMinute},
	} {
		if n, exact := l.value(rate.path...); !exact || n.ShortTag() == "!!null" {
			continue
		}
		key := fmt.Sprintf("%s.%s.%s", rate.path...)
		switch {
		case math.IsInf(rate.v, 1):
			l.problem(rate.path, "%s cannot be infinite: every platform limits a bot (leave it out for the default)", key)
		case !(rate.v > 0):
			l.problem(rate.path, "%s must be more than 0 (leave it out for the default)", key)
		}
	}
}

// maxPrefix keeps every command name within Slack's 32 characters: the longest is /brief-search.
const maxPrefix = 20

var commandPrefix = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (l *loader) commandPrefix() {
	p := l.c.Slack.CommandPrefix
	path := []any{"slack", "command_prefix"}
	if p == "" || (commandPrefix.MatchString(p) && len(p) <= maxPrefix) {
		return
	}
	msg := fmt.Sprintf("slack.command_prefix %s must be lower-case letters, digits and hyphens, at most %d, such as \"bb-\"", l.show(path, p), maxPrefix)
	if low := strings.ToLower(p); low != p && commandPrefix.MatchString(low) && len(low) <= maxPrefix && !l.fromEnv(path...) {
		msg += fmt.Sprintf("; did you mean %q?", low)
	}
	l.problem(path, "%s", msg)
}

// digest checks digest i and fills in what it derives: Channels, Location, CatchUpTime,
// Closures.
// first holds the index of each name already seen.
func (l *loader) digest(i int, first map[string]int) {
	c := l.c
	g := &c.Digests[i]
	if n, _ := l.value("digests", i); l.failed("digests", i) || n.ShortTag() == "!!null" {
		if !l.failed("digests", i) {
			l.problem([]any{"digests", i}, "digest %d is empty", i+1)
		}
		return
	}
	at := func(key string, more ...any) []any { return append([]any{"digests", i, key}, more...) }
	name := fmt.Sprintf("digest %d", i+1)
	if g.Name != "" && !l.fromEnv(at("name")...) {
		name = fmt.Sprintf("digest %q", g.Name)
	}

	switch j, dup := first[g.Name]; {
	case g.Name == "":
		l.problem(at("name"), "digest %d has no name", i+1)
	case dup:
		n, _ := l.node("digests", j, "name")
		l.problem(at("name"), "duplicate digest name %s (first at line %d)", l.show(at("name"), g.Name), n.Line)
	default:
		first[g.Name] = i
	}

	l.platform(i, name)

	switch {
	case g.Channel != "" && len(g.Channels) > 0:
		l.problem(at("channels"), "%s has both channel and channels; keep one", name)
	case g.Channel != "":
		g.Channels = []string{g.Channel}
	case len(g.Channels) == 0:
		if !l.failed(at("channel")...) && !l.failed(at("channels")...) {
			l.problem(at("channel"), "%s has no channel (channel: C0123, or channels: [C0123, C0456])", name)
		}
	default:
		for j, ch := range g.Channels {
			if strings.TrimSpace(ch) == "" {
				l.problem(at("channels", j), "%s: an empty channel in channels", name)
			} else if slices.Index(g.Channels, ch) < j {
				l.problem(at("channels", j), "%s: channel %s is listed twice", name, l.show(at("channels", j), ch))
			}
		}
	}

	if g.Timezone == "" {
		g.Timezone = "UTC"
	}
	loc, err := time.LoadLocation(g.Timezone)
	if err != nil || strings.EqualFold(g.Timezone, "local") {
		loc = nil
		msg := fmt.Sprintf("%s: unknown time zone %s", name, l.show(at("timezone"), g.Timezone))
		if fix, ok := suggestZone(g.Timezone); ok && !l.fromEnv(at("timezone")...) {
			msg += fmt.Sprintf("; did you mean %q?", fix)
		} else {
			msg += " (use an IANA name such as America/Mexico_City)"
		}
		l.problem(at("timezone"), "%s", msg)
	}
	g.Location = loc

	l.schedule(i, name)

	g.CatchUpTime = DefaultCatchUp
	if g.CatchUp != "" {
		if d, ok := ParseDuration(g.CatchUp); ok {
			g.CatchUpTime = d
		} else {
			l.problem(at("catch_up"), "%s: catch_up %s is not a duration such as 2h, 30m or 1d", name, l.show(at("catch_up"), g.CatchUp))
		}
	}
	if r := c.Store.RetentionTime; r > 0 && g.CatchUpTime >= r {
		l.problem(at("catch_up"), "%s: catch_up (%s) must be shorter than store.retention (%s), or a late digest could be posted twice",
			name, durationText(g.CatchUpTime), durationText(r))
	}
	l.closures(i, name)
}

// platform checks a digest's platform and that the platform has what posting needs.
func (l *loader) platform(i int, name string) {
	c := l.c
	g := &c.Digests[i]
	path := []any{"digests", i, "platform"}
	need := func(have string, key ...any) {
		if have == "" && !l.failed(key...) {
			l.problem(path, "%s posts to %s, which needs %s.%s", name, g.Platform, key[0], key[1])
		}
	}
	switch g.Platform {
	case "slack":
		need(c.Slack.BotToken, "slack", "bot_token")
	case "discord":
		need(c.Discord.Token, "discord", "token")
	case "":
		l.problem(path, "%s has no platform (discord or slack)", name)
	default:
		msg := fmt.Sprintf("%s: unknown platform %s (known: %s)", name, l.show(path, g.Platform), strings.Join(platforms, ", "))
		if fix, ok := Closest(g.Platform, platforms); ok && !l.fromEnv(path...) {
			msg += fmt.Sprintf("; did you mean %q?", fix)
		}
		l.problem(path, "%s", msg)
	}
}

// schedule checks a digest's cron spec as the scheduler reads it, and warns when it posts every
// minute, by the scheduler's own arithmetic: a time in a spring-forward gap runs as the clocks
// jump, a time in a fall-back hour runs once.
func (l *loader) schedule(i int, name string) {
	g := &l.c.Digests[i]
	path := []any{"digests", i, "schedule"}
	sched, err := cron.Parse(g.Schedule, g.Location)
	if err != nil {
		detail := err.Error()
		if l.fromEnv(path...) && !errors.Is(err, cron.ErrNoFixedTimes) && !errors.Is(err, cron.ErrNeverFires) {
			// A field's refusal quotes the spec's text.
			detail = "not five cron fields (minute hour day-of-month month weekday) nor a descriptor such as @daily"
		}
		if strings.TrimSpace(g.Schedule) == "" {
			l.problem(path, "%s: %s", name, detail)
		} else {
			l.problem(path, "%s: schedule %s: %s", name, l.show(path, g.Schedule), detail)
		}
		return
	}
	// Three runs, not two: a spring-forward gap folds an hour's runs into one, and the runs that
	// follow show what the spec does on the other days.
	runs := sched.Runs(time.Date(2025, time.January, 5, 23, 59, 59, 0, sched.Zone()), 3)
	for j := 1; j < len(runs); j++ {
		if runs[j].At.Sub(runs[j-1].At) == time.Minute {
			l.warning(path, "%s: schedule %s posts every minute (at %s, %s, ...)",
				name, l.show(path, g.Schedule), runs[j-1].At.Format("15:04"), runs[j].At.Format("15:04"))
			return
		}
	}
}
