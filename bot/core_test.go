package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

const otherBriefing = `---
id: other
title: Another briefing
source: Example
date: 2025-05
parties:
  - {id: a, name: Alpha}
  - {id: b, name: Beta}
---
Another summary.

## Positions

| Issue | Alpha | Beta |
|---|---|---|
| Tariffs | Raise them | Lower them |
`

// TestCoreSwap: a request is answered by the engine that parsed it, even when another engine is
// put in force in between, and requests parsed after the swap see the new one.
func TestCoreSwap(t *testing.T) {
	embedded := newEngine(t)
	other := bottest.EngineFrom(t, otherBriefing)
	core := bot.NewCore(embedded)
	req, err := core.Engine().Parse("/position sovereignty")
	if err != nil {
		t.Fatal(err)
	}
	if old := core.Swap(other); old != embedded {
		t.Fatalf("Swap returned %p, want the engine it replaced %p", old, embedded)
	}
	if r := core.Handle(context.Background(), req); r.Title != "Sovereignty" {
		t.Errorf("a request parsed before the swap = %q, want its own engine's Sovereignty", r.Title)
	}
	if r := core.Line(context.Background(), "/position tariffs", bot.Caller{Platform: "shell"}); r.Title != "Tariffs" {
		t.Errorf("after the swap /position tariffs = %q (%v), want Tariffs", r.Title, r.Status)
	}
}

// TestCoreSwapUnderLoad swaps engines while many goroutines answer: run under -race.
func TestCoreSwapUnderLoad(t *testing.T) {
	engines := []*bot.Engine{newEngine(t), bottest.EngineFrom(t, otherBriefing)}
	core := bot.NewCore(engines[0], bot.Recover(bottest.Logger(t)))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				r := core.Line(context.Background(), "/compare", bot.Caller{Platform: "shell"})
				if r.Status != bot.Answered || r.Table == nil {
					t.Errorf("/compare during swaps = %v %q", r.Status, r.Title)
					return
				}
			}
		})
	}
	for i := 0; i < 100; i++ {
		core.Swap(engines[i%2])
	}
	wg.Wait()
}

func TestChainOrderAndRecover(t *testing.T) {
	var order []string
	mark := func(name string) bot.Middleware {
		return func(next bot.Handler) bot.Handler {
			return bot.HandlerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
				order = append(order, name)
				return next.Handle(ctx, req)
			})
		}
	}
	boom := bot.HandlerFunc(func(context.Context, bot.Request) bot.Reply { panic("engine bug") })
	var logs bottest.LogBuffer
	h := bot.Chain(boom, mark("outer"), bot.Recover(logs.Logger()), mark("inner"))
	req, _ := newEngine(t).Parse("/search secret words")
	r := h.Handle(context.Background(), req)
	if strings.Join(order, ",") != "outer,inner" {
		t.Errorf("middlewares ran %v, want outer then inner", order)
	}
	if r.Title != bot.Failed().Title || !r.Private {
		t.Errorf("a panic answered %q, private %v; want %q, private", r.Title, r.Private, bot.Failed().Title)
	}
	if out := logs.String(); !strings.Contains(out, `"command":"search"`) || strings.Contains(out, "secret words") {
		t.Errorf("the panic's log line should name the command and never the words typed:\n%s", out)
	}
}

// TestLogNamesCommandsFromTheTable: what a user typed never becomes a log value, not even an
// unknown command's name.
func TestLogNamesCommandsFromTheTable(t *testing.T) {
	var logs bottest.LogBuffer
	core := bot.NewCore(newEngine(t), bot.Log(logs.Logger()))
	for _, line := range []string{"/position sovereignty", "/zzz-typed-name", "/search typed-words"} {
		core.Line(context.Background(), line, bot.Caller{Platform: "slack", User: "U1"})
	}
	out := logs.String()
	for _, want := range []string{`"command":"position"`, `"command":"unknown"`, `"command":"search"`, `"platform":"slack"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, typed := range []string{"zzz-typed-name", "typed-words", "sovereignty"} {
		if strings.Contains(out, typed) {
			t.Errorf("log holds typed text %q:\n%s", typed, out)
		}
	}
}

func TestNamesOnPlatforms(t *testing.T) {
	e := bottest.Engine(t, bot.Config{Prefixes: map[string]string{"slack": "bb-"}})
	tests := []struct {
		platform, name string
		want           string // the command found, "" for none
	}{
		{"discord", "search", "search"},
		{"discord", "/position", "position"},
		{"slack", "/bb-brief-search", "search"},
		{"slack", "/bb-position", "position"},
		{"slack", "/bb-briefbot", "briefbot"},
		{"slack", "/position", ""},            // without the prefix
		{"slack", "/bb-search", ""},           // Slack's own name, refused there
		{"slack", "/brief-search", ""},        // without the prefix
		{"shell", "/search", "search"},        // the shell has no reserved names
		{"discord", "/brief-search", ""},      // Slack's name is Slack's only
		{"slack", "/bb-", ""},                 // the prefix alone
		{"slack", "/BB-POSITION", "position"}, // any case
	}
	for _, tc := range tests {
		c, ok := e.CommandOn(tc.platform, tc.name)
		if got := map[bool]string{true: c.Name}[ok]; got != tc.want {
			t.Errorf("CommandOn(%q, %q) = %q, want %q", tc.platform, tc.name, got, tc.want)
		}
	}
	search, _ := e.Command("search")
	if got := e.NameOn("slack", search); got != "bb-brief-search" {
		t.Errorf("NameOn(slack, search) = %q, want bb-brief-search", got)
	}
	r := bot.NewCore(e).Line(context.Background(), "/help", bot.Caller{Platform: "slack"})
	if got := bottest.Text(r); !strings.Contains(got, "/bb-brief-search <words>") || strings.Contains(got, "/search") {
		t.Errorf("/help on Slack should name the commands as Slack users type them:\n%s", got)
	}
}

func TestUmbrella(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		platform, name, text string
		command              string
		options              map[string]string
		err                  bool
	}{
		{"slack", "/briefbot", "position troops mexico", "position", map[string]string{"issue": "troops", "party": "mexico"}, false},
		{"slack", "/briefbot", "search tunnels", "search", map[string]string{"words": "tunnels"}, false},
		{"slack", "/briefbot", "brief-search tunnels", "search", map[string]string{"words": "tunnels"}, false},
		{"slack", "/briefbot", "pos sovereignty", "position", map[string]string{"issue": "sovereignty"}, false},
		{"slack", "/briefbot", "", "help", map[string]string{}, false},
		{"slack", "/briefbot", "briefbot help", "", nil, true},
		{"slack", "/briefbot", "dance", "", nil, true},
		{"discord", "briefbot", "digest now", "digest", map[string]string{"action": "now"}, false},
	}
	for _, tc := range tests {
		req, err := e.ParseOn(tc.platform, tc.name, tc.text)
		if (err != nil) != tc.err {
			t.Errorf("ParseOn(%s, %q, %q) error = %v, want error %v", tc.platform, tc.name, tc.text, err, tc.err)
			continue
		}
		if tc.err {
			continue
		}
		if req.Command.Name != tc.command || len(req.Options) != len(tc.options) {
			t.Errorf("ParseOn(%s, %q, %q) = %s %v, want %s %v", tc.platform, tc.name, tc.text, req.Command.Name, req.Options, tc.command, tc.options)
		}
		for k, v := range tc.options {
			if req.Options[k] != v {
				t.Errorf("ParseOn(%s, %q, %q).Options[%s] = %q, want %q", tc.platform, tc.name, tc.text, k, req.Options[k], v)
			}
		}
	}
	req, _ := e.RequestOn("discord", "briefbot", map[string]string{"command": "digest now"})
	if !req.Command.Slow || req.Command.Name != "digest" {
		t.Errorf("/briefbot digest now on Discord = %s, slow %v; want digest, slow", req.Command.Name, req.Command.Slow)
	}
}

func TestAccess(t *testing.T) {
	e := bottest.Engine(t, bot.Config{Access: map[string]bot.Access{
		"discord": {Managers: true, Roles: []string{"42"}},
		"slack":   {Users: []string{"UADMIN"}},
		"shell":   {}, // the shell is always the operator's, whatever the config says
	}})
	tests := []struct {
		caller bot.Caller
		admin  bool
	}{
		{bot.Caller{Platform: "shell"}, true},
		{bot.Caller{Platform: "discord", User: "1"}, false},
		{bot.Caller{Platform: "discord", User: "1", Manager: true}, true},
		{bot.Caller{Platform: "discord", User: "1", Roles: []string{"7", "42"}}, true},
		{bot.Caller{Platform: "discord", User: "42"}, false}, // a user id is not a role id
		{bot.Caller{Platform: "slack", User: "UADMIN"}, true},
		{bot.Caller{Platform: "slack", User: "UOTHER", Manager: true}, false},
		{bot.Caller{Platform: "slack"}, false},
		{bot.Caller{Platform: "teams", User: "UADMIN"}, false},
	}
	for _, tc := range tests {
		if got := e.IsAdmin(tc.caller); got != tc.admin {
			t.Errorf("IsAdmin(%+v) = %v, want %v", tc.caller, got, tc.admin)
		}
	}
	r := bot.NewCore(e).Line(context.Background(), "/digest now", bot.Caller{Platform: "discord", User: "1"})
	if r.Status != bot.Forbidden || !strings.Contains(bottest.Text(r), "manage the server") {
		t.Errorf("a refusal should say who may:\n%s", bottest.Text(r))
	}
}
