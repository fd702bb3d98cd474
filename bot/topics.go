package bot

import (
	"fmt"
	"strings"

	"briefbot/briefings"
)

// topicKinds maps the options that name a briefing's topics to what they name.
var topicKinds = map[OptionKind]briefings.TopicKind{
	IssueOption:   briefings.IssueTopic,
	SectionOption: briefings.SectionTopic,
	PartyOption:   briefings.PartyTopic,
}

// topicIn finds the topic an option names, and the briefing that answers it. A request that
// names its briefing is answered from that one. Otherwise every loaded briefing is asked: a
// topic only one has is answered from it; one that several have equally well from the default
// briefing if it is among them, else with a short private choice of the briefings; a miss
// names the closest topics of every briefing. fits, when set, narrows the briefings to those
// the rest of the request also fits (the party asked about).
func (e *Engine) topicIn(req Request, o Option, fits func(*briefings.Briefing) bool) (briefings.Found, *Reply) {
	kind := topicKinds[o.Kind]
	if !o.Required && req.Option(o.Name) == "" {
		return briefings.Found{}, nil
	}
	q := req.Option(o.Name)
	if req.Option("briefing") != "" {
		b, bad := e.briefingFor(req)
		if bad != nil {
			return briefings.Found{}, bad
		}
		f, ok := e.lib.In(b, kind, q)
		if !ok {
			r := notFound(o.Name, q, b.Resolver(kind).Closest(q, closestNames))
			return f, &r
		}
		return f, nil
	}
	var room [4]briefings.Found
	found := e.lib.Locate(kind, q, room[:0])
	if fits != nil {
		var narrowed []briefings.Found
		for _, f := range found {
			if fits(f.Briefing) {
				narrowed = append(narrowed, f)
			}
		}
		if len(narrowed) > 0 {
			found = narrowed
		}
	}
	switch len(found) {
	case 0:
		r := e.notFoundAnywhere(o.Name, q, kind)
		return briefings.Found{}, &r
	case 1:
		return found[0], nil
	}
	for _, f := range found {
		if f.Briefing == e.fallback {
			return f, nil
		}
	}
	r := e.whichBriefing(req, o, found)
	return briefings.Found{}, &r
}

// notFoundAnywhere answers a topic no loaded briefing has, naming the closest of all of them,
// each with its briefing when several are loaded.
func (e *Engine) notFoundAnywhere(what, q string, kind briefings.TopicKind) Reply {
	near := e.lib.Nearest(kind, q, closestNames)
	ms := make([]briefings.Match, len(near))
	for i, f := range near {
		ms[i] = f.Match
		if len(e.lib.Briefings()) > 1 {
			ms[i].Label = f.Label + " (" + f.Briefing.ID + ")"
		}
	}
	return notFound(what, q, ms)
}

// maxChoices bounds the briefings a choice offers, as buttons fit in one row on every platform.
const maxChoices = 5

// whichBriefing asks the user to choose among the briefings that all have the topic: privately,
// one line and one button each, the command as it would be typed with the briefing named.
func (e *Engine) whichBriefing(req Request, o Option, found []briefings.Found) Reply {
	cmd := req.Command
	q := req.Option(o.Name)
	r := Reply{Status: NotFound, Private: true, Title: "Which briefing?",
		Blocks: []Block{{Kind: Paragraph, Text: fmt.Sprintf("%d briefings have %s %s:", len(found), article(o.Name), quote(q))}}}
	for i, f := range found {
		if i == maxChoices {
			break
		}
		words := e.retyped(req, cmd, o, f)
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: f.Briefing.Title, Text: "/" + e.NameOn(req.Caller.Platform, cmd) + words})
		r.Suggestions = append(r.Suggestions, f.Briefing.ID)
		// Buttons are read back by the table's names, whatever the platform calls the command.
		r.Actions = append(r.Actions, Action{Label: clip(f.Briefing.Title), Command: "/" + cmd.Name + words})
	}
	return r
}

// retyped is req's options as typed words, with f's briefing named and its key for the topic.
func (e *Engine) retyped(req Request, cmd Command, topic Option, f briefings.Found) string {
	var sb strings.Builder
	for _, o := range cmd.Options {
		v := req.Option(o.Name)
		switch {
		case o.Kind == BriefingOption:
			v = f.Briefing.ID
		case o.Name == topic.Name:
			v = f.Key
		}
		if v != "" {
			sb.WriteString(" " + o.Name + ":" + v)
		}
	}
	return sb.String()
}

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}
