package slack

import (
	"context"
	"errors"
	"time"

	slackapi "github.com/slack-go/slack"

	"briefbot/bot"
)

// threadLookBack is how far back a Look reads the channel for the headline when the Thread does
// not say since when: a slot is posted within its catch-up window (two hours unless
// configured), so a day back holds any earlier attempt. History is read newest first, so the
// reach costs nothing when the headline is recent.
const threadLookBack = 24 * time.Hour

// PostThread posts t's headline in channel and its detail as a reply in the headline's thread,
// each with its key in the metadata (the detail's key + bot.DetailKey), and returns the
// headline's ts. With t.Look, a headline found in the channel's history is not posted again,
// nor a detail found among its replies.
func (p *Poster) PostThread(ctx context.Context, channel, key string, t bot.Thread) (string, bool, error) {
	var head string
	found, mayDouble := false, false
	if t.Look {
		ts, ok, err := p.FindPost(ctx, channel, key, t.LookFrom(p.now(), threadLookBack))
		switch {
		case errors.Is(err, bot.ErrHistoryUnavailable):
			mayDouble = true
		case err != nil:
			return "", false, err
		}
		head, found = ts, ok
	}
	if !found {
		var err error
		if head, err = p.post(ctx, channel, key, t.Head); err != nil {
			return "", mayDouble, err
		}
	}
	// A headline posted just now has no replies; one found may have its detail already.
	if found {
		ok, err := p.findReply(ctx, channel, head, key+bot.DetailKey)
		switch {
		case err == nil && ok:
			return head, mayDouble, nil
		case errors.Is(err, bot.ErrHistoryUnavailable):
			mayDouble = true
		case err != nil:
			return "", mayDouble, err
		}
	}
	if _, err := p.post(ctx, channel, key+bot.DetailKey, t.Detail, slackapi.MsgOptionTS(head)); err != nil {
		return "", mayDouble, err
	}
	return head, mayDouble, nil
}

// findReply looks through the replies to the message at ts for the bot's post carrying key
// (conversations.replies, which needs the history scopes FindPost does).
func (p *Poster) findReply(ctx context.Context, channel, ts, key string) (bool, error) {
	params := &slackapi.GetConversationRepliesParameters{ChannelID: channel, Timestamp: ts, Limit: 200, IncludeAllMetadata: true}
	for range historyPages {
		replies, more, cursor, err := p.api.GetConversationRepliesContext(ctx, params)
		if se, ok := errors.AsType[slackapi.SlackErrorResponse](err); ok && se.Err == "thread_not_found" {
			return false, nil // no reply yet
		}
		if err != nil {
			return false, historyError(err)
		}
		for _, m := range replies {
			if carries(m, key) {
				return true, nil
			}
		}
		if !more || cursor == "" {
			return false, nil
		}
		params.Cursor = cursor
	}
	return false, nil
}
