// Command briefchaos replays faults against briefbot serve and says, for each, whether it held:
// special files in a briefings folder (a named pipe, a link to /dev/zero), a ledger that stops
// taking writes and takes them again, and more connections than the server's cap (idle
// keep-alives and a reconnecting slowloris) while probes ask for /healthz. It starts every
// process it needs from the briefbot binary it is given, on loopback, in a folder of its own,
// and prints one line per check with its figures: time to answer or refuse, peak RSS.
//
//	go build -o /tmp/briefbot ./cmd/briefbot
//	go run ./cmd/briefchaos --bin /tmp/briefbot [--only files,store,connections]
//
// Exit status: 0 every check held, 1 one did not, 2 a usage mistake. It is a developer's tool
// (scripts/chaos.sh runs it; CI runs its fast checks), not part of the product.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// A check is one fault replayed: run returns what held or broke, with figures.
type check struct {
	group, name string
	run         func(ctx context.Context, env *world) result
}

type result struct {
	held    bool
	figures string
	why     string // what broke, or why the check could not run
	skipped bool
}

func held(format string, args ...any) result {
	return result{held: true, figures: fmt.Sprintf(format, args...)}
}

func broke(format string, args ...any) result { return result{why: fmt.Sprintf(format, args...)} }

func skipped(format string, args ...any) result {
	return result{skipped: true, why: fmt.Sprintf(format, args...)}
}

var checks = []check{
	{"files", "config check with a named pipe as a briefing", fifoConfigCheck},
	{"files", "config check with a briefing linked to /dev/zero", devZeroConfigCheck},
	{"files", "serve: a named pipe appears, a reload, then SIGTERM", fifoReloadThenStop},
	{"store", "serve: the ledger stops taking writes, then takes them again", unwritableLedger},
	{"connections", "1,100 idle keep-alives and a reconnecting slowloris; probes", connectionFlood},
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var code exitCode
		if errors.As(err, &code) {
			os.Exit(int(code))
		}
		fmt.Fprintln(os.Stderr, "briefchaos:", err)
		os.Exit(1)
	}
}

type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("briefchaos", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("bin", "", "the briefbot binary to try (required)")
	only := fs.String("only", "", "run only these groups, comma-separated: files, store, connections")
	role := fs.String("role", "", "internal: the slowloris process")
	addr := fs.String("addr", "", "internal: where the slowloris connects")
	conns := fs.Int("conns", 200, "internal: how many slowloris connections")
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	if *role == "slowloris" {
		return slowloris(ctx, *addr, *conns)
	}
	if *bin == "" {
		fmt.Fprintln(stderr, "briefchaos: --bin is required (go build -o /tmp/briefbot ./cmd/briefbot)")
		return exitCode(2)
	}
	groups := strings.Split(*only, ",")
	env, err := newWorld(*bin)
	if err != nil {
		return err
	}
	defer env.cleanup()
	failed := false
	for _, c := range checks {
		if *only != "" && !slices.Contains(groups, c.group) {
			continue
		}
		start := time.Now()
		r := c.run(ctx, env)
		took := time.Since(start).Round(10 * time.Millisecond)
		switch {
		case r.skipped:
			fmt.Fprintf(stdout, "skipped  %-12s %s: %s\n", c.group, c.name, r.why)
		case r.held:
			fmt.Fprintf(stdout, "held     %-12s %s: %s (%s)\n", c.group, c.name, r.figures, took)
		default:
			failed = true
			fmt.Fprintf(stdout, "BROKE    %-12s %s: %s (%s)\n", c.group, c.name, r.why, took)
		}
	}
	if failed {
		return exitCode(1)
	}
	return nil
}
