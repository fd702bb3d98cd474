package bottest

import (
	"testing"

	"briefbot/bot"
	"briefbot/briefings"
)

// BridgeTolls and RiverWater are two briefings written for tests, loaded beside the built-in
// one where a test needs several: BridgeTolls shares the built-in briefing's parties and one of
// its issues (Sovereignty) and has an issue and a section of its own (Night Tolls, Toll
// Booths); RiverWater has three parties, one of them its own (Canada), an issue that
// BridgeTolls has too (Inspection Lanes), and a section of its own (Water Quotas).
const (
	BridgeTolls = `---
id: bridge-tolls
title: Bridge tolls dispute
source: Test desk
date: 2025-05
parties:
  - {id: us, name: United States}
  - {id: mx, name: Mexico}
---
Two governments disagree about tolls on border bridges.

## Positions
| Issue | United States | Mexico |
|---|---|---|
| Night Tolls | Charge trucks a night toll | No toll after dark |
| Sovereignty | Bridges are shared works | Each half answers to its own side |
| Inspection Lanes | Add inspection lanes | Keep today's lanes |

## Toll Booths
The booths stand on both banks.

## History
- 1990s: the first bridges were tolled.
`
	RiverWater = `---
id: river-water
title: River water sharing
source: Test desk
date: 2025-06
parties:
  - {id: us, name: United States}
  - {id: mx, name: Mexico}
  - {id: ca, name: Canada, aliases: [canadian]}
---
Three governments share the water of rivers that cross their borders.

## Positions
| Issue | United States | Mexico | Canada |
|---|---|---|---|
| Water Quotas Issue | Keep the 1944 quotas | Pay the debt over five years | Observes the talks |
| Inspection Lanes | Inspect tankers | Inspect at the dam | No lanes needed |

## Water Quotas
Quotas are counted in five-year cycles.
`
)

// Library is the built-in briefings with docs loaded beside them, as from a folder.
func Library(tb testing.TB, docs ...string) *briefings.Library {
	tb.Helper()
	builtin, err := briefings.ReadFS(briefings.Embedded(), briefings.EmbeddedPrefix)
	if err != nil {
		tb.Fatalf("ReadFS: %v", err)
	}
	lib, err := briefings.Overlay(builtin, parseDocs(tb, "extra", docs))
	if err != nil {
		tb.Fatalf("Overlay: %v", err)
	}
	return lib
}

// parseDocs parses briefings written in a test, each named as a file: prefix, a letter, ".md".
func parseDocs(tb testing.TB, prefix string, docs []string) []*briefings.Briefing {
	tb.Helper()
	var bs []*briefings.Briefing
	for i, doc := range docs {
		b, err := briefings.Parse(prefix+string(rune('a'+i))+".md", []byte(doc))
		if err != nil {
			tb.Fatalf("briefings.Parse: %v", err)
		}
		bs = append(bs, b)
	}
	return bs
}

// ThreeBriefings is an engine over the built-in briefing (the default) with BridgeTolls and
// RiverWater beside it.
func ThreeBriefings(tb testing.TB, cfg ...bot.Config) *bot.Engine {
	tb.Helper()
	return over(tb, Library(tb, BridgeTolls, RiverWater), cfg)
}
