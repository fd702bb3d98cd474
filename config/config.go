// Package config reads briefbot's one config file: strict YAML (unknown keys refused), ${VAR}
// read from the environment, and every mistake reported at once as FILE:LINE: message, sorted by
// line. It imports nothing of briefbot's beyond the leaf utilities under internal/ (strict YAML,
// careful file reading, cron specs, near-miss names, the days a digest rests on); cmd/briefbot
// hands the plain values on.
//
// Secrets never appear in what it reports: a message may quote a key, a position or a length,
// but not a value that came from the environment or a value under a secret key.
package config

import (
	"log/slog"
	"time"

	"briefbot/internal/calendar"
	"briefbot/internal/fuzzy"
	"go.yaml.in/yaml/v3"
)

// Config is the whole file.
type Config struct {
	HTTP      HTTP      `yaml:"http"`
	Discord   Discord   `yaml:"discord"`
	Slack     Slack     `yaml:"slack"`
	Briefings Briefings `yaml:"briefings"`
	Digests   []Digest  `yaml:"digests"`
	Store     Store     `yaml:"store"`
	Log       Log       `yaml:"log"`
	Metrics   Metrics   `yaml:"metrics"`
	// RateLimits are how fast digests are posted.
	RateLimits RateLimits `yaml:"rate_limits"`

	// File is where the config came from; "" for the built-in defaults.
	File string `yaml:"-"`
	// Warnings are findings that do not stop the config from loading, each FILE:LINE: message,
	// sorted by line: a secret written into a file others can read, a digest that posts every
	// minute, admin commands nobody may run.
	Warnings []string `yaml:"-"`

	root *yaml.Node
	// secrets are the values no message may show, with what to show instead.
	secrets []secret
}

type HTTP struct {
	Listen string `yaml:"listen"`
}

type Discord struct {
	Token         string   `yaml:"token"`
	ApplicationID string   `yaml:"application_id"`
	PublicKey     string   `yaml:"public_key"`
	Gateway       bool     `yaml:"gateway"`
	GuildIDs      []string `yaml:"guild_ids"`
	APIURL        string   `yaml:"api_url"`
	AdminRoleIDs  []string `yaml:"admin_role_ids"`
}

// Enabled reports whether any Discord way in is configured.
func (d Discord) Enabled() bool { return d.PublicKey != "" || d.Gateway }

type Slack struct {
	BotToken      string `yaml:"bot_token"`
	SigningSecret string `yaml:"signing_secret"`
	AppToken      string `yaml:"app_token"`
	APIURL        string `yaml:"api_url"`
	// CommandPrefix goes before every slash command's name ("bb-" makes /bb-position), for a
	// workspace where another app has taken the names.
	CommandPrefix string   `yaml:"command_prefix"`
	AdminUserIDs  []string `yaml:"admin_user_ids"`
}

// Enabled reports whether any Slack way in is configured.
func (s Slack) Enabled() bool { return s.SigningSecret != "" || s.AppToken != "" }

type Briefings struct {
	Dirs    []string `yaml:"dirs"`
	Default string   `yaml:"default"`
}

// A Digest is one scheduled post of a briefing's digest to one or more channels.
type Digest struct {
	Name     string `yaml:"name"`
	Platform string `yaml:"platform"`
	// Channel and Channels are as written, one or the other; Channels is the list to use.
	Channel  string   `yaml:"channel"`
	Channels []string `yaml:"channels"`
	Schedule string   `yaml:"schedule"`
	Timezone string   `yaml:"timezone"`
	Briefing string   `yaml:"briefing"`
	CatchUp  string   `yaml:"catch_up"`

	// The days it rests on, in its zone: dates written 2006-01-02, public holidays by country
	// ("us", "mx"), and an iCalendar file of closures, its path relative to the config's folder.
	SkipDates    []string `yaml:"skip_dates"`
	SkipHolidays []string `yaml:"skip_holidays"`
	Calendar     string   `yaml:"calendar"`

	// Thread: a headline in the channel and the digest in its thread.
	Thread bool `yaml:"thread"`
	// Mention is the role (Discord) or user group (Slack) each post pings; "" for none.
	Mention string `yaml:"mention"`
	// OnlyWhenChanged: no post when the briefing is the version the channel last received.
	OnlyWhenChanged bool `yaml:"only_when_changed"`

	// Filled in by validation.
	Location    *time.Location `yaml:"-"`
	CatchUpTime time.Duration  `yaml:"-"`
	// Closures are the days it rests on; nil when it names none.
	Closures *calendar.Closures `yaml:"-"`
	// CalendarFile is the calendar file's path, Calendar joined to the config file's folder
	// unless absolute; set even when the file cannot be read, so that whoever watches the files a
	// config names sees it appear. CalendarVersion names the content read (calendar.ICS.Version),
	// so that a reload can tell an edited file from the same one; "" when it was not read.
	CalendarFile    string `yaml:"-"`
	CalendarVersion string `yaml:"-"`
}

type Store struct {
	DSN string `yaml:"dsn"`
	// Retention is how long the delivery ledger remembers a post, as written ("90d");
	// RetentionTime is its value.
	Retention     string        `yaml:"retention"`
	RetentionTime time.Duration `yaml:"-"`
}

type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // auto (text on a terminal, else JSON), json or text
}

// SlogLevel is Level for log/slog.
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

type Metrics struct {
	// Listen is a host:port of its own for GET /metrics; "" serves it on http.listen.
	Listen string `yaml:"listen"`
}

// RateLimits are the budgets digests are posted within, as written: 0 where the file says
// nothing, for the default, which is the scheduler's to know (cmd/briefbot reads it there). They
// are briefbot's own budgets, kept under the platforms' limits rather than at them.
type RateLimits struct {
	Discord DiscordRate `yaml:"discord"`
	Slack   SlackRate   `yaml:"slack"`
}

// DiscordRate is Discord's budget, shared by every channel: Discord allows a bot 50 requests a
// second, and more to some large bots.
type DiscordRate struct {
	PerSecond float64 `yaml:"per_second"`
}

// SlackRate is Slack's: each channel's own (Slack allows about one message a second), and the
// workspace's, which every channel draws on too and Slack puts only as "several hundred a
// minute".
type SlackRate struct {
	PerChannelPerSecond float64 `yaml:"per_channel_per_second"`
	WorkspacePerMinute  float64 `yaml:"workspace_per_minute"`
}

// Defaults used where the file says nothing.
const (
	DefaultListen    = "127.0.0.1:8080"
	DefaultDSN       = "sqlite://briefbot.db"
	DefaultRetention = 90 * 24 * time.Hour
	DefaultCatchUp   = 2 * time.Hour
	DefaultLogLevel  = "info"
	DefaultLogFormat = "auto"
)

var (
	platforms  = []string{"discord", "slack"}
	logLevels  = []string{"debug", "info", "warn", "error"}
	logFormats = []string{"auto", "json", "text"}
)

// Default is the configuration with no file: the embedded briefing, the shell, no platforms.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.HTTP.Listen == "" {
		c.HTTP.Listen = DefaultListen
	}
	if c.Store.DSN == "" {
		c.Store.DSN = DefaultDSN
	}
	if c.Store.Retention == "" {
		c.Store.RetentionTime = DefaultRetention
	}
	if c.Log.Level == "" {
		c.Log.Level = DefaultLogLevel
	}
	if c.Log.Format == "" {
		c.Log.Format = DefaultLogFormat
	}
}

// Closest returns the candidate a person most likely meant by word (another case, a letter or
// two off, or the only candidate that word begins), for "did you mean" answers; ok is false when
// none is near enough. It is fuzzy.Closest, which the config file's keys are checked with too.
func Closest(word string, candidates []string) (string, bool) {
	return fuzzy.Closest(word, candidates)
}
