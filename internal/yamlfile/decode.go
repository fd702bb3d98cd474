package yamlfile

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"briefbot/internal/fuzzy"
)

// Unmarshal is Parse then Decode: data's one document into v. An empty document leaves v as it is.
func Unmarshal(file string, data []byte, v any) error {
	n, err := Parse(file, data)
	if err != nil || n == nil {
		return err
	}
	return Decode(file, n, v)
}

// Decode fills v, a non-nil pointer, from n, the way yaml's own decoder does, but strictly and
// with every problem at once, as Errors sorted by line:
//
//   - a key that v's type does not have (with the key probably meant: did you mean "schedule"?),
//   - a key set twice in one mapping,
//   - a value of the wrong kind (a list where one value belongs, "sometimes" for true or false),
//     named by its path (digests[0].schedule), never quoted.
//
// Keys are the fields' yaml tags, else their lower-cased names, as for yaml. Values that are wrong
// are left at their zero value and everything else is decoded, so a caller can go on to check the
// rest. Types that decode themselves (yaml.Unmarshaler, yaml.Node, interfaces) take anything.
func Decode(file string, n *yaml.Node, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{File: file, Msg: fmt.Sprintf("cannot decode into %T: not a pointer", v)}
	}
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	c := &checker{file: file, drop: map[*yaml.Node]bool{}, seen: map[visit]bool{}}
	c.check(n, rv.Type().Elem(), "")
	clean := c.copy(n, map[*yaml.Node]*yaml.Node{})
	if err := clean.Decode(v); err != nil {
		c.errs = append(c.errs, decodeErrors(file, err, c.errs)...)
	}
	return c.errs.Err()
}

type visit struct {
	n *yaml.Node
	t reflect.Type
}

// checker walks a node tree beside the type it decodes into.
type checker struct {
	file string
	errs Errors
	// drop holds the nodes left out of decoding: the keys set twice and the values of the wrong kind.
	drop map[*yaml.Node]bool
	// seen holds the anchors already checked for a type, so aliases cost nothing more.
	seen map[visit]bool
}

func (c *checker) errorf(n *yaml.Node, format string, args ...any) {
	c.errs = append(c.errs, Errorf(c.file, n, format, args...))
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
	nodeType        = reflect.TypeFor[yaml.Node]()
	durationType    = reflect.TypeFor[time.Duration]()
	timeType        = reflect.TypeFor[time.Time]()
)

func (c *checker) check(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || c.seen[visit{n.Alias, t}] {
			return
		}
		c.seen[visit{n.Alias, t}] = true
		c.check(n.Alias, t, path)
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface || t == nodeType || reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	switch {
	case t == timeType || reflect.PointerTo(t).Implements(textType):
		c.scalar(n, t, path)
	case t.Kind() == reflect.Struct:
		if c.seen[visit{n, t}] {
			return // merged into another mapping, and checked there
		}
		c.seen[visit{n, t}] = true
		if c.want(n, yaml.MappingNode, path) {
			c.mapping(n, t, path)
		}
	case t.Kind() == reflect.Map:
		if c.want(n, yaml.MappingNode, path) {
			c.mapping(n, t, path)
		}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		if c.want(n, yaml.SequenceNode, path) {
			for i, item := range n.Content {
				c.check(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	default:
		c.scalar(n, t, path)
	}
}

// want reports whether n is of kind k, else reports the problem and drops n.
func (c *checker) want(n *yaml.Node, k yaml.Kind, path string) bool {
	if n.Kind == k {
		return true
	}
	c.drop[n] = true
	switch k {
	case yaml.MappingNode:
		c.errorf(n, "%s must be a mapping of keys (key: value)", label(path))
	case yaml.SequenceNode:
		c.errorf(n, "%s must be a list ([a, b], or one \"- item\" per line)", label(path))
	default:
		c.errorf(n, "%s must be a single value, not %s", label(path), kindName(n.Kind))
	}
	return false
}

// scalar checks a value by decoding it alone, so the rules are yaml's own.
func (c *checker) scalar(n *yaml.Node, t reflect.Type, path string) {
	if !c.want(n, yaml.ScalarNode, path) {
		return
	}
	if err := n.Decode(reflect.New(t).Interface()); err == nil {
		return
	}
	c.drop[n] = true
	switch {
	case t == durationType:
		c.errorf(n, "%s must be a duration such as 90s, 30m or 2h", label(path))
	case t == timeType:
		c.errorf(n, "%s must be a date such as 2025-04-01", label(path))
	case t.Kind() == reflect.Bool:
		c.errorf(n, "%s must be true or false", label(path))
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uintptr:
		c.errorf(n, "%s must be a whole number in range", label(path))
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		c.errorf(n, "%s must be a number", label(path))
	default:
		c.errorf(n, "%s has a value that cannot be read", label(path))
	}
}

// mapping checks the keys of a mapping against a struct's fields (or a map's key type), and each
// value against its field's type.
func (c *checker) mapping(n *yaml.Node, t reflect.Type, path string) {
	var fields map[string]reflect.Type
	var names []string
	if t.Kind() == reflect.Struct {
		fields = map[string]reflect.Type{}
		names = structFields(t, fields, nil)
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.drop[k] = true
			c.errorf(k, "a key%s must be a plain name, not %s", in(path), kindName(k.Kind))
			continue
		}
		if k.ShortTag() == "!!merge" {
			c.merge(v, t, path)
			continue
		}
		if f, ok := first[k.Value]; ok {
			c.drop[k] = true
			c.errorf(k, "%s is set twice%s (first at line %d)", quoteKey(k.Value, names), in(path), f.Line)
			continue
		}
		first[k.Value] = k
		if fields == nil {
			c.check(v, t.Elem(), mapPath(path, k.Value))
			continue
		}
		ft, ok := fields[k.Value]
		if !ok {
			c.drop[k] = true
			c.unknown(k, names, path)
			continue
		}
		c.check(v, ft, join(path, k.Value))
	}
}

// merge checks the mappings a "<<:" key merges in as part of the mapping it is in.
func (c *checker) merge(v *yaml.Node, t reflect.Type, path string) {
	v = deref(v)
	switch v.Kind {
	case yaml.MappingNode:
		if !c.seen[visit{v, t}] {
			c.seen[visit{v, t}] = true
			c.mapping(v, t, path)
		}
	case yaml.SequenceNode:
		for _, item := range v.Content {
			if item = deref(item); item.Kind == yaml.MappingNode {
				c.merge(item, t, path)
			}
		}
	}
}

func (c *checker) unknown(k *yaml.Node, names []string, path string) {
	key := k.Value
	if i := strings.IndexAny(key, ": \t="); i > 0 && slices.Contains(names, key[:i]) {
		what := "needs a space after its colon"
		if key[i] != ':' {
			what = "is followed by more text"
		}
		c.errorf(k, "%q%s %s: write \"%s: value\"", key[:i], in(path), what, key[:i])
		return
	}
	if s, ok := fuzzy.Closest(key, names); ok {
		c.errorf(k, "unknown key %s%s; did you mean %q?", quoteKey(key, names), in(path), s)
		return
	}
	c.errorf(k, "unknown key %s%s (known: %s)", quoteKey(key, names), in(path), strings.Join(names, ", "))
}

// copy returns n's tree without the dropped nodes (a dropped key goes with its value; a dropped
// value becomes null), so yaml decodes everything else.
func (c *checker) copy(n *yaml.Node, done map[*yaml.Node]*yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if m, ok := done[n]; ok {
		return m
	}
	m := *n
	done[n] = &m
	if c.drop[n] {
		m = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
		return &m
	}
	m.Alias = c.copy(n.Alias, done)
	m.Content = make([]*yaml.Node, 0, len(n.Content))
	for i := 0; i < len(n.Content); i++ {
		if n.Kind == yaml.MappingNode && i%2 == 0 && c.drop[n.Content[i]] {
			i++
			continue
		}
		m.Content = append(m.Content, c.copy(n.Content[i], done))
	}
	return &m
}

var (
	libLine = regexp.MustCompile(`^line (\d+): (.*)$`)
	quoted  = regexp.MustCompile("`[^`]*`" + `|"(?:[^"\\]|\\.)*"`)
)

// decodeErrors turns what yaml's decoder still finds into Errors. It finds little after the
// check (too many aliases, a value the check did not foresee); what it quotes from the file, the
// first characters of a value or a key, is taken out.
func decodeErrors(file string, err error, have Errors) Errors {
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	lines := map[int]bool{}
	for _, e := range have {
		lines[e.Line] = true
	}
	var errs Errors
	for _, m := range msgs {
		m = quoted.ReplaceAllString(m, "a value")
		e := &Error{File: file, Msg: m}
		if sm := libLine.FindStringSubmatch(m); sm != nil {
			e.Line, _ = strconv.Atoi(sm[1])
			e.Msg = sm[2]
		}
		if e.Line == 0 || !lines[e.Line] {
			errs = append(errs, e)
		}
	}
	return errs
}
