package briefings

import (
	"sort"
	"strings"
)

// A TopicKind is what a topic names in a briefing: an issue, a section or a party.
type TopicKind int

const (
	IssueTopic TopicKind = iota
	SectionTopic
	PartyTopic
)

// Resolver resolves the topics of kind in b.
func (b *Briefing) Resolver(kind TopicKind) *Resolver {
	switch kind {
	case IssueTopic:
		return b.issues
	case SectionTopic:
		return b.sections
	}
	return b.parties
}

// A Found is a topic as one briefing has it.
type Found struct {
	Briefing *Briefing
	Match
}

// Qualify names a topic of b so that it is found in b whatever else is loaded: "id/key". Where
// several briefings are loaded, autocomplete sends this for another briefing's topic, which
// a plain key could not tell apart from the default briefing's.
func Qualify(b *Briefing, key string) string { return b.ID + "/" + key }

// unqualify reads a qualified topic: the briefing it names and the key in it; ok is false for
// anything else, such as a typed "9/11".
func (l *Library) unqualify(query string) (b *Briefing, key string, ok bool) {
	id, key, found := strings.Cut(strings.TrimSpace(query), "/")
	if !found {
		return nil, "", false
	}
	b, ok = l.byID[id]
	return b, key, ok
}

// In resolves query as a topic of kind in b alone: a name, an alias, a forgiving guess, or a
// topic qualified with b's id.
func (l *Library) In(b *Briefing, kind TopicKind, query string) (Found, bool) {
	if qb, key, ok := l.unqualify(query); ok && qb == b {
		query = key
	}
	m, ok := b.Resolver(kind).Resolve(query)
	return Found{Briefing: b, Match: m}, ok
}

// Locate resolves query as a topic of kind in every loaded briefing, for a request that names
// no briefing. It returns the briefings that have it best, in load order: one when only one has
// it; several when several have it equally well (a name each of them has, or guesses alike),
// for the caller to choose among; none when no briefing has it. A name in one briefing beats a
// guess in another, so a second briefing's topic is found even when the first has something
// spelt nearly alike. The briefings are appended to found[:0], which a caller may keep on its
// stack: every typed topic is looked up here.
func (l *Library) Locate(kind TopicKind, query string, found []Found) []Found {
	found = found[:0]
	if b, key, ok := l.unqualify(query); ok {
		if m, ok := b.Resolver(kind).Resolve(key); ok && m.Exact() {
			return append(found, Found{Briefing: b, Match: m})
		}
	}
	best := 0
	for _, b := range l.briefings {
		m, ok := b.Resolver(kind).Resolve(query)
		if !ok {
			continue
		}
		class := guessClass(m.Score)
		switch {
		case class > best:
			found, best = append(found[:0], Found{Briefing: b, Match: m}), class
		case class == best:
			found = append(found, Found{Briefing: b, Match: m})
		}
	}
	return found
}

// Nearest returns up to n topics of kind across every loaded briefing that come closest to
// query, best first, for "did you mean" answers; ties keep load order.
func (l *Library) Nearest(kind TopicKind, query string, n int) []Found {
	return l.across(n, func(r *Resolver) []Match { return r.Closest(query, n) }, kind)
}

// Rank returns up to limit topics of kind across every loaded briefing that match what was
// typed so far, best first, ties in load order: what autocomplete offers before a briefing is
// chosen. An empty query lists each briefing's topics in order.
func (l *Library) Rank(kind TopicKind, query string, limit int) []Found {
	return l.across(limit, func(r *Resolver) []Match { return r.Rank(query, limit) }, kind)
}

// across merges what each briefing's resolver of kind answers, best score first, ties in load
// order, keeping at most n.
func (l *Library) across(n int, ask func(*Resolver) []Match, kind TopicKind) []Found {
	var all []Found
	for _, b := range l.briefings {
		for _, m := range ask(b.Resolver(kind)) {
			all = append(all, Found{Briefing: b, Match: m})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Score > all[j].Score })
	return all[:min(n, len(all))]
}
