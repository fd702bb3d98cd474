package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

const healthUsage = `Usage: briefbot health [--url http://127.0.0.1:8080] [--config FILE]

Asks the running bot's /readyz: exit 0 when it is ready, 1 when it is not or does not answer,
with what is down on stderr. Without --url it asks http.listen of the config. For container
health checks: the image has no shell and no curl.
`

// healthTimeout bounds a probe: a health check that hangs is a failed one.
const healthTimeout = 5 * time.Second

func (c *cli) health(ctx context.Context, args []string) error {
	cmd := c.newCommand("health", healthUsage)
	base := cmd.fs.String("url", "", "the bot's base URL (default: http.listen of the config)")
	if err := c.flagsOnly(cmd, args); err != nil {
		return err
	}
	url := strings.TrimRight(*base, "/")
	if url == "" {
		cfg, err := c.loadConfig(cmd)
		if err != nil {
			return err
		}
		url = "http://" + hostPort(cfg.HTTP.Listen)
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/readyz", nil)
	if err != nil {
		fmt.Fprint(c.stderr, healthUsage)
		return usageError("--url %q is not a URL", *base)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready (%s): %s", resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(c.stdout, "ready")
	return nil
}
