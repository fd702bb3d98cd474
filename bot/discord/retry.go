package discord

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"briefbot/internal/retry"
)

// retryLater is how registration and opening the gateway are retried in the background: a
// second, then twice as long each time, at most five minutes: quick while Discord blinks, one
// request in five minutes while it is down for longer. It tries until Discord takes it, refuses
// it or Close, so a Retry-After of any length is waited out (nothing else retries these later).
// No jitter: a few replicas at most retry these, no crowd to spread, and the tests read the
// waits.
var retryLater = retry.Policy{Base: time.Second, Cap: 5 * time.Minute}

var errClosed = errors.New("discord: closed")

// keepTrying retries try in the background until it succeeds, fails for good, or Close. One
// loop at a time per flag: a second call while one runs does nothing. last is the failure that
// called for it, whose Retry-After counts for the first wait.
func (b *Bot) keepTrying(what string, running *bool, last error, try func(context.Context) error) {
	b.mu.Lock()
	if b.closed || *running {
		b.mu.Unlock()
		return
	}
	*running = true
	b.inflight.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.inflight.Done()
		defer func() {
			b.mu.Lock()
			*running = false
			b.mu.Unlock()
		}()
		err := last
		for attempt := 1; ; attempt++ {
			if b.sleep(b.life, retryDelay(attempt, err)) != nil {
				return
			}
			if err = try(b.life); err == nil {
				b.logger.Info(what+": succeeded on retry", "attempt", attempt)
				return
			}
			if b.life.Err() != nil {
				return
			}
			if !retryable(err) {
				b.logger.Error(what+": refused; not retried", "err", err)
				return
			}
			b.logger.Warn(what+": failed; retrying", "err", err, "attempt", attempt,
				"retry_in", retryDelay(attempt+1, err))
		}
	}()
}

// retryDelay is the wait before retry number attempt (1, 2, ...) after err: a 429's own wait,
// or retryLater's doubling.
func retryDelay(attempt int, err error) time.Duration {
	var retryAfter time.Duration
	if ae, ok := errors.AsType[*apiError](err); ok {
		retryAfter = ae.RetryAfter
	}
	d, _ := retryLater.Next(attempt, retryAfter)
	return d
}

// sleep is the adapter's wait between retries (Bot.sleep), on the machine's clock.
func sleep(ctx context.Context, d time.Duration) error {
	return retry.Sleep(ctx, retry.SystemClock(), d)
}

// A verdict is what one failure says about trying again.
type verdict int

const (
	noVerdict verdict = iota
	transient         // Discord unreachable, a 5xx, a 429: it may pass
	refused           // Discord said no (400, 403, 404; a gateway close for bad shards or intents)
	badToken          // Discord does not know the token (401; gateway close 4004)
)

// judge returns the worst verdict among the failures err holds (several guilds fail apart),
// and whether any of them may pass. An error that says nothing of Discord's answer, such as a
// malformed reply from a proxy, may pass.
func judge(err error) (worst verdict, mayPass bool) {
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		v := verdictOf(e)
		if v == transient {
			mayPass = true
		}
		worst = max(worst, v)
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			if v == noVerdict {
				walk(u.Unwrap())
			}
		}
	}
	walk(err)
	if worst == noVerdict {
		mayPass = true
	}
	return worst, mayPass
}

func verdictOf(e error) verdict {
	status := 0
	switch t := e.(type) {
	case *apiError:
		status = t.Status
	case *discordgo.RESTError:
		if t.Response != nil {
			status = t.Response.StatusCode
		}
	case *discordgo.RateLimitError:
		return transient
	case *websocket.CloseError:
		switch {
		case t.Code == 4004: // authentication failed
			return badToken
		case t.Code >= 4010 && t.Code <= 4014: // shards, API version, intents: a config matter
			return refused
		}
		return transient
	default:
		return noVerdict
	}
	switch {
	case status == http.StatusUnauthorized:
		return badToken
	case status == 0, status == http.StatusTooManyRequests, status >= 500:
		return transient
	}
	return refused
}

// retryable reports whether err may pass: retrying it is worth a request.
func retryable(err error) bool {
	if err == nil || errors.Is(err, errClosed) || errors.Is(err, context.Canceled) {
		return false
	}
	_, mayPass := judge(err)
	return mayPass
}

// unauthorized reports whether Discord refused the token itself.
func unauthorized(err error) bool {
	worst, _ := judge(err)
	return worst == badToken
}
