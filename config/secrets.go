package config

import (
	"cmp"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// secretKeys are the keys whose values are credentials. discord.public_key is not among them:
// Discord publishes it, and it only verifies requests.
var secretKeys = []struct {
	path  []any
	name  string
	env   string // the variable the example config reads it from
	value func(*Config) string
}{
	{[]any{"discord", "token"}, "discord.token", "DISCORD_BOT_TOKEN", func(c *Config) string { return c.Discord.Token }},
	{[]any{"slack", "bot_token"}, "slack.bot_token", "SLACK_BOT_TOKEN", func(c *Config) string { return c.Slack.BotToken }},
	{[]any{"slack", "signing_secret"}, "slack.signing_secret", "SLACK_SIGNING_SECRET", func(c *Config) string { return c.Slack.SigningSecret }},
	{[]any{"slack", "app_token"}, "slack.app_token", "SLACK_APP_TOKEN", func(c *Config) string { return c.Slack.AppToken }},
}

// A secret is a value no message may show, and what to show instead.
type secret struct {
	value string
	shown string
	// credential: a secret key's value or the store's password, taken out wherever it appears.
	// Otherwise a value from the environment, taken out of what Errorf is given to format but
	// not of its format: a ${TZ} of America/Mexico_City must not blank out a hint that names it.
	credential bool
}

// Shorter values are only taken out when given whole, or messages would lose ordinary words.
const (
	minCredential = 4
	minEnvValue   = 8
)

func (s secret) inside(text string) bool {
	if s.credential {
		return len(s.value) >= minCredential && strings.Contains(text, s.value)
	}
	return len(s.value) >= minEnvValue && strings.Contains(text, s.value)
}

// redacted stands in for a secret given to Errorf; it formats the same for %s, %q and %v.
type redacted struct {
	shown string
	n     int
}

func (r redacted) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "<%s, %d characters>", r.shown, r.n)
}

// collectSecrets gathers what no message may show: the secret keys' values, the store's password,
// and everything read from the environment.
func (l *loader) collectSecrets() {
	c := l.c
	add := func(v, shown string, credential bool) {
		if v != "" {
			c.secrets = append(c.secrets, secret{v, shown, credential})
		}
	}
	for _, k := range secretKeys {
		add(k.value(c), k.name, true)
	}
	for _, p := range dsnPasswords(c.Store.DSN) {
		add(p, "store.dsn password", true)
	}
	nodes := slices.Collect(maps.Keys(l.env))
	slices.SortFunc(nodes, func(a, b *yaml.Node) int { return cmp.Or(a.Line-b.Line, a.Column-b.Column) })
	for _, n := range nodes {
		x := l.env[n]
		add(n.Value, x.from(), false)
		for _, v := range x.values {
			add(v, x.from(), false)
		}
	}
	// Longest first, so a secret that holds another is taken out whole.
	slices.SortStableFunc(c.secrets, func(a, b secret) int { return len(b.value) - len(a.value) })
}

// dsnPassword is the password in a URL DSN, from its user part or a password= parameter, as
// written in the DSN and as meant (percent-decoded).
func dsnPassword(dsn string) (raw, decoded string, ok bool) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", false
	}
	if p, ok := u.User.Password(); ok && p != "" {
		_, raw, _ := strings.Cut(u.User.String(), ":")
		return raw, p, true
	}
	if p := u.Query().Get("password"); p != "" {
		return url.QueryEscape(p), p, true
	}
	return "", "", false
}

// dsnPasswords are the forms of a DSN's password to keep out of messages.
func dsnPasswords(dsn string) []string {
	if _, err := url.Parse(dsn); err != nil {
		// Not a URL, so no telling where a password is: the whole DSN is secret.
		return []string{dsn}
	}
	raw, decoded, ok := dsnPassword(dsn)
	if !ok {
		return nil
	}
	return []string{raw, decoded, url.QueryEscape(decoded)}
}

// redact replaces, in what Errorf is given to format, every secret: an argument that is one
// whole by a redacted, one that holds one by its text with the secret taken out. A list of
// strings (guild_ids) is taken element by element.
func (c *Config) redact(args []any) []any {
	if len(c.secrets) == 0 {
		return args
	}
	args = slices.Clone(args)
	for i, a := range args {
		switch a := a.(type) {
		case string:
			args[i] = c.redactText(a, a)
		case error:
			args[i] = c.redactText(a, a.Error())
		case fmt.Stringer:
			args[i] = c.redactText(a, a.String())
		case []string:
			list := make([]any, len(a))
			for j, s := range a {
				list[j] = c.redactText(s, s)
			}
			args[i] = list
		}
	}
	return args
}

// Shown is v as a report may print it: a value read from the environment or a secret, given
// whole, as where it came from and its length; anything else with any secret inside it taken
// out. What config check lists (digest names, channels, briefings) goes through it.
func (c *Config) Shown(v string) string { return fmt.Sprint(c.redactText(v, v)) }

// Hidden reports whether v, whole, is a value read from the environment or a secret: one that
// nothing prints, not even in part.
func (c *Config) Hidden(v string) bool {
	_, hidden := c.redactText(v, v).(redacted)
	return hidden
}

// redactText is arg as it is when its text holds no secret, else a stand-in.
func (c *Config) redactText(arg any, text string) any {
	changed := false
	for _, sec := range c.secrets {
		if text == sec.value {
			return redacted{sec.shown, len([]rune(text))}
		}
		if sec.inside(text) {
			text = strings.ReplaceAll(text, sec.value, "<"+sec.shown+">")
			changed = true
		}
	}
	if changed {
		return text
	}
	return arg
}

// scrub takes every credential out of a message.
func (c *Config) scrub(msg string) string {
	for _, sec := range c.secrets {
		if sec.credential && sec.inside(msg) {
			msg = strings.ReplaceAll(msg, sec.value, "<"+sec.shown+">")
		}
	}
	return msg
}

// warn adds the findings that do not stop the config from loading. A file others may read
// (mode o+r) should not hold secrets: they belong in the environment.
func (l *loader) warn(mode fs.FileMode) {
	c := l.c
	if mode&0o004 != 0 {
		for _, k := range secretKeys {
			if n, exact := l.value(k.path...); exact && k.value(c) != "" && (l.env[n] == nil || l.env[n].literal) {
				l.warning(k.path, "%s is written in the file, which every user of this machine may read (mode %04o); use ${%s} or chmod o-r %s",
					k.name, mode.Perm(), k.env, c.File)
			}
		}
		if n, exact := l.value("store", "dsn"); exact && l.literalPassword(n) {
			l.warning([]any{"store", "dsn"}, "store.dsn has a password written in the file, which every user of this machine may read (mode %04o); use ${DB_PASSWORD} in it or chmod o-r %s",
				mode.Perm(), c.File)
		}
	}
	if c.Slack.Enabled() && len(c.Slack.AdminUserIDs) == 0 {
		l.warning([]any{"slack", "admin_user_ids"}, "slack.admin_user_ids is empty, so nobody may run admin commands (/digest now, pause, skip) on Slack")
	}
}

// literalPassword reports whether the DSN at n has a password written in the file rather than
// read from the environment.
func (l *loader) literalPassword(n *yaml.Node) bool {
	raw, _, ok := dsnPassword(n.Value)
	if !ok {
		return false
	}
	if x := l.env[n]; x != nil {
		for _, v := range x.values {
			if strings.Contains(v, raw) {
				return false
			}
		}
	}
	return true
}
