package config

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// days is a leading count of days: Go durations stop at hours, retention is counted in days.
var days = regexp.MustCompile(`^(\d{1,6})d`)

// maxDays keeps a duration within time.Duration's range (about 292 years).
const maxDays = 100000

// ParseDuration reads a Go duration (90s, 2h30m) or one that starts with days (90d, 1d12h).
// Negative durations are refused.
func ParseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if m := days.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n > maxDays {
			return 0, false
		}
		d = time.Duration(n) * 24 * time.Hour
		s = s[len(m[0]):]
		if s == "" {
			return d, true
		}
		if s[0] == '-' || s[0] == '+' {
			return 0, false
		}
	}
	rest, err := time.ParseDuration(s)
	if err != nil || rest < 0 || rest > time.Duration(1<<63-1)-d {
		return 0, false
	}
	return d + rest, true
}

// checkListen reports whether addr is host:port with a numeric port, and otherwise a fix when one
// is plain: ":8080" for "8080", the address alone for a URL.
func checkListen(addr string) (fix string, ok bool) {
	if _, port, err := net.SplitHostPort(addr); err == nil && validPort(port) {
		return "", true
	}
	if validPort(addr) {
		return ":" + addr, false
	}
	for _, scheme := range []string{"http://", "https://"} {
		if rest, cut := strings.CutPrefix(addr, scheme); cut {
			rest = strings.TrimSuffix(rest, "/")
			if _, ok := checkListen(rest); ok {
				return rest, false
			}
		}
	}
	return "", false
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n <= 65535
}

// durationText writes a duration the way the file does, in days when it is whole days.
func durationText(d time.Duration) string {
	const day = 24 * time.Hour
	if d >= day && d%day == 0 {
		return fmt.Sprintf("%dd", d/day)
	}
	return d.String()
}
