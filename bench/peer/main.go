// Command peer serves the same answer briefbot gives to /position sovereignty from two other
// Discord endpoints, so that scripts/compare-endpoints.sh can load all three side by side:
//
//   - bare: verifies the Ed25519 signature and writes the answer's bytes, the floor any endpoint
//     pays;
//   - disgo: the answer served through github.com/disgoorg/disgo's httpserver, a peer Go library
//     that parses every interaction into its own types and encodes the answer per request.
//
// It lives in a module of its own so that the product never depends on disgo.
//
//	peer pubkey                                   the test key's public half, for discord.public_key
//	peer first-answer URL                         briefbot's answer at URL, compacted
//	peer bare|disgo --listen ADDR --reply FILE    serve FILE's answer at ADDR/discord/interactions
//	peer summary DIR                              the table of a comparison's rounds
package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"briefbot/bot/discord/discordtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a subcommand: pubkey, first-answer, bare, disgo or summary")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "pubkey":
		_, err := fmt.Fprintln(stdout, discordtest.PublicKey())
		return err
	case "first-answer":
		if len(rest) != 1 {
			return errors.New("first-answer takes the URL of a Discord interactions endpoint")
		}
		return firstAnswer(ctx, rest[0], stdout)
	case "bare", "disgo":
		return serve(ctx, cmd, rest, stdout)
	case "summary":
		if len(rest) != 1 {
			return errors.New("summary takes the folder of a comparison's reports")
		}
		return summary(rest[0], stdout)
	default:
		return fmt.Errorf("unknown subcommand %q", cmd)
	}
}

// positionInteraction is /position sovereignty from a member of a server, with its interaction id
// to fill in: briefbot answers each id once.
const positionInteraction = `{"type":2,"id":"%d","application_id":"1361000000000000000","token":"A_UNIQUE_TOKEN",` +
	`"version":1,"guild_id":"290926798626357999","channel_id":"645027906669510667",` +
	`"member":{"user":{"id":"53908232506183680","username":"Mason"},"roles":[],"permissions":"0"},` +
	`"data":{"id":"771825006014889984","name":"position","type":1,"options":[{"name":"issue","type":3,"value":"sovereignty"}]}}`

// firstAnswer asks the endpoint at url for /position sovereignty and prints the answer compacted:
// the bytes the other endpoints then send, so that all three put the same answer on the wire.
func firstAnswer(ctx context.Context, url string, stdout io.Writer) error {
	// A snowflake for now, as Discord makes them, so that no load run's id is this one.
	id := (time.Now().UnixMilli() - 1420070400000) << 22
	body := fmt.Appendf(nil, positionInteraction, id)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	discordtest.SetHeaders(req.Header, strconv.FormatInt(time.Now().Unix(), 10), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s: %s", url, resp.Status, raw)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, raw); err != nil {
		return fmt.Errorf("%s answered something other than JSON: %w", url, err)
	}
	out.WriteByte('\n')
	_, err = out.WriteTo(stdout)
	return err
}

// serve runs the bare or disgo endpoint until ctx ends, printing its address once it listens.
func serve(ctx context.Context, kind string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet(kind, flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on (loopback)")
	replyFile := fs.String("reply", "", "file holding the interaction response to send")
	publicKey := fs.String("public-key", discordtest.PublicKey(), "hex Ed25519 public key to verify with")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*replyFile)
	if err != nil {
		return err
	}
	var reply bytes.Buffer
	if err := json.Compact(&reply, raw); err != nil {
		return fmt.Errorf("%s: %w", *replyFile, err)
	}
	key, err := hex.DecodeString(*publicKey)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return errors.New("--public-key: want 64 hex digits")
	}
	var h http.Handler
	if kind == "bare" {
		h = bare(key, reply.Bytes())
	} else if h, err = disgoHandler(key, reply.Bytes()); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /discord/interactions", h)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		ln.Close()
		return fmt.Errorf("%s is not on loopback", ln.Addr())
	}
	// The same server settings as briefbot serve, so that only the handlers differ.
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// maxBody is briefbot's own bound on an interaction.
const maxBody = 64 << 10

// bare verifies the signature over timestamp + body and writes the fixed reply, refusing what
// briefbot refuses (401 unsigned, 413 oversized) and reading nothing else.
func bare(pub ed25519.PublicKey, reply []byte) http.Handler {
	length := strconv.Itoa(len(reply))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts := r.Header.Get("X-Signature-Timestamp")
		msg := bytes.NewBuffer(make([]byte, 0, len(ts)+1024))
		msg.WriteString(ts)
		if _, err := msg.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		if err != nil || len(sig) != ed25519.SignatureSize || ts == "" || !ed25519.Verify(pub, msg.Bytes(), sig) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		w.Write(reply)
	})
}
