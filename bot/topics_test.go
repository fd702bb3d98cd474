package bot_test

import (
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// TestTopicsAcrossBriefings: with several briefings loaded, a topic only one of them has is
// answered from it; one several have from the default if it is among them, else with a private
// choice; a miss names the closest topics of every briefing, each with its briefing.
func TestTopicsAcrossBriefings(t *testing.T) {
	e := bottest.ThreeBriefings(t)
	const troops, tolls, water = "Mexico rejects U.S. troops plan", "Bridge tolls dispute", "River water sharing"
	tests := []struct {
		line     string
		status   bot.Status
		title    string
		briefing string
		has      []string
	}{
		{"/position night tolls", bot.Answered, "Night Tolls", tolls, []string{"Mexico: No toll after dark"}},
		{"/position nigth tolls", bot.Answered, "Night Tolls", tolls, nil},
		{"/position sovereignty", bot.Answered, "Sovereignty", troops, []string{"Prioritizes independence"}},
		{"/position sovereignty briefing:bridge-tolls", bot.Answered, "Sovereignty", tolls, nil},
		{"/position sovereignty bridge-tolls", bot.Answered, "Sovereignty", tolls, nil},
		{"/position inspection lanes", bot.NotFound, "Which briefing?", "",
			[]string{"/position issue:inspection-lanes briefing:bridge-tolls", "/position issue:inspection-lanes briefing:river-water"}},
		{"/position inspection lanes canada", bot.Answered, "Inspection Lanes", water, []string{"Canada: No lanes needed"}},
		{"/position inspection lanes party:mx", bot.NotFound, "Which briefing?", "", []string{"party:mx briefing:river-water"}},
		{"/position river-water/inspection-lanes", bot.Answered, "Inspection Lanes", water, nil},
		{"/position water quotas", bot.Answered, "Water Quotas Issue", water, nil},
		{"/position zebra crossing", bot.NotFound, "No issue matches “zebra crossing”", "", []string{"(us-mexico-troops)"}},
		{"/position night tolls party:canada", bot.NotFound, "No party matches “canada”", "", []string{"United States"}},
		{"/briefing toll booths", bot.Answered, "Toll Booths", tolls, []string{"both banks"}},
		{"/briefing water quotas", bot.Answered, "Water Quotas", water, nil},
		{"/briefing history", bot.Answered, "History", troops, []string{"1846"}},
		{"/briefing river-water", bot.Answered, water, water, []string{"Three governments"}},
		{"/briefing history river-water", bot.NotFound, "No section matches “history”", "", nil},
	}
	for _, tc := range tests {
		r := bottest.Line(e, tc.line)
		if r.Status != tc.status || r.Title != tc.title || r.Briefing != tc.briefing {
			t.Errorf("Line(%q) = %v %q from %q; want %v %q from %q\n%s", tc.line, r.Status, r.Title, r.Briefing,
				tc.status, tc.title, tc.briefing, bottest.Text(r))
			continue
		}
		if tc.status != bot.Answered && !r.Private {
			t.Errorf("Line(%q) is public; want private", tc.line)
		}
		got := bottest.Text(r)
		for _, want := range tc.has {
			if !strings.Contains(got, want) {
				t.Errorf("Line(%q) does not say %q; it says:\n%s", tc.line, want, got)
			}
		}
		// Every button of a choice answers.
		for _, a := range r.Actions {
			if got := bottest.Line(e, a.Command); got.Status != bot.Answered {
				t.Errorf("Line(%q): its button %q = %v %q; want an answer", tc.line, a.Command, got.Status, got.Title)
			}
		}
	}
}

// TestCompleteAcrossBriefings: before a briefing is chosen, autocomplete offers every loaded
// briefing's topics, each naming its briefing, and the value sent back answers from it.
func TestCompleteAcrossBriefings(t *testing.T) {
	e := bottest.ThreeBriefings(t)
	tests := []struct {
		command, option, typed string
		want                   []bot.Choice
	}{
		{"position", "issue", "night", []bot.Choice{{Name: "Night Tolls (bridge-tolls)", Value: "bridge-tolls/night-tolls"}}},
		{"position", "issue", "sovereignty", []bot.Choice{
			{Name: "Sovereignty (us-mexico-troops)", Value: "sovereignty"},
			{Name: "Sovereignty (bridge-tolls)", Value: "bridge-tolls/sovereignty"}}},
		{"briefing", "section", "water q", []bot.Choice{{Name: "Water Quotas (river-water)", Value: "river-water/water-quotas"}}},
	}
	for _, tc := range tests {
		req := bot.Request{Command: command(t, e, tc.command), Options: map[string]string{}}
		got := e.Complete(req, tc.option, tc.typed, 25)
		if len(got) < len(tc.want) {
			t.Errorf("Complete(%s, %s, %q) = %v; want %v first", tc.command, tc.option, tc.typed, got, tc.want)
			continue
		}
		for i, w := range tc.want {
			if got[i] != w {
				t.Errorf("Complete(%s, %s, %q)[%d] = %v; want %v", tc.command, tc.option, tc.typed, i, got[i], w)
			}
		}
		for _, c := range got {
			r := bottest.Line(e, "/"+tc.command+" "+tc.option+":"+c.Value)
			if r.Status != bot.Answered {
				t.Errorf("the choice %v of Complete(%s, %s, %q) = %v %q; want an answer", c, tc.command, tc.option, tc.typed, r.Status, r.Title)
			}
		}
	}
	// A briefing chosen first narrows the choices to it, with plain values.
	req := bot.Request{Command: command(t, e, "position"), Options: map[string]string{"briefing": "river-water"}}
	if got := e.Complete(req, "issue", "", 25); len(got) != 2 || got[0].Value != "water-quotas-issue" {
		t.Errorf("Complete(position, issue) in river-water = %v; want its two issues", got)
	}
}
