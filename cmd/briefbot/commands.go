package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/shell"
	"briefbot/bot/slack"
	"briefbot/bot/store"
	"briefbot/config"
)

const configUsage = `Usage: briefbot config check FILE [--from DATE] [--format text|json]

Checks a config file and the briefings it names. On success it prints what will run:
platforms and their modes, briefings, the store, and every digest's next 5 runs in its
zone (flagging a run in a daylight-saving gap or repeated hour, and one skipped on a day
the digest rests on, with why), then any warnings; exit 0.
Otherwise one FILE:LINE: message line per problem, sorted by line; exit 1.

--from DATE (YYYY-MM-DD) lists each digest's runs from that day instead of from now, the
day starting at midnight in the digest's zone: to look ahead at a DST weekend or a holiday.
`

func (c *cli) configCmd(args []string) error {
	cmd := c.newCommand("config", configUsage)
	format := cmd.fs.String("format", "text", "text or json")
	from := cmd.fs.String("from", "", "list the runs from this day, YYYY-MM-DD (default: from now)")
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) == 0 || words[0] != "check" || len(words) > 2 || (len(words) == 1 && *cmd.configFile == "") {
		fmt.Fprint(c.stderr, configUsage)
		return usageError("config takes: check FILE")
	}
	if *format != "text" && *format != "json" {
		fmt.Fprint(c.stderr, configUsage)
		return usageError("unknown format %q (text or json)", *format)
	}
	var day time.Time
	if *from != "" {
		if day, err = time.Parse(time.DateOnly, *from); err != nil {
			fmt.Fprint(c.stderr, configUsage)
			return usageError("--from %q is not a date YYYY-MM-DD", *from)
		}
	}
	if len(words) == 2 {
		*cmd.configFile = words[1]
	}
	b, err := c.build(cmd)
	if err != nil {
		if *format == "json" {
			out := struct {
				File     string   `json:"file"`
				Problems []string `json:"problems"`
			}{*cmd.configFile, strings.Split(err.Error(), "\n")}
			enc := json.NewEncoder(c.stdout)
			enc.SetIndent("", "  ")
			enc.Encode(out)
		} else {
			fmt.Fprintln(c.stderr, err)
		}
		return &exitError{code: 1}
	}
	var report checkReport
	if *from == "" {
		report = b.report(time.Now())
	} else {
		report = b.reportFrom(day)
	}
	if *format == "json" {
		return report.writeJSON(c.stdout)
	}
	return report.writeText(c.stdout)
}

const digestUsage = `Usage: briefbot digest preview [--date YYYY-MM-DD] [--format text|discord|slack] [--config FILE]
       briefbot digest status [--config FILE]

preview prints the digest as it would be posted on that date (default: today).
status reads the delivery ledger: every digest and channel, its next run, its last result
and its last error.
`

func (c *cli) digest(ctx context.Context, args []string) error {
	cmd := c.newCommand("digest", digestUsage)
	date := cmd.fs.String("date", "", "the day, YYYY-MM-DD (default: today)")
	format := cmd.fs.String("format", "text", "text, discord or slack")
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) != 1 || (words[0] != "preview" && words[0] != "status") {
		fmt.Fprint(c.stderr, digestUsage)
		return usageError("digest takes: preview or status")
	}
	if words[0] == "status" {
		return c.digestStatus(ctx, cmd)
	}
	render, ok := rendererFor(*format)
	if !ok {
		fmt.Fprint(c.stderr, digestUsage)
		return usageError("unknown format %q (text, discord or slack)", *format)
	}
	day := time.Now()
	if *date != "" {
		if day, err = time.Parse(time.DateOnly, *date); err != nil {
			fmt.Fprint(c.stderr, digestUsage)
			return usageError("--date %q is not YYYY-MM-DD", *date)
		}
	}
	b, err := c.build(cmd)
	if err != nil {
		return err
	}
	return render(c, bot.Compose(b.engine.DefaultBriefing(), day))
}

const manifestUsage = `Usage: briefbot manifest slack [--url https://host] [--config FILE]

Prints the Slack app manifest: every slash command, and Request URLs under --url
(or Socket Mode when no URL is given).
`

func (c *cli) manifest(args []string) error {
	cmd := c.newCommand("manifest", manifestUsage)
	base := cmd.fs.String("url", "", "public base URL of briefbot serve")
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) != 1 || words[0] != "slack" {
		fmt.Fprint(c.stderr, manifestUsage)
		return usageError("manifest takes: slack")
	}
	if *base != "" && !strings.HasPrefix(*base, "https://") && !strings.HasPrefix(*base, "http://") {
		fmt.Fprint(c.stderr, manifestUsage)
		return usageError("--url %q is not an https:// URL", *base)
	}
	b, err := c.build(cmd)
	if err != nil {
		return err
	}
	data, err := slack.Manifest(b.engine, strings.TrimRight(*base, "/"))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "%s\n", data)
	return err
}

const inviteUsage = `Usage: briefbot invite discord [--config FILE]

Prints the links that install briefbot in a Discord server, and for one member to use in DMs
and any server (needs discord.application_id).
`

func (c *cli) invite(args []string) error {
	cmd := c.newCommand("invite", inviteUsage)
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) != 1 || words[0] != "discord" {
		fmt.Fprint(c.stderr, inviteUsage)
		return usageError("invite takes: discord")
	}
	cfg, err := c.loadConfig(cmd)
	if err != nil {
		return err
	}
	if cfg.Discord.ApplicationID == "" {
		return fmt.Errorf("discord.application_id is not set in %s", cmp.Or(cfg.File, "the config (no config file found)"))
	}
	id := cfg.Discord.ApplicationID
	_, err = fmt.Fprintf(c.stdout, "Install in a server (slash commands for its members, digests in its channels):\n  %s\n"+
		"Install for yourself (slash commands in DMs and any server, no digests; tick User Install\n"+
		"under Installation in the Discord Developer Portal first):\n  %s\n",
		discord.InviteURL(id), discord.UserInstallURL(id))
	return err
}

// digestStatus answers /digest status from the ledger, as the running bot would.
func (c *cli) digestStatus(ctx context.Context, cmd *command) error {
	b, err := c.read(cmd)
	core, closeLedger, err := readServices(ctx, b, err)
	if err != nil {
		return err
	}
	defer closeLedger()
	reply := core.Line(ctx, "/digest status", shell.Caller())
	if err := shell.Render(c.stdout, reply, shell.Width); err != nil {
		return err
	}
	return replyStatus(reply)
}

const auditUsage = `Usage: briefbot audit [--since 7d|YYYY-MM-DD] [--config FILE]

Prints the admin actions and reloads in the ledger, newest first: when, who, what, outcome.
--since takes a duration back from now (36h, 7d) or a date (default: 7d).
`

func (c *cli) audit(ctx context.Context, args []string) error {
	cmd := c.newCommand("audit", auditUsage)
	since := cmd.fs.String("since", "7d", "how far back: a duration (7d, 36h) or a date (YYYY-MM-DD)")
	if err := c.flagsOnly(cmd, args); err != nil {
		return err
	}
	from, err := time.Parse(time.DateOnly, *since)
	if err != nil {
		d, ok := config.ParseDuration(*since)
		if !ok {
			fmt.Fprint(c.stderr, auditUsage)
			return usageError("--since %q is neither a duration such as 7d nor a date YYYY-MM-DD", *since)
		}
		from = time.Now().Add(-d)
	}
	cfg, err := c.loadConfig(cmd)
	if err != nil {
		return err
	}
	ledger, err := store.Open(ctx, cfg.Store.DSN)
	if err != nil {
		return err
	}
	defer ledger.Close()
	entries, err := ledger.AuditSince(ctx, from, 0)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintf(c.stdout, "No admin action or reload since %s.\n", from.Format(time.DateTime))
		return nil
	}
	for _, e := range entries {
		fmt.Fprintf(c.stdout, "%s  %s  %s: %s\n", e.At.Local().Format("2006-01-02 15:04:05 MST"), e.Actor, e.Action, e.Outcome)
	}
	return nil
}
