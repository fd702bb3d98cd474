package config

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"briefbot/internal/diskfile"
	"briefbot/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Load reads and checks the config file at path. lookupEnv supplies ${VAR}: os.LookupEnv, or a
// map's lookup in tests; it tells a variable set to "" from one not set at all.
//
// The error, when there is one, is a yamlfile.Errors: every problem, one FILE:LINE: message per
// line, sorted by line. A config comes back with it when the file could be read as a whole, so
// that the caller can check what only it can (the briefings named, the adapters' settings) and
// report every problem at once; such a config is never to be run.
//
// Only a regular file (a link is followed) of at most MaxFileSize is read: a named pipe would
// block the read, and a device or a huge file would exhaust memory.
func Load(path string, lookupEnv func(string) (string, bool), opts ...Option) (*Config, error) {
	f, err := diskfile.Open(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read config: %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read config: %s: %w", path, diskfile.Reason(err))
	}
	data, err := diskfile.ReadAll(f, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read config: %s: %w", path, err)
	}
	return parse(path, data, lookupEnv, info.Mode().Perm(), opts)
}

// MaxFileSize is the largest config file read, 1 MiB: a config with a thousand digests is a
// fraction of it, and a YAML tree takes many times its text in memory.
const MaxFileSize = 1 << 20

// Parse reads and checks config text as Load does; file names it in messages. With no file to
// look at, it cannot warn about secrets that others may read.
func Parse(file string, data []byte, lookupEnv func(string) (string, bool), opts ...Option) (*Config, error) {
	return parse(file, data, lookupEnv, 0, opts)
}

// An Option changes how Load and Parse read a file.
type Option func(*loader)

// Clock is the clock by which the file's dates are judged past (time.Now by default). A
// skip_dates date that has passed is a warning, not an error: a file valid yesterday must not
// stop the bot today.
func Clock(now func() time.Time) Option {
	return func(l *loader) {
		if now != nil {
			l.now = now
		}
	}
}

// loader is one reading of a file: what was expanded from the environment, and which values are
// already known to be wrong, so that a check that depends on them stays quiet.
type loader struct {
	c     *Config
	errs  yamlfile.Errors
	warns yamlfile.Errors
	bad   map[*yaml.Node]bool
	env   map[*yaml.Node]*expansion
	now   func() time.Time
	// calendars are the calendar files read, by path, so that digests sharing one read it once.
	calendars map[string]calendarFile
}

// expansion is what a scalar's ${VAR} references were.
type expansion struct {
	vars   []string
	values []string
	// literal: part of the value is written in the file (text around a reference, a default).
	literal bool
}

// from names where a value came from, which is what a message may show instead of the value.
func (x *expansion) from() string {
	refs := make([]string, len(x.vars))
	for i, v := range x.vars {
		refs[i] = "${" + v + "}"
	}
	return "from " + strings.Join(refs, " and ")
}

func parse(file string, data []byte, lookupEnv func(string) (string, bool), mode fs.FileMode, opts []Option) (*Config, error) {
	c := &Config{File: file}
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	root, err := yamlfile.Parse(file, data)
	if err != nil {
		var errs yamlfile.Errors
		errs = errs.Append(file, err)
		for _, e := range errs {
			flowHint(e, data)
		}
		return nil, errs
	}
	if root == nil {
		c.applyDefaults()
		return c, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, yamlfile.Errors{yamlfile.Errorf(file, root, "the config is a mapping of sections (http:, discord:, slack:, ...)")}
	}
	c.root = root
	l := &loader{c: c, bad: map[*yaml.Node]bool{}, env: map[*yaml.Node]*expansion{}, now: time.Now, calendars: map[string]calendarFile{}}
	for _, opt := range opts {
		opt(l)
	}
	l.expand(root, lookupEnv)
	var decoded yamlfile.Errors
	for _, e := range decoded.Append(file, yamlfile.Decode(file, root, c)) {
		l.bad[e.Node] = true
		l.errs = append(l.errs, e)
	}
	c.applyDefaults()
	l.collectSecrets()
	l.validate()
	l.warn(mode)
	if err := l.errs.Err(); err != nil {
		// The file was read whole: the caller may still check what it names (briefings, the
		// adapters' settings) and report every problem in one pass, but must not run it.
		return c, err
	}
	l.warns.Sort()
	for _, w := range l.warns {
		c.Warnings = append(c.Warnings, w.Error())
	}
	return c, nil
}

// flowHint explains a syntax error on a line with a {...} mapping and a ${VAR}: unquoted, the
// reference ends at its "}", which YAML takes for the end of the mapping.
func flowHint(e *yamlfile.Error, data []byte) {
	lines := bytes.Split(data, []byte("\n"))
	if e.Line < 1 || e.Line > len(lines) {
		return
	}
	line := lines[e.Line-1]
	refs := bytes.Count(line, []byte("${"))
	if refs > 0 && bytes.Count(line, []byte("{")) > refs {
		e.Msg += ` (in a {...} mapping, quote a reference: "${VAR}")`
	}
}

// envRef is ${NAME} or ${NAME:-default}. A default holds no "$", so references do not nest.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^$}]*))?\}`)

// expand replaces ${VAR} in every value (keys stay as written). A variable that is not set, or
// set but empty, is an error naming it (never a value), so a missing secret is found by
// `config check`, not at 3 a.m.; ${VAR:-} allows it empty.
func (l *loader) expand(n *yaml.Node, lookupEnv func(string) (string, bool)) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			l.expand(n.Content[i], lookupEnv)
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			l.expand(item, lookupEnv)
		}
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "${") {
			l.expandScalar(n, lookupEnv)
		}
	}
}

func (l *loader) expandScalar(n *yaml.Node, lookupEnv func(string) (string, bool)) {
	orig := n.Value
	x := &expansion{}
	l.env[n] = x
	rest := envRef.ReplaceAllString(orig, "")
	x.literal = rest != ""
	if strings.Contains(rest, "${") {
		l.errs = append(l.errs, yamlfile.Errorf(l.c.File, n, "a ${ that is neither ${NAME} nor ${NAME:-default}"))
		l.bad[n] = true
		n.Value = ""
		return
	}
	n.Value = envRef.ReplaceAllStringFunc(orig, func(ref string) string {
		m := envRef.FindStringSubmatch(ref)
		name, hasDefault, def := m[1], m[2] != "", m[3]
		if !slices.Contains(x.vars, name) {
			x.vars = append(x.vars, name)
		}
		v, set := lookupEnv(name)
		switch {
		case v != "":
			x.values = append(x.values, v)
			return v
		case hasDefault:
			x.literal = x.literal || def != ""
			return def
		case set:
			l.errs = append(l.errs, yamlfile.Errorf(l.c.File, n, "environment variable %s is set but empty (write ${%s:-} to allow it empty)", name, name))
		default:
			l.errs = append(l.errs, yamlfile.Errorf(l.c.File, n, "environment variable %s is not set (write ${%s:-} to allow it empty)", name, name))
		}
		l.bad[n] = true
		return ""
	})
	if n.Style == 0 {
		n.Tag = "" // a plain value's type comes from the expanded text: ${GATEWAY} may be true
	}
}

// node is the node at path as written (an alias where the file has one), or the nearest one above
// it; exact says whether path is there.
func (l *loader) node(path ...any) (n *yaml.Node, exact bool) {
	return yamlfile.Find(l.c.root, path...)
}

// value is the node that holds the value at path: an alias's anchor, where ${VAR} was expanded
// and where a wrong value is reported.
func (l *loader) value(path ...any) (n *yaml.Node, exact bool) {
	n, exact = l.node(path...)
	for i := 0; exact && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n, exact
}

// failed reports whether the value at path is there and already reported as wrong.
func (l *loader) failed(path ...any) bool {
	n, exact := l.node(path...)
	v, _ := l.value(path...)
	return exact && (l.bad[n] || l.bad[v])
}

// problem reports what is wrong with the value at path, unless it is already reported. Its
// arguments are the loader's own: values in them are quoted through show.
func (l *loader) problem(path []any, format string, args ...any) {
	if l.failed(path...) {
		return
	}
	n, exact := l.node(path...)
	l.errs = append(l.errs, l.c.ownError(n, format, args...))
	if exact {
		l.bad[n] = true
	}
}

func (l *loader) warning(path []any, format string, args ...any) {
	n, _ := l.node(path...)
	e := l.c.ownError(n, "warning: "+format, args...)
	l.warns = append(l.warns, e)
}

// show is how a message shows the value at path: quoted, or, when it came from the environment,
// only where from and how long.
func (l *loader) show(path []any, v string) string {
	if n, exact := l.value(path...); exact && l.env[n] != nil {
		return fmt.Sprintf("%s (%d characters)", l.env[n].from(), len([]rune(v)))
	}
	return strconv.Quote(v)
}

// fromEnv reports whether the value at path came from the environment, so must not be quoted
// back, nor a suggestion made from it.
func (l *loader) fromEnv(path ...any) bool {
	n, exact := l.value(path...)
	return exact && l.env[n] != nil
}

// Errorf reports a problem with the value at path ("digests", 0, "briefing") at its line, or at
// the nearest line above when the value is not in the file. A secret or a value from the
// environment given as an argument is shown as where it came from and its length instead, and
// one inside the message is taken out.
func (c *Config) Errorf(path []any, format string, args ...any) error {
	n, _ := yamlfile.Find(c.root, path...)
	return c.errorAt(n, format, args...)
}

func (c *Config) errorAt(n *yaml.Node, format string, args ...any) *yamlfile.Error {
	return c.ownError(n, format, c.redact(args)...)
}

// ownError is errorAt for messages that quote values only through show; credentials are still
// taken out, whatever the message.
func (c *Config) ownError(n *yaml.Node, format string, args ...any) *yamlfile.Error {
	return yamlfile.Errorf(c.File, n, "%s", c.scrub(fmt.Sprintf(format, args...)))
}
