package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	slackapi "github.com/slack-go/slack"

	"briefbot/bot"
	"briefbot/internal/retry"
)

// chatPoster is what the Poster asks of the Web API; *slackapi.Client has it.
type chatPoster interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slackapi.MsgOption) (string, string, error)
	GetConversationHistoryContext(ctx context.Context, params *slackapi.GetConversationHistoryParameters) (*slackapi.GetConversationHistoryResponse, error)
	GetConversationRepliesContext(ctx context.Context, params *slackapi.GetConversationRepliesParameters) ([]slackapi.Message, bool, string, error)
}

// digestEventType names briefbot's deliveries in message metadata, so that a post can be traced
// back to the digest slot that made it.
const digestEventType = "briefbot_digest"

// rateLimited is how a post meets a 429: a few short waits here, four tries in all; a
// Retry-After past 30 seconds is the scheduler's to wait, handed back with the post's error. A
// 429 that names no wait waits a second each time, chat.postMessage's pace per channel.
var rateLimited = retry.Policy{Base: time.Second, Cap: time.Second, Tries: 4, MaxRetryAfter: 30 * time.Second}

// permanentCodes are chat.postMessage errors that the same post will meet again: retrying
// cannot help until someone changes the channel, the token or the app.
var permanentCodes = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true,
	"invalid_auth": true, "account_inactive": true, "token_revoked": true, "token_expired": true,
	"not_authed": true, "no_permission": true, "missing_scope": true, "access_denied": true,
	"not_allowed_token_type": true, "ekm_access_denied": true, "team_access_not_granted": true,
	"org_login_required": true, "enterprise_is_restricted": true, "two_factor_setup_required": true,
	"restricted_action": true, "restricted_action_read_only_channel": true,
	"restricted_action_thread_only_channel": true, "restricted_action_non_threadable_channel": true,
	"cannot_reply_to_message": true, "messages_tab_disabled": true, "as_user_not_supported": true,
	"invalid_blocks": true, "invalid_blocks_format": true, "msg_too_long": true, "no_text": true,
	"too_many_attachments": true, "invalid_metadata_format": true, "invalid_metadata_schema": true,
	"metadata_too_large": true, "metadata_must_be_sent_from_app": true,
	"invalid_arguments": true, "invalid_arg_name": true, "invalid_array_arg": true,
	"invalid_charset": true, "invalid_form_data": true, "invalid_post_type": true,
	"missing_post_type": true, "deprecated_endpoint": true, "method_deprecated": true,
}

// noBotToken stands in for the Web API when no bot token is configured: every post fails as
// Slack itself would answer it, permanently.
type noBotToken struct{}

func (noBotToken) PostMessageContext(context.Context, string, ...slackapi.MsgOption) (string, string, error) {
	return "", "", slackapi.SlackErrorResponse{Err: "not_authed"}
}

func (noBotToken) GetConversationHistoryContext(context.Context, *slackapi.GetConversationHistoryParameters) (*slackapi.GetConversationHistoryResponse, error) {
	return nil, slackapi.SlackErrorResponse{Err: "not_authed"}
}

func (noBotToken) GetConversationRepliesContext(context.Context, *slackapi.GetConversationRepliesParameters) ([]slackapi.Message, bool, string, error) {
	return nil, false, "", slackapi.SlackErrorResponse{Err: "not_authed"}
}

// A Poster posts replies to Slack channels with chat.postMessage.
type Poster struct {
	api chatPoster
	log *slog.Logger
	// wait sleeps for a rate limit's Retry-After unless ctx ends first; tests record it instead.
	wait func(ctx context.Context, d time.Duration) error
	now  func() time.Time // from which PostThread's look reaches back
}

var (
	_ bot.Poster       = (*Poster)(nil)
	_ bot.PostFinder   = (*Poster)(nil)
	_ bot.ThreadPoster = (*Poster)(nil)
)

func newPoster(api chatPoster, logger *slog.Logger, now func() time.Time) *Poster {
	return &Poster{api: api, log: logger, now: now, wait: func(ctx context.Context, d time.Duration) error {
		return retry.Sleep(ctx, retry.SystemClock(), d)
	}}
}

// Post sends r to channel and returns the message's ts. key, the delivery's identity, travels in
// the message metadata. r.Mention, a user group id, is pinged; nothing else is. Rate limits are
// waited out a few times; other failures come back as *bot.PostError, Permanent when retrying
// cannot help.
func (p *Poster) Post(ctx context.Context, channel, key string, r bot.Reply) (string, error) {
	return p.post(ctx, channel, key, r)
}

// post is Post with more options, such as the thread the message goes in.
func (p *Poster) post(ctx context.Context, channel, key string, r bot.Reply, more ...slackapi.MsgOption) (string, error) {
	m, err := postMessage(r)
	if err != nil {
		return "", err
	}
	blocks, err := slackBlocks(m.Blocks)
	if err != nil {
		return "", &bot.PostError{Permanent: true, Code: "invalid_blocks", Err: err}
	}
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(m.Text, false),
		slackapi.MsgOptionBlocks(blocks...),
		slackapi.MsgOptionMetadata(slackapi.SlackMetadata{
			EventType:    digestEventType,
			EventPayload: map[string]any{"key": key},
		}),
		// Nothing in a digest should become a mention or a link by Slack's own parsing.
		slackapi.MsgOptionParse(false),
		slackapi.MsgOptionLinkNames(false),
		slackapi.MsgOptionDisableLinkUnfurl(),
		slackapi.MsgOptionDisableMediaUnfurl(),
	}
	opts = append(opts, more...)
	for try := 1; ; try++ {
		_, ts, err := p.api.PostMessageContext(ctx, channel, opts...)
		if err == nil {
			return ts, nil
		}
		perr := classify(err)
		if perr.Code != "429" {
			return "", perr
		}
		d, ok := rateLimited.Next(try, perr.RetryAfter)
		if !ok {
			return "", perr
		}
		p.log.Info("slack: rate limited, waiting", "channel", channel, "retry_after", d, "attempt", try)
		if err := p.wait(ctx, d); err != nil {
			return "", &bot.PostError{Code: "429", RetryAfter: perr.RetryAfter, Err: fmt.Errorf("post to %s: %w", channel, err)}
		}
	}
}

// slackBlocks hands our blocks to slack-go as its own types, by way of their JSON.
func slackBlocks(blocks []block) ([]slackapi.Block, error) {
	raw, err := json.Marshal(blocks)
	if err != nil {
		return nil, fmt.Errorf("encode blocks: %w", err)
	}
	var out slackapi.Blocks
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("encode blocks: %w", err)
	}
	return out.BlockSet, nil
}

// classify turns a slack-go error into a PostError: the code Slack gave, and whether it is worth
// trying again.
func classify(err error) *bot.PostError {
	if rl, ok := errors.AsType[*slackapi.RateLimitedError](err); ok {
		return &bot.PostError{Code: "429", RetryAfter: rl.RetryAfter, Err: err}
	}
	if se, ok := errors.AsType[slackapi.SlackErrorResponse](err); ok {
		code := se.Err
		if code == "ratelimited" || code == "rate_limited" {
			code = "429"
		}
		return &bot.PostError{Permanent: permanentCodes[se.Err], Code: code, Err: err}
	}
	if sc, ok := errors.AsType[slackapi.StatusCodeError](err); ok {
		// A 429 without Retry-After, 5xx and timeouts pass; any other status will not change.
		permanent := sc.Code >= 400 && sc.Code < 500 &&
			sc.Code != http.StatusTooManyRequests && sc.Code != http.StatusRequestTimeout
		return &bot.PostError{Permanent: permanent, Code: strconv.Itoa(sc.Code), Err: err}
	}
	return &bot.PostError{Code: "network", Err: err}
}

// historyPages bounds how far FindPost reads back: a digest claimed minutes ago sits in the
// first page of a busy channel's history; five pages of 200 is far past a crash window.
const historyPages = 5

// FindPost looks through the channel's history since the given time for the bot's own post
// carrying key in its metadata (conversations.history with include_all_metadata). Reading history
// needs channels:history (public channels) or groups:history (private ones): without them Slack
// answers missing_scope, and the answer wraps bot.ErrHistoryUnavailable.
func (p *Poster) FindPost(ctx context.Context, channel, key string, since time.Time) (string, bool, error) {
	params := &slackapi.GetConversationHistoryParameters{ChannelID: channel, Limit: 200, IncludeAllMetadata: true,
		Oldest: strconv.FormatInt(since.Unix(), 10) + ".000000"}
	for range historyPages {
		resp, err := p.api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", false, historyError(err)
		}
		for _, m := range resp.Messages {
			if carries(m, key) {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", false, nil
}

// historyError is a failed read of history: bot.ErrHistoryUnavailable when Slack will not show
// it to the app (a missing scope, a channel it is not in), else a PostError.
func historyError(err error) error {
	perr := classify(err)
	switch perr.Code {
	case "missing_scope", "not_in_channel", "channel_not_found", "no_permission", "access_denied":
		return fmt.Errorf("%w: %s", bot.ErrHistoryUnavailable, perr.Code)
	}
	return perr
}

// carries reports whether m is a delivery posted with key.
func carries(m slackapi.Message, key string) bool {
	return m.Metadata.EventType == digestEventType && m.Metadata.EventPayload["key"] == key
}
