package yamlfile_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"briefbot/internal/yamlfile"

	"go.yaml.in/yaml/v3"
)

type Item struct {
	Name string `yaml:"name"`
	Size int    `yaml:"size"`
}

type Common struct {
	Owner string `yaml:"owner"`
}

type Doc struct {
	Title    string            `yaml:"title"`
	Draft    bool              `yaml:"draft"`
	Schedule string            `yaml:"schedule"`
	Every    time.Duration     `yaml:"every"`
	Tags     []string          `yaml:"tags"`
	Items    []Item            `yaml:"items"`
	Labels   map[string]string `yaml:"labels"`
	Common   `yaml:",inline"`
	Computed string `yaml:"-"`
	Plain    string
	hidden   string
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // every error line, in order
	}{
		{"misspelt key", "title: a\nshedule: x\n", []string{`f.yaml:2: unknown key "shedule"; did you mean "schedule"?`}},
		{"unknown key lists the known", "colour: red\n",
			[]string{`f.yaml:1: unknown key "colour" (known: title, draft, schedule, every, tags, items, labels, owner, plain)`}},
		{"nested key", "items:\n  - name: a\n    sise: 2\n", []string{`f.yaml:3: unknown key "sise" in items[0]; did you mean "size"?`}},
		{"inline fields are keys", "owner: me\nowmer: you\n", []string{`f.yaml:2: unknown key "owmer"; did you mean "owner"?`}},
		{"tagless field is lower case", "plain: x\nPlain: y\n", []string{`f.yaml:2: unknown key "Plain"; did you mean "plain"?`}},
		{"skipped fields are not keys", "computed: x\n", []string{`f.yaml:1: unknown key "computed"`}},
		{"key twice", "title: a\ndraft: true\ntitle: b\n", []string{`f.yaml:3: "title" is set twice (first at line 1)`}},
		{"map key twice", "labels:\n  a: x\n  a: y\n", []string{`f.yaml:3: "a" is set twice in labels (first at line 2)`}},
		{"no space after colon", "items: [{name:secretvalue}]\n", []string{`f.yaml:1: "name" in items[0] needs a space after its colon: write "name: value"`}},
		{"not a name", "xoxb-1234-5678-abcdef: 1\n", []string{`f.yaml:1: unknown key (21 characters, not a name) (known:`}},
		{"complex key", "? [a]\n: b\n", []string{`f.yaml:1: a key must be a plain name, not a list`}},
		{"bool", "draft: sometimes\n", []string{"f.yaml:1: draft must be true or false"}},
		{"int", "items: [{size: big}]\n", []string{"f.yaml:1: items[0].size must be a whole number in range"}},
		{"duration", "every: soon\n", []string{"f.yaml:1: every must be a duration such as 90s, 30m or 2h"}},
		{"list for a value", "title: [a, b]\n", []string{"f.yaml:1: title must be a single value, not a list"}},
		{"value for a list", "tags: a\n", []string{"f.yaml:1: tags must be a list"}},
		{"value for a mapping", "items: [a]\n", []string{"f.yaml:1: items[0] must be a mapping of keys"}},
		{"document not a mapping", "- a\n", []string{"f.yaml:1: the document must be a mapping of keys"}},
		{"syntax", "title: a\ntags: [a\n", []string{"f.yaml:2: did not find expected ',' or ']'"}},
		{"syntax without a line from yaml", "title: a\ndraft: false\ntitle2: \"\\q\"\n", []string{"f.yaml:3: found unknown escape character"}},
		{"unknown anchor", "title: a\n\ntags: *nope\n", []string{"f.yaml:3: unknown anchor 'nope' referenced"}},
		{"second document", "title: a\n---\ntitle: b\n", []string{"f.yaml:3: a second document after ---"}},
		{"all at once, by line", "tags: a\nshedule: x\ndraft: maybe\ntitle: a\ntitle: b\n", []string{
			"f.yaml:1: tags must be a list",
			`f.yaml:2: unknown key "shedule"; did you mean "schedule"?`,
			"f.yaml:3: draft must be true or false",
			`f.yaml:5: "title" is set twice (first at line 4)`,
		}},
		{"merged keys are checked", "base: &b {nmae: x}\n", []string{`f.yaml:1: unknown key "base"`}},
		{"merge", "items:\n  - &b {name: x, colour: red}\n  - {<<: *b, size: 1}\n", []string{`f.yaml:2: unknown key "colour" in items[0]`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d Doc
			err := yamlfile.Unmarshal("f.yaml", []byte(tc.text), &d)
			if err == nil {
				t.Fatalf("Unmarshal(%q) = nil; want %q", tc.text, tc.want)
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(tc.want) {
				t.Fatalf("Unmarshal(%q) =\n%v\nwant %d lines: %q", tc.text, err, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("Unmarshal(%q) line %d = %q; want it to start with %q", tc.text, i+1, got[i], tc.want[i])
				}
			}
		})
	}
}

// The library quotes the first characters of a value in its type errors; a value may be a secret.
func TestErrorsNeverQuoteValues(t *testing.T) {
	for _, text := range []string{
		"draft: s3cr3tvalue\n",
		"every: s3cr3tvalue\n",
		"items: [{size: s3cr3tvalue}]\n",
		"items: [{name:s3cr3tvalue}]\n",
		"s3cr3tvalue: 1\n",
		"title: x\ns3cr3tvalue:\n",
		"labels: {s3cr3tvalue: 1, s3cr3tvalue: 2}\n",
		"items: [s3cr3tvalue]\n",
	} {
		var d Doc
		err := yamlfile.Unmarshal("f.yaml", []byte(text), &d)
		if err == nil {
			t.Errorf("Unmarshal(%q) = nil; want an error", text)
			continue
		}
		if strings.Contains(err.Error(), "s3cr") {
			t.Errorf("Unmarshal(%q) = %v; it shows the value", text, err)
		}
	}
}

func TestDecodeKeepsTheRest(t *testing.T) {
	text := "title: T\ndraft: maybe\ntags: [a, b]\ncolour: red\nitems:\n  - {name: x, size: huge}\n  - {name: y, size: 2}\ntitle: again\nevery: 90s\nowner: me\n"
	var d Doc
	err := yamlfile.Unmarshal("f.yaml", []byte(text), &d)
	var es yamlfile.Errors
	if !errors.As(err, &es) || len(es) != 4 {
		t.Fatalf("Unmarshal = %v; want 4 errors", err)
	}
	if es[0].Node == nil || es[0].Node.Line != 2 {
		t.Errorf("first error's node = %+v; want the node at line 2", es[0].Node)
	}
	want := Doc{Title: "T", Tags: []string{"a", "b"}, Items: []Item{{Name: "x"}, {Name: "y", Size: 2}}, Every: 90 * time.Second}
	want.Owner = "me"
	if d.Title != want.Title || d.Draft || strings.Join(d.Tags, ",") != "a,b" || len(d.Items) != 2 ||
		d.Items[0] != want.Items[0] || d.Items[1] != want.Items[1] || d.Every != want.Every || d.Owner != "me" {
		t.Errorf("decoded %+v; want %+v", d, want)
	}
}

func TestUnmarshalGood(t *testing.T) {
	text := `title: T
draft: yes
every: 2h
tags: [a]
defaults: &d {size: 3}
items:
  - {<<: *d, name: x}
labels: {k: v}
owner: me
plain: p
`
	type withDefaults struct {
		Doc      `yaml:",inline"`
		Defaults yaml.Node `yaml:"defaults"`
	}
	var d withDefaults
	if err := yamlfile.Unmarshal("f.yaml", []byte(text), &d); err != nil {
		t.Fatal(err)
	}
	if !d.Draft || d.Every != 2*time.Hour || d.Items[0] != (Item{Name: "x", Size: 3}) || d.Labels["k"] != "v" || d.Plain != "p" {
		t.Errorf("decoded %+v", d)
	}
	for _, empty := range []string{"", "# only a comment\n", "~\n", "title: a\n---\n"} {
		var d Doc
		if err := yamlfile.Unmarshal("f.yaml", []byte(empty), &d); err != nil {
			t.Errorf("Unmarshal(%q) = %v", empty, err)
		}
	}
}

func TestDecodeNeedsAPointer(t *testing.T) {
	n, _ := yamlfile.Parse("f.yaml", []byte("title: a\n"))
	if err := yamlfile.Decode("f.yaml", n, Doc{}); err == nil {
		t.Error("Decode into a struct value = nil; want an error")
	}
}

func TestFind(t *testing.T) {
	text := "a:\n  b:\n    - x\n    - {c: 1}\nd: &anchor\n  e: 2\nf: *anchor\n"
	root, err := yamlfile.Parse("f.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path  []any
		line  int
		exact bool
	}{
		{nil, 1, true},
		{[]any{"a"}, 2, true},
		{[]any{"a", "b", 0}, 3, true},
		{[]any{"a", "b", 1, "c"}, 4, true},
		{[]any{"a", "b", 5}, 3, false},
		{[]any{"a", "zz", 0}, 2, false},
		{[]any{"f", "e"}, 6, true},
		{[]any{"a", 0}, 2, false},
	}
	for _, tc := range tests {
		n, ok := yamlfile.Find(root, tc.path...)
		if n == nil || n.Line != tc.line || ok != tc.exact {
			t.Errorf("Find(%v) = line %v, %v; want line %d, %v", tc.path, n, ok, tc.line, tc.exact)
		}
	}
	if n, ok := yamlfile.Find(nil, "a"); n != nil || ok {
		t.Errorf("Find(nil) = %v, %v", n, ok)
	}
}

func TestErrorText(t *testing.T) {
	es := yamlfile.Errors{
		{File: "f.yaml", Line: 3, Msg: "c"},
		{File: "f.yaml", Msg: "no line"},
		{File: "f.yaml", Line: 1, Msg: "a\nb"},
		{Msg: "bare"},
	}
	want := "f.yaml: no line\nbare\nf.yaml:1: a b\nf.yaml:3: c"
	if got := es.Err().Error(); got != want {
		t.Errorf("Errors = %q; want %q", got, want)
	}
	if (yamlfile.Errors{}).Err() != nil {
		t.Error("no errors is not nil")
	}
	var list yamlfile.Errors
	list = list.Append("f.yaml", errors.New("plain"))
	list = list.Append("f.yaml", yamlfile.Errorf("f.yaml", nil, "one"))
	list = list.Append("f.yaml", es)
	list = list.Append("f.yaml", nil)
	if len(list) != 6 || list[0].Error() != "f.yaml: plain" {
		t.Errorf("Append = %v", list)
	}
}

// FuzzUnmarshal: any text is decoded or refused with lines naming the file; nothing panics.
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte("title: a\ndraft: true\nitems: [{name: x, size: 1}]\nlabels: {a: b}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("items:\n  - &b {name: x}\n  - {<<: *b, size: 1}\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		var d Doc
		err := yamlfile.Unmarshal("f.yaml", text, &d)
		if err == nil {
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, "f.yaml") {
				t.Fatalf("an error line without the file name: %q", line)
			}
		}
	})
}
