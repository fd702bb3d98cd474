package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A Poster delivers a reply to a channel of its platform. key identifies the delivery (a digest
// name and its slot) and rides along with the post: on Discord as the nonce, which Discord
// honours for a few minutes, and in the embed's footer, which a later look at the channel's
// history reads back; on Slack in the message metadata, which only that look shows. Neither
// platform refuses a second post by itself: the ledger and PostFinder do.
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

// A PostFinder can look through a channel's recent messages for the bot's own post carrying a
// delivery key. The scheduler asks it before posting a slot that an earlier holder claimed and
// never marked: the earlier post may have gone out just before a crash.
type PostFinder interface {
	// FindPost looks at the bot's own posts in channel since the given time. An error wrapping
	// ErrHistoryUnavailable means the platform will not show the history (a missing scope or
	// permission): the caller posts anyway and says the slot may be doubled.
	FindPost(ctx context.Context, channel, key string, since time.Time) (messageID string, found bool, err error)
}

// ErrHistoryUnavailable is wrapped by a PostFinder that may not read a channel's history.
var ErrHistoryUnavailable = errors.New("channel history cannot be read")

// A Thread is a digest posted in two parts: a short headline in the channel and the full digest
// in the headline's thread, so that the channel shows one line a day.
type Thread struct {
	Title  string // names the thread: the digest and its date, "morning, Monday 7 December 2026"
	Head   Reply  // the headline, posted in the channel
	Detail Reply  // the full digest, posted in the thread
	// Look: an earlier attempt at this key may have posted a part (a crash, a temporary error),
	// so each part is looked for in the channel's history before it is posted.
	Look bool
	// Since is when the earliest such attempt may have posted, from which the history is read;
	// zero leaves the reach to the poster.
	Since time.Time
}

// LookFrom is when a Look reads history from: t.Since, or reach before now when it is unknown.
func (t Thread) LookFrom(now time.Time, reach time.Duration) time.Time {
	if t.Since.IsZero() {
		return now.Add(-reach)
	}
	return t.Since
}

// A ThreadPoster posts a Thread. On Slack the detail is a reply under the headline (thread_ts);
// on Discord, in a forum or media channel, the thread is a new post titled Title whose first
// message is the detail (Head is not posted), and in a text channel a thread started on the
// headline. Each part carries key (the detail as key + DetailKey) and, with Look, is looked for
// before it is posted, so that after a crash between the two parts the next holder posts only
// the part missing: one headline, one detail.
type ThreadPoster interface {
	// PostThread returns the headline's message id (on a forum, the post's). mayDouble: with Look,
	// a history the bot may not read was passed over and a part posted anyway.
	PostThread(ctx context.Context, channel, key string, t Thread) (messageID string, mayDouble bool, err error)
}

// DetailKey ends the delivery key of a thread's detail, told apart from its headline's.
const DetailKey = "/detail"
