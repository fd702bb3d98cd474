package slack

import (
	"context"
	"time"

	"briefbot/bot"
)

// Hooks for the tests of package slack_test. They exist only while testing.

// SetAnswerDeadline changes how long a slash command may take before its answer goes to
// response_url.
func SetAnswerDeadline(b *Bot, d time.Duration) { b.deadline = d }

// SetAnswer replaces the core's Handle for slash commands, to make an answer slow.
func SetAnswer(b *Bot, answer func(context.Context, bot.Request) bot.Reply) { b.answer = answer }

// SetPosterWait replaces the Poster's sleep for a rate limit, to record it instead.
func SetPosterWait(p *Poster, wait func(context.Context, time.Duration) error) { p.wait = wait }

// SetPingTimeout changes how long a Socket Mode connection may go without a ping from Slack.
// Call it before Start.
func SetPingTimeout(b *Bot, d time.Duration) { b.pingTimeout = d }
