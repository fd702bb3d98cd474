package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// runSocket keeps a Socket Mode connection until ctx ends. slack-go reconnects after a dropped
// connection, replaces one that Slack has not pinged for pingTimeout, and retries a failed one
// with backoff; it returns only when Slack refuses the app token (or the app is gone), which
// is logged. When ctx ends, slack-go closes the connection, so that Slack stops sending it a
// share of the events.
func (b *Bot) runSocket(ctx context.Context) {
	client := socketmode.New(b.api, socketmode.OptionLog(libraryLog{b.log}),
		socketmode.OptionPingInterval(b.pingTimeout), socketmode.OptionDialer(b.dialer()))
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		if err := client.RunContext(ctx); !errors.Is(err, context.Canceled) {
			b.log.Error("slack: socket mode stopped", "err", err)
			b.socket.to(false, "stopped: "+err.Error(), b.now())
		}
	}()
	for {
		select {
		case <-stopped:
			return
		case evt := <-client.Events:
			b.socketEvent(ctx, client, evt)
		}
	}
}

// socketEvent handles one Socket Mode event. Every envelope is acknowledged, also those briefbot
// does nothing with, or Slack delivers them again.
func (b *Bot) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slackapi.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		envelope := evt.Request.EnvelopeID
		if !b.firstDelivery(sc.TriggerID, envelope) {
			b.ack(ctx, client, envelope, nil)
			return
		}
		// Each command answers on its own goroutine so that a slow one holds up no other.
		started := b.background(func(context.Context) {
			b.ackCommand(ctx, client, envelope, sc.ResponseURL, b.command(sc))
		})
		if !started {
			b.ack(ctx, client, envelope, nil)
		}
	case socketmode.EventTypeInteractive:
		if evt.Request == nil {
			return
		}
		b.ack(ctx, client, evt.Request.EnvelopeID, nil)
		in, err := parseInteraction(evt.Request.Payload)
		if err != nil {
			b.log.Warn("slack: unreadable interaction", "err", err)
			return
		}
		if b.firstDelivery(in.TriggerID, evt.Request.EnvelopeID) {
			b.interact(in)
		}
	case socketmode.EventTypeEventsAPI:
		if evt.Request != nil {
			b.ack(ctx, client, evt.Request.EnvelopeID, nil)
		}
		// Acknowledged first: Slack waits 3 seconds, and the Home tab is published after.
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
			b.event(ev)
		}
	case socketmode.EventTypeErrorBadMessage:
		// slack-go could not decode the envelope's payload into its own types; the envelope id
		// is still there, and a button press may still be readable by the parser HTTP uses.
		bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
		if !ok {
			return
		}
		b.log.Warn("slack: unreadable socket mode message", "err", bad.Cause)
		var env struct {
			EnvelopeID string          `json:"envelope_id"`
			Type       string          `json:"type"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
			return
		}
		b.ack(ctx, client, env.EnvelopeID, nil)
		if env.Type == socketmode.RequestTypeInteractive {
			if in, err := parseInteraction(env.Payload); err == nil && b.firstDelivery(in.TriggerID, env.EnvelopeID) {
				b.interact(in)
			}
		}
	case socketmode.EventTypeConnecting:
		b.log.Debug("slack: socket mode connecting")
		b.socket.to(false, "connecting", b.now())
	case socketmode.EventTypeConnected:
		b.log.Info("slack: socket mode connected")
		b.socket.to(true, "connected", b.now())
	case socketmode.EventTypeConnectionError:
		if ce, ok := evt.Data.(*slackapi.ConnectionErrorEvent); ok {
			b.log.Warn("slack: socket mode connection failed", "attempt", ce.Attempt, "backoff", ce.Backoff, "err", ce.ErrorObj)
			b.socket.to(false, fmt.Sprintf("connection failed, retrying in %s: %v", ce.Backoff.Round(time.Millisecond), ce.ErrorObj), b.now())
		}
	case socketmode.EventTypeDisconnect:
		// slack-go handles Slack's request to reconnect itself; should it pass one on, the
		// connection is going.
		b.socket.to(false, "Slack asked to reconnect", b.now())
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("slack: socket mode refused the app token")
		b.socket.to(false, "Slack refused the app token", b.now())
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("slack: socket mode i/o error", "event", string(evt.Type))
	}
}

// ackCommand acknowledges a slash command with its answer as the payload. Slack drops payloads
// of 20 KB or more, which slack-go refuses to send: such an answer goes to response_url instead.
func (b *Bot) ackCommand(ctx context.Context, client *socketmode.Client, envelope, responseURL string, m Message) {
	payload, err := encode(m)
	if err == nil {
		err = client.AckCtx(ctx, envelope, json.RawMessage(payload))
	}
	if err == nil || ctx.Err() != nil {
		return
	}
	b.ack(ctx, client, envelope, nil)
	b.background(func(bctx context.Context) {
		if err := b.respond(bctx, responseURL, m); err != nil {
			b.log.Warn("slack: answer too large to ack and not delivered", "err", err)
		}
	})
}

func (b *Bot) ack(ctx context.Context, client *socketmode.Client, envelope string, payload any) {
	if err := client.AckCtx(ctx, envelope, payload); err != nil && ctx.Err() == nil {
		b.log.Warn("slack: socket mode ack failed", "err", err)
	}
}

// firstDelivery reports whether a Socket Mode request arrives for the first time, and
// remembers it. Slack delivers an envelope again when its ack comes late; a second delivery is
// acknowledged and otherwise ignored, so that a slow /digest now posts once. It is known by
// its trigger_id, else by its envelope id.
func (b *Bot) firstDelivery(triggerID, envelope string) bool {
	key := "trigger:" + triggerID
	if triggerID == "" {
		key = "envelope:" + envelope
	}
	return b.recent.First(key, b.now())
}
