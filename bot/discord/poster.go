package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// A Poster posts replies to Discord channels, as the bot.
type Poster struct {
	bot *Bot
	// kinds remembers what each channel is (PostThread's GET /channels/{id}) for a while: a
	// thread is started one way in a forum and another in a text channel.
	mu    sync.Mutex
	kinds map[string]channelKind
}

var (
	_ bot.Poster       = (*Poster)(nil)
	_ bot.PostFinder   = (*Poster)(nil)
	_ bot.ThreadPoster = (*Poster)(nil)
)

// messageCreate is the body of POST /channels/{id}/messages, and without its nonce the first
// message of a forum post. discordgo's MessageSend has no nonce or enforce_nonce, which are
// what make a retried post appear once.
type messageCreate struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Nonce           string                            `json:"nonce,omitempty"`
	EnforceNonce    bool                              `json:"enforce_nonce,omitempty"`
}

// keyMark introduces the delivery key in a posted embed's footer.
const keyMark = "digest "

// maxNonce is Discord's limit on a nonce's length.
const maxNonce = 25

// Post sends r to a channel and returns the message id. key names the delivery: the same key
// gives the same nonce, and with enforce_nonce Discord answers a repeated post with the first
// message instead of a second one. r.Mention, a role id, is pinged; nothing else is. Private
// has no meaning in a channel post and is ignored.
func (p *Poster) Post(ctx context.Context, channel, key string, r bot.Reply) (string, error) {
	if err := p.ready(channel); err != nil {
		return "", err
	}
	body, err := message(r, key)
	if err != nil {
		return "", err
	}
	if key != "" {
		body.Nonce, body.EnforceNonce = nonce(key), true
	}
	raw, err := p.bot.request(ctx, http.MethodPost, discordgo.EndpointChannelMessages(channel), body)
	if err != nil {
		return "", postError(err)
	}
	var msg struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil || msg.ID == "" {
		// Posted, but the answer is unreadable: retrying is safe, the nonce keeps it single.
		return "", &bot.PostError{Err: fmt.Errorf("discord: post to channel %s: unreadable answer", channel)}
	}
	return msg.ID, nil
}

// ready refuses a post that cannot succeed however often it is tried: no token, or a channel
// that is not an id (ids go into REST paths).
func (p *Poster) ready(channel string) error {
	if p.bot.cfg.Token == "" {
		return &bot.PostError{Permanent: true, Code: "no_token", Err: errors.New("discord: no bot token configured")}
	}
	if !snowflake(channel) {
		return &bot.PostError{Permanent: true, Code: "invalid_channel", Err: fmt.Errorf("discord: channel %q is not a numeric id", channel)}
	}
	return nil
}

// message is the body that posts r with key in its footer (none when key is ""): embeds,
// buttons, and the mention of r.Mention's role when it names one.
func message(r bot.Reply, key string) (messageCreate, error) {
	if key != "" {
		// Discord honours a nonce for a few minutes only, and history does not show it: the key
		// also stands in the footer, where FindPost can read it back.
		r.Footer = strings.TrimSpace(r.Footer + " · " + keyMark + key)
	}
	content, allowed, err := roleMention(r.Mention)
	if err != nil {
		return messageCreate{}, err
	}
	return messageCreate{
		Content:         content,
		Embeds:          renderEmbeds(r),
		Components:      renderComponents(r.Actions),
		AllowedMentions: allowed,
	}, nil
}

// nonce derives a message nonce from a delivery key: stable across retries and replicas, and
// within Discord's 25 characters whatever the key's length.
func nonce(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:maxNonce-1]
}

// postError says whether a failed post is worth retrying. A 4xx other than 429 will fail again
// as it is (the channel is gone, the bot may not post there, the token is bad, the message is
// refused); a 429, a 5xx or no answer may pass later.
func postError(err error) *bot.PostError {
	var ae *apiError
	if !errors.As(err, &ae) {
		return &bot.PostError{Err: err}
	}
	pe := &bot.PostError{Code: ae.code(), Err: ae}
	switch {
	case ae.Status == http.StatusTooManyRequests:
		pe.RetryAfter = ae.RetryAfter
	case ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusRequestTimeout:
		pe.Permanent = true
	}
	return pe
}

// historyPages bounds how far FindPost reads: 100 messages a page, far past a crash window.
const historyPages = 5

// discordEpoch is the first millisecond of 2015, where Discord's snowflakes count from.
const discordEpoch = 1420070400000

// FindPost looks through the channel's messages since the given time for the bot's own post whose
// footer carries key (GET /channels/{id}/messages?after=, which needs View Channel and Read
// Message History). Without those permissions Discord answers 403, and the error wraps
// bot.ErrHistoryUnavailable.
func (p *Poster) FindPost(ctx context.Context, channel, key string, since time.Time) (string, bool, error) {
	if !snowflake(channel) {
		return "", false, &bot.PostError{Permanent: true, Code: "invalid_channel", Err: fmt.Errorf("discord: channel %q is not a numeric id", channel)}
	}
	after := uint64(max(since.UnixMilli()-discordEpoch, 0)) << 22
	mark := keyMark + key
	for range historyPages {
		endpoint := discordgo.EndpointChannelMessages(channel) + "?limit=100&after=" + strconv.FormatUint(after, 10)
		raw, err := p.bot.request(ctx, http.MethodGet, endpoint, nil)
		if err != nil {
			return "", false, historyError(err)
		}
		var page []postedMessage
		if err := json.Unmarshal(raw, &page); err != nil {
			return "", false, &bot.PostError{Err: fmt.Errorf("discord: read channel %s: unreadable answer", channel)}
		}
		for _, m := range page {
			if id, err := strconv.ParseUint(m.ID, 10, 64); err == nil && id > after {
				after = id
			}
			if m.Author.ID != p.bot.cfg.ApplicationID {
				continue
			}
			if m.carries(mark) {
				return m.ID, true, nil
			}
		}
		if len(page) < 100 {
			return "", false, nil
		}
	}
	return "", false, nil
}

// historyError is a failed read of history: bot.ErrHistoryUnavailable when Discord will not show
// it to the bot (403: no View Channel or Read Message History), else a PostError.
func historyError(err error) error {
	var ae *apiError
	if errors.As(err, &ae) && (ae.Status == http.StatusForbidden || ae.Code == 50001 || ae.Code == 50013) {
		return fmt.Errorf("%w: %s", bot.ErrHistoryUnavailable, ae.code())
	}
	return postError(err)
}

// A postedMessage is what a look at history reads of a message: who wrote it, and its footers.
type postedMessage struct {
	ID     string `json:"id"`
	Author struct {
		ID string `json:"id"`
	} `json:"author"`
	Embeds []struct {
		Footer *struct {
			Text string `json:"text"`
		} `json:"footer"`
	} `json:"embeds"`
}

// carries reports whether one of m's footers ends with mark, a delivery key as Post writes it.
func (m postedMessage) carries(mark string) bool {
	for _, e := range m.Embeds {
		if e.Footer != nil && strings.HasSuffix(e.Footer.Text, mark) {
			return true
		}
	}
	return false
}
