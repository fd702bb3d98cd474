package yamlfile

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"briefbot/internal/fuzzy"
)

// nameLike is what a key must look like to be quoted back: a mistyped key is, a value pasted where
// a key belongs (a token, "secret:VALUE" with no space after the colon) is not.
var nameLike = regexp.MustCompile(`^[A-Za-z][A-Za-z_-]{0,31}$`)

// quoteKey quotes a key when that is safe to show, else describes it by its length.
func quoteKey(key string, names []string) string {
	if nameLike.MatchString(key) || slices.Contains(names, key) {
		return strconv.Quote(key)
	}
	if _, ok := fuzzy.Closest(key, names); ok {
		return strconv.Quote(key)
	}
	return fmt.Sprintf("(%d characters, not a name)", len([]rune(key)))
}

// structFields adds t's keys to fields and returns their names in order, as yaml reads them:
// the tag's name or the lower-cased field name; ",inline" structs add their own.
func structFields(t reflect.Type, fields map[string]reflect.Type, names []string) []string {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				names = structFields(ft, fields, names)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if _, dup := fields[name]; !dup {
			names = append(names, name)
		}
		fields[name] = f.Type
	}
	return names
}

// mapPath names a map's entry by its key when the key looks like a name.
func mapPath(path, key string) string {
	if nameLike.MatchString(key) {
		return join(path, key)
	}
	return path + "[...]"
}

func label(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}

func in(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a single value"
}
