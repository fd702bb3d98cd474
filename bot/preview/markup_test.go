package preview

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"briefbot/bot"
)

func TestDiscordMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**Over 70%**: share", "<p><strong>Over 70%</strong>: share</p>"},
		{`5 \* 3 \_x\_`, "<p>5 * 3 _x_</p>"},
		{`\- not a list`, "<p>- not a list</p>"},
		{"- **1846**: war\n- 2025: plan", "<ul><li><strong>1846</strong>: war</li><li>2025: plan</li></ul>"},
		{"> one\n> two", "<blockquote>one<br>two</blockquote>"},
		{"*it* and __under__ ~~gone~~", "<p><em>it</em> and <u>under</u> <s>gone</s></p>"},
		{"snake_case_name", "<p>snake_case_name</p>"},
		{"`**code**`", "<p><code>**code**</code></p>"},
		{"<@80351110224678912> <@&1> <#2>", `<p><span class="mention">@user</span> <span class="mention">@role</span> <span class="mention">#channel</span></p>`},
		{"<script>x</script> & \"q\"", "<p>&lt;script&gt;x&lt;/script&gt; &amp; &#34;q&#34;</p>"},
		{"[docs](https://example.org/a?b=1&c=2)", `<p><a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">docs</a></p>`},
		{"[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"},
		{"a\n\nb", "<p>a</p><p>b</p>"},
		{"# Big", `<div class="h1">Big</div>`},
		{"**unclosed", "<p>**unclosed</p>"},
	}
	for _, tc := range tests {
		if got := string(discordBlock(tc.in)); got != tc.want {
			t.Errorf("discordBlock(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestSlackMrkdwn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"*Over 70%*: share", "<p><strong>Over 70%</strong>: share</p>"},
		{"&lt;!channel&gt; &amp; &quot;", "<p>&lt;!channel&gt; &amp; &amp;quot;</p>"},
		{"<!channel> <@U123> <#C1|general>", `<p><span class="mention">@channel</span> <span class="mention">@user</span> <span class="mention">#general</span></p>`},
		{"> quoted &gt; text\n> more", "<blockquote>quoted &gt; text<br>more</blockquote>"},
		{"2*3*4 and _it_ ~x~", "<p>2*3*4 and <em>it</em> <s>x</s></p>"},
		{"`a &lt; b`", "<p><code>a &lt; b</code></p>"},
		{"<https://example.org|the site>", `<p><a href="https://example.org" rel="noopener noreferrer nofollow" target="_blank">the site</a></p>`},
		{"<javascript:alert(1)|x>", "<p>&lt;javascript:alert(1)|x&gt;</p>"},
		{"• item", "<p>• item</p>"},
	}
	for _, tc := range tests {
		if got := string(slackBlock(tc.in)); got != tc.want {
			t.Errorf("slackBlock(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got := string(slackPlain("Mexico &amp; the U.S. <b>")); got != "Mexico &amp; the U.S. &lt;b&gt;" {
		t.Errorf("slackPlain = %q", got)
	}
}

// ownTags are the only tags the converters write.
var ownTags = regexp.MustCompile(`</?(p|br|ul|li|blockquote|strong|em|u|s|code|pre|div|span)( class="[a-z0-9 ]+")?>|<a href="https?://[^"<>]*" rel="noopener noreferrer nofollow" target="_blank">|</a>`)

// FuzzMarkupIsSafe: whatever a briefing or a user writes, the page gets only the converters' own
// tags, and the converters never panic.
func FuzzMarkupIsSafe(f *testing.F) {
	for _, s := range []string{"**a**", "<@1>", "[x](https://a)", "> q\n- l", "<https://a|b>", "```\ncode\n```", "*_~`|\\<&", "&lt;&amp;", "<a href=x onclick=y>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, out := range map[string]string{
			"discordBlock": string(discordBlock(s)), "discordLine": string(discordLine(s)),
			"slackBlock": string(slackBlock(s)), "slackPlain": string(slackPlain(s)),
		} {
			if rest := ownTags.ReplaceAllString(out, ""); strings.ContainsAny(rest, "<>") {
				t.Fatalf("%s(%q) = %q: markup of its own", name, s, out)
			}
		}
	})
}

func TestLimitsShownWhenNear(t *testing.T) {
	long := bot.Reply{Title: "Long"}
	for range 60 {
		long.Blocks = append(long.Blocks, bot.Block{Kind: bot.Item, Label: "Figure", Text: strings.Repeat("word ", 20)})
		long.Fields = append(long.Fields, bot.Field{Name: "Party", Value: strings.Repeat("text ", 10)})
	}
	short := bot.Reply{Title: "Short", Blocks: []bot.Block{{Text: "One line."}}}
	for _, tc := range []struct {
		name  string
		reply bot.Reply
		near  bool
	}{{"long", long, true}, {"short", short, false}} {
		dc, err := renderDiscord(tc.reply)
		if err != nil {
			t.Fatal(err)
		}
		sl, err := renderSlack(tc.reply)
		if err != nil {
			t.Fatal(err)
		}
		if dc.Meter.Near() != tc.near || sl.Meter.Near() != tc.near {
			t.Errorf("%s reply: Discord %d of %d, Slack %d of %d; want near = %v",
				tc.name, dc.Meter.Used, dc.Meter.Max, sl.Meter.Used, sl.Meter.Max, tc.near)
		}
		var buf bytes.Buffer
		if err := pageTemplate().ExecuteTemplate(&buf, "answer", &answerView{Discord: dc, Slack: sl}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(buf.String(), "near the limit"); got != map[bool]int{true: 2, false: 0}[tc.near] {
			t.Errorf("%s reply: the page warns %d times of a near limit", tc.name, got)
		}
	}
}
