package preview

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/slack"
	"briefbot/briefings"
)

// pageView is everything one page shows; the template reads only this.
type pageView struct {
	View   string // "ask", "digests" or "briefings"
	Title  string
	Stamp  string
	Status string // one line on what is loaded, read out when it changes
	Ready  bool   // an engine is in force and nothing is wrong
	// Problems are shown in place of the content while there are any.
	Problems []problem
	Warnings []problem

	Line      string   // the command box
	Find      string   // a message's text, asked as Find in briefing asks it
	DM        bool     // Discord's view is asked from a DM, outside every server
	Choices   []string // what the box suggests before any typing
	Answer    *answerView
	Examples  []example
	Digests   *digestsView
	Briefings []briefingView
	Search    string
	Found     *answerView
	Home      *homeView
}

// homeView is Slack's Home tab as a member and as an admin see it.
type homeView struct {
	Member, Admin *slackView
	Error         string
}

// problem is a "FILE:LINE: message" line, its place set apart.
type problem struct{ Where, Message string }

func splitProblem(line string) problem {
	for i := 0; ; {
		j := strings.Index(line[i:], ": ")
		if j < 0 {
			return problem{Message: line}
		}
		at := i + j
		// The place ends with ":LINE" (or ":LINE:COLUMN").
		if k := strings.LastIndexByte(line[:at], ':'); k > 0 && digits(line[k+1:at]) {
			return problem{Where: line[:at], Message: line[at+2:]}
		}
		i = at + 2
	}
}

// answerView is one answer on every platform it is shown for.
type answerView struct {
	Status   string // how the request went, as the bot says: answered, not found, ...
	Discord  *discordView
	Slack    *slackView
	Terminal string
	Error    string // an answer that could not be drawn
}

type example struct{ Usage, Line, Description string }

func (s *server) build(r *http.Request, view string, st State) pageView {
	p := pageView{View: view, Stamp: s.stamp(st), Status: status(st)}
	p.Title = map[string]string{"ask": "Ask", "digests": "Digests", "briefings": "Briefings", "home": "Home tab"}[view]
	for _, w := range st.Warnings {
		p.Warnings = append(p.Warnings, splitProblem(w))
	}
	for _, pr := range st.Problems {
		p.Problems = append(p.Problems, splitProblem(pr))
	}
	if st.Engine == nil && len(p.Problems) == 0 {
		p.Problems = []problem{{Message: "Nothing is loaded yet."}}
	}
	q := r.URL.Query()
	p.Line = strings.TrimSpace(q.Get("q"))
	p.Find = strings.TrimSpace(q.Get("find"))
	p.DM = q.Get("dm") != ""
	p.Search = strings.TrimSpace(q.Get("words"))
	e := st.Engine
	p.Ready = e != nil && len(p.Problems) == 0
	if !p.Ready {
		return p // the problems take the place of everything below
	}
	ctx := r.Context()
	switch view {
	case "ask":
		p.Choices = completions(e, p.Line, maxChoices)
		switch {
		case p.Find != "":
			p.Answer = s.answerOn(ctx, e.FindRequest(p.Find), p.DM)
		case p.Line != "":
			p.Answer = s.answerOn(ctx, parseLine(e, p.Line), p.DM)
		}
		for _, c := range e.Commands() {
			if c.Umbrella {
				continue
			}
			p.Examples = append(p.Examples, example{Usage: c.Usage(), Line: exampleLine(e, c), Description: c.Description})
		}
	case "digests":
		p.Digests = s.digests(st, q.Get("digest"), q.Get("date"))
	case "home":
		p.Home = s.home(ctx, e)
	case "briefings":
		p.Briefings = briefingViews(e)
		if p.Search != "" {
			p.Found = s.answerOn(ctx, parseLine(e, "/search "+p.Search), false)
		}
	}
	return p
}

func status(st State) string {
	at := st.Loaded.Format("15:04:05")
	switch {
	case len(st.Problems) == 1:
		return "Read at " + at + ": 1 problem"
	case len(st.Problems) > 1:
		return fmt.Sprintf("Read at %s: %d problems", at, len(st.Problems))
	case st.Engine == nil:
		return "Waiting for the config"
	}
	return fmt.Sprintf("Read at %s: %s, %s", at, count(len(st.Engine.Library().Briefings()), "briefing"), count(len(st.Digests), "digest"))
}

func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// exampleLine is a command as a moderator might first try it, with the first issue or section of
// the default briefing where the command wants one.
func exampleLine(e *bot.Engine, c bot.Command) string {
	line := "/" + c.Name
	b := e.DefaultBriefing()
	for _, o := range c.Options {
		switch {
		case o.Kind == bot.IssueOption && len(b.Issues) > 0:
			return line + " " + b.Issues[0].Slug
		case o.Kind == bot.SectionOption && len(b.Sections) > 1:
			return line + " " + b.Sections[1].Slug
		case o.Required && o.Name == "words" && len(b.Issues) > 0:
			return line + " " + strings.ToLower(b.Issues[0].Name)
		}
	}
	return line
}

// platforms are the callers an answer is asked for, one per view, so that each view shows the
// names and the access of its own platform (Slack's /brief-search, the shell's admin rights).
var platforms = []string{"discord", "slack", "shell"}

// rooms are how much one message holds on each platform; the terminal takes a whole answer.
var rooms = map[string]bot.Room{"discord": discord.PageRoom(), "slack": slack.PageRoom()}

// answerOn answers req on every platform; dm asks Discord's from a DM, outside every server.
func (s *server) answerOn(ctx context.Context, req bot.Request, dm bool) *answerView {
	v := &answerView{}
	for _, platform := range platforms {
		// Each platform gets the pages its own messages hold, as its adapter asks for them.
		req.Caller, req.Room = bot.Caller{Platform: platform, OutsideServer: dm && platform == "discord"}, rooms[platform]
		var reply bot.Reply
		if req.Command.Name == "digest" && strings.EqualFold(req.Option("action"), bot.DigestNow) {
			// The shell is an admin, and /digest now posts to every channel: the page must not.
			reply = bot.Reply{Status: bot.Invalid, Private: true, Title: "The preview never posts",
				Blocks: []bot.Block{{Kind: bot.Paragraph, Text: "Try /digest preview, or the Digests view."}}}
		} else {
			reply = s.answer.Handle(ctx, req)
		}
		if platform == "discord" {
			v.Status = reply.Status.String()
		}
		s.draw(v, platform, reply)
	}
	return v
}

// parseLine reads a typed line as the shell does, then by the names Slack gives commands
// (/brief-search), which moderators of a Slack workspace will type.
func parseLine(e *bot.Engine, line string) bot.Request {
	req, err := e.Parse(line)
	if err != nil {
		name, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		if onSlack, err := e.ParseOn("slack", name, rest); err == nil {
			return onSlack
		}
	}
	return req
}

// draw adds reply's view for platform, drawn from the adapter's payload.
func (s *server) draw(v *answerView, platform string, reply bot.Reply) {
	var err error
	switch platform {
	case "discord":
		v.Discord, err = renderDiscord(reply)
	case "slack":
		v.Slack, err = renderSlack(reply)
	case "shell":
		v.Terminal, err = terminal(reply)
	}
	if err != nil {
		s.log.Error("preview: draw answer", "platform", platform, "err", err)
		v.Error = "The " + platform + " view could not be drawn: " + err.Error()
	}
}

// home draws Slack's Home tab for a member and for an admin, who sees each digest's next run too.
func (s *server) home(ctx context.Context, e *bot.Engine) *homeView {
	v := &homeView{}
	var err error
	if v.Member, err = renderHomeTab(e.HomeAs(ctx, "slack", false)); err == nil {
		v.Admin, err = renderHomeTab(e.HomeAs(ctx, "slack", true))
	}
	if err != nil {
		s.log.Error("preview: draw home tab", "err", err)
		v.Error = "The Home tab could not be drawn: " + err.Error()
	}
	return v
}

type digestsView struct {
	List   []digestRow
	Names  []string
	Chosen string
	Date   string // YYYY-MM-DD in the chosen digest's zone
	About  string // what the post below is
	Post   *answerView
	Error  string
}

type digestRow struct {
	Name, Platform, Briefing, Schedule, Zone string
	Channels                                 []string
	Posts                                    string // how it posts beyond the plain post: "in a thread, ..."
	Runs                                     []runRow
}

type runRow struct {
	Local, Offset, UTC, Note string
	DST                      bool
	Skipped                  string // why the digest rests that day; "" when it posts
}

func (s *server) digests(st State, chosen, date string) *digestsView {
	v := &digestsView{}
	e := st.Engine
	var pick *DigestView
	for i, d := range st.Digests {
		zone := cmp.Or(d.Schedule.Zone(), time.UTC)
		row := digestRow{Name: d.Name, Platform: d.Platform, Briefing: cmp.Or(d.Briefing, e.DefaultBriefing().ID),
			Schedule: d.Schedule.Spec(), Zone: zone.String(), Channels: d.Channels, Posts: d.Digest.Delivery()}
		for _, run := range d.Next {
			at := run.At.In(zone)
			r := runRow{Local: at.Format("Mon 2 Jan 2006 15:04"),
				Offset: at.Format("MST, UTC-07:00"), UTC: at.UTC().Format("Mon 15:04"), DST: at.IsDST(), Note: run.Note()}
			if why, closed := d.ClosedOn(run.At); closed {
				r.Skipped = cmp.Or(why, "closed")
			}
			row.Runs = append(row.Runs, r)
		}
		v.List = append(v.List, row)
		v.Names = append(v.Names, d.Name)
		if pick == nil && (chosen == "" || strings.EqualFold(chosen, d.Name)) {
			pick = &st.Digests[i]
		}
	}
	// With no digest configured, the post is what /digest preview shows: the default briefing's.
	b, zone, platform := e.DefaultBriefing(), time.UTC, ""
	day := s.now()
	if pick != nil {
		v.Chosen, platform = pick.Name, pick.Platform
		zone = cmp.Or(pick.Schedule.Zone(), zone)
		if found, ok := e.Library().ByID(pick.Briefing); ok {
			b = found
		}
		day = day.In(zone)
		if len(pick.Next) > 0 {
			day = pick.Next[0].At.In(zone)
		}
		// The post it makes next: its next run on a day it does not rest on.
		for _, run := range pick.Next {
			if _, closed := pick.ClosedOn(run.At); !closed {
				day = run.At.In(zone)
				break
			}
		}
	}
	if date != "" {
		if d, err := time.ParseInLocation(time.DateOnly, date, zone); err == nil {
			day = d
		} else {
			v.Error = fmt.Sprintf("%q is not a date (YYYY-MM-DD); showing %s.", date, day.Format(time.DateOnly))
		}
	}
	v.Date = day.Format(time.DateOnly)
	v.About = fmt.Sprintf("%s on %s, from %s", firstOf(v.Chosen, "The digest"), day.Format("Monday 2 January 2006"), b.Title)
	if pick != nil {
		if why, closed := pick.ClosedOn(day); closed {
			v.About += fmt.Sprintf("; it rests that day (%s), so nothing is posted", why)
		}
	}
	reply, err := compose(b, day)
	v.Post = &answerView{}
	if err != nil {
		v.Post.Error = err.Error()
		return v
	}
	for _, p := range []string{"discord", "slack"} {
		if platform == "" || platform == p {
			s.draw(v.Post, p, reply)
		}
	}
	if platform != "discord" && platform != "slack" {
		s.draw(v.Post, "shell", reply)
	}
	return v
}

// compose is bot.Compose, with a briefing it cannot digest reported rather than fatal.
func compose(b *briefings.Briefing, day time.Time) (r bot.Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the digest of %s could not be made: %v", b.ID, p)
		}
	}()
	return bot.Compose(b, day), nil
}

type briefingView struct {
	ID, Title, Version, Date, Source, File string
	Default                                bool
	Parties                                []string
	Issues, Sections                       []linkRow
	Facts, Events                          int
}

// linkRow is a thing a briefing holds, with the command line that shows it.
type linkRow struct{ Label, Slug, Ask, Aliases string }

func briefingViews(e *bot.Engine) []briefingView {
	var out []briefingView
	for _, b := range e.Library().Briefings() {
		v := briefingView{ID: b.ID, Title: b.Title, Version: b.Version, Date: b.Date, Source: b.SourceLine(),
			File: b.File, Default: b == e.DefaultBriefing(), Facts: len(b.Facts), Events: len(b.Events)}
		for _, p := range b.Parties {
			v.Parties = append(v.Parties, p.Name+" ("+p.ID+")")
		}
		for _, iss := range b.Issues {
			v.Issues = append(v.Issues, linkRow{Label: iss.Name, Slug: iss.Slug, Aliases: strings.Join(iss.Aliases, ", "),
				Ask: "/position " + iss.Slug + " briefing:" + b.ID})
		}
		for _, sec := range b.Sections {
			v.Sections = append(v.Sections, linkRow{Label: sec.Title, Slug: sec.Slug,
				Ask: "/briefing " + sec.Slug + " briefing:" + b.ID})
		}
		out = append(out, v)
	}
	return out
}
