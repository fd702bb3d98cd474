package main

import (
	"strings"
	"testing"
)

// TestHoldsSaidInChatShowEverywhere: a pause said on Slack and a skip picked on Discord reach
// the running bot's ledger, and an operator's briefbot digest status and briefbot audit, which
// only read it, show both with who said them.
func TestHoldsSaidInChatShowEverywhere(t *testing.T) {
	b := startMatrixBot(t, matrixSetup{digests: true})
	pause := matrixCase{command: "digest", line: "pause morning until " + holdDay}
	if title := b.slackHTTP(t, pause); title != "Digest morning paused until "+holdDay {
		t.Fatalf("%s on Slack = %q", pause.show(true), title)
	}
	skip := matrixCase{command: "digest", options: named("action", "skip", "name", "evening", "date", holdDay)}
	if title := b.discordHTTP(t, skip); title != "Digest evening skips "+holdDay {
		t.Fatalf("%s on Discord = %q", skip.show(false), title)
	}

	stdout, stderr, code := invoke(t, "", nil, "digest", "status", "--config", b.config)
	for _, want := range []string{
		"Paused and skipped",
		"morning: paused until " + holdDay + " by slack:" + matrixAdmin,
		"evening: skips " + holdDay + " by discord:",
	} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("digest status = exit %d, want %q in\n%s%s", code, want, stdout, stderr)
		}
	}
	stdout, stderr, code = invoke(t, "", nil, "audit", "--config", b.config)
	for _, want := range []string{"digest pause morning until " + holdDay, "digest skip evening " + holdDay} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("audit = exit %d, want %q in\n%s%s", code, want, stdout, stderr)
		}
	}

	resume := matrixCase{command: "digest", line: "resume morning"}
	if title := b.slackHTTP(t, resume); title != "Digest morning resumed" {
		t.Errorf("%s on Slack = %q", resume.show(true), title)
	}
	stdout, _, _ = invoke(t, "", nil, "digest", "status", "--config", b.config)
	if strings.Contains(stdout, "morning: paused") || !strings.Contains(stdout, "evening: skips") {
		t.Errorf("digest status after resume:\n%s\nwant the skip alone", stdout)
	}
}
