package bot

import (
	"slices"
	"strings"
	"sync"
)

// maxAnswers bounds the answers an AnswerCache keeps: the commands people ask are few, but
// /search takes any words, and memory must not grow with them.
const maxAnswers = 4096

// An AnswerCache keeps what an adapter made of the answers to cacheable requests (its rendered
// or encoded form, T), for the engine in force: an answer is a function of the engine and the
// request, so the common path costs little more than the platform's signature check. A request
// of another engine (after a reload) empties it.
type AnswerCache[T any] struct {
	mu      sync.Mutex
	engine  *Engine
	answers map[string]cachedAnswer[T]
}

type cachedAnswer[T any] struct {
	reply Reply
	made  T
}

// Get returns what was kept for req by the same engine, if anything.
func (c *AnswerCache[T]) Get(req Request) (Reply, T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine != req.engine {
		var zero T
		return Reply{}, zero, false
	}
	a, ok := c.answers[answerKey(req)]
	return a.reply, a.made, ok
}

// Put keeps reply and what the adapter made of it, when req is cacheable and the answer is not a
// failure.
func (c *AnswerCache[T]) Put(req Request, reply Reply, made T) {
	if !req.Cacheable() || reply.Status == Invalid {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine != req.engine || len(c.answers) >= maxAnswers {
		c.engine, c.answers = req.engine, make(map[string]cachedAnswer[T], 64)
	}
	c.answers[answerKey(req)] = cachedAnswer[T]{reply: reply, made: made}
}

// answerKey names a request by its command and options, in a fixed order.
func answerKey(req Request) string {
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
