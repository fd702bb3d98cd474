package discord

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Retries of registration and of opening the gateway wait retryBase, then twice as long each
// time, at most retryCap: quick while Discord blinks, one request in five minutes while it is
// down for longer. A 429's own wait wins when it is longer.
const (
	retryBase = time.Second
	retryCap  = 5 * time.Minute
)

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

// retryDelay is the wait before retry number attempt (1, 2, ...).
func retryDelay(attempt int, err error) time.Duration {
	d := retryCap
	if attempt <= 16 { // beyond, the shift passes the cap anyway
		d = min(retryBase<<(attempt-1), retryCap)
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = ae.RetryAfter
	}
	return d
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
