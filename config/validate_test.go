package config_test

import (
	"strings"
	"testing"

	"briefbot/config"
)

// slackOK (line 1) lets digests post to slack without other complaints.
const slackOK = "slack: {bot_token: xoxb-1, signing_secret: s, admin_user_ids: [U1]}\ndigests:\n"

// digest is one good digest at line 3 after slackOK, with replace applied ("key: value" pairs).
func digest(replace ...string) string {
	fields := []string{"name: a", "platform: slack", "channel: C1", "schedule: \"0 9 * * *\"", "timezone: UTC"}
	for i := 0; i+1 < len(replace); i += 2 {
		found := false
		for j, f := range fields {
			if strings.HasPrefix(f, replace[i]+":") {
				fields[j], found = replace[i+1], true
			}
		}
		if !found {
			fields = append(fields, replace[i+1])
		}
	}
	var kept []string
	for _, f := range fields {
		if !strings.HasSuffix(f, ":") {
			kept = append(kept, f)
		}
	}
	return slackOK + "  - {" + strings.Join(kept, ", ") + "}\n"
}

func TestDigestIsValid(t *testing.T) {
	if _, err := config.Parse("b.yaml", []byte(digest()), lookup); err != nil {
		t.Fatalf("Parse(digest()) = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // the whole error, one line each
	}{
		// keys and types
		{"misspelt top key", "htp: {}\n", []string{`b.yaml:1: unknown key "htp"; did you mean "http"?`}},
		{"unknown top key", "colour: red\n", []string{`b.yaml:1: unknown key "colour" (known: http, discord, slack, briefings, digests, store, log, metrics, rate_limits)`}},
		{"unknown nested key", "http:\n  listen: \":8080\"\n  port: 1\n", []string{`b.yaml:3: unknown key "port" in http (known: listen)`}},
		{"misspelt digest key", slackOK + "  - name: a\n    platform: slack\n    channel: C1\n    shedule: \"@daily\"\n", []string{
			`b.yaml:3: digest "a": no schedule (five cron fields, e.g. "0 9 * * 1-5")`,
			`b.yaml:6: unknown key "shedule" in digests[0]; did you mean "schedule"?`,
		}},
		{"misspelt slack key", "slack:\n  bot_token: xoxb-1\n  signing_secet: s\n", []string{`b.yaml:3: unknown key "signing_secet" in slack; did you mean "signing_secret"?`}},
		{"key twice", "http: {listen: \":1\"}\nhttp: {listen: \":2\"}\n", []string{`b.yaml:2: "http" is set twice (first at line 1)`}},
		{"not a mapping", "- a\n- b\n", []string{"b.yaml:1: the config is a mapping of sections (http:, discord:, slack:, ...)"}},
		{"yaml syntax", "http:\n  listen: \":1\"\ndigests: [\n", []string{"b.yaml:3: did not find expected node content"}},
		{"second document", "http: {}\n---\nhttp: {}\n", []string{"b.yaml:3: a second document after ---: a file holds one"}},
		{"wrong type", "discord: {gateway: sometimes}\n", []string{"b.yaml:1: discord.gateway must be true or false"}},
		{"list for a value", "http: {listen: [a]}\n", []string{"b.yaml:1: http.listen must be a single value, not a list"}},
		{"value for a list", "briefings: {dirs: a}\n", []string{`b.yaml:1: briefings.dirs must be a list ([a, b], or one "- item" per line)`}},
		{"section not a mapping", "http: 8080\n", []string{"b.yaml:1: http must be a mapping of keys (key: value)"}},

		// environment
		{"unset variable", "slack:\n  signing_secret: ${NOT_SET}\n", []string{"b.yaml:2: environment variable NOT_SET is not set (write ${NOT_SET:-} to allow it empty)"}},
		{"empty variable", "slack:\n  signing_secret: ${EMPTY}\n", []string{"b.yaml:2: environment variable EMPTY is set but empty (write ${EMPTY:-} to allow it empty)"}},
		{"bad reference", "http:\n  listen: \":${1PORT}\"\n", []string{"b.yaml:2: a ${ that is neither ${NAME} nor ${NAME:-default}"}},
		{"nested reference", "http:\n  listen: \"${A:-${B}}\"\n", []string{"b.yaml:2: a ${ that is neither ${NAME} nor ${NAME:-default}"}},

		// sections
		{"listen", "http: {listen: \"8080\"}\n", []string{`b.yaml:1: http.listen "8080" is not host:port (such as 127.0.0.1:8080 or :8080); did you mean ":8080"?`}},
		{"listen URL", "http: {listen: \"http://0.0.0.0:8080/\"}\n", []string{`b.yaml:1: http.listen "http://0.0.0.0:8080/" is not host:port (such as 127.0.0.1:8080 or :8080); did you mean "0.0.0.0:8080"?`}},
		{"listen port", "http: {listen: \"localhost:99999\"}\n", []string{`b.yaml:1: http.listen "localhost:99999" is not host:port (such as 127.0.0.1:8080 or :8080)`}},
		{"metrics listen", "metrics:\n  listen: \"9090\"\n", []string{`b.yaml:2: metrics.listen "9090" is not host:port (such as 127.0.0.1:8080 or :8080); did you mean ":9090"?`}},
		{"metrics on http's address", "http: {listen: \":8080\"}\nmetrics: {listen: \":8080\"}\n", []string{"b.yaml:2: metrics.listen is http.listen's address; leave it empty to serve /metrics there"}},
		{"empty briefings dir", "briefings:\n  dirs: [a, \" \"]\n", []string{"b.yaml:2: briefings.dirs: an empty folder name"}},
		{"dsn scheme", "store: {dsn: \"mysql://x\"}\n", []string{`b.yaml:1: store.dsn must start with sqlite://, postgres:// or postgresql:// (it starts with "mysql://")`}},
		{"dsn misspelt scheme", "store: {dsn: \"postgre://u@h/db\"}\n", []string{`b.yaml:1: store.dsn must start with sqlite://, postgres:// or postgresql:// (it starts with "postgre://"); did you mean "postgres://"?`}},
		{"dsn no scheme", "store: {dsn: \"briefbot.db\"}\n", []string{"b.yaml:1: store.dsn must start with sqlite://, postgres:// or postgresql://"}},
		{"dsn no database", "store: {dsn: \"sqlite://\"}\n", []string{"b.yaml:1: store.dsn names no database (sqlite://briefbot.db, postgres://user@host/db)"}},
		{"dsn not a URL", "store: {dsn: \"postgres://u:p w@h/db\"}\n", []string{"b.yaml:1: store.dsn is not a URL (a user name or password with @, :, / or # must be percent-encoded)"}},
		{"retention", "store: {retention: soon}\n", []string{`b.yaml:1: store.retention "soon" is not a duration such as 90d or 720h`}},
		{"retention zero", "store: {retention: 0d}\n", []string{"b.yaml:1: store.retention must be longer than 0"}},
		{"retention negative", "store: {retention: -1h}\n", []string{`b.yaml:1: store.retention "-1h" is not a duration such as 90d or 720h`}},
		{"log level", "log: {level: verbose}\n", []string{`b.yaml:1: log.level "verbose" is not one of debug, info, warn, error`}},
		{"log level case", "log:\n  level: INFO\n", []string{`b.yaml:2: log.level "INFO" is not one of debug, info, warn, error; did you mean "info"?`}},
		{"log format", "log: {format: jsn}\n", []string{`b.yaml:1: log.format "jsn" is not one of auto, json, text; did you mean "json"?`}},
		{"command prefix case", "slack: {command_prefix: BB-}\n", []string{`b.yaml:1: slack.command_prefix "BB-" must be lower-case letters, digits and hyphens, at most 20, such as "bb-"; did you mean "bb-"?`}},
		{"command prefix chars", "slack: {command_prefix: bb_}\n", []string{`b.yaml:1: slack.command_prefix "bb_" must be lower-case letters, digits and hyphens, at most 20, such as "bb-"`}},

		// digests
		{"digest platform", digest("platform", "platform: teams"), []string{`b.yaml:3: digest "a": unknown platform "teams" (known: discord, slack)`}},
		{"digest platform case", digest("platform", "platform: Slack"), []string{`b.yaml:3: digest "a": unknown platform "Slack" (known: discord, slack); did you mean "slack"?`}},
		{"digest platform typo", digest("platform", "platform: dicsord"), []string{`b.yaml:3: digest "a": unknown platform "dicsord" (known: discord, slack); did you mean "discord"?`}},
		{"digest no platform", digest("platform", "platform:"), []string{`b.yaml:3: digest "a" has no platform (discord or slack)`}},
		{"digest needs discord.token", digest("platform", "platform: discord"), []string{`b.yaml:3: digest "a" posts to discord, which needs discord.token`}},
		{"digest needs slack.bot_token", "slack: {signing_secret: s, admin_user_ids: [U1]}\ndigests:\n  - {name: a, platform: slack, channel: C, schedule: \"@daily\"}\n",
			[]string{`b.yaml:3: digest "a" posts to slack, which needs slack.bot_token`}},
		{"digest empty", slackOK + "  -\n  - {name: b, platform: slack, channel: C, schedule: \"@daily\"}\n", []string{"b.yaml:3: digest 1 is empty"}},
		{"digest not a mapping", slackOK + "  - morning\n", []string{"b.yaml:3: digests[0] must be a mapping of keys (key: value)"}},
		{"digest no name", digest("name", "name:"), []string{"b.yaml:3: digest 1 has no name"}},
		{"duplicate digest", slackOK + "  - {name: a, platform: slack, channel: C, schedule: \"@daily\"}\n  - {name: a, platform: slack, channel: D, schedule: \"@daily\"}\n",
			[]string{`b.yaml:4: duplicate digest name "a" (first at line 3)`}},
		{"digest no channel", digest("channel", "channel:"), []string{`b.yaml:3: digest "a" has no channel (channel: C0123, or channels: [C0123, C0456])`}},
		{"digest channel and channels", digest("channels", "channels: [C2]"), []string{`b.yaml:3: digest "a" has both channel and channels; keep one`}},
		{"digest empty channel", digest("channel", "channels: [C1, \"\"]"), []string{`b.yaml:3: digest "a": an empty channel in channels`}},
		{"digest channel twice", digest("channel", "channels: [C1, C1]"), []string{`b.yaml:3: digest "a": channel "C1" is listed twice`}},
		{"cron fields", digest("schedule", `schedule: "0 9 * *"`), []string{`b.yaml:3: digest "a": schedule "0 9 * *": expected exactly 5 fields, found 4`}},
		{"cron range", digest("schedule", `schedule: "61 9 * * *"`), []string{`b.yaml:3: digest "a": schedule "61 9 * * *": minute field: end of range (61) above maximum (59): 61`}},
		{"cron TZ prefix", digest("schedule", `schedule: "CRON_TZ=UTC"`), []string{`b.yaml:3: digest "a": schedule "CRON_TZ=UTC": put the time zone in timezone:, not in the schedule`}},
		{"cron TZ= prefix", digest("schedule", `schedule: "TZ="`), []string{`b.yaml:3: digest "a": schedule "TZ=": put the time zone in timezone:, not in the schedule`}},
		{"no schedule", digest("schedule", "schedule:"), []string{`b.yaml:3: digest "a": no schedule (five cron fields, e.g. "0 9 * * 1-5")`}},
		{"schedule never comes", digest("schedule", `schedule: "0 9 30 2 *"`), []string{`b.yaml:3: digest "a": schedule "0 9 30 2 *": never fires: no such day in those months`}},
		{"schedule @every", digest("schedule", `schedule: "@every 10s"`), []string{`b.yaml:3: digest "a": schedule "@every 10s": @every has no fixed times; use five fields`}},
		{"time zone", digest("timezone", "timezone: Mars/Base"), []string{`b.yaml:3: digest "a": unknown time zone "Mars/Base" (use an IANA name such as America/Mexico_City)`}},
		{"time zone city", digest("timezone", "timezone: Mexico City"), []string{`b.yaml:3: digest "a": unknown time zone "Mexico City"; did you mean "America/Mexico_City"?`}},
		{"time zone case", digest("timezone", "timezone: europe/paris"), []string{`b.yaml:3: digest "a": unknown time zone "europe/paris"; did you mean "Europe/Paris"?`}},
		{"time zone typo", digest("timezone", "timezone: America/New_Yrok"), []string{`b.yaml:3: digest "a": unknown time zone "America/New_Yrok"; did you mean "America/New_York"?`}},
		{"time zone local", digest("timezone", "timezone: Local"), []string{`b.yaml:3: digest "a": unknown time zone "Local" (use an IANA name such as America/Mexico_City)`}},
		{"catch up", digest("catch_up", "catch_up: soon"), []string{`b.yaml:3: digest "a": catch_up "soon" is not a duration such as 2h, 30m or 1d`}},
		{"catch up past retention", "store: {retention: 1d}\n" + strings.Replace(digest("catch_up", "catch_up: 2d"), "digests:", "digests: ", 1),
			[]string{`b.yaml:4: digest "a": catch_up (2d) must be shorter than store.retention (1d), or a late digest could be posted twice`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("b.yaml", []byte(tc.text), lookup)
			want := strings.Join(tc.want, "\n")
			if err == nil || err.Error() != want {
				t.Fatalf("Parse(%q) =\n%v\nwant\n%s", tc.text, err, want)
			}
		})
	}
}

// Every problem comes at once, sorted by line, whichever stage found it.
func TestParseReportsEverythingByLine(t *testing.T) {
	text := `http: {listen: "8080"}
slack: {bot_token: xoxb-1, signing_secret: s, admin_user_ids: [U1]}
digests:
  - name: morning
    platform: slack
    channel: C1
    shedule: "0 9 * * *"
    timezone: Mexico City
  - name: morning
    platform: teams
    channels: [C2]
    schedule: "0 9 * *"
    catch_up: ${NOT_SET}
store: {dsn: "mysql://x", retension: 90d}
`
	want := []string{
		`b.yaml:1: http.listen "8080" is not host:port (such as 127.0.0.1:8080 or :8080); did you mean ":8080"?`,
		`b.yaml:4: digest "morning": no schedule (five cron fields, e.g. "0 9 * * 1-5")`,
		`b.yaml:7: unknown key "shedule" in digests[0]; did you mean "schedule"?`,
		`b.yaml:8: digest "morning": unknown time zone "Mexico City"; did you mean "America/Mexico_City"?`,
		`b.yaml:9: duplicate digest name "morning" (first at line 4)`,
		`b.yaml:10: digest "morning": unknown platform "teams" (known: discord, slack)`,
		`b.yaml:12: digest "morning": schedule "0 9 * *": expected exactly 5 fields, found 4`,
		`b.yaml:13: environment variable NOT_SET is not set (write ${NOT_SET:-} to allow it empty)`,
		`b.yaml:14: store.dsn must start with sqlite://, postgres:// or postgresql:// (it starts with "mysql://")`,
		`b.yaml:14: unknown key "retension" in store; did you mean "retention"?`,
	}
	_, err := config.Parse("b.yaml", []byte(text), lookup)
	if err == nil {
		t.Fatal("Parse = nil; want errors")
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Parse =\n%s\nwant\n%s", err, strings.Join(want, "\n"))
	}
}

func TestClosest(t *testing.T) {
	ids := []string{"us-mexico-troops", "eu-trade-2025"}
	for _, tc := range []struct{ word, want string }{
		{"us-mexico-trops", "us-mexico-troops"},
		{"US-Mexico-Troops", "us-mexico-troops"},
		{"eu-trade", "eu-trade-2025"},
		{"climate", ""},
	} {
		got, ok := config.Closest(tc.word, ids)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Closest(%q) = %q, %v; want %q", tc.word, got, ok, tc.want)
		}
	}
}
