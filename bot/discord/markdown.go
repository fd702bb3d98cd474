package discord

import (
	"fmt"
	"strings"

	"briefbot/bot"
)

// escape keeps text from being read as Discord Markdown: briefing text is plain once loaded, and
// answers quote what users typed. A backslash before punctuation shows the punctuation itself.
// Mentions are defused too, so that quoted text does not even look like one: "<" before a
// mention's sigil is escaped, and "@everyone" and "@here" get a zero-width space after the "@".
// No answer pings anyone either way (noMentions).
func escape(s string) string {
	if !strings.ContainsAny(s, "\\*_~`|#>-<@") {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	lineStart := true
	for i, r := range s {
		switch {
		case strings.ContainsRune("\\*_~`|", r):
			sb.WriteByte('\\')
		case lineStart && strings.ContainsRune("#>-", r):
			sb.WriteByte('\\') // a heading, quote or list marker only at the start of a line
		case r == '<' && mentionAt(s[i+1:]):
			sb.WriteByte('\\')
		case r == '@' && (strings.HasPrefix(s[i+1:], "everyone") || strings.HasPrefix(s[i+1:], "here")):
			sb.WriteString("@" + blank)
			lineStart = false
			continue
		}
		sb.WriteRune(r)
		if r == '\n' {
			lineStart = true
		} else if r != ' ' && r != '\t' {
			lineStart = false
		}
	}
	return sb.String()
}

// mentionAt reports whether s, just after a "<", starts like a mention or a Discord tag:
// <@user>, <@&role>, <#channel>, </command:id>, <:emoji:id>, <a:emoji:id>, <t:time>.
func mentionAt(s string) bool {
	if s == "" {
		return false
	}
	if strings.IndexByte("@#!&:/", s[0]) >= 0 {
		return true
	}
	return len(s) > 1 && (s[0] == 'a' || s[0] == 't') && s[1] == ':'
}

// timestamp shows an instant as Discord's timestamp markup, which each reader sees in their own
// time zone and language.
func timestamp(s bot.Stamp) string { return fmt.Sprintf("<t:%d:F>", s.At.Unix()) }
