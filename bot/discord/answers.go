package discord

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// maxAnswers bounds the answers kept: the commands people ask are few, but /search takes any
// words, and memory must not grow with them.
const maxAnswers = 4096

// An answerCache keeps the encoded answers of cacheable commands for the engine in force: an
// answer is a function of the engine and the request, so the common path costs little more than
// the signature check. A new engine (a reload) empties it.
type answerCache struct {
	mu      sync.Mutex
	engine  *bot.Engine
	answers map[string]cachedAnswer
}

type cachedAnswer struct {
	reply   bot.Reply
	encoded []byte
}

// key names a request by its command and options, in a fixed order.
func answerKey(req bot.Request) string {
	names := make([]string, 0, len(req.Options))
	for name := range req.Options {
		names = append(names, name)
	}
	slices.Sort(names)
	var sb strings.Builder
	sb.WriteString(req.Command)
	for _, name := range names {
		sb.WriteString("\x00" + name + "\x00" + req.Options[name])
	}
	return sb.String()
}

func (c *answerCache) get(req bot.Request) (cachedAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine != req.Engine() {
		return cachedAnswer{}, false
	}
	a, ok := c.answers[answerKey(req)]
	return a, ok
}

func (c *answerCache) put(req bot.Request, a cachedAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine != req.Engine() || len(c.answers) >= maxAnswers {
		c.engine, c.answers = req.Engine(), make(map[string]cachedAnswer, 64)
	}
	c.answers[answerKey(req)] = a
}

// answerCommand answers an application command through the core, from the cache when this
// engine answered the same request before.
func (b *Bot) answerCommand(ctx context.Context, req bot.Request) json.RawMessage {
	if !req.Cacheable() {
		return encodeResponse(messageResponse(b.core.Handle(ctx, req)))
	}
	if a, ok := b.answers.get(req); ok {
		b.core.Handle(ctx, req.Known(a.reply)) // logged and counted like any answer
		return a.encoded
	}
	reply := b.core.Handle(ctx, req)
	encoded := encodeResponse(messageResponse(reply))
	if reply.Status != bot.Invalid { // a failure (a recovered panic) is not kept
		b.answers.put(req, cachedAnswer{reply: reply, encoded: encoded})
	}
	return encoded
}

func encodeResponse(resp *discordgo.InteractionResponse) json.RawMessage {
	out, err := json.Marshal(resp)
	if err != nil { // our own types: cannot happen; answer something Discord shows
		out, _ = json.Marshal(messageResponse(bot.Failed()))
	}
	return out
}
