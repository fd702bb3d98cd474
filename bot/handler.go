package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// A Handler answers a request. Every adapter hands every request to one Handler: the engine the
// request was parsed by, wrapped in middlewares for the work that concerns every command alike.
type Handler interface {
	Handle(ctx context.Context, req Request) Reply
}

// HandlerFunc lets a plain function serve as a Handler.
type HandlerFunc func(ctx context.Context, req Request) Reply

func (f HandlerFunc) Handle(ctx context.Context, req Request) Reply { return f(ctx, req) }

// A Middleware wraps a Handler, in the manner of net/http's.
type Middleware func(next Handler) Handler

// Chain wraps h in middlewares; the first one listed is the outermost.
func Chain(h Handler, middlewares ...Middleware) Handler {
	for i := len(middlewares) - 1; i >= 0; i-- {
		h = middlewares[i](h)
	}
	return h
}

// Answer is the innermost Handler: it answers from what the request carries. A refusal or a kept
// answer is the answer; otherwise the command runs on the engine that read the request, so that
// a reload in between cannot pair one engine's reading with another's answer. It never fails:
// what cannot be answered becomes a private reply that says why.
var Answer Handler = HandlerFunc(func(ctx context.Context, req Request) Reply {
	switch {
	case req.Refusal != nil:
		return *req.Refusal
	case req.Kept != nil:
		return *req.Kept
	case req.Engine == nil:
		return Unreadable()
	}
	return req.Engine.run(ctx, req)
})

// Recover turns a panic in next into a short private answer and one log line naming the command,
// so that no adapter has to.
func Recover(logger *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, req Request) (reply Reply) {
			defer func() {
				if p := recover(); p != nil {
					logger.Error("command failed", "command", req.Label(), "platform", req.Caller.Platform,
						"panic", fmt.Sprint(p))
					reply = Failed()
				}
			}()
			return next.Handle(ctx, req)
		})
	}
}

// Log writes one line per command: its name from the command table (never what was typed), the
// platform, the outcome and the time taken. Answers that found what was asked for are logged at
// debug level, the rest at info.
func Log(logger *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, req Request) Reply {
			start := time.Now()
			reply := next.Handle(ctx, req)
			level := slog.LevelDebug
			if reply.Status != Answered {
				level = slog.LevelInfo
			}
			if logger.Enabled(ctx, level) {
				logger.Log(ctx, level, "command", "command", req.Label(), "platform", req.Caller.Platform,
					"status", reply.Status.String(), "duration", time.Since(start))
			}
			return reply
		})
	}
}

// Core is what answers: the engine in force, swapped whole when the config or a briefing
// changes, and the chain every request goes through. Adapters read the engine once per request
// (Engine), parse with it, and hand the request to Handle; requests in flight finish on the
// engine they started with.
type Core struct {
	engine  atomic.Pointer[Engine]
	handler Handler
	// completed is told of every autocomplete answered, by platform: they bypass the chain,
	// which is for commands, but are counted all the same.
	completed atomic.Pointer[func(platform string)]
}

// OnComplete sets what is told of each autocomplete answered (metrics).
func (c *Core) OnComplete(f func(platform string)) { c.completed.Store(&f) }

// Complete suggests values for an option with e, as Engine.Complete does, and reports it.
func (c *Core) Complete(e *Engine, req Request, option, typed string, limit int) []Choice {
	choices := e.Complete(req, option, typed, limit)
	if f := c.completed.Load(); f != nil {
		(*f)(req.Caller.Platform)
	}
	return choices
}

// NewCore serves e through middlewares, outermost first.
//
// e may be nil when the adapters must exist before the engine (they post the digests the
// engine answers about): Swap puts one in force, and nothing may be answered before.
func NewCore(e *Engine, middlewares ...Middleware) *Core {
	c := &Core{handler: Chain(Answer, middlewares...)}
	c.engine.Store(e)
	return c
}

// Engine is the engine in force.
func (c *Core) Engine() *Engine { return c.engine.Load() }

// Swap puts e in force and returns the engine it replaces.
func (c *Core) Swap(e *Engine) *Engine { return c.engine.Swap(e) }

// Handle answers req through the chain.
func (c *Core) Handle(ctx context.Context, req Request) Reply { return c.handler.Handle(ctx, req) }

// Line parses a typed command line with the engine in force and answers it through the chain:
// what the shell, buttons and the CLI's ask do.
func (c *Core) Line(ctx context.Context, line string, caller Caller) Reply {
	req, _ := c.Engine().Parse(line)
	req.Caller = caller
	return c.Handle(ctx, req)
}
