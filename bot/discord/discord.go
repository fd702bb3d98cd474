// Package discord is briefbot's Discord adapter: it registers the engine's commands as
// application commands, answers interactions from the HTTP endpoint or the gateway, renders
// replies as embeds within Discord's limits, and posts digests to channels.
//
// discordgo types stay in this package; the engine sees only bot.Request and bot.Reply.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// Config is what the adapter needs, as plain values from the config file.
type Config struct {
	Token         string   // bot token; needed for registration, gateway and posting
	ApplicationID string   // the application's id (a snowflake)
	PublicKey     string   // hex Ed25519 key; enables the HTTP interactions endpoint
	Gateway       bool     // also take interactions over the gateway
	GuildIDs      []string // register per guild instead of globally
	APIURL        string   // REST base; "" means https://discord.com/api/v10
	AdminRoleIDs  []string
}

// DefaultAPIURL is the REST base used when Config.APIURL is empty.
const DefaultAPIURL = "https://discord.com/api/v10"

// restTimeout bounds one REST call, so that a stalled proxy cannot hold a digest forever.
const restTimeout = 20 * time.Second

// A Bot answers Discord interactions with an engine.
type Bot struct {
	cfg     Config
	core    *bot.Core
	logger  *slog.Logger
	key     ed25519.PublicKey // nil when the HTTP endpoint is off
	session *discordgo.Session

	mu       sync.Mutex
	handlers bool // the gateway handler is added
	open     bool // the gateway is open
	closed   bool // Close was called: no new gateway answers
	// inflight counts gateway answers under way, so that Close lets them finish.
	inflight sync.WaitGroup
}

// New checks cfg with Check and prepares the adapter. It does no network I/O: Start does. Every
// request is answered by the engine core holds at the time it arrives.
func New(cfg Config, core *bot.Core, logger *slog.Logger) (*Bot, error) {
	if core == nil {
		return nil, errors.New("discord: no engine")
	}
	if ps := Check(cfg); len(ps) > 0 {
		errs := make([]error, len(ps))
		for i, p := range ps {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Bot{cfg: cfg, core: core, logger: logger.With("platform", "discord")}
	if cfg.PublicKey != "" {
		key, _ := hex.DecodeString(strings.TrimSpace(cfg.PublicKey)) // Check read it already
		b.key = ed25519.PublicKey(key)
	}
	if _, err := commandSpecs(core.Engine()); err != nil {
		return nil, fmt.Errorf("discord: commands: %w", err)
	}
	api, _ := apiBase(cfg.APIURL) // Check read it already
	var err error
	b.session, err = newSession(cfg.Token, api)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Start registers the commands (only when they differ from what Discord has) and opens the
// gateway when it is configured. Without a token there is nothing to register.
func (b *Bot) Start(ctx context.Context) error {
	if b.cfg.Token == "" {
		b.logger.Info("no token: commands are not registered and nothing can be posted")
		return nil
	}
	if err := b.Register(ctx); err != nil {
		return fmt.Errorf("discord: register commands: %w", err)
	}
	if !b.cfg.Gateway {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("discord: start after close")
	}
	if b.open {
		return nil
	}
	if !b.handlers {
		b.session.AddHandler(b.onInteractionCreate)
		b.handlers = true
	}
	if err := b.session.Open(); err != nil {
		return fmt.Errorf("discord: open gateway: %w", err)
	}
	b.open = true
	b.logger.Info("gateway open")
	return nil
}

// Close closes the gateway and waits for the answers under way, each bounded by Discord's
// 3-second deadline: an interaction received before shutdown is still answered.
func (b *Bot) Close() error {
	b.mu.Lock()
	open := b.open
	b.open, b.closed = false, true
	b.mu.Unlock()
	var err error
	if open {
		if cerr := b.session.Close(); cerr != nil {
			err = fmt.Errorf("discord: close gateway: %w", cerr)
		}
	}
	b.inflight.Wait()
	return err
}

// Poster posts replies to channels with the bot's token.
func (b *Bot) Poster() *Poster { return &Poster{bot: b} }

// newSession makes a discordgo session for REST (and the gateway, if opened), pointed at api.
func newSession(token string, api *url.URL) (*discordgo.Session, error) {
	if token != "" && !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: session: %w", err)
	}
	from, err := url.Parse(discordgo.EndpointAPI)
	if err != nil {
		return nil, fmt.Errorf("discord: discordgo's endpoint: %w", err)
	}
	s.Client = &http.Client{Timeout: restTimeout, Transport: &rewriteTransport{from: from, to: api, next: http.DefaultTransport}}
	// discordgo would retry a 429 forever; request bounds it instead.
	s.ShouldRetryOnRateLimit = false
	// Slash commands need no intents, and the adapter reads nothing from the state cache.
	s.Identify.Intents = discordgo.IntentsNone
	s.StateEnabled = false
	return s, nil
}
