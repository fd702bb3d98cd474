package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

const (
	// maxBody bounds an interaction request. Real ones are a few KiB; a client that signs a
	// larger body is not Discord.
	maxBody = 64 << 10
	// answerDeadline is Discord's: the first response must come within 3 seconds.
	answerDeadline = 3 * time.Second
)

// Handler serves Discord's Interactions Endpoint URL (POST /discord/interactions). Each request
// is verified with the application's Ed25519 key before anything in it is read: Discord sends
// invalid signatures on purpose and drops an endpoint that accepts one. Without a public key
// the endpoint is off and answers 404.
//
// Every request takes one path: verify the signature, timestamp and body; decode the
// interaction (its head first: a command answered before needs no more); refuse a replay;
// answer (respond: a command from the answers kept, else from the engine, then kept); write.
func (b *Bot) Handler() http.Handler {
	return http.HandlerFunc(b.serveInteraction)
}

func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if b.key == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	signed, ok := b.verify(w, r)
	if !ok {
		return
	}
	defer recycle(signed.msg)
	in, err := readInteraction(signed.body())
	if err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	// Only now, with the signature checked, may the request take a place in the recent set:
	// an unsigned one could otherwise fill it with ids Discord has yet to send.
	if !b.firstTime(in.Type, in.ID, signed.timestamp, signed.sig) {
		b.refuseAnswered(w)
		return
	}
	out, later, err := b.respond(r.Context(), &in)
	if err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	writeJSON(w, out)
	if later != nil {
		deferred, req := in.full, *later
		b.background(func() { b.followUp(deferred, req) })
	}
}

// A signedBody is a request's body whose signature verified, with the timestamp and signature
// that name it among replays.
type signedBody struct {
	msg       *bytes.Buffer // the signed message, timestamp + body, read into a buffer to recycle
	timestamp string
	sig       []byte
}

func (s signedBody) body() []byte { return s.msg.Bytes()[len(s.timestamp):] }

// verify reads r's body and checks its Ed25519 signature over the timestamp and the body, and
// that the timestamp is fresh, before anything in the body is read. A request that fails is
// answered here (401, or 413 or 400 for a body that cannot be read) and verify returns false.
func (b *Bot) verify(w http.ResponseWriter, r *http.Request) (signedBody, bool) {
	sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
	timestamp := r.Header.Get("X-Signature-Timestamp")
	if err != nil || len(sig) != ed25519.SignatureSize || timestamp == "" {
		b.logger.Debug("interaction refused: missing or malformed signature")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return signedBody{}, false
	}
	if !b.fresh(timestamp) {
		b.logger.Debug("interaction refused: timestamp outside the replay window")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return signedBody{}, false
	}
	// The signed message is timestamp + raw body; reading straight after the timestamp saves
	// a copy of the body.
	msg := readBuffer(len(timestamp), r.ContentLength)
	msg.WriteString(timestamp)
	if _, err := msg.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
		recycle(msg)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return signedBody{}, false
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return signedBody{}, false
	}
	if !ed25519.Verify(b.key, msg.Bytes(), sig) {
		recycle(msg)
		b.logger.Debug("interaction refused: bad signature")
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return signedBody{}, false
	}
	return signedBody{msg: msg, timestamp: timestamp, sig: sig}, true
}

// refuseAnswered answers a request for an interaction already answered as Discord's own check
// would a bad signature: a replay learns nothing from the answer.
func (b *Bot) refuseAnswered(w http.ResponseWriter) {
	b.logger.Debug("interaction refused: already answered")
	http.Error(w, "invalid request signature", http.StatusUnauthorized)
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}
