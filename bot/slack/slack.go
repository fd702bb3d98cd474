// Package slack is briefbot's Slack adapter: slash commands and buttons over HTTP or Socket Mode,
// answers rendered as Block Kit, and digest posts through the Web API. The engine stays
// platform-free; slack-go's types never leave this package.
package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"briefbot/bot"
	"briefbot/internal/recent"
)

// Config is what the adapter needs from the config file.
type Config struct {
	BotToken      string
	SigningSecret string
	AppToken      string // xapp-...; when set, Socket Mode
	APIURL        string // Web API base; "" means Slack's (https://slack.com/api/)
	AdminUserIDs  []string
	Now           func() time.Time // clock for the signature window; nil = time.Now
	// Transport carries every Web API call and response_url post, as for metrics; nil means
	// http.DefaultTransport.
	Transport http.RoundTripper
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
	core   *bot.Core
	log    *slog.Logger
	cfg    Config
	secret []byte
	now    func() time.Time
	api    *slackapi.Client
	web    *http.Client // for response_url posts
	poster *Poster

	answers bot.AnswerCache[Message] // rendered answers of the engine in force
	recent  *recent.Set              // requests answered lately, so that none is answered twice
	socket  socketHealth
	// pingTimeout is how long a Socket Mode connection may go without a ping from Slack before
	// slack-go replaces it.
	pingTimeout time.Duration

	// deadline is how long a slash command may take before the answer goes to response_url.
	deadline time.Duration
	// answer is the core's Handle; tests put a slow one in its place.
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

// New checks cfg with Check and builds the adapter. It does not touch the network. Every request
// is answered by the engine core holds at the time it arrives.
func New(cfg Config, core *bot.Core, logger *slog.Logger) (*Bot, error) {
	logger, err := bot.CheckAdapter(platform, core, Check(cfg), logger)
	if err != nil {
		return nil, err
	}
	apiURL, _ := normalizeAPIURL(cfg.APIURL) // Check read it already
	cfg.APIURL = apiURL

	b := &Bot{
		core:     core,
		log:      logger,
		cfg:      cfg,
		secret:   []byte(cfg.SigningSecret),
		now:      cfg.Now,
		web:      &http.Client{Timeout: webTimeout, Transport: cfg.Transport},
		deadline: defaultAnswerDeadline,
		answer:   core.Handle,
		recent:   recent.New(recentSpan, recentLimit),

		pingTimeout: defaultPingTimeout,
	}
	if b.now == nil {
		b.now = time.Now
	}
	opts := []slackapi.Option{
		slackapi.OptionAPIURL(apiURL),
		slackapi.OptionHTTPClient(&http.Client{Timeout: webTimeout, Transport: cfg.Transport}),
		slackapi.OptionLog(libraryLog{logger}),
	}
	if cfg.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(cfg.AppToken))
	}
	b.api = slackapi.New(cfg.BotToken, opts...)
	b.poster = newPoster(b.api, logger, b.now)
	if cfg.BotToken == "" {
		// Answering slash commands needs no bot token; posting a digest does.
		b.poster = newPoster(noBotToken{}, logger, b.now)
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b, nil
}

// libraryLog carries slack-go's lines into the adapter's logger as debug records, one line a
// record, never as raw text beside the JSON log. slack-go writes only in its debug mode, which
// briefbot leaves off, since its debug lines quote payloads.
type libraryLog struct{ log *slog.Logger }

func (l libraryLog) Output(_ int, line string) error {
	l.log.Debug("slack-go", "line", strings.TrimSpace(line))
	return nil
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
	b.socket.to(false, "closed", b.now())
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
		fn(b.ctx)
	}()
	return true
}
