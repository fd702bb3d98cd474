package slack

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/slack-go/slack/slackevents"
)

// maxEventBytes bounds an Events API request. It is larger than maxBodyBytes because
// app_home_opened carries the Home tab as last published, up to 100 blocks of it.
const maxEventBytes = 512 << 10

// Events serves POST /slack/events, the Events API's request URL: Slack's url_verification
// challenge, and app_home_opened, answered by publishing the user's Home tab. Every other event
// is acknowledged and left alone.
func (b *Bot) Events() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// The signature is checked as for commands and buttons, before anything is parsed. A
		// replay is not refused with a 401 as there: Slack retries an event it thinks went
		// unanswered, and must get its 200; the event's event_id keeps it from running twice.
		body, _, ok := b.readSigned(w, r, maxEventBytes)
		if !ok {
			return
		}
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			if !json.Valid(body) {
				http.Error(w, "cannot parse event", http.StatusBadRequest)
				return
			}
			// An event slack-go has no type for is none briefbot subscribes to.
			w.WriteHeader(http.StatusOK)
			return
		}
		if challenge, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok && ev.Type == slackevents.URLVerification {
			body, err := marshal(struct {
				Challenge string `json:"challenge"`
			}{challenge.Challenge}, "")
			if err != nil {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write(body)
			return
		}
		// Slack waits 3 seconds for this answer; the Home tab is published after it.
		w.WriteHeader(http.StatusOK)
		b.event(ev)
	})
}

// event acts on one Events API event, from HTTP or Socket Mode alike: an app_home_opened on
// the Home tab publishes it, once for each event id however often Slack delivers the event.
func (b *Bot) event(ev slackevents.EventsAPIEvent) {
	outer, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || ev.Type != slackevents.CallbackEvent {
		return
	}
	opened, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	// The Messages and About tabs are Slack's to draw.
	if !ok || opened.Tab != homeTab || opened.User == "" {
		return
	}
	if outer.EventID != "" && !b.recent.First("event:"+outer.EventID, b.now()) {
		return
	}
	user := opened.User
	b.background(func(ctx context.Context) { b.publishHome(ctx, user) })
}
