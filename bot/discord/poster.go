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
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// A Poster posts replies to Discord channels, as the bot.
type Poster struct{ bot *Bot }

var (
	_ bot.Poster     = (*Poster)(nil)
	_ bot.PostFinder = (*Poster)(nil)
)

// messageCreate is the body of POST /channels/{id}/messages. discordgo's MessageSend has no
// nonce or enforce_nonce, which are what make a retried post appear once.
type messageCreate struct {
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
// message instead of a second one. Private has no meaning in a channel post and is ignored.
func (p *Poster) Post(ctx context.Context, channel, key string, r bot.Reply) (string, error) {
	if p.bot.cfg.Token == "" {
		return "", &bot.PostError{Permanent: true, Code: "no_token", Err: errors.New("discord: no bot token configured")}
	}
	if !snowflake(channel) {
		return "", &bot.PostError{Permanent: true, Code: "invalid_channel", Err: fmt.Errorf("discord: channel %q is not a numeric id", channel)}
	}
	if key != "" {
		// Discord honours a nonce for a few minutes only, and history does not show it: the key
		// also stands in the footer, where FindPost can read it back.
		r.Footer = strings.TrimSpace(r.Footer + " · " + keyMark + key)
	}
	body := messageCreate{
		Embeds:          renderEmbeds(r),
		Components:      renderComponents(r.Actions),
		AllowedMentions: noMentions(),
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
			var ae *apiError
			if errors.As(err, &ae) && (ae.Status == http.StatusForbidden || ae.Code == 50001 || ae.Code == 50013) {
				return "", false, fmt.Errorf("%w: %s", bot.ErrHistoryUnavailable, ae.code())
			}
			return "", false, postError(err)
		}
		var page []struct {
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
			for _, e := range m.Embeds {
				if e.Footer != nil && strings.HasSuffix(e.Footer.Text, mark) {
					return m.ID, true, nil
				}
			}
		}
		if len(page) < 100 {
			return "", false, nil
		}
	}
	return "", false, nil
}
