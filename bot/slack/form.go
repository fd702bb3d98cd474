package slack

import (
	"errors"
	"net/url"
	"strings"
)

// form is a verified application/x-www-form-urlencoded body, read field by field. Slack sends a
// dozen short fields and briefbot reads a few; url.ParseQuery would build a map and a slice for
// every one of them on every command.
type form string

// parseForm refuses a body that url.ParseQuery would refuse: a malformed escape or a semicolon.
func parseForm(body []byte) (form, error) {
	s := string(body)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", errors.New("malformed escape in form")
			}
		case ';':
			return "", errors.New("semicolon in form")
		}
	}
	return form(s), nil
}

// Get returns the first value of key, unescaped. Keys are compared as sent: Slack's are plain
// words that need no escaping.
func (f form) Get(key string) string {
	for rest := string(f); rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if k, v, _ := strings.Cut(pair, "="); k == key {
			v, err := url.QueryUnescape(v) // checked by parseForm; allocates only when escaped
			if err != nil {
				return ""
			}
			return v
		}
	}
	return ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
