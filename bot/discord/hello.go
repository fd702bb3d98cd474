package discord

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"time"

	"github.com/go-json-experiment/json"
)

// The gateway announces its heartbeat interval in the hello that opens each connection, and
// discordgo keeps it to itself. So each gateway connection discordgo dials is a helloConn, which
// reads the start of what comes in (the HTTP upgrade's answer, then the websocket frames of the
// first message) as discordgo reads it: a copy taken inside Read, never a read of its own, so
// discordgo never waits on it. Once the first message is whole, or helloLimit is passed, the copy
// is dropped and Read passes bytes through untouched. Only the interval is kept.

// helloLimit bounds what is copied of a connection: the upgrade's answer (headers of a few
// hundred bytes) and a hello (about a hundred).
const helloLimit = 16 << 10

// maxHelloInterval bounds an interval taken as announced, well short of overflowing the
// arithmetic of the silence allowed.
const maxHelloInterval = 24 * time.Hour

var (
	errHelloShort    = errors.New("hello: not all in yet")
	errHelloLong     = errors.New("hello: first message too long")
	errNotUpgraded   = errors.New("hello: not a websocket upgrade")
	errHelloFrame    = errors.New("hello: unexpected websocket framing")
	errHelloClosed   = errors.New("hello: closed before the first message")
	errNotHello      = errors.New("hello: first message is not a hello")
	errHelloInterval = errors.New("hello: heartbeat interval out of range")
)

// watchHello makes c, a new gateway connection, read its hello for Health.
func (b *Bot) watchHello(c net.Conn) net.Conn {
	n := b.health.dialed()
	return &helloConn{Conn: c, heard: func(interval time.Duration, err error) {
		if !b.health.greeted(n, interval) {
			return
		}
		if err != nil {
			b.logger.Warn("gateway hello not read: readiness allows the silence of Discord's usual heartbeat interval", "err", err)
			return
		}
		b.logger.Debug("gateway hello", "heartbeat_interval", interval)
	}}
}

// A helloConn is a gateway connection that reads its hello as it passes.
type helloConn struct {
	net.Conn
	in    []byte // what came in so far, while the hello is awaited
	need  int    // how much of it readHello needs before it can say more
	done  bool
	heard func(interval time.Duration, err error) // called once, from Read, when done
}

// Read reads as the connection does; until the hello is read, it also scans what came. A
// net.Conn has one reader at a time (gorilla's), so the scan needs no lock.
func (c *helloConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.done {
		c.scan(p[:n])
	}
	return n, err
}

func (c *helloConn) scan(p []byte) {
	c.in = append(c.in, p[:min(len(p), helloLimit-len(c.in))]...)
	if len(c.in) < c.need {
		return
	}
	interval, need, err := readHello(c.in)
	if err == errHelloShort {
		if need <= helloLimit {
			c.need = need
			return
		}
		err = errHelloLong
	}
	c.done, c.in = true, nil
	c.heard(interval, err)
}

// readHello reads the heartbeat interval from the start of a gateway connection's input: the
// HTTP answer to the upgrade, then websocket frames up to the end of the first data message,
// which must be a hello (op 10), as text or zlib-compressed binary. With errHelloShort, need is
// how long in must be before another try can tell more.
func readHello(in []byte) (interval time.Duration, need int, err error) {
	head := bytes.Index(in, []byte("\r\n\r\n"))
	if head < 0 {
		return 0, len(in) + 1, errHelloShort
	}
	status, _, _ := bytes.Cut(in[:head], []byte("\r\n"))
	if f := bytes.Fields(status); len(f) < 2 || !bytes.HasPrefix(f[0], []byte("HTTP/1.")) || string(f[1]) != "101" {
		return 0, 0, errNotUpgraded
	}
	at := head + 4
	var msg []byte
	binaryMsg, started := false, false
	for {
		h, size, ok := frameHeader(in[at:])
		if !ok {
			return 0, at + h, errHelloShort
		}
		if size > helloLimit { // also keeps at+h+size from overflowing
			return 0, 0, errHelloLong
		}
		end := at + h + int(size)
		if end > len(in) {
			return 0, end, errHelloShort
		}
		b0, b1, payload := in[at], in[at+1], in[at+h:end]
		at = end
		// No extension was negotiated, and a server does not mask: anything else is not the
		// gateway as discordgo reads it.
		if b0&0x70 != 0 || b1&0x80 != 0 {
			return 0, 0, errHelloFrame
		}
		switch op := b0 & 0x0f; {
		case op == 0x8:
			return 0, 0, errHelloClosed
		case op == 0x9 || op == 0xa: // ping and pong may come between the frames of a message
			if b0&0x80 == 0 {
				return 0, 0, errHelloFrame
			}
			continue
		case op == 0x1 || op == 0x2:
			if started {
				return 0, 0, errHelloFrame
			}
			started, binaryMsg = true, op == 0x2
		case op == 0x0:
			if !started {
				return 0, 0, errHelloFrame
			}
		default:
			return 0, 0, errHelloFrame
		}
		msg = append(msg, payload...)
		if b0&0x80 != 0 {
			interval, err := decodeHello(msg, binaryMsg)
			return interval, 0, err
		}
	}
}

// frameHeader reads the length of a websocket frame's header and of its payload; h is how much
// of the header is needed when it is not all in.
func frameHeader(in []byte) (h int, size uint64, ok bool) {
	if len(in) < 2 {
		return 2, 0, false
	}
	switch n := in[1] & 0x7f; n {
	case 126:
		if len(in) < 4 {
			return 4, 0, false
		}
		return 4, uint64(binary.BigEndian.Uint16(in[2:4])), true
	case 127:
		if len(in) < 10 {
			return 10, 0, false
		}
		return 10, binary.BigEndian.Uint64(in[2:10]), true
	default:
		return 2, uint64(n), true
	}
}

// decodeHello reads the interval of a hello: {"op":10,"d":{"heartbeat_interval":41250}}, in
// milliseconds. Nothing else of it is kept.
func decodeHello(msg []byte, zlibbed bool) (time.Duration, error) {
	if zlibbed {
		z, err := zlib.NewReader(bytes.NewReader(msg))
		if err != nil {
			return 0, errNotHello
		}
		msg, err = io.ReadAll(io.LimitReader(z, helloLimit+1))
		if err != nil || len(msg) > helloLimit {
			return 0, errNotHello
		}
	}
	var hello struct {
		Op int `json:"op"`
		D  struct {
			HeartbeatInterval int64 `json:"heartbeat_interval"`
		} `json:"d"`
	}
	if json.Unmarshal(msg, &hello) != nil || hello.Op != 10 {
		return 0, errNotHello
	}
	ms := hello.D.HeartbeatInterval
	if ms <= 0 || ms > maxHelloInterval.Milliseconds() {
		return 0, errHelloInterval
	}
	return time.Duration(ms) * time.Millisecond, nil
}
