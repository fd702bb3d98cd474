package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"briefbot/bot"
	"briefbot/bot/schedule"
	"briefbot/briefings"
	"briefbot/config"
	"briefbot/internal/cron"
)

// A checkReport is what config check says will run, for a moderator (text) or a script (JSON).
// It holds no secret: platforms by mode only, the store without its password.
type checkReport struct {
	File      string           `json:"file"`
	From      string           `json:"from,omitempty"` // --from's day; runs are from now without it
	Platforms []platformReport `json:"platforms"`
	Briefings []briefingReport `json:"briefings"`
	Store     string           `json:"store"`
	Digests   []digestReport   `json:"digests"`
	Warnings  []string         `json:"warnings"`
	// RateLimits are the budgets digests are posted within, by platform: the file's or the defaults.
	RateLimits map[string]rateReport `json:"rate_limits"`
}

type platformReport struct {
	Name  string   `json:"name"`
	Modes []string `json:"modes"`
}

// A rateReport is a platform's rate budget in the config's words: per_second for one the whole
// bot shares, per_channel_per_second and workspace_per_minute for Slack's two.
type rateReport struct {
	PerSecond           float64 `json:"per_second,omitempty"`
	PerChannelPerSecond float64 `json:"per_channel_per_second,omitempty"`
	WorkspacePerMinute  float64 `json:"workspace_per_minute,omitempty"`
}

func rateReports(limits map[string]schedule.Limit) map[string]rateReport {
	// Rounded, so that a budget set per minute reads back as written, not as 249.99999999999997.
	round := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	out := map[string]rateReport{}
	for platform, l := range limits {
		var r rateReport
		if l.PerChannel {
			r.PerChannelPerSecond = round(l.PerSecond)
		} else {
			r.PerSecond = round(l.PerSecond)
		}
		r.WorkspacePerMinute = round(l.Shared * 60)
		out[platform] = r
	}
	return out
}

type briefingReport struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Issues  int    `json:"issues"`
	File    string `json:"file"`
	Version string `json:"version"`
	Default bool   `json:"default"`
}

type digestReport struct {
	Name     string   `json:"name"`
	Platform string   `json:"platform"`
	Channels []string `json:"channels"`
	Schedule string   `json:"schedule"`
	Zone     string   `json:"zone"`
	Briefing string   `json:"briefing"`
	// How it posts, as the config sets it.
	Thread          bool   `json:"thread,omitempty"`
	Mention         string `json:"mention,omitempty"`
	OnlyWhenChanged bool   `json:"only_when_changed,omitempty"`
	// The days it rests on, as the config names them.
	SkipDates    []string    `json:"skip_dates,omitempty"`
	SkipHolidays []string    `json:"skip_holidays,omitempty"`
	Calendar     string      `json:"calendar,omitempty"`
	Next         []runReport `json:"next"`
}

type runReport struct {
	At     time.Time `json:"at"` // RFC 3339 with the zone's offset
	Local  string    `json:"local"`
	Gap    bool      `json:"dst_gap,omitempty"`      // the scheduled time does not exist that day
	Repeat bool      `json:"dst_repeated,omitempty"` // the scheduled time happens twice that day
	// Skipped is why the digest rests that day ("Christmas Day (us)"); "" when it posts.
	Skipped string `json:"skipped,omitempty"`
}

// nextRuns is how many runs of each digest config check lists.
const nextRuns = 5

// report describes what b will run, with each digest's next runs after now, those on a day the
// digest rests on marked skipped with why.
func (b *build) report(now time.Time) checkReport {
	return b.describe(func(s cron.Schedule) []cron.Run { return s.Runs(now, nextRuns) })
}

// reportFrom describes what b will run, with each digest's first runs from day on. The day
// starts at midnight in each digest's own zone, as its channel lives it, so that a moderator
// looking ahead at a DST weekend or a holiday sees the runs that fall on it.
func (b *build) reportFrom(day time.Time) checkReport {
	r := b.describe(func(s cron.Schedule) []cron.Run { return s.RunsFrom(day, nextRuns) })
	r.From = day.Format(time.DateOnly)
	return r
}

// describe is what b will run, with the runs that runs lists for each digest.
func (b *build) describe(runs func(cron.Schedule) []cron.Run) checkReport {
	cfg := b.cfg
	store := safeDSN(cfg.Store.DSN)
	if cfg.Hidden(cfg.Store.DSN) {
		store = cfg.Shown(cfg.Store.DSN) // from the environment: not even its host is printed
	}
	r := checkReport{File: cfg.File, Store: store, Warnings: cfg.Warnings, RateLimits: rateReports(b.limits),
		Platforms: []platformReport{}, Briefings: []briefingReport{}, Digests: []digestReport{}}
	if d := cfg.Discord; d.Enabled() || d.Token != "" {
		p := platformReport{Name: "discord"}
		if d.PublicKey != "" {
			p.Modes = append(p.Modes, "HTTP endpoint (/discord/interactions)")
		}
		if d.Gateway {
			p.Modes = append(p.Modes, "gateway")
		}
		if d.Token != "" {
			p.Modes = append(p.Modes, "posts digests")
		}
		r.Platforms = append(r.Platforms, p)
	}
	if s := cfg.Slack; s.Enabled() {
		p := platformReport{Name: "slack"}
		if s.SigningSecret != "" {
			p.Modes = append(p.Modes, "HTTP endpoint (/slack/commands)")
		}
		if s.AppToken != "" {
			p.Modes = append(p.Modes, "Socket Mode")
		}
		if s.BotToken != "" {
			p.Modes = append(p.Modes, "posts digests")
		}
		r.Platforms = append(r.Platforms, p)
	}
	if len(r.Platforms) == 0 {
		r.Platforms = append(r.Platforms, platformReport{Name: "shell", Modes: []string{"terminal only: no platform configured"}})
	}
	for _, br := range b.engine.Library().Briefings() {
		file := br.File
		if strings.HasPrefix(file, briefings.EmbeddedPrefix) {
			file = "built in"
		}
		r.Briefings = append(r.Briefings, briefingReport{ID: br.ID, Title: br.Title, Issues: len(br.Issues),
			File: file, Version: br.Version, Default: br == b.engine.DefaultBriefing()})
	}
	for _, d := range b.digests {
		// A value read from the environment is never printed, however ordinary it looks.
		channels := make([]string, len(d.Channels))
		for i, ch := range d.Channels {
			channels[i] = cfg.Shown(ch)
		}
		dr := digestReport{Name: cfg.Shown(d.Name), Platform: d.Platform, Channels: channels, Schedule: cfg.Shown(d.Schedule.Spec()),
			Zone: cfg.Shown(d.Schedule.Zone().String()), Briefing: cfg.Shown(d.Briefing), Next: []runReport{},
			Thread: d.Thread, Mention: cfg.Shown(d.Mention), OnlyWhenChanged: d.OnlyWhenChanged}
		if i := slices.IndexFunc(cfg.Digests, func(c config.Digest) bool { return c.Name == d.Name }); i >= 0 {
			written := cfg.Digests[i]
			for _, date := range written.SkipDates {
				dr.SkipDates = append(dr.SkipDates, cfg.Shown(date))
			}
			for _, set := range written.SkipHolidays {
				dr.SkipHolidays = append(dr.SkipHolidays, cfg.Shown(set))
			}
			dr.Calendar = cfg.Shown(written.Calendar)
		}
		for _, run := range runs(d.Schedule) {
			r := runReport{At: run.At, Local: run.String(), Gap: run.Adjust == cron.InGap, Repeat: run.Adjust == cron.Repeated}
			if why, closed := d.ClosedOn(run.At); closed {
				r.Skipped = cmp.Or(why, "closed")
			}
			dr.Next = append(dr.Next, r)
		}
		r.Digests = append(r.Digests, dr)
	}
	return r
}

// safeDSN is the store's address without its password: the scheme, host and path.
func safeDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unreadable)"
	}
	if u.Scheme == "sqlite" {
		return "sqlite://" + u.Host + u.Path
	}
	return u.Scheme + "://" + u.Host + u.Path
}

// String says the budget in words: "1 post a second per channel, 300 a minute in the workspace".
func (r rateReport) String() string {
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	posts := func(v float64) string {
		if v == 1 {
			return "1 post"
		}
		return num(v) + " posts"
	}
	var parts []string
	if r.PerSecond > 0 {
		parts = append(parts, posts(r.PerSecond)+" a second for the whole bot")
	}
	if r.PerChannelPerSecond > 0 {
		parts = append(parts, posts(r.PerChannelPerSecond)+" a second per channel")
	}
	if r.WorkspacePerMinute > 0 {
		parts = append(parts, num(r.WorkspacePerMinute)+" a minute in the workspace")
	}
	if len(parts) == 0 {
		return "no limit"
	}
	return strings.Join(parts, ", ")
}

// restsOn says which days the digest rests on: "2 skip dates; us, mx holidays; closures.ics".
func (d digestReport) restsOn() string {
	var on []string
	switch n := len(d.SkipDates); {
	case n == 1:
		on = append(on, "1 skip date")
	case n > 1:
		on = append(on, fmt.Sprintf("%d skip dates", n))
	}
	if len(d.SkipHolidays) > 0 {
		on = append(on, strings.Join(d.SkipHolidays, ", ")+" holidays")
	}
	if d.Calendar != "" {
		on = append(on, d.Calendar)
	}
	return strings.Join(on, "; ")
}

func (r checkReport) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r checkReport) writeText(w io.Writer) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: ok\n\nPlatforms\n", r.File)
	for _, p := range r.Platforms {
		fmt.Fprintf(&sb, "  %-8s %s\n", p.Name, strings.Join(p.Modes, ", "))
	}
	sb.WriteString("\nBriefings\n")
	for _, b := range r.Briefings {
		def := ""
		if b.Default {
			def = ", the default"
		}
		fmt.Fprintf(&sb, "  %s: %s (%d issues, version %s%s)\n    %s\n", b.ID, b.Title, b.Issues, b.Version, def, b.File)
	}
	fmt.Fprintf(&sb, "\nStore\n  %s\n", r.Store)
	sb.WriteString("\nRate limits (a change needs a restart)\n")
	for _, platform := range slices.Sorted(maps.Keys(r.RateLimits)) {
		fmt.Fprintf(&sb, "  %-8s %s\n", platform, r.RateLimits[platform])
	}
	if len(r.Digests) > 0 {
		from := ""
		if r.From != "" {
			from = " from " + r.From
		}
		fmt.Fprintf(&sb, "\nDigests: the next %d runs%s, in each digest's zone\n", nextRuns, from)
	}
	for _, d := range r.Digests {
		fmt.Fprintf(&sb, "  %s → %s %s: %q in %s, briefing %s\n", d.Name, d.Platform, strings.Join(d.Channels, ", "),
			d.Schedule, d.Zone, d.Briefing)
		how := bot.Digest{Thread: d.Thread, Mention: d.Mention, OnlyWhenChanged: d.OnlyWhenChanged}.Delivery()
		if how != "" {
			fmt.Fprintf(&sb, "    posts %s\n", how)
		}
		if rests := d.restsOn(); rests != "" {
			fmt.Fprintf(&sb, "    rests on %s\n", rests)
		}
		for _, n := range d.Next {
			skipped := ""
			if n.Skipped != "" {
				skipped = "  skipped: " + n.Skipped
			}
			fmt.Fprintf(&sb, "    %s (UTC%s)%s\n", n.Local, n.At.Format("-07:00"), skipped)
		}
	}
	if len(r.Warnings) > 0 {
		sb.WriteString("\nWarnings\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&sb, "  %s\n", w)
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
