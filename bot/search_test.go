package bot_test

import (
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// tunnelWatch tells the built-in briefing's DHS memo again, in three sections of its own.
const tunnelWatch = `---
id: tunnel-watch
title: Tunnel watch
source: Test desk
date: 2025-05
parties:
  - {id: us, name: United States}
  - {id: mx, name: Mexico}
---
A watch kept on what crosses the border.

## Positions
| Issue | United States | Mexico |
|---|---|---|
| Raids | Raid alone | Raid jointly |

## Findings
- **March**: A Department of Homeland Security (DHS) memo leaked in March showed that cartel operations have become more sophisticated, using drones, cryptocurrency, and tunnel systems.

## Memo
- **Leaked**: A Department of Homeland Security (DHS) memo leaked in March showed that cartel operations have become more sophisticated, using drones, cryptocurrency, and tunnel systems.

## Recap
- **Spring**: A Department of Homeland Security (DHS) memo leaked in March showed that cartel operations have become more sophisticated, using drones, cryptocurrency, and tunnel systems.
`

// TestSearchSaysWhereElse: a search shows a sentence the briefings repeat once, and says in the
// hit's text where else it is; other hits say nothing more.
func TestSearchSaysWhereElse(t *testing.T) {
	const memo = "A Department of Homeland Security (DHS) memo leaked in March showed that cartel operations have become more sophisticated, using drones, cryptocurrency, and tunnel systems. U.S. border states—especially Texas, Arizona, and California—continue to experience record drug seizures."
	one := bottest.Engine(t)
	tests := []struct {
		name string
		e    *bot.Engine
		line string
		want []string // "label: text" of each item, in order
	}{
		{"the DHS memo once", one, "/search tunnels", []string{
			"Stakes: " + memo + " (Also in: Key figures, Timeline.)",
		}},
		{"a hit that is nowhere else", one, "/search surveillance funding", []string{
			"What comes next: Mexico: In lieu of direct military assistance, Sheinbaum has proposed increased border surveillance funding, intelligence-sharing through digital channels, and the expansion of joint criminal databases.",
		}},
		{"a paragraph that tells a timeline item", one, "/search annexing", []string{
			"History: Mexico's position is deeply rooted in its national identity and historical experience. During the Mexican-American War (1846–1848), large portions of Mexican territory were annexed by the United States. In the early 1900s, American troops entered Mexico several times during periods of internal unrest. (Also in: Timeline.)",
		}},
		{"across briefings: another briefing's sections by name, the rest counted", engineOver(t, tunnelWatch), "/search tunnels drones", []string{
			"Mexico rejects U.S. troops plan › Stakes: " + memo + " (Also in: Key figures, Timeline, Tunnel watch › Findings and 2 more.)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := bottest.Line(tc.e, tc.line)
			var got []string
			for _, b := range r.Blocks {
				if b.Kind == bot.Item {
					got = append(got, b.Label+": "+b.Text)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Line(%q) items =\n\t%s\nwant\n\t%s", tc.line, strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}

func engineOver(t *testing.T, docs ...string) *bot.Engine {
	t.Helper()
	e, err := bot.New(bottest.Library(t, docs...), bot.Config{Now: bottest.Day})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
