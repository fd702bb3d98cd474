// Package slack is briefbot's Slack adapter: slash commands and buttons over HTTP or Socket Mode,
// answers rendered as Block Kit, and digest posts through the Web API. The engine stays
// platform-free; slack-go's types never leave this package.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"briefbot/bot"
)

// Config is what the adapter needs from the config file.
type Config struct {
	BotToken      string
	SigningSecret string
	AppToken      string // xapp-...; when set, Socket Mode
	APIURL        string // Web API base; "" means Slack's (https://slack.com/api/)
	AdminUserIDs  []string
	Now           func() time.Time // clock for the signature window; nil = time.Now
}

// Slack wants a first answer within 3 seconds; the engine gets most of that, the rest is for the
// network.
const (
	defaultAnswerDeadline = 2 * time.Second
	// lateAnswerTimeout bounds an answer that missed the deadline and goes to response_url.
	lateAnswerTimeout = 30 * time.Second
	// webTimeout bounds one call to Slack's Web API or a response_url.
	webTimeout = 15 * time.Second
)

// A Bot serves one Slack app: its HTTP endpoints, its Socket Mode connection and its poster.
type Bot struct {
	engine *bot.Engine
	log    *slog.Logger
	cfg    Config
	secret []byte
	admins map[string]bool
	now    func() time.Time
	api    *slackapi.Client
	web    *http.Client // for response_url posts
	poster *Poster

	// deadline is how long a slash command may take before the answer goes to response_url.
	deadline time.Duration
	// answer is the engine's Handle; tests put a slow one in its place.
	answer func(context.Context, bot.Request) bot.Reply

	// ctx is the life of the Bot: background answers run under it, Close ends it.
	ctx        context.Context
	cancel     context.CancelFunc
	mu         sync.Mutex
	closed     bool
	started    bool
	stopSocket context.CancelFunc
	wg         sync.WaitGroup
}

// New checks cfg and builds the adapter. It does not touch the network.
func New(cfg Config, engine *bot.Engine, logger *slog.Logger) (*Bot, error) {
	if engine == nil {
		return nil, errors.New("slack: no engine")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		return nil, errors.New("slack: signing_secret (for HTTP) or app_token (for Socket Mode) is required")
	}
	if cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-") {
		// A bot token here is the usual mistake; apps.connections.open would refuse it later.
		return nil, errors.New("slack: app_token must be an app-level token (xapp-...)")
	}
	apiURL, err := normalizeAPIURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	cfg.APIURL = apiURL

	b := &Bot{
		engine:   engine,
		log:      logger,
		cfg:      cfg,
		secret:   []byte(cfg.SigningSecret),
		admins:   make(map[string]bool, len(cfg.AdminUserIDs)),
		now:      cfg.Now,
		web:      &http.Client{Timeout: webTimeout},
		deadline: defaultAnswerDeadline,
		answer:   engine.Handle,
	}
	if b.now == nil {
		b.now = time.Now
	}
	for _, id := range cfg.AdminUserIDs {
		if id = strings.TrimSpace(id); id != "" {
			b.admins[id] = true
		}
	}
	opts := []slackapi.Option{
		slackapi.OptionAPIURL(apiURL),
		slackapi.OptionHTTPClient(&http.Client{Timeout: webTimeout}),
		slackapi.OptionLog(slog.NewLogLogger(logger.Handler(), slog.LevelDebug)),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))
	}
	b.api = slackapi.New(cfg.BotToken, opts...)
	b.poster = newPoster(b.api, logger)
	if cfg.BotToken == "" {
		// Answering slash commands needs no bot token; posting a digest does.
		b.poster = newPoster(noBotToken{}, logger)
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b, nil
}

// normalizeAPIURL gives slack-go the base it needs: absolute, ending in "/".
func normalizeAPIURL(raw string) (string, error) {
	if raw == "" {
		return slackapi.APIURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("slack: api_url %q is not an http(s) URL", raw)
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	return raw, nil
}

// Poster posts digests to Slack channels.
func (b *Bot) Poster() *Poster { return b.poster }

// Start connects Socket Mode in the background when an app token is configured, until ctx ends
// or Close; without one it returns at once. It does not wait for the connection.
func (b *Bot) Start(ctx context.Context) error {
	if b.cfg.AppToken == "" {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return errors.New("slack: start after close")
	case b.started:
		return errors.New("slack: already started")
	}
	b.started = true
	runCtx, cancel := context.WithCancel(ctx)
	b.stopSocket = cancel
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.runSocket(runCtx)
	}()
	return nil
}

// Close stops Socket Mode and waits for answers still under way.
func (b *Bot) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	if b.stopSocket != nil {
		b.stopSocket()
	}
	b.cancel()
	b.mu.Unlock()
	b.wg.Wait()
	return nil
}

// background runs fn under the Bot's life unless the Bot is closed. Work that outlives a request
// (a late answer, a button press) goes through here so that Close can wait for it.
func (b *Bot) background(fn func(ctx context.Context)) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer b.recoverPanic("background")
		fn(b.ctx)
	}()
	return true
}

func (b *Bot) recoverPanic(where string) {
	if v := recover(); v != nil {
		b.log.Error("slack: panic recovered", "where", where, "panic", fmt.Sprint(v))
	}
}

func (b *Bot) isAdmin(userID string) bool { return userID != "" && b.admins[userID] }
