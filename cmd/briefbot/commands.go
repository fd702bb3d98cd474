package main

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/slack"
)

const configUsage = `Usage: briefbot config check FILE

Checks a config file and the briefings it names: exit 0, or FILE:LINE: message lines and exit 1.
`

func (c *cli) configCmd(args []string) error {
	cmd := c.newCommand("config", configUsage)
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) == 0 || words[0] != "check" || len(words) > 2 || (len(words) == 1 && *cmd.configFile == "") {
		fmt.Fprint(c.stderr, configUsage)
		return usageError("config takes: check FILE")
	}
	if len(words) == 2 {
		*cmd.configFile = words[1]
	}
	b, err := c.build(cmd)
	if err != nil {
		fmt.Fprintln(c.stderr, err)
		return &exitError{code: 1}
	}
	for _, w := range b.cfg.Warnings {
		fmt.Fprintln(c.stderr, w)
	}
	fmt.Fprintf(c.stdout, "%s: ok\n", *cmd.configFile)
	return nil
}

const digestUsage = `Usage: briefbot digest preview [--date YYYY-MM-DD] [--format text|discord|slack] [--config FILE]

Prints the digest as it would be posted on that date (default: today).
`

func (c *cli) digest(ctx context.Context, args []string) error {
	cmd := c.newCommand("digest", digestUsage)
	date := cmd.fs.String("date", "", "the day, YYYY-MM-DD (default: today)")
	format := cmd.fs.String("format", "text", "text, discord or slack")
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) != 1 || words[0] != "preview" {
		fmt.Fprint(c.stderr, digestUsage)
		return usageError("digest takes: preview")
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

Prints the URL that installs briefbot in a Discord server (needs discord.application_id).
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
	_, err = fmt.Fprintln(c.stdout, discord.InviteURL(cfg.Discord.ApplicationID))
	return err
}
