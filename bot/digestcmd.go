package bot

import (
	"context"
	"strings"
	"time"
)

func (e *Engine) digest(ctx context.Context, req Request) Reply {
	switch strings.ToLower(req.Option("action")) {
	case "", DigestPreview:
		return e.digestPreview(req)
	case DigestNow:
		if !e.IsAdmin(req.Caller) {
			return Reply{Status: Forbidden, Private: true, Title: "Only admins can post the digest",
				Blocks: []Block{{Kind: Paragraph, Text: "Who may: " + e.access[req.Caller.Platform].who() +
					". Anyone can see it privately with /digest preview."}}}
		}
		return e.digestNow(ctx, req)
	case DigestStatus:
		return e.digestStatus(ctx, req)
	}
	return Reply{Status: Invalid, Private: true, Title: "Unknown digest action",
		Blocks: []Block{{Kind: Paragraph, Text: "Use /digest preview, /digest now or /digest status."}}}
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
	r := Reply{Private: true, Title: "Digests"}
	for _, st := range all {
		if d != nil && st.Digest != d.Name {
			continue
		}
		text, times := statusLine(st)
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: st.Digest + " → " + st.Platform + " " + st.Channel,
			Text: text, Times: times})
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
func statusLine(st ChannelStatus) (string, []Stamp) {
	var sb strings.Builder
	var times []Stamp
	at := func(t time.Time) { times = append(times, Stamp{At: t, Zone: st.Zone, Pos: sb.Len()}) }
	if st.Next.IsZero() {
		sb.WriteString("no next run")
	} else {
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
