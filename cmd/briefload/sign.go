package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
)

// keys sign what briefload sends: by default the fixed test key and secret of discordtest and
// slacktest, so that a server configured for the tests takes the requests as they are.
type keys struct {
	discord ed25519.PrivateKey
	slack   []byte
}

const testSecret = slacktest.Secret

func testPublicKey() string { return discordtest.PublicKey() }

// parseKeys reads a Discord key given as a hex seed (32 bytes) or private key (64 bytes), and a
// Slack signing secret; empty ones mean the test key and secret. Errors never repeat the value.
func parseKeys(discordHex, slackSecret string) (keys, error) {
	k := keys{discord: discordtest.Key(), slack: []byte(testSecret)}
	if discordHex != "" {
		raw, err := hex.DecodeString(discordHex)
		switch {
		case err == nil && len(raw) == ed25519.SeedSize:
			k.discord = ed25519.NewKeyFromSeed(raw)
		case err == nil && len(raw) == ed25519.PrivateKeySize:
			k.discord = ed25519.PrivateKey(raw)
		default:
			return keys{}, usagef("Discord key: want 64 or 128 hex digits (an Ed25519 seed or private key)")
		}
	}
	if slackSecret != "" {
		k.slack = []byte(slackSecret)
	}
	return k, nil
}

// wrongDiscordKey signs requests Discord did not send: the signature is well formed and fails
// only because the key is not the application's, as with the invalid requests Discord sends to
// test an endpoint.
func wrongDiscordKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5a}, ed25519.SeedSize))
}

// A signer makes the headers that sign a body at a timestamp.
type signer struct {
	sign func(stamp string, body []byte) http.Header
	// cache holds the headers of a target's fixed body for the current second. Both platforms sign
	// a timestamp in whole seconds, so they are made once a second and shared: signing every
	// request would put an Ed25519 signature on the generator's side of the scale.
	cache atomic.Pointer[signedAt]
}

type signedAt struct {
	sec     int64
	headers http.Header
}

// fixed returns the headers that sign body, the same on every call, at now; the caller owns the
// copy.
func (s *signer) fixed(now time.Time, body []byte) http.Header {
	sec := now.Unix()
	if c := s.cache.Load(); c != nil && c.sec == sec {
		return c.headers.Clone()
	}
	h := s.sign(strconv.FormatInt(sec, 10), body)
	s.cache.Store(&signedAt{sec: sec, headers: h})
	return h.Clone()
}

func newDiscordSigner(k keys, wrong bool) *signer {
	key := k.discord
	if wrong {
		key = wrongDiscordKey()
	}
	return &signer{sign: func(stamp string, body []byte) http.Header {
		msg := make([]byte, 0, len(stamp)+len(body))
		msg = append(append(msg, stamp...), body...)
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, msg)))
		h.Set("X-Signature-Timestamp", stamp)
		return h
	}}
}

func newSlackSigner(k keys, wrong bool) *signer {
	secret := string(k.slack)
	if wrong {
		secret += "-but-not-this-one"
	}
	return &signer{sign: func(stamp string, body []byte) http.Header {
		h := http.Header{}
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		h.Set("X-Slack-Request-Timestamp", stamp)
		h.Set("X-Slack-Signature", slacktest.Sign(secret, stamp, body))
		return h
	}}
}

// discordEpoch is the start of Discord's snowflakes, in Unix milliseconds.
const discordEpoch = 1420070400000

// firstInteractionID is where a run's interaction ids start: a snowflake for now, as Discord
// makes them (milliseconds since its epoch, shifted 22 bits), plus a random offset below 2^21.
// briefbot answers each interaction id once, so ids must not repeat within a run, across runs
// against the same server, nor between two runs started in the same millisecond.
func firstInteractionID(now time.Time) uint64 {
	return uint64(now.UnixMilli()-discordEpoch)<<22 + rand.Uint64N(1<<21)
}

// slackCommandForm is a slash command as Slack posts it, with trigger_id id. Its response_url
// leads nowhere: the kinds in the mix are answered in the request.
func slackCommandForm(command, text, id string) []byte {
	form, _ := url.ParseQuery(string(slacktest.CommandForm(command, text, "U0LOAD01", "http://127.0.0.1:9/briefload")))
	form.Set("trigger_id", id)
	return []byte(form.Encode())
}
