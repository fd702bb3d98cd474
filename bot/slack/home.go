package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	slackapi "github.com/slack-go/slack"

	"briefbot/bot"
	"briefbot/internal/retry"
)

// homeTab is app_home_opened's tab for the Home tab; the Messages and About tabs are Slack's.
const homeTab = "home"

// MaxViewBlocks is how many blocks a Home tab holds, from Slack's view reference. A reply
// renders to at most MaxBlocks, and its buttons to at most maxActionBlocks more, so a Home tab
// always fits; HomeTab still checks, since Slack refuses a view over it whole.
const MaxViewBlocks = 100

// homeTimeout bounds the publishing of one Home tab, waits for a rate limit included: a tab the
// user has left by then is published again the next time they open it.
const homeTimeout = 30 * time.Second

// homeRateLimited is how views.publish meets a 429 or a passing failure: a few short waits, then
// the tab waits for the next time it is opened.
var homeRateLimited = retry.Policy{Base: time.Second, Cap: 4 * time.Second, Tries: 3, MaxRetryAfter: 10 * time.Second}

// publishHome publishes user's Home tab, made by the engine in force for that user: an admin
// sees the digests too.
func (b *Bot) publishHome(ctx context.Context, user string) {
	// A command's answer is made under bot.Recover in the chain; the Home tab is not a command,
	// and a panic here, in the background, would end the process.
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("slack: home tab not made", "panic", fmt.Sprint(p))
		}
	}()
	if b.cfg.BotToken == "" {
		b.log.Warn("slack: the Home tab needs a bot token (slack.bot_token)")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, homeTimeout)
	defer cancel()
	view, err := homeView(b.core.Engine().Home(ctx, bot.Caller{Platform: platform, User: user}))
	if err != nil {
		b.log.Error("slack: home tab not made", "err", err)
		return
	}
	req := slackapi.PublishViewContextRequest{UserID: user, View: view}
	for try := 1; ; try++ {
		_, err := b.api.PublishViewContext(ctx, req)
		if err == nil {
			return
		}
		perr := classify(err)
		d, ok := homeRateLimited.Next(try, perr.RetryAfter)
		if perr.Permanent || !ok {
			b.log.Warn("slack: home tab not published", "code", perr.Code, "err", err)
			return
		}
		if err := retry.Sleep(ctx, retry.SystemClock(), d); err != nil {
			b.log.Warn("slack: home tab not published", "code", perr.Code, "err", err)
			return
		}
	}
}

// HomeTab is the Home tab of r, the engine's Home, as blocks: r rendered as any answer, with its
// buttons under the title and the opening paragraph, where a reader looks first and where a long
// list of digests cannot push them out of sight. The preview draws it; homeView publishes it.
func HomeTab(r bot.Reply) (Message, error) {
	actions := actionBlocks(r.Actions)
	r.Actions = nil
	body := render(r).Blocks
	at := min(len(body), 1)
	if len(body) > 0 && body[0].Type == "header" {
		at = min(len(body), 2)
	}
	blocks := make([]block, 0, len(body)+len(actions))
	blocks = append(blocks, body[:at]...)
	blocks = append(blocks, actions...)
	blocks = append(blocks, body[at:]...)
	if len(blocks) > MaxViewBlocks {
		return Message{}, fmt.Errorf("home tab of %d blocks; Slack takes %d", len(blocks), MaxViewBlocks)
	}
	return Message{Blocks: blocks}, nil
}

// HomeTabJSON is the view views.publish takes for r, indented: what the preview shows beside it.
func HomeTabJSON(r bot.Reply) ([]byte, error) {
	view, err := homeView(r)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(view, "", "  ")
}

// homeView is the Home tab views.publish takes for r.
func homeView(r bot.Reply) (slackapi.HomeTabViewRequest, error) {
	tab, err := HomeTab(r)
	if err != nil {
		return slackapi.HomeTabViewRequest{}, err
	}
	set, err := slackBlocks(tab.Blocks)
	if err != nil {
		return slackapi.HomeTabViewRequest{}, err
	}
	return slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: set}}, nil
}
