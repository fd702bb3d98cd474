package bot

import (
	"context"
	"fmt"

	"briefbot/briefings"
)

// homeCommands are the commands a home page offers as buttons, in this order, each pressed as
// its first /help example: the ones a reader reaches for first.
var homeCommands = []string{"position", "compare", "search", "changes", "briefing", "facts", "timeline", "help"}

// Home is a user's page of their own with the bot, such as Slack's App Home: the loaded
// briefings with their versions and what moved in each since the version before, buttons for the
// common commands, and for an admin each digest's next run, last result and holds. It is a Reply
// like any answer, so that the layout is decided here once and each platform renders it.
func (e *Engine) Home(ctx context.Context, caller Caller) Reply {
	return e.HomeAs(ctx, caller.Platform, e.IsAdmin(caller))
}

// HomeAs is the Home page a member (admin false) or an admin of platform sees: for the preview,
// which shows both and has no caller to ask about.
func (e *Engine) HomeAs(ctx context.Context, platform string, admin bool) Reply {
	r := Reply{Title: "briefbot", Private: true, Blocks: []Block{{Kind: Paragraph,
		Text: "Policy briefings: each party's position side by side, with the briefing's source. " +
			"Press a button, or type a command; /" + e.nameOf(platform, "help") + " lists them all."}}}
	r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Briefings"})
	for _, b := range e.lib.Briefings() {
		r.Blocks = append(r.Blocks, e.briefingLine(ctx, b))
	}
	if admin {
		r.Blocks = append(r.Blocks, e.digestLines(ctx)...)
	}
	r.Actions = e.homeActions(platform, admin)
	return r
}

// briefingLine names a briefing with its version, and says what moved since the version before,
// counted as /changes counts it.
func (e *Engine) briefingLine(ctx context.Context, b *briefings.Briefing) Block {
	text := fmt.Sprintf("%s, %d issues", versionLabel(b), len(b.Issues))
	if b == e.fallback {
		text += ", the default"
	}
	text += ". " + e.lately(ctx, b)
	return Block{Kind: Item, Label: b.Title, Text: text}
}

// lately says what changed in b since its previous stored version, in one sentence.
func (e *Engine) lately(ctx context.Context, b *briefings.Briefing) string {
	if e.versions == nil {
		return "No earlier version is known."
	}
	prev, err := e.versions.Previous(ctx, b.ID, b.Version)
	switch {
	case err != nil:
		return "Earlier versions cannot be read now."
	case prev == nil:
		return "No earlier version is known."
	}
	c := briefings.Diff(prev, b)
	if c.Empty() {
		return "Nothing moved since " + versionLabel(prev) + "."
	}
	return "Since " + versionLabel(prev) + ": " + countChanges(changeGroups(c, b)) + "."
}

// digestLines are each digest channel's next run and last result, then the pauses and skipped
// days in force: what /digest status shows, without its audit trail.
func (e *Engine) digestLines(ctx context.Context) []Block {
	out := []Block{{Kind: Heading, Text: "Digests"}}
	if e.digests == nil || len(e.digests.Digests()) == 0 {
		return append(out, Block{Kind: Paragraph, Text: "No digest is configured."})
	}
	all, err := e.digests.Status(ctx)
	if err != nil {
		return append(out, Block{Kind: Paragraph, Text: "The ledger cannot be read now."})
	}
	holds, err := e.digests.Holds(ctx, "")
	if err != nil {
		return append(out, Block{Kind: Paragraph, Text: "The ledger cannot be read now."})
	}
	paused := map[string]bool{}
	for _, h := range holds {
		paused[h.Digest] = paused[h.Digest] || h.Skip == ""
	}
	for _, st := range all {
		text, times := statusLine(st, paused[st.Digest])
		out = append(out, Block{Kind: Item, Label: st.Digest + " → " + st.Platform + " " + st.Channel, Text: text, Times: times})
	}
	if len(holds) > 0 {
		out = append(out, Block{Kind: Heading, Text: "Paused and skipped"})
		for _, h := range holds {
			out = append(out, holdBlock(h))
		}
	}
	return out
}

// homeActions are the home page's buttons: each common command as its first /help example, so
// that it answers from what is loaded. The label is the line as typed on platform, which teaches
// the command; the command is the table's name, which Parse reads on every platform.
func (e *Engine) homeActions(platform string, admin bool) []Action {
	var out []Action
	for _, name := range homeCommands {
		c, ok := e.Command(name)
		if !ok {
			continue
		}
		labels, lines := e.examples(platform, c), e.examplesAs("/"+c.Name, platform, c)
		if len(labels) == 0 || len(lines) == 0 {
			continue
		}
		out = append(out, Action{Label: labels[0], Command: lines[0]})
	}
	if c, ok := e.Command("digest"); ok && admin {
		out = append(out, Action{Label: "/" + e.NameOn(platform, c) + " " + DigestStatus, Command: "/digest " + DigestStatus})
	}
	return out
}

// nameOf is the name command has on platform, or the name itself when no command has it.
func (e *Engine) nameOf(platform, command string) string {
	if c, ok := e.Command(command); ok {
		return e.NameOn(platform, c)
	}
	return command
}
