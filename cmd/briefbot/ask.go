package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"briefbot/bot"
	"briefbot/bot/discord"
	"briefbot/bot/shell"
	"briefbot/bot/slack"
)

const askUsage = `Usage: briefbot ask "/position sovereignty" [--format text|discord|slack] [--config FILE]

Answers one command and exits: 0 answered, 1 nothing found, 2 usage error.
`

func (c *cli) ask(ctx context.Context, args []string) error {
	cmd := c.newCommand("ask", askUsage)
	format := cmd.fs.String("format", "text", "text, discord or slack")
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		fmt.Fprint(c.stderr, askUsage)
		return usageError("ask needs a command, e.g. \"/position sovereignty\"")
	}
	render, ok := rendererFor(*format)
	if !ok {
		fmt.Fprint(c.stderr, askUsage)
		return usageError("unknown format %q (text, discord or slack)", *format)
	}
	b, err := c.read(cmd)
	core, closeLedger, err := readServices(ctx, b, err)
	if err != nil {
		return err
	}
	defer closeLedger()
	reply := core.Line(ctx, strings.Join(words, " "), shell.Caller())
	if err := render(c, reply); err != nil {
		return err
	}
	return replyStatus(reply)
}

// rendererFor returns what prints a reply as terminal text or as a platform's JSON payload.
func rendererFor(format string) (func(*cli, bot.Reply) error, bool) {
	platformJSON := func(encode func(bot.Reply) ([]byte, error)) func(*cli, bot.Reply) error {
		return func(c *cli, r bot.Reply) error {
			data, err := encode(r)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.stdout, "%s\n", data)
			return err
		}
	}
	switch format {
	case "text":
		return func(c *cli, r bot.Reply) error { return shell.Render(c.stdout, r, shell.Width) }, true
	case "discord":
		return platformJSON(discord.ResponseJSON), true
	case "slack":
		return platformJSON(slack.ResponseJSON), true
	}
	return nil, false
}

func replyStatus(r bot.Reply) error {
	switch r.Status {
	case bot.Answered:
		return nil
	case bot.Invalid:
		return &exitError{code: exitUsage}
	}
	return &exitError{code: exitNotFound}
}

// interactive is briefbot with no command: the shell adapter when no platform is configured,
// the bot itself when one is.
func (c *cli) interactive(ctx context.Context, args []string) error {
	cmd := c.newCommand("briefbot", usage)
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) > 0 {
		fmt.Fprint(c.stderr, usage)
		return usageError("unknown command %q", words[0])
	}
	cfg, err := c.loadConfig(cmd)
	if err != nil {
		return err
	}
	if cfg.Discord.Enabled() || cfg.Slack.Enabled() {
		return c.serve(ctx, args) // loads what it needs itself
	}
	b, err := readFrom(cfg, nil)
	core, closeLedger, err := readServices(ctx, b, err)
	if err != nil {
		return err
	}
	defer closeLedger()
	return shell.Run(ctx, core, c.stdin, c.stdout, isTerminal(c.stdin))
}

func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
