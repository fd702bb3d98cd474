package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"briefbot/config"
)

// Set at build time: -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "none"
)

// Exit statuses: 0 answered, 1 nothing found (or a failure), 2 a usage error.
const (
	exitNotFound = 1
	exitUsage    = 2
)

// exitError carries an exit status out of run; its message, if any, goes to stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "briefbot:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "briefbot:", err)
	return 1
}

const usage = `briefbot turns policy briefings into a chat bot for Discord, Slack and the terminal.

Usage:
  briefbot                          answer command lines from stdin (no platform configured)
  briefbot ask "/position sovereignty" [--format text|discord|slack]
  briefbot serve [--config FILE]    run the bot: platforms, digests, HTTP server
  briefbot config check FILE        check a config file
  briefbot import ARTICLE [--id ID] [--out DIR]  a draft briefing from an article, with a coverage report
  briefbot digest preview [--date YYYY-MM-DD] [--format text|discord|slack]
  briefbot manifest slack [--url https://host]
  briefbot invite discord
  briefbot digest status [--config FILE]
  briefbot audit [--since 7d|YYYY-MM-DD]  admin actions and reloads, newest first
  briefbot health [--url http://127.0.0.1:8080]  exit 0 when the running bot is ready
  briefbot preview [--listen 127.0.0.1:8090] [--public]  the moderators' local preview page
  briefbot version

Every command takes --config FILE (default: briefbot.yaml here, if it exists) and --help.
`

// cli is one invocation: its streams and environment, passed down instead of read from globals.
type cli struct {
	lookupEnv func(string) (string, bool)
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
}

func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) error {
	c := &cli{lookupEnv: lookupEnv, stdin: stdin, stdout: stdout, stderr: stderr}
	name, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest = args[0], args[1:]
	}
	ctxFree := func(f func([]string) error) func(context.Context, []string) error {
		return func(_ context.Context, args []string) error { return f(args) }
	}
	subcommands := map[string]func(context.Context, []string) error{
		"": c.interactive, "ask": c.ask, "serve": c.serve, "digest": c.digest, "audit": c.audit,
		"health": c.health, "preview": c.preview,
		"config": ctxFree(c.configCmd), "manifest": ctxFree(c.manifest), "invite": ctxFree(c.invite),
		"import":  ctxFree(c.importCmd),
		"version": ctxFree(c.version),
		"help":    func(context.Context, []string) error { fmt.Fprint(stdout, usage); return nil },
	}
	if sub, ok := subcommands[name]; ok {
		return sub(ctx, rest)
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command %q", name)
}

// command is one subcommand's flags; parse accepts flags before, between and after its words.
type command struct {
	fs         *flag.FlagSet
	usage      string
	configFile *string
}

func (c *cli) newCommand(name, usage string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cmd := &command{fs: fs, usage: usage}
	cmd.configFile = fs.String("config", "", "config file (default: briefbot.yaml here, if it exists)")
	return cmd
}

// flagsOnly parses a command that takes flags and no words.
func (c *cli) flagsOnly(cmd *command, args []string) error {
	words, err := c.parse(cmd, args)
	if err != nil {
		return err
	}
	if len(words) > 0 {
		fmt.Fprint(c.stderr, cmd.usage)
		return usageError("%s takes no words, only flags", cmd.fs.Name())
	}
	return nil
}

func (c *cli) parse(cmd *command, args []string) ([]string, error) {
	var words []string
	for {
		if err := cmd.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(c.stdout, cmd.usage)
				return nil, &exitError{code: 0}
			}
			fmt.Fprint(c.stderr, cmd.usage)
			return nil, usageError("%v", err)
		}
		args = cmd.fs.Args()
		if len(args) == 0 {
			return words, nil
		}
		words = append(words, args[0])
		args = args[1:]
	}
}

// loadConfig reads --config, or briefbot.yaml when it exists, or the built-in defaults.
func (c *cli) loadConfig(cmd *command) (*config.Config, error) {
	path := *cmd.configFile
	if path == "" {
		if _, err := os.Stat("briefbot.yaml"); err != nil {
			return config.Default(), nil
		}
		path = "briefbot.yaml"
	}
	return config.Load(path, c.lookupEnv)
}

// build reads the config (--config, or briefbot.yaml when it exists, or the built-in defaults)
// and builds everything that answers from it, reporting every problem at once. Its engine
// answers from the files alone.
func (c *cli) build(cmd *command) (*build, error) {
	cfg, err := c.loadConfig(cmd)
	return buildFrom(cfg, err, services{})
}

// read reads and checks the files as build does, but leaves the engine to be made over the
// services of the caller's own: the running bot's, or the ledger read-only.
func (c *cli) read(cmd *command) (*build, error) {
	return readFrom(c.loadConfig(cmd))
}

func (c *cli) version(args []string) error {
	cmd := c.newCommand("version", "Usage: briefbot version\n")
	if _, err := c.parse(cmd, args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "briefbot %s (commit %s)\n", version, commit)
	return nil
}
