package bot

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

func (e *Engine) digest(ctx context.Context, req Request) Reply {
	action := strings.ToLower(req.Option("action"))
	if action == "" || action == DigestPreview {
		return e.digestPreview(req)
	}
	// A preview is the briefing's, as /briefing is. Status is the servers' own (their channels,
	// holds and latest admin actions), and someone who installed the bot for themselves need
	// share no server with it.
	if req.Caller.OutsideServer {
		return Reply{Status: Forbidden, Private: true, Title: "Admin commands work in a server where briefbot is installed, not in DMs",
			Blocks: []Block{{Kind: Paragraph, Text: "Here, /digest preview still shows the digest, privately. " +
				"Its status, and the actions that change it (now, pause, resume, skip, unskip), answer only in such a server."}}}
	}
	if action == DigestStatus {
		return e.digestStatus(ctx, req)
	}
	if !e.IsAdmin(req.Caller) {
		what := "post the digest"
		if action != DigestNow {
			what = action + " a digest"
		}
		return Reply{Status: Forbidden, Private: true, Title: "Only admins can " + what,
			Blocks: []Block{{Kind: Paragraph, Text: "Who may: " + e.access[req.Caller.Platform].who() +
				". Anyone can see it privately with /digest preview, and its next runs with /digest status."}}}
	}
	switch action {
	case DigestNow:
		return e.digestNow(ctx, req)
	case DigestPause, DigestResume, DigestSkip, DigestUnskip:
		return e.digestHold(ctx, req, action)
	}
	return Reply{Status: Invalid, Private: true, Title: "Unknown digest action",
		Blocks: []Block{{Kind: Paragraph, Text: "Use /digest preview, now, status, pause, resume, skip or unskip."}}}
}

// digestHold pauses, resumes, skips a day of or unskips the digest the request names; with
// only one digest configured, the name may be left out.
func (e *Engine) digestHold(ctx context.Context, req Request, action string) Reply {
	d, bad := e.configuredDigest(req)
	if bad != nil {
		return *bad
	}
	if d == nil {
		all := e.digests.Digests()
		if len(all) != 1 {
			return Usage("Name the digest to "+action, "/digest "+action+" "+all[0].Name+holdExample(action))
		}
		d = &all[0]
	}
	date := req.Option("date")
	if date == "" && (action == DigestSkip || action == DigestUnskip) {
		return Usage("Name the day to "+action, "/digest "+action+" "+d.Name+holdExample(action))
	}
	if date != "" && action == DigestResume {
		return Usage("Resume takes no date: it posts again from the next run", "/digest resume "+d.Name)
	}
	actor := req.Caller.Actor()
	var err error
	var r Reply
	switch action {
	case DigestPause:
		err = e.digests.Hold(ctx, Hold{Digest: d.Name, Until: date, By: actor})
		r.Title = "Digest " + d.Name + " paused"
		if date != "" {
			r.Title += " until " + date
		}
	case DigestSkip:
		err = e.digests.Hold(ctx, Hold{Digest: d.Name, Skip: date, By: actor})
		r.Title = "Digest " + d.Name + " skips " + date
	default:
		skip := ""
		if action == DigestUnskip {
			skip = date
		}
		var was bool
		was, err = e.digests.Unhold(ctx, d.Name, skip, actor)
		switch {
		case action == DigestResume && was:
			r.Title = "Digest " + d.Name + " resumed"
		case action == DigestResume:
			r.Title = "Digest " + d.Name + " was not paused"
		case was:
			r.Title = "Digest " + d.Name + " posts on " + date + " again"
		default:
			r.Title = "Digest " + d.Name + " did not skip " + date
		}
	}
	if err != nil {
		return Reply{Status: Invalid, Private: true, Title: "The digest was not changed",
			Blocks: []Block{{Kind: Paragraph, Text: sentence(err.Error())}}}
	}
	r.Private = true
	r.Blocks = append(r.Blocks, e.nextRunBlocks(ctx, *d)...)
	return r
}

// holdExample is what follows a digest's name in an example of action.
func holdExample(action string) string {
	switch action {
	case DigestPause:
		return " until 2027-01-04"
	case DigestSkip, DigestUnskip:
		return " 2026-12-25"
	}
	return ""
}

// nextRunBlocks say when d posts next, after a change to its holds: what the moderator who made
// it wants to see at once.
func (e *Engine) nextRunBlocks(ctx context.Context, d Digest) []Block {
	all, err := e.digests.Status(ctx)
	if err != nil {
		return nil
	}
	for _, st := range all {
		if st.Digest != d.Name {
			continue
		}
		if st.Next.IsZero() {
			return []Block{{Kind: Paragraph, Text: "No next run until it is resumed: /digest resume " + d.Name + "."}}
		}
		text := "Next run: "
		return []Block{{Kind: Paragraph, Text: text + ".", Times: []Stamp{{At: st.Next, Zone: st.Zone, Pos: len(text)}}}}
	}
	return nil
}

// sentence is an error's text as an answer shows it: a capital first, a full stop last.
func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") {
		return capitalized(s)
	}
	return capitalized(s) + "."
}

// capitalized is s with its first letter a capital, as a label or sentence starts.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// configuredDigest is the digest /digest now and status act on: the one the request names, or
// nil for every one. bad is the answer instead when the config schedules no digest or the name
// matches none.
func (e *Engine) configuredDigest(req Request) (d *Digest, bad *Reply) {
	if e.digests == nil || len(e.digests.Digests()) == 0 {
		return nil, &Reply{Private: true, Title: "No digest is configured",
			Blocks: []Block{{Kind: Paragraph, Text: "Moderators add digests under digests: in the config file."}}}
	}
	return e.namedDigest(req)
}

// namedDigest finds the digest the request names, ignoring case. Both results are nil when it
// names none or there is no scheduler; a name that matches no digest gets the answer that lists
// those there are.
func (e *Engine) namedDigest(req Request) (d *Digest, bad *Reply) {
	q := req.Option("name")
	if q == "" || e.digests == nil {
		return nil, nil
	}
	all := e.digests.Digests()
	names := make([]string, len(all))
	for i := range all {
		if strings.EqualFold(all[i].Name, q) {
			return &all[i], nil
		}
		names[i] = all[i].Name
	}
	r := Reply{Status: NotFound, Private: true, Title: "No digest is named " + quote(q)}
	if len(names) > 0 {
		r.Suggestions = names
		r.Blocks = []Block{{Kind: Paragraph, Text: "Digests: " + strings.Join(names, ", ") + "."}}
	}
	return nil, &r
}

// digestPreview composes a digest privately: the named one (or the first configured) from its own
// briefing on today's date in its own zone; with no digest configured, the default briefing's.
func (e *Engine) digestPreview(req Request) Reply {
	d, bad := e.namedDigest(req)
	if bad != nil {
		return *bad
	}
	if d == nil && e.digests != nil {
		if all := e.digests.Digests(); len(all) > 0 {
			d = &all[0]
		}
	}
	b, day := e.fallback, e.now()
	if d != nil {
		if found, ok := e.lib.ByID(d.Briefing); ok {
			b = found
		}
		if zone := d.Schedule.Zone(); zone != nil {
			day = day.In(zone)
		}
	}
	r := Compose(b, day)
	r.Private = true
	return r
}

func (e *Engine) digestNow(ctx context.Context, req Request) Reply {
	d, bad := e.configuredDigest(req)
	if bad != nil {
		return *bad
	}
	name := ""
	if d != nil {
		name = d.Name
	}
	res, err := e.digests.PostNow(ctx, name, req.Caller.Actor())
	if err != nil {
		return Reply{Status: Invalid, Private: true, Title: "The digest could not be posted",
			Blocks: []Block{{Kind: Paragraph, Text: err.Error()}}}
	}
	r := Reply{Private: true, Title: "Digest posted"}
	add := func(label string, list []string) {
		if len(list) > 0 {
			r.Blocks = append(r.Blocks, Block{Kind: Item, Label: label, Text: strings.Join(list, ", ")})
		}
	}
	add("Posted", res.Posted)
	add("Already posted this minute", res.Already)
	add("Failed", res.Failed)
	if len(res.Posted) == 0 {
		r.Title = "Nothing posted"
	}
	if len(r.Blocks) == 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "No channel to post to."}}
	}
	return r
}

func (e *Engine) digestStatus(ctx context.Context, req Request) Reply {
	d, bad := e.configuredDigest(req)
	if bad != nil {
		return *bad
	}
	all, err := e.digests.Status(ctx)
	if err != nil {
		return Reply{Status: Invalid, Private: true, Title: "The ledger cannot be read now",
			Blocks: []Block{{Kind: Paragraph, Text: "Try again in a moment."}}}
	}
	name := ""
	if d != nil {
		name = d.Name
	}
	holds, err := e.digests.Holds(ctx, name)
	if err != nil {
		return Reply{Status: Invalid, Private: true, Title: "The ledger cannot be read now",
			Blocks: []Block{{Kind: Paragraph, Text: "Try again in a moment."}}}
	}
	paused := map[string]bool{}
	for _, h := range holds {
		paused[h.Digest] = paused[h.Digest] || h.Skip == ""
	}
	r := Reply{Private: true, Title: "Digests"}
	for _, st := range all {
		if d != nil && st.Digest != d.Name {
			continue
		}
		text, times := statusLine(st, paused[st.Digest])
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: st.Digest + " → " + st.Platform + " " + st.Channel,
			Text: text, Times: times})
	}
	if len(holds) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Paused and skipped"})
		for _, h := range holds {
			r.Blocks = append(r.Blocks, holdBlock(h))
		}
	}
	if lines, err := e.digests.Audit(ctx, 5); err == nil && len(lines) > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Latest admin actions and reloads"})
		for _, l := range lines {
			text := l.Action + ": " + l.Outcome + " ("
			r.Blocks = append(r.Blocks, Block{Kind: Item, Label: l.Actor, Text: text + ")", Times: []Stamp{{At: l.At, Pos: len(text)}}})
		}
	}
	return r
}

// statusLine says when a channel's digest runs next and how the last run went. Times are
// stamps, which the platforms show in each reader's zone and the terminal in the channel's own.
func statusLine(st ChannelStatus, paused bool) (string, []Stamp) {
	var sb strings.Builder
	var times []Stamp
	at := func(t time.Time) { times = append(times, Stamp{At: t, Zone: st.Zone, Pos: sb.Len()}) }
	switch {
	case st.Next.IsZero() && paused:
		sb.WriteString("paused: no next run until resumed")
	case st.Next.IsZero():
		sb.WriteString("no next run")
	default:
		sb.WriteString("next ")
		at(st.Next)
	}
	if st.LastResult == "" {
		sb.WriteString("; not run yet")
	} else {
		sb.WriteString("; last " + st.LastResult + " (")
		at(st.LastAt)
		sb.WriteString(")")
	}
	if st.LastError != "" {
		sb.WriteString("; last error ")
		at(st.LastErrorAt)
		sb.WriteString(": " + st.LastError)
	}
	if st.MayBeDoubled {
		sb.WriteString("; the last post may be doubled: the bot may not read the channel's history")
	}
	return sb.String(), times
}

// holdBlock says what a hold keeps back, who said it and when: "paused until 2027-01-04 by
// slack:U1 (<when>)", "skips 2026-12-25 (by discord:80351110224678912, <when>)".
func holdBlock(h Hold) Block {
	text := "paused until resumed"
	switch {
	case h.Skip != "":
		text = "skips " + h.Skip
	case h.Until != "":
		text = "paused until " + h.Until
	}
	text += " by " + h.By + " ("
	return Block{Kind: Item, Label: h.Digest, Text: text + ")", Times: []Stamp{{At: h.At, Pos: len(text)}}}
}
