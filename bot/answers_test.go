package bot_test

import (
	"context"
	"fmt"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// TestAnswerCache: what is kept, by request and by the bytes sent, and for which engine.
func TestAnswerCache(t *testing.T) {
	e, other := newEngine(t), bottest.EngineFrom(t, otherBriefing)
	ask := func(e *bot.Engine, line string) (bot.Request, bot.Reply) {
		t.Helper()
		req, _ := e.Parse(line)
		req.Caller = bot.Caller{Platform: "discord", User: "U1", Roles: []string{"r"}}
		return req, bot.NewCore(e).Handle(context.Background(), req)
	}
	tests := []struct {
		name string
		line string
		kept bool
	}{
		{"an answer", "/position sovereignty", true},
		{"a refusal is an answer too", "/position no-such-issue", true},
		{"a slow command, for admins, that posts", "/digest now", false},
		{"a command that reads the ledger", "/changes", false},
		{"a line that is no command", "/no-such-command", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c bot.AnswerCache[string]
			req, reply := ask(e, tc.line)
			sent := []byte(`{"name":"` + tc.line + `"}`)
			c.Put(req, reply, "made", sent)
			_, made, byRequest := c.Get(req)
			kept, madeSent, bySent := c.GetSent(e, sent)
			if byRequest != tc.kept || bySent != tc.kept {
				t.Fatalf("kept by request %t, by bytes sent %t; want %t", byRequest, bySent, tc.kept)
			}
			if !tc.kept {
				return
			}
			if made != "made" || madeSent != "made" {
				t.Errorf("made %q and %q; want what was put", made, madeSent)
			}
			if kept.Command.Name != req.Command.Name || kept.Caller.Platform != "discord" || kept.Caller.User != "" || kept.Caller.Roles != nil {
				t.Errorf("kept request %+v; want the command on discord, from nobody", kept)
			}
			if kept.Kept == nil || kept.Kept.Title != reply.Title {
				t.Errorf("kept request answers %+v; want what was put, %q", kept.Kept, reply.Title)
			}
			if _, _, ok := c.GetSent(e, []byte(`{"name":"other"}`)); ok {
				t.Error("other bytes answered from the kept ones")
			}
			if _, _, ok := c.GetSent(other, sent); ok {
				t.Error("another engine answered from the kept ones")
			}
			req2, reply2 := ask(other, "/position tariffs")
			c.Put(req2, reply2, "other", nil)
			if _, _, ok := c.Get(req); ok {
				t.Error("an answer of the old engine kept after one of a new engine")
			}
		})
	}
}

// TestAnswerCacheBounded: the answers kept never outgrow their bound; past it, the cache starts
// again rather than grow.
func TestAnswerCacheBounded(t *testing.T) {
	e := newEngine(t)
	var c bot.AnswerCache[int]
	first, firstReply := func() (bot.Request, bot.Reply) {
		req, _ := e.Parse("/search first")
		return req, bot.NewCore(e).Handle(context.Background(), req)
	}()
	c.Put(first, firstReply, 0, []byte("first"))
	for i := range 5000 {
		req, _ := e.Parse(fmt.Sprintf("/search word%d", i))
		c.Put(req, bot.Reply{Status: bot.Answered}, i, []byte(fmt.Sprint(i)))
	}
	if _, _, ok := c.Get(first); ok {
		t.Error("the first of 5,000 answers still kept by request")
	}
	if _, _, ok := c.GetSent(e, []byte("first")); ok {
		t.Error("the first of 5,000 answers still kept by bytes sent")
	}
	last, _ := e.Parse("/search word4999")
	if _, n, ok := c.Get(last); !ok || n != 4999 {
		t.Error("the last answer not kept")
	}
}
