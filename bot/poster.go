package bot

import (
	"context"
	"fmt"
	"time"
)

// A Poster delivers a reply to a channel of its platform. key identifies the delivery (a digest
// name and its slot): platforms that can deduplicate (Discord's nonce, Slack's metadata) carry it,
// so a retried post cannot appear twice.
type Poster interface {
	Post(ctx context.Context, channel, key string, r Reply) (messageID string, err error)
}

// A PostError says whether a failed post is worth retrying, and when.
type PostError struct {
	Permanent  bool          // the channel is gone, the bot is not in it, the token is bad
	RetryAfter time.Duration // the platform's own word on when to try again, if it gave one
	Code       string        // the platform's error code, e.g. "channel_not_found" or "429"
	Err        error
}

func (e *PostError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("post failed (%s, %s): %v", kind, e.Code, e.Err)
}

func (e *PostError) Unwrap() error { return e.Err }
