package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/internal/retry"
)

// rewriteTransport sends discordgo's requests to the configured API base. discordgo computes its
// endpoints once, at init, as https://discord.com/api/v9/...; changing its variables later does
// nothing, so the rewrite happens here, on the way out. The same setting serves a REST proxy, a
// newer API version and the tests' fake Discord.
type rewriteTransport struct {
	from *url.URL // discordgo's base: scheme, host and a path ending in "/"
	to   *url.URL // ours: scheme, host and a path without a trailing "/"
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rest, ok := strings.CutPrefix(req.URL.EscapedPath(), t.from.EscapedPath())
	if !ok || req.URL.Host != t.from.Host || req.URL.Scheme != t.from.Scheme {
		return t.next.RoundTrip(req)
	}
	u, err := url.Parse(t.to.String() + "/" + rest)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("rewrite %s: %w", t.from.Host, err)
	}
	u.RawQuery = req.URL.RawQuery
	out := req.Clone(req.Context()) // a RoundTripper must not change the caller's request
	out.URL = u
	out.Host = u.Host
	return t.next.RoundTrip(out)
}

// rateLimited is how request meets a 429. Discord's retry_after is usually well under a
// second: two such waits are made here, in three tries; a longer one is handed back to the
// caller (the scheduler retries a digest later, pausing the channel), not slept through. A 429
// that names no wait gets a second rather than an immediate retry, which would only be another
// 429 toward Discord's ban on invalid requests.
var rateLimited = retry.Policy{Base: time.Second, Cap: time.Second, Tries: 3, MaxRetryAfter: 5 * time.Second}

// request makes one REST call through discordgo's rate limiter, retrying a 429 as rateLimited
// says. Errors come back as *apiError.
func (b *Bot) request(ctx context.Context, method, endpoint string, body any) ([]byte, error) {
	for try := 1; ; try++ {
		resp, err := b.session.RequestWithBucketID(method, endpoint, body, endpoint,
			discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		if err == nil {
			return resp, nil
		}
		apiErr := newAPIError(method, endpoint, err)
		if apiErr.Status != http.StatusTooManyRequests {
			return nil, apiErr
		}
		wait, ok := rateLimited.Next(try, apiErr.RetryAfter)
		if !ok {
			return nil, apiErr
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return nil, apiErr // the caller cannot wait that long: tell it when to come back
		}
		if b.sleep(ctx, wait) != nil {
			return nil, apiErr
		}
	}
}

// An apiError is a failed REST call, described without the URL: interaction URLs carry the
// interaction's token, and errors end up in logs.
type apiError struct {
	Op         string // "POST channels/messages"
	Status     int    // HTTP status, 0 when no response came
	Code       int    // Discord's JSON error code, 0 when none
	Message    string // Discord's JSON error message
	RetryAfter time.Duration
	Err        error // the transport error, when no response came
}

func (e *apiError) Error() string {
	switch {
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("%s: rate limited, retry after %s", e.Op, e.RetryAfter)
	case e.Status != 0 && e.Code != 0:
		return fmt.Sprintf("%s: HTTP %d: %s (code %d)", e.Op, e.Status, e.Message, e.Code)
	case e.Status != 0:
		return fmt.Sprintf("%s: HTTP %d", e.Op, e.Status)
	}
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

func (e *apiError) Unwrap() error { return e.Err }

// code is Discord's error code, or the HTTP status when it gave none.
func (e *apiError) code() string {
	if e.Code != 0 {
		return strconv.Itoa(e.Code)
	}
	if e.Status != 0 {
		return strconv.Itoa(e.Status)
	}
	return ""
}

func newAPIError(method, endpoint string, err error) *apiError {
	e := &apiError{Op: strings.TrimSpace(method + " " + route(endpoint))}
	var rl *discordgo.RateLimitError
	var re *discordgo.RESTError
	switch {
	case errors.As(err, &rl):
		e.Status = http.StatusTooManyRequests
		if rl.TooManyRequests != nil {
			e.RetryAfter = rl.RetryAfter
			e.Message = rl.Message
		}
	case errors.As(err, &re) && re.Response != nil:
		e.Status = re.Response.StatusCode
		if re.Message != nil {
			e.Code, e.Message = re.Message.Code, re.Message.Message
		}
	default:
		// A transport error may quote the URL; keep only its kind.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		e.Err = err
	}
	return e
}

// route names an endpoint by its fixed words only ("channels/messages"), leaving out ids and
// tokens.
func route(endpoint string) string {
	rest := strings.TrimPrefix(endpoint, discordgo.EndpointAPI)
	var words []string
	for _, w := range strings.Split(rest, "/") {
		if w != "" && !snowflake(w) && len(w) < 32 {
			words = append(words, w)
		}
	}
	return strings.Join(words, "/")
}
