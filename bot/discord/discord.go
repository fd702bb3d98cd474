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
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"briefbot/bot"
	"briefbot/internal/lease"
	"briefbot/internal/recent"
)

// Config is what the adapter needs, as plain values from the config file.
type Config struct {
	Token         string // bot token; needed for registration, gateway and posting
	ApplicationID string // the application's id (a snowflake)
	PublicKey     string // hex Ed25519 key; enables the HTTP interactions endpoint
	Gateway       bool   // also take interactions over the gateway
	// GatewayLeased leaves the gateway closed at Start: LeadGateway opens and closes it as
	// this replica gains and loses the replicas' one gateway role.
	GatewayLeased bool
	GuildIDs      []string // register per guild instead of globally
	APIURL        string   // REST base; "" means https://discord.com/api/v10
	AdminRoleIDs  []string
	// Now is the clock for the replay window, Health and the gateway role's lease; nil means
	// time.Now.
	Now func() time.Time
	// Transport carries every REST call (registration, posts, follow-ups), as for metrics; nil
	// means http.DefaultTransport.
	Transport http.RoundTripper
}

// DefaultAPIURL is the REST base used when Config.APIURL is empty.
const DefaultAPIURL = "https://discord.com/api/v10"

// restTimeout bounds one REST call, so that a stalled proxy cannot hold a digest forever.
const restTimeout = 20 * time.Second

// handshakeTimeout bounds opening the gateway's websocket. discordgo holds its session lock
// while it dials, so an unbounded dial would hold Close up as long.
const handshakeTimeout = 10 * time.Second

// A Bot answers Discord interactions with an engine.
type Bot struct {
	cfg     Config
	core    *bot.Core
	logger  *slog.Logger
	key     ed25519.PublicKey // nil when the HTTP endpoint is off
	session *discordgo.Session
	now     func() time.Time
	recent  *recent.Set // interactions answered lately, so that none is answered twice
	// shared are the private answers shared to their channel lately, by message: a private
	// answer keeps its Share button (an ephemeral message cannot be edited from another
	// interaction), so a press is remembered longer than a replay needs.
	shared  *recent.Set
	answers bot.AnswerCache[json.RawMessage] // encoded answers of the engine in force
	health  health
	poster  *Poster // one for the Bot, so that what it learns of channels is shared
	// sleep waits between retries; the tests record the waits instead.
	sleep func(ctx context.Context, d time.Duration) error

	// life ends at Close; retries in the background run under it.
	life context.Context
	end  context.CancelFunc

	mu          sync.Mutex
	started     bool // Start was called: a failed Register is retried in the background
	closed      bool // Close was called: no new gateway answers, no more retries
	registering bool // a retry of the registration is under way
	opening     bool // a retry of the gateway's opening is under way
	// inflight counts gateway answers, follow-ups and retries under way, so that Close lets
	// them finish.
	inflight sync.WaitGroup

	// gw serializes opening and closing the gateway, which take seconds: mu stays free for the
	// answers meanwhile.
	gw       sync.Mutex
	handlers bool // the gateway handlers are added
	open     bool // the gateway is open; discordgo keeps it open from then on

	leader *lease.Role // the gateway role, once LeadGateway runs; under mu
}

// New checks cfg with Check and prepares the adapter. It does no network I/O: Start does. Every
// request is answered by the engine core holds at the time it arrives.
func New(cfg Config, core *bot.Core, logger *slog.Logger) (*Bot, error) {
	logger, err := bot.CheckAdapter(platform, core, Check(cfg), logger)
	if err != nil {
		return nil, err
	}
	b := &Bot{cfg: cfg, core: core, logger: logger.With("platform", "discord"), now: cfg.Now,
		recent: recent.New(recentSpan, recentLimit), shared: recent.New(sharedSpan, recentLimit), sleep: sleep}
	if b.now == nil {
		b.now = time.Now
	}
	if cfg.PublicKey != "" {
		key, _ := hex.DecodeString(strings.TrimSpace(cfg.PublicKey)) // Check read it already
		b.key = ed25519.PublicKey(key)
	}
	api, _ := apiBase(cfg.APIURL) // Check read it already
	b.session, err = newSession(cfg.Token, api, b.gatewayDialer(), cfg.Transport)
	if err != nil {
		return nil, err
	}
	b.poster = &Poster{bot: b, kinds: map[string]channelKind{}}
	b.life, b.end = context.WithCancel(context.Background())
	routeLibraryLog(b.logger)
	return b, nil
}

// Start registers the commands (only when they differ from what Discord has) and opens the
// gateway when it is configured. Without a token there is nothing to register.
//
// Neither has to succeed for the process to run: the HTTP endpoint answers with the commands
// Discord already has. A failure that may pass (Discord unreachable, a 5xx, a 429) is logged,
// shown in Health and retried in the background with capped exponential backoff until it
// succeeds or Close. Discord refusing the token (401) fails Start, since nothing would ever
// work with it; other refusals (403, 404, 400) are logged and shown, not retried.
func (b *Bot) Start(ctx context.Context) error {
	if b.cfg.Token == "" {
		b.logger.Info("no token: commands are not registered and nothing can be posted")
		return nil
	}
	b.mu.Lock()
	closed := b.closed
	b.started = true
	b.mu.Unlock()
	if closed {
		return errors.New("discord: start after close")
	}
	if err := b.Register(ctx); err != nil {
		if unauthorized(err) {
			return fmt.Errorf("discord: register commands: %w", err)
		}
		b.logger.Warn("commands not registered", "err", err, "retried", retryable(err))
	}
	if !b.cfg.Gateway || b.cfg.GatewayLeased {
		return nil
	}
	if err := b.openGateway(ctx); err != nil {
		if unauthorized(err) {
			return fmt.Errorf("discord: open gateway: %w", err)
		}
		b.logger.Warn("gateway not open", "err", err, "retried", retryable(err))
		if retryable(err) {
			b.keepTrying("gateway", &b.opening, err, b.openGateway)
		}
	}
	return nil
}

// Close stops the retries, closes the gateway and waits for the answers under way, each
// bounded by Discord's 3-second deadline: an interaction received before shutdown is still
// answered.
func (b *Bot) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.end()
	b.gw.Lock()
	open := b.open
	b.open = false
	b.gw.Unlock()
	var err error
	if open {
		if cerr := b.session.Close(); cerr != nil {
			err = fmt.Errorf("discord: close gateway: %w", cerr)
		}
	}
	b.health.closed(b.now())
	b.inflight.Wait()
	unrouteLibraryLog(b.logger)
	return err
}

// Poster posts replies to channels with the bot's token.
func (b *Bot) Poster() *Poster { return b.poster }

// newSession makes a discordgo session for REST through transport (nil: the default) and the
// gateway, if opened, through dialer, pointed at api.
func newSession(token string, api *url.URL, dialer *websocket.Dialer, transport http.RoundTripper) (*discordgo.Session, error) {
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
	if transport == nil {
		transport = http.DefaultTransport
	}
	s.Client = &http.Client{Timeout: restTimeout, Transport: &rewriteTransport{from: from, to: api, next: transport}}
	// discordgo would retry a 429 forever; request bounds it instead.
	s.ShouldRetryOnRateLimit = false
	// Slash commands need no intents, and the adapter reads nothing from the state cache.
	s.Identify.Intents = discordgo.IntentsNone
	s.StateEnabled = false
	s.Dialer = dialer
	// Above warnings discordgo logs whole gateway payloads; liblog.go says where its lines go.
	s.LogLevel = discordgo.LogWarning
	return s, nil
}
