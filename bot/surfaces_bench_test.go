package bot_test

import (
	"context"
	"testing"

	"briefbot/bot"
	"briefbot/bot/discord"
)

// The cost of each way in beside /position (BenchmarkPosition): a message's text found in the
// briefing, a page turned, Slack's Home tab made.

func BenchmarkFind(b *testing.B) {
	core := bot.NewCore(newEngine(b))
	ctx := context.Background()
	req := core.Engine().FindRequest("what does Mexico say about intel sharing?")
	req.Caller = member
	b.ReportAllocs()
	for b.Loop() {
		if r := core.Handle(ctx, req); r.Status != bot.Answered {
			b.Fatal(r.Title)
		}
	}
}

func BenchmarkSearchPage(b *testing.B) {
	core := bot.NewCore(newEngine(b))
	ctx := context.Background()
	req, err := core.Engine().Parse("/search words:mexico page:2")
	if err != nil {
		b.Fatal(err)
	}
	req.Caller, req.Room = member, discord.PageRoom()
	b.ReportAllocs()
	for b.Loop() {
		if r := core.Handle(ctx, req); r.Status != bot.Answered || r.Page != 2 {
			b.Fatalf("%s, page %d", r.Title, r.Page)
		}
	}
}

func BenchmarkHome(b *testing.B) {
	e := newEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := e.Home(ctx, member); r.Title == "" {
			b.Fatal("no home")
		}
	}
}
