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
//
// Answers are kept by request and, when the adapter has them, by the bytes the platform sent
// for the request: the same bytes are the same request, so one seen before is answered without
// being read into a Request at all.
type AnswerCache[T any] struct {
	mu      sync.Mutex
	engine  *Engine
	answers map[string]cachedAnswer[T] // by answerKey
	sent    map[string]cachedAnswer[T] // by the bytes sent
}

type cachedAnswer[T any] struct {
	req  Request // answered: its Kept is the answer
	made T
}

// Get returns req answered with what the same engine answered it before (as req.Kept), and what
// the adapter made of that answer, if anything was kept.
func (c *AnswerCache[T]) Get(req Request) (Request, T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine == req.Engine {
		if a, ok := c.answers[answerKey(req)]; ok {
			req.Kept = a.req.Kept
			return req, a.made, true
		}
	}
	var zero T
	return Request{}, zero, false
}

// GetSent returns the request kept for the bytes sent, answered (Kept), with what the adapter
// made of the answer, when e (the engine in force) made it. The request names no caller: only
// answers that depend on nobody are kept.
func (c *AnswerCache[T]) GetSent(e *Engine, sent []byte) (Request, T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.sent[string(sent)]
	if !ok || c.engine != e {
		var zero T
		return Request{}, zero, false
	}
	return a.req, a.made, true
}

// Put keeps reply and what the adapter made of it, when req is Cacheable and the answer is not
// Invalid (a NotFound answer is kept: it names the closest matches, as the engine would again);
// with sent, also under the bytes the platform sent for req.
func (c *AnswerCache[T]) Put(req Request, reply Reply, made T, sent []byte) {
	if !req.Cacheable || reply.Status == Invalid {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.engine != req.Engine || len(c.answers) >= maxAnswers || len(c.sent) >= maxAnswers {
		c.engine = req.Engine
		c.answers, c.sent = make(map[string]cachedAnswer[T], 64), make(map[string]cachedAnswer[T], 64)
	}
	kept := reply
	req.Caller, req.Kept = Caller{Platform: req.Caller.Platform}, &kept
	a := cachedAnswer[T]{req: req, made: made}
	c.answers[answerKey(req)] = a
	if sent != nil {
		c.sent[string(sent)] = a
	}
}

// answerKey names a request by its command and options, in a fixed order.
func answerKey(req Request) string {
	names := make([]string, 0, len(req.Options))
	for name := range req.Options {
		names = append(names, name)
	}
	slices.Sort(names)
	var sb strings.Builder
	sb.WriteString(req.Command.Name)
	for _, name := range names {
		sb.WriteString("\x00" + name + "\x00" + req.Options[name])
	}
	return sb.String()
}
