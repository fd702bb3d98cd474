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
	cfg        Config
	engine     *bot.Engine
	logger     *slog.Logger
	key        ed25519.PublicKey // nil when the HTTP endpoint is off
	session    *discordgo.Session
	commands   []commandSpec
	adminRoles map[string]bool

	mu       sync.Mutex
	handlers bool // the gateway handler is added
	open     bool // the gateway is open
	closed   bool // Close was called: no new gateway answers
	// inflight counts gateway answers under way, so that Close lets them finish.
	inflight sync.WaitGroup
}

// New checks cfg and prepares the adapter. It does no network I/O: Start does.
func New(cfg Config, engine *bot.Engine, logger *slog.Logger) (*Bot, error) {
	if engine == nil {
		return nil, errors.New("discord: no engine")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Bot{cfg: cfg, engine: engine, logger: logger.With("platform", "discord"),
		adminRoles: map[string]bool{}}

	if cfg.PublicKey != "" {
		key, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
		if err != nil || len(key) != ed25519.PublicKeySize {
			// The key itself stays out of the message: config errors end up in logs.
			return nil, errors.New("discord: public_key must be the application's Ed25519 public key, 64 hex digits")
		}
		b.key = ed25519.PublicKey(key)
	}
	if cfg.Gateway && cfg.Token == "" {
		return nil, errors.New("discord: gateway needs a token")
	}
	if (cfg.Token != "" || cfg.ApplicationID != "") && !snowflake(cfg.ApplicationID) {
		// Registration needs it, and it goes into REST paths.
		return nil, fmt.Errorf("discord: application_id %q is not the application's numeric id", cfg.ApplicationID)
	}
	for _, g := range cfg.GuildIDs {
		if !snowflake(g) {
			return nil, fmt.Errorf("discord: guild id %q is not a numeric id", g)
		}
	}
	for _, r := range cfg.AdminRoleIDs {
		b.adminRoles[strings.TrimSpace(r)] = true
	}

	api, err := apiBase(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	specs, err := commandSpecs(engine.Commands())
	if err != nil {
		return nil, fmt.Errorf("discord: commands: %w", err)
	}
	b.commands = specs

	b.session, err = newSession(cfg.Token, api)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// apiBase checks the REST base URL and returns it without a trailing slash.
func apiBase(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("discord: api_url %q is not an http(s) URL", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("discord: api_url %q must not carry a query or fragment", raw)
	}
	return u, nil
}

// snowflake reports whether s looks like a Discord id. Ids go into REST paths, so nothing else
// may pass.
func snowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Start registers the commands (only when they differ from what Discord has) and opens the
// gateway when it is configured. Without a token there is nothing to register.
func (b *Bot) Start(ctx context.Context) error {
	if b.cfg.Token == "" {
		b.logger.Info("no token: commands are not registered and nothing can be posted")
		return nil
	}
	if err := b.register(ctx); err != nil {
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
