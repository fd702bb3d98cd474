// Package yamlfile reads YAML files strictly and reports every problem as FILE:LINE: message, so
// that a person editing a file by hand is pointed at the line to fix.
//
// Messages never quote a value from the file: a value may be a token or a password, and the
// messages end up in terminals, logs and chat. Keys are quoted only when they look like names.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is one problem in a file.
type Error struct {
	File string
	Line int // 1-based; 0 when the problem has no place in the file
	Msg  string
	// Node is the node the problem is at, when there is one, so that a caller can tell which
	// values are already known to be wrong.
	Node *yaml.Node
}

func (e *Error) Error() string {
	msg := strings.ReplaceAll(e.Msg, "\n", " ")
	switch {
	case e.File == "":
		return msg
	case e.Line <= 0:
		return e.File + ": " + msg
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + msg
}

// Errorf makes an Error at n's line (no line when n is nil).
func Errorf(file string, n *yaml.Node, format string, args ...any) *Error {
	e := &Error{File: file, Msg: fmt.Sprintf(format, args...), Node: n}
	if n != nil {
		e.Line = n.Line
	}
	return e
}

// Errors are the problems found in one pass over a file.
type Errors []*Error

// Error is one problem per line, in the order of the list.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the problems by line, then by column (a problem without a node first), keeping
// the order of problems at the same place.
func (es Errors) Sort() {
	column := func(e *Error) int {
		if e.Node == nil {
			return 0
		}
		return e.Node.Column
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return column(es[i]) < column(es[j])
	})
}

// Err is nil for no problems, else the problems sorted by line.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	es.Sort()
	return es
}

// Append adds err to es: an Errors or an *Error as they are, anything else as a problem with no line.
func (es Errors) Append(file string, err error) Errors {
	var list Errors
	var one *Error
	switch {
	case err == nil:
		return es
	case errors.As(err, &list):
		return append(es, list...)
	case errors.As(err, &one):
		return append(es, one)
	}
	return append(es, &Error{File: file, Msg: err.Error()})
}

// Parse reads the one YAML document in data and returns its top node, or nil when the document
// is empty (nothing, or only comments). A syntax error is an *Error with the line it is on.
func Parse(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(file, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(file, data, err)
	case len(next.Content) > 0 && next.Content[0].ShortTag() != "!!null":
		return nil, Errorf(file, next.Content[0], "a second document after ---: a file holds one")
	}
	if len(doc.Content) == 0 || doc.Content[0].ShortTag() == "!!null" {
		return nil, nil
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^line (\d+): `)

// syntaxError gives a parser error its line: the first line whose prefix of the file fails the
// same way. The parser's own line is often the one before the mistake, and some of its errors (an
// unknown escape, an unknown anchor) carry none.
func syntaxError(file string, data []byte, err error) *Error {
	// The parser's messages are its own words, never text from the file, except an anchor's name.
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	if l := failingLine(data, msg); l > 0 {
		line = l
	}
	return &Error{File: file, Line: line, Msg: msg}
}

// maxSearchLines bounds the search for a line: each step parses a prefix of the file again.
const maxSearchLines = 1 << 16

func failingLine(data []byte, msg string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > maxSearchLines {
		return 0
	}
	fails := func(n int) bool {
		dec := yaml.NewDecoder(bytes.NewReader(bytes.Join(lines[:n], nil)))
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if err == nil {
				continue
			}
			m := strings.TrimPrefix(err.Error(), "yaml: ")
			return yamlLine.ReplaceAllString(m, "") == msg
		}
	}
	n := sort.Search(len(lines), func(n int) bool { return fails(n + 1) })
	if n == len(lines) {
		return 0
	}
	return n + 1
}

// Find returns the node at path, a list of mapping keys (string) and sequence indexes (int), from
// n (a document node or its top node), following aliases. When the whole path is there it returns
// that node and true; otherwise the deepest node on the way and false, which still points a reader
// at the right part of the file. A key set twice is found at its first place.
func Find(n *yaml.Node, path ...any) (*yaml.Node, bool) {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n == nil {
		return nil, false
	}
	for _, p := range path {
		next := child(deref(n), p)
		if next == nil {
			return n, false
		}
		n = next
	}
	return n, true
}

func child(n *yaml.Node, p any) *yaml.Node {
	switch p := p.(type) {
	case string:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == p {
					return n.Content[i+1]
				}
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && p >= 0 && p < len(n.Content) {
			return n.Content[p]
		}
	}
	return nil
}

// deref follows an alias to its anchor, as many times as aliases point at aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}
