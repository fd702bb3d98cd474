// Package config reads briefbot's one config file: strict YAML (unknown keys refused), ${VAR}
// read from the environment, and every mistake reported as FILE:LINE: message. It imports nothing
// of briefbot's; cmd/briefbot hands the plain values on.
package config

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
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

	// File is where the config came from; "" for the built-in defaults.
	File string `yaml:"-"`
	root *yaml.Node
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
	BotToken      string   `yaml:"bot_token"`
	SigningSecret string   `yaml:"signing_secret"`
	AppToken      string   `yaml:"app_token"`
	APIURL        string   `yaml:"api_url"`
	AdminUserIDs  []string `yaml:"admin_user_ids"`
}

// Enabled reports whether any Slack way in is configured.
func (s Slack) Enabled() bool { return s.SigningSecret != "" || s.AppToken != "" }

type Briefings struct {
	Dirs    []string `yaml:"dirs"`
	Default string   `yaml:"default"`
}

// A Digest is one scheduled post of a briefing's digest to one channel.
type Digest struct {
	Name     string `yaml:"name"`
	Platform string `yaml:"platform"`
	Channel  string `yaml:"channel"`
	Schedule string `yaml:"schedule"`
	Timezone string `yaml:"timezone"`
	Briefing string `yaml:"briefing"`
	CatchUp  string `yaml:"catch_up"`

	// Filled in by validation.
	Location    *time.Location `yaml:"-"`
	CatchUpTime time.Duration  `yaml:"-"`
}

type Store struct {
	DSN string `yaml:"dsn"`
}

// Defaults used where the file says nothing.
const (
	DefaultListen = "127.0.0.1:8080"
	DefaultDSN    = "sqlite://briefbot.db"
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
}

// Load reads and checks the config file at path; getenv supplies ${VAR}.
func Load(path string, getenv func(string) string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, getenv)
}

// Parse reads and checks config text; file names it in errors.
func Parse(file string, data []byte, getenv func(string) string) (*Config, error) {
	c := &Config{File: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, c.yamlError(err)
	}
	if len(bytes.TrimSpace(data)) == 0 || len(doc.Content) == 0 {
		c.applyDefaults()
		return c, nil
	}
	c.root = doc.Content[0]
	var errs []error
	if c.root.Kind != yaml.MappingNode {
		return nil, c.errorAt(c.root, "the config is a mapping of sections (http:, discord:, slack:, ...)")
	}
	errs = append(errs, c.checkKeys(c.root, reflect.TypeOf(*c), "")...)
	errs = append(errs, c.expand(c.root, getenv)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.root.Decode(c); err != nil {
		return nil, c.yamlError(err)
	}
	c.applyDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Errorf reports a problem with the value at path ("digests", 0, "briefing") at its line.
func (c *Config) Errorf(path []any, format string, args ...any) error {
	return c.errorAt(c.node(path...), format, args...)
}

func (c *Config) errorAt(n *yaml.Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if n == nil || c.File == "" {
		if c.File == "" {
			return errors.New(msg)
		}
		return fmt.Errorf("%s: %s", c.File, msg)
	}
	return fmt.Errorf("%s:%d: %s", c.File, n.Line, msg)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (c *Config) yamlError(err error) error {
	var te *yaml.TypeError
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var errs []error
	for _, m := range msgs {
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			errs = append(errs, fmt.Errorf("%s:%s: %s", c.File, sm[1], sm[2]))
		} else {
			errs = append(errs, fmt.Errorf("%s: %s", c.File, m))
		}
	}
	return errors.Join(errs...)
}

// node finds the value at a path of keys and indexes, or the nearest parent that exists.
func (c *Config) node(path ...any) *yaml.Node {
	n := c.root
	for _, p := range path {
		if n == nil {
			return nil
		}
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// checkKeys refuses keys the config does not have, at their line, naming the ones it does.
func (c *Config) checkKeys(n *yaml.Node, t reflect.Type, where string) []error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var errs []error
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return nil
			}
			return []error{c.errorAt(n, "%s should be a mapping of keys", strings.TrimPrefix(where, "."))}
		}
		fields := map[string]reflect.Type{}
		var known []string
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = t.Field(i).Type
			known = append(known, tag)
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			switch {
			case !ok:
				errs = append(errs, c.errorAt(k, "unknown key %q%s (known: %s)", k.Value, in(where), strings.Join(known, ", ")))
			case seen[k.Value]:
				errs = append(errs, c.errorAt(k, "%q is set twice%s", k.Value, in(where)))
			default:
				errs = append(errs, c.checkKeys(n.Content[i+1], ft, where+"."+k.Value)...)
			}
			seen[k.Value] = true
		}
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for i, item := range n.Content {
				errs = append(errs, c.checkKeys(item, t.Elem(), fmt.Sprintf("%s[%d]", where, i))...)
			}
		}
	}
	return errs
}

func in(where string) string {
	if where == "" {
		return ""
	}
	return " in " + strings.TrimPrefix(where, ".")
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// expand replaces ${VAR} and ${VAR:-default} in every scalar. A variable that is not set is an
// error naming it (never its value), so a missing secret is found by `config check`, not at 3 a.m.
func (c *Config) expand(n *yaml.Node, getenv func(string) string) []error {
	var errs []error
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			m := envRef.FindStringSubmatch(ref)
			if v := getenv(m[1]); v != "" {
				return v
			}
			if m[2] != "" {
				return m[3]
			}
			errs = append(errs, c.errorAt(n, "environment variable %s is not set (write ${%s:-} to allow it empty)", m[1], m[1]))
			return ""
		})
		if n.Tag == "!!null" || n.Style == 0 {
			n.Tag = "" // let the decoder infer the type from the expanded text
		}
	}
	for _, child := range n.Content {
		errs = append(errs, c.expand(child, getenv)...)
	}
	return errs
}

func (c *Config) validate() error {
	var errs []error
	bad := func(path []any, format string, args ...any) { errs = append(errs, c.Errorf(path, format, args...)) }

	if _, port, err := net.SplitHostPort(c.HTTP.Listen); err != nil || !validPort(port) {
		bad([]any{"http", "listen"}, "http.listen %q is not host:port", c.HTTP.Listen)
	}
	d := c.Discord
	if d.PublicKey != "" {
		if k, err := hex.DecodeString(d.PublicKey); err != nil || len(k) != 32 {
			bad([]any{"discord", "public_key"}, "discord.public_key must be 64 hex digits (the application's public key)")
		}
	}
	if d.Gateway && d.Token == "" {
		bad([]any{"discord", "gateway"}, "discord.gateway needs discord.token")
	}
	if (d.Enabled() || d.Token != "") && d.ApplicationID == "" {
		bad([]any{"discord"}, "discord needs application_id")
	}
	if d.ApplicationID != "" && !isSnowflake(d.ApplicationID) {
		bad([]any{"discord", "application_id"}, "discord.application_id %q is not a Discord id (digits)", d.ApplicationID)
	}
	for i, id := range append(append([]string{}, d.GuildIDs...), d.AdminRoleIDs...) {
		key, idx := "guild_ids", i
		if i >= len(d.GuildIDs) {
			key, idx = "admin_role_ids", i-len(d.GuildIDs)
		}
		if !isSnowflake(id) {
			bad([]any{"discord", key, idx}, "discord.%s: %q is not a Discord id (digits)", key, id)
		}
	}
	if d.APIURL != "" && !isHTTPURL(d.APIURL) {
		bad([]any{"discord", "api_url"}, "discord.api_url must be an http(s) URL")
	}
	s := c.Slack
	if s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-") {
		bad([]any{"slack", "app_token"}, "slack.app_token must be an app-level token (xapp-...)")
	}
	if s.BotToken != "" && !strings.HasPrefix(s.BotToken, "xoxb-") {
		bad([]any{"slack", "bot_token"}, "slack.bot_token must be a bot token (xoxb-...)")
	}
	if s.BotToken != "" && !s.Enabled() {
		bad([]any{"slack"}, "slack needs signing_secret (Request URLs) or app_token (Socket Mode)")
	}
	if s.APIURL != "" && !isHTTPURL(s.APIURL) {
		bad([]any{"slack", "api_url"}, "slack.api_url must be an http(s) URL")
	}
	for i, dir := range c.Briefings.Dirs {
		if strings.TrimSpace(dir) == "" {
			bad([]any{"briefings", "dirs", i}, "briefings.dirs: an empty folder name")
		}
	}
	if !strings.HasPrefix(c.Store.DSN, "sqlite://") && !strings.HasPrefix(c.Store.DSN, "postgres://") &&
		!strings.HasPrefix(c.Store.DSN, "postgresql://") {
		bad([]any{"store", "dsn"}, "store.dsn must start with sqlite://, postgres:// or postgresql://")
	}
	names := map[string]int{}
	for i := range c.Digests {
		errs = append(errs, c.validateDigest(i, names)...)
	}
	return errors.Join(errs...)
}

func (c *Config) validateDigest(i int, names map[string]int) []error {
	var errs []error
	g := &c.Digests[i]
	at := func(key string) []any { return []any{"digests", i, key} }
	bad := func(key, format string, args ...any) { errs = append(errs, c.Errorf(at(key), format, args...)) }
	switch first, dup := names[g.Name]; {
	case g.Name == "":
		bad("name", "digest %d has no name", i+1)
	case dup:
		bad("name", "duplicate digest name %q (first at line %d)", g.Name, c.node("digests", first, "name").Line)
	default:
		names[g.Name] = i
	}
	switch g.Platform {
	case "slack":
		if c.Slack.BotToken == "" {
			bad("platform", "digest %q posts to slack, which needs slack.bot_token", g.Name)
		}
	case "discord":
		if c.Discord.Token == "" {
			bad("platform", "digest %q posts to discord, which needs discord.token", g.Name)
		}
	default:
		bad("platform", "digest %q: platform must be slack or discord", g.Name)
	}
	if g.Channel == "" {
		bad("channel", "digest %q has no channel", g.Name)
	}
	if g.Timezone == "" {
		g.Timezone = "UTC"
	}
	loc, err := time.LoadLocation(g.Timezone)
	if err != nil || strings.EqualFold(g.Timezone, "local") {
		bad("timezone", "digest %q: unknown time zone %q (use an IANA name such as America/Mexico_City)", g.Name, g.Timezone)
	}
	g.Location = loc
	if err := checkSchedule(g.Schedule); err != nil {
		bad("schedule", "digest %q: %v", g.Name, err)
	}
	if g.CatchUp != "" {
		d, err := time.ParseDuration(g.CatchUp)
		if err != nil || d < 0 {
			bad("catch_up", "digest %q: catch_up %q is not a duration such as 2h or 30m", g.Name, g.CatchUp)
		}
		g.CatchUpTime = d
	}
	return errs
}

// ScheduleParser reads digest schedules: five fields, minute to weekday, or a descriptor (@daily).
var ScheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// checkSchedule parses a cron spec. The time zone belongs in the digest's own timezone key, and
// cron panics on some zone prefixes, so those are refused before it sees them.
func checkSchedule(spec string) (err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return errors.New("no schedule (five cron fields, e.g. \"0 9 * * 1-5\")")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return errors.New("put the time zone in timezone:, not in the schedule")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("schedule %q cannot be read", spec)
		}
	}()
	if _, err := ScheduleParser.Parse(spec); err != nil {
		return fmt.Errorf("schedule %q: %v", spec, err)
	}
	return nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
