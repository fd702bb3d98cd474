// Command briefload sends signed Discord interactions and Slack slash commands to briefbot serve
// (or to anything that answers the same endpoints) and reports throughput, latency percentiles
// and errors by kind. It is a development tool: it is not part of the briefbot binary, and it
// loads only loopback targets unless told otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const usage = `Usage: briefload [flags] BASE_URL

Sends signed requests to BASE_URL/discord/interactions and BASE_URL/slack/commands and reports
throughput, p50/p90/p99/max latency and errors by kind. Exit status: 0 every request answered as
expected, 1 some did not (or the run failed), 2 a usage mistake.

  briefload --requests 20000 --concurrency 16 http://127.0.0.1:8080
  briefload --platform discord,slack --rate 1000/s --duration 30s \
      --mix position=60,autocomplete=20,compare=10,badsig=5,oversized=5 http://127.0.0.1:8080

A run needs a bound: --requests, --duration, or both (whichever comes first).

Kinds for --mix: %s.
Bad signatures count as answered when refused with 401, oversized bodies when refused with 413.

Requests are signed with the test key and secret of briefbot's tests:
  discord.public_key: %s
  slack.signing_secret: %q
For a server configured with real ones, set BRIEFLOAD_DISCORD_KEY (the hex Ed25519 seed or
private key) and BRIEFLOAD_SLACK_SECRET. --discord-key and --slack-secret work too, but show the
secret to anyone who can list processes.

Flags:
`

// usageError is a mistake on the command line: main exits 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errFailed reports that the run completed but some requests were not answered as expected; the
// report has already said which.
var errFailed = errors.New("some requests were not answered as expected")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal the run stops sending and reports; a second one ends it at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.As(err, new(usageError)):
		fmt.Fprintln(os.Stderr, "briefload:", err)
		os.Exit(2)
	case errors.Is(err, errFailed):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "briefload:", err)
		os.Exit(1)
	}
}

// options is a run as the command line asks for it.
type options struct {
	base        *url.URL
	platforms   []string
	mix         []share
	concurrency int
	rate        float64 // requests per second; 0 is a closed loop
	requests    int64   // 0 is no bound
	duration    time.Duration
	timeout     time.Duration
	allowRemote bool
	format      string
	keys        keys
	discordPath string
	slackPath   string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	opts, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	plan, err := newPlan(opts)
	if err != nil {
		return usageError{err.Error()}
	}
	res := load(ctx, opts, plan)
	if err := writeReport(stdout, opts, res); err != nil {
		return err
	}
	if res.failed() > 0 {
		return errFailed
	}
	return nil
}

func parseArgs(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("briefload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, strings.Join(kindNames(), ", "), testPublicKey(), testSecret)
		fs.PrintDefaults()
	}
	var (
		o        options
		platform = fs.String("platform", "discord", "`discord`, slack, or both separated by a comma")
		mix      = fs.String("mix", "position=100", "what to send, as `kind=weight`,... (the weights are proportions)")
		rate     = fs.String("rate", "", "send at a fixed `rate` (1000/s, 600/m) whatever the answers do; latency counts from when each request was due")
		discKey  = fs.String("discord-key", "", "hex Ed25519 seed or private key to sign Discord interactions with (default: $BRIEFLOAD_DISCORD_KEY, else the test key)")
		slackSec = fs.String("slack-secret", "", "Slack signing secret (default: $BRIEFLOAD_SLACK_SECRET, else the test secret)")
	)
	fs.IntVar(&o.concurrency, "concurrency", 0, "clients sending at once (default 16; with --rate, the most requests in flight, default 256)")
	fs.Int64Var(&o.requests, "requests", 0, "stop after this many requests")
	fs.DurationVar(&o.duration, "duration", 0, "stop sending after this long")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "give up on one request after this long")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a target that is not on loopback")
	fs.StringVar(&o.format, "format", "text", "report as `text` or json")
	fs.StringVar(&o.discordPath, "discord-path", "/discord/interactions", "path of the Discord interactions endpoint")
	fs.StringVar(&o.slackPath, "slack-path", "/slack/commands", "path of the Slack slash-command endpoint")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, usagef("want one BASE_URL, got %d arguments", fs.NArg())
	}
	base, err := url.Parse(fs.Arg(0))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, usagef("BASE_URL %q: want http://host:port", fs.Arg(0))
	}
	o.base = base
	if !o.allowRemote && !loopbackHost(base.Hostname()) {
		return nil, usagef("%s is not a loopback address; pass --allow-remote to load it anyway", base.Host)
	}
	if o.requests < 0 || o.duration < 0 || o.concurrency < 0 || o.timeout <= 0 {
		return nil, usagef("--requests, --duration and --concurrency cannot be negative, --timeout must be positive")
	}
	if o.requests == 0 && o.duration == 0 {
		return nil, usagef("unbounded run: give --requests N, --duration D, or both")
	}
	if *rate != "" {
		if o.rate, err = parseRate(*rate); err != nil {
			return nil, err
		}
	}
	if o.concurrency == 0 {
		o.concurrency = 16
		if o.rate > 0 {
			o.concurrency = 256
		}
	}
	switch o.format {
	case "text", "json":
	default:
		return nil, usagef("--format %q: want text or json", o.format)
	}
	if o.platforms, err = parsePlatforms(*platform); err != nil {
		return nil, err
	}
	if o.mix, err = parseMix(*mix); err != nil {
		return nil, err
	}
	// Secrets come from the environment unless a flag names them; they are never defaults, which
	// --help would print.
	if *discKey == "" {
		*discKey = os.Getenv("BRIEFLOAD_DISCORD_KEY")
	}
	if *slackSec == "" {
		*slackSec = os.Getenv("BRIEFLOAD_SLACK_SECRET")
	}
	if o.keys, err = parseKeys(*discKey, *slackSec); err != nil {
		return nil, err
	}
	return &o, nil
}

// loopbackHost reports whether host names this machine: a loopback address or "localhost". Other
// names are not resolved here: the dialer checks every address it connects to as well.
func loopbackHost(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// parseRate reads "1000/s", "600/m" or a bare number (per second).
func parseRate(s string) (float64, error) {
	num, per := s, time.Second
	if n, unit, ok := strings.Cut(s, "/"); ok {
		num = n
		switch unit {
		case "s":
		case "m":
			per = time.Minute
		default:
			return 0, usagef("--rate %q: want requests per second (1000/s) or per minute (600/m)", s)
		}
	}
	r, err := strconv.ParseFloat(num, 64)
	if err != nil || r <= 0 || r > 1e7 {
		return 0, usagef("--rate %q: want a positive number of requests per second or minute", s)
	}
	return r / per.Seconds(), nil
}

func parsePlatforms(s string) ([]string, error) {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		p = strings.TrimSpace(p)
		switch p {
		case "discord", "slack":
		default:
			return nil, usagef("--platform %q: want discord, slack or discord,slack", s)
		}
		for _, q := range out {
			if q == p {
				return nil, usagef("--platform %q names %s twice", s, p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
