package config_test

import (
	"strings"
	"testing"

	"briefbot/config"
)

func TestEnvExpansion(t *testing.T) {
	env := map[string]string{
		"TOKEN": "xoxb-from-env",
		"EMPTY": "",
		"ON":    "true",
		"PORT":  "9000",
		"ID":    "0123",
		"REF":   "${TOKEN}",
		"PW":    "p@ss",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	text := `http: {listen: ":${PORT}"}
discord:
  gateway: ${ON}
  application_id: ${ID}
  public_key: "${ID}"
  api_url: ${UNSET:-http://localhost:1}
  guild_ids: ["${ID}", "${EMPTY:-}"]
slack:
  bot_token: ${TOKEN}
  signing_secret: ${EMPTY:-fallback}
  app_token: ${REF}
  api_url: "${UNSET:-}"
store: {dsn: "postgres://u:${PW}@h/db"}
`
	c, err := config.Parse("b.yaml", []byte(text), lookup)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ what, got, want string }{
		{"http.listen", c.HTTP.Listen, ":9000"},
		{"application_id (a plain number stays text)", c.Discord.ApplicationID, "0123"},
		{"public_key", c.Discord.PublicKey, "0123"},
		{"api_url (default)", c.Discord.APIURL, "http://localhost:1"},
		{"guild_ids", strings.Join(c.Discord.GuildIDs, ","), "0123,"},
		{"bot_token", c.Slack.BotToken, "xoxb-from-env"},
		{"signing_secret (empty takes the default)", c.Slack.SigningSecret, "fallback"},
		{"app_token (a value is not expanded again)", c.Slack.AppToken, "${TOKEN}"},
		{"slack.api_url (allowed empty)", c.Slack.APIURL, ""},
		{"store.dsn", c.Store.DSN, "postgres://u:p@ss@h/db"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %q; want %q", ck.what, ck.got, ck.want)
		}
	}
	if !c.Discord.Gateway {
		t.Error("gateway: ${ON} with ON=true is not true")
	}
}

func TestEnvMissing(t *testing.T) {
	lookup := func(k string) (string, bool) {
		if k == "EMPTY" {
			return "", true
		}
		return "", false
	}
	text := "slack:\n  bot_token: ${EMPTY}\n  signing_secret: ${UNSET}\n  app_token: \"x-${EMPTY}-${UNSET}\"\n"
	_, err := config.Parse("b.yaml", []byte(text), lookup)
	want := strings.Join([]string{
		"b.yaml:2: environment variable EMPTY is set but empty (write ${EMPTY:-} to allow it empty)",
		"b.yaml:3: environment variable UNSET is not set (write ${UNSET:-} to allow it empty)",
		"b.yaml:4: environment variable EMPTY is set but empty (write ${EMPTY:-} to allow it empty)",
		"b.yaml:4: environment variable UNSET is not set (write ${UNSET:-} to allow it empty)",
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("Parse =\n%v\nwant\n%s", err, want)
	}
	// A nil lookup is an empty environment.
	if _, err := config.Parse("b.yaml", []byte("slack: {bot_token: \"${X}\"}\n"), nil); err == nil || !strings.Contains(err.Error(), "X is not set") {
		t.Errorf("Parse with a nil lookup = %v; want X not set", err)
	}
}

// In a {...} mapping an unquoted ${VAR} ends at its "}", which YAML reads as the mapping's end.
func TestEnvInFlowMappingHint(t *testing.T) {
	_, err := config.Parse("b.yaml", []byte("http:\n  listen: \":1\"\nslack: {bot_token: ${X}}\n"), lookup)
	want := `b.yaml:3: did not find expected ',' or '}' (in a {...} mapping, quote a reference: "${VAR}")`
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v; want %s", err, want)
	}
}

// Keys are not expanded: a key is the config's word, not the environment's.
func TestEnvKeysStayAsWritten(t *testing.T) {
	lookup := func(string) (string, bool) { return "http", true }
	_, err := config.Parse("b.yaml", []byte("${SECTION}: {}\n"), lookup)
	if err == nil || !strings.Contains(err.Error(), "b.yaml:1: unknown key") {
		t.Errorf("Parse = %v; want an unknown key", err)
	}
}

// A variable's problem is reported once, and what depends on it stays quiet.
func TestEnvMissingSecretIsReportedOnce(t *testing.T) {
	text := "slack:\n  bot_token: ${UNSET}\n  signing_secret: s\n  admin_user_ids: [U1]\ndigests:\n  - {name: a, platform: slack, channel: C, schedule: \"@daily\"}\n"
	_, err := config.Parse("b.yaml", []byte(text), lookup)
	want := "b.yaml:2: environment variable UNSET is not set (write ${UNSET:-} to allow it empty)"
	if err == nil || err.Error() != want {
		t.Errorf("Parse =\n%v\nwant\n%s", err, want)
	}
}
