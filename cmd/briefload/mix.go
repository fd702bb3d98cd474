package main

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"briefbot/bot/discord/discordtest"
)

// A kind is one sort of request in the mix: a command, an autocomplete, or a request the server
// must refuse.
type kind struct {
	name      string
	command   string      // the Discord command; "" for a ping
	options   [][2]string // Discord options, in order
	focused   string      // the option being typed, for autocomplete
	slack     string      // the Slack command; "" when Slack has no such request
	slackText string      // what follows it
	refusal   int         // the status the server must answer: 401 bad signature, 413 too large
	discord   int         // the interaction type: 1 ping, 2 command, 4 autocomplete
}

// kinds are what --mix may name. Commands the engine answers quickly only: a slow one would
// answer later over Discord's or Slack's API, which a load run does not stand up.
var kinds = []kind{
	{name: "position", discord: 2, command: "position", options: [][2]string{{"issue", "sovereignty"}}, slack: "/position", slackText: "sovereignty"},
	{name: "compare", discord: 2, command: "compare", slack: "/compare"},
	{name: "briefing", discord: 2, command: "briefing", options: [][2]string{{"section", "history"}}, slack: "/briefing", slackText: "history"},
	{name: "facts", discord: 2, command: "facts", slack: "/facts"},
	{name: "timeline", discord: 2, command: "timeline", slack: "/timeline"},
	{name: "search", discord: 2, command: "search", options: [][2]string{{"words", "cartels"}}, slack: "/brief-search", slackText: "cartels"},
	{name: "help", discord: 2, command: "help", slack: "/help"},
	{name: "autocomplete", discord: 4, command: "position", options: [][2]string{{"issue", "sov"}}, focused: "issue"},
	{name: "ping", discord: 1},
	{name: "badsig", discord: 2, command: "position", options: [][2]string{{"issue", "sovereignty"}}, slack: "/position", slackText: "sovereignty", refusal: http.StatusUnauthorized},
	{name: "oversized", discord: 2, command: "position", options: [][2]string{{"issue", "sovereignty"}}, slack: "/position", slackText: "sovereignty", refusal: http.StatusRequestEntityTooLarge},
}

// oversizedBytes is the size of an oversized body: twice the 64 KiB briefbot reads at most, and
// still a well-formed, validly signed request, so that only its size can be the reason to refuse.
const oversizedBytes = 128 << 10

func kindNames() []string {
	var out []string
	for _, k := range kinds {
		out = append(out, k.name)
	}
	return out
}

func findKind(name string) (kind, bool) {
	for _, k := range kinds {
		if k.name == name {
			return k, true
		}
	}
	return kind{}, false
}

func (k kind) on(platform string) bool {
	if platform == "slack" {
		return k.slack != ""
	}
	return true
}

// A share is one kind of request and its weight in the mix.
type share struct {
	kind   kind
	weight int
}

// parseMix reads "position=60,autocomplete=20,badsig=5".
func parseMix(s string) ([]share, error) {
	var out []share
	seen := map[string]bool{}
	total := 0
	for part := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			w = "1"
		}
		k, known := findKind(name)
		if !known {
			return nil, usagef("--mix: unknown kind %q (known: %s)", name, strings.Join(kindNames(), ", "))
		}
		if seen[name] {
			return nil, usagef("--mix names %s twice", name)
		}
		seen[name] = true
		weight, err := strconv.Atoi(w)
		if err != nil || weight < 0 || weight > 10000 {
			return nil, usagef("--mix: %s=%s: want a weight from 0 to 10000", name, w)
		}
		if weight > 0 {
			out = append(out, share{k, weight})
			total += weight
		}
	}
	if total == 0 {
		return nil, usagef("--mix %q sends nothing: give some kind a weight above 0", s)
	}
	return out, nil
}

// A target is one (platform, kind) pair made ready to send: its URL, its body, how to sign it and
// what counts as the right answer.
type target struct {
	label    string // "discord/position"
	platform string
	kind     kind
	url      string
	signer   *signer
	// A target either sends one fixed body, or (unique) gives every request its own id, which
	// goes between before and after: briefbot answers each Discord interaction id and each Slack
	// trigger_id once. Requests refused before that (bad signatures, oversized bodies) need none.
	body          []byte
	unique        bool
	before, after []byte
}

// A prepared request is a body and the headers that sign it, made at a time.
type prepared struct {
	body   []byte
	header http.Header
	at     time.Time
}

// prepare makes the request with interaction id id (unused by a fixed body), signed at now.
func (t *target) prepare(id uint64, now time.Time) prepared {
	if !t.unique {
		return prepared{body: t.body, header: t.signer.fixed(now, t.body), at: now}
	}
	body := make([]byte, 0, len(t.before)+20+len(t.after))
	body = append(strconv.AppendUint(append(body, t.before...), id, 10), t.after...)
	return prepared{body: body, header: t.signer.sign(strconv.FormatInt(now.Unix(), 10), body), at: now}
}

// A plan is the order in which targets are sent: request i goes to order[i % len(order)]. The
// order is fixed rather than random, so that any run of whole cycles holds the mix exactly.
type plan struct {
	targets []*target
	order   []int
}

func newPlan(o *options) (*plan, error) {
	p := &plan{}
	index := map[string]int{}
	for _, s := range o.mix {
		var on []string
		for _, pl := range o.platforms {
			if s.kind.on(pl) {
				on = append(on, pl)
			}
		}
		if len(on) == 0 {
			return nil, fmt.Errorf("--mix: %s is Discord only; add discord to --platform", s.kind.name)
		}
		for _, pl := range on {
			t := newTarget(o, pl, s.kind)
			index[t.label] = len(p.targets)
			p.targets = append(p.targets, t)
		}
	}
	// One weighted cycle of kinds per platform, so that a kind both platforms take alternates
	// between them and a Discord-only kind keeps its whole share.
	cycle := smoothWeighted(o.mix)
	seen := map[string]int{}
	for range o.platforms {
		for _, i := range cycle {
			k := o.mix[i].kind
			var on []string
			for _, pl := range o.platforms {
				if k.on(pl) {
					on = append(on, pl)
				}
			}
			pl := on[seen[k.name]%len(on)]
			seen[k.name]++
			p.order = append(p.order, index[pl+"/"+k.name])
		}
	}
	return p, nil
}

// smoothWeighted is one cycle of the shares in proportion to their weights, interleaved (nginx's
// smooth weighted round robin) rather than in blocks, so that a short run sees the whole mix.
func smoothWeighted(mix []share) []int {
	g := 0
	for _, s := range mix {
		g = gcd(g, s.weight)
	}
	total := 0
	for _, s := range mix {
		total += s.weight / g
	}
	current := make([]int, len(mix))
	out := make([]int, 0, total)
	for range total {
		best := 0
		for i, s := range mix {
			current[i] += s.weight / g
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		out = append(out, best)
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// idMark stands for the id in a unique target's body: the interaction id on Discord, the
// trigger_id on Slack, both of which briefbot answers once.
const idMark = "BRIEFLOAD-INTERACTION-ID"

func newTarget(o *options, platform string, k kind) *target {
	t := &target{label: platform + "/" + k.name, platform: platform, kind: k, unique: k.refusal == 0}
	body := discordBody
	t.signer = newDiscordSigner(o.keys, k.refusal == http.StatusUnauthorized)
	t.url = o.base.JoinPath(o.discordPath).String()
	if platform == "slack" {
		body = slackBody
		t.signer = newSlackSigner(o.keys, k.refusal == http.StatusUnauthorized)
		t.url = o.base.JoinPath(o.slackPath).String()
	}
	if t.unique {
		b := body(k, idMark)
		i := bytes.Index(b, []byte(idMark))
		t.before, t.after = b[:i], b[i+len(idMark):]
	} else {
		t.body = body(k, "1361000000000000001")
	}
	return t
}

// discordBody is an interaction as Discord sends it, from a member of a server, as briefbot's
// tests build it; an oversized one carries padding besides.
func discordBody(k kind, id string) []byte {
	in := discordtest.Command(k.command)
	in.Kind, in.Options, in.Focused, in.ID = k.discord, k.options, k.focused, id
	body := in.Body()
	if k.refusal == http.StatusRequestEntityTooLarge {
		body = slices.Concat(body[:len(body)-1], []byte(`,"padding":"`), bytes.Repeat([]byte("x"), oversizedBytes), []byte(`"}`))
	}
	return body
}

// slackBody is the form Slack posts for a slash command, with trigger_id id.
func slackBody(k kind, id string) []byte {
	body := slackCommandForm(k.slack, k.slackText, id)
	if k.refusal == http.StatusRequestEntityTooLarge {
		body = slices.Concat(body, []byte("&padding="), bytes.Repeat([]byte("x"), oversizedBytes))
	}
	return body
}
