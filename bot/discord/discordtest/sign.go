// Package discordtest holds what tests of briefbot's Discord side share, in the manner of
// net/http/httptest: interactions signed as Discord signs them, and a fake Discord REST API and
// gateway that answer as Discord does.
package discordtest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
)

// AppID is the application the fake serves and signed interactions name.
const AppID = "1361000000000000000"

// InteractionID is a new interaction id, different on every call: the adapter answers each
// interaction id once, so every request a test sends needs its own.
func InteractionID() string {
	return strconv.FormatUint(1361000000000000000+lastID.Add(1), 10)
}

var lastID atomic.Uint64

// Key is a fixed Ed25519 key pair standing in for Discord's: answers do not depend on it, but
// reruns sign the same bytes.
func Key() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

// PublicKey is Key's public half, in hex as the Developer Portal shows it (discord.public_key).
func PublicKey() string { return hex.EncodeToString(Key().Public().(ed25519.PublicKey)) }

// Sign is the X-Signature-Ed25519 header for body sent at timestamp.
func Sign(timestamp string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(Key(), append([]byte(timestamp), body...)))
}

// Request is a POST of body to /discord/interactions as Discord sends it, signed with Key.
func Request(timestamp string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	SetHeaders(r.Header, timestamp, body)
	return r
}

// SetHeaders signs body into h, for a request made some other way (a real client under load).
func SetHeaders(h http.Header, timestamp string, body []byte) {
	h.Set("Content-Type", "application/json")
	h.Set("X-Signature-Ed25519", Sign(timestamp, body))
	h.Set("X-Signature-Timestamp", timestamp)
}
