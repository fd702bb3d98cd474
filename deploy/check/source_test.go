package check

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// root is briefbot's repository, two folders up from this module.
var root = filepath.Join("..", "..")

func readFile(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// image is what the Dockerfile's final stage says about the container the manifests run.
type image struct {
	user       string // USER, as written: "nonroot:nonroot"
	runAs      int    // USER's uid
	uid, gid   int    // the owner the final stage gives its files (COPY --chown)
	workdir    string // WORKDIR: where briefbot.yaml is read from by default
	ports      []int  // EXPOSE
	entrypoint []string
	cmd        []string
}

// distrolessUsers are the users distroless images define in their /etc/passwd: USER names one,
// and Kubernetes needs its number to know it is not root.
var distrolessUsers = map[string]int{"root": 0, "nonroot": 65532}

// readDockerfile reads the instructions of the Dockerfile's last stage.
func readDockerfile(t *testing.T) image {
	t.Helper()
	var img image
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, "Dockerfile")))
	var cont string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cont += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		lines = append(lines, cont+line)
		cont = ""
	}
	uid := -1
	for _, line := range lines {
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(word) {
		case "FROM": // a new stage: only the last one is the image
			img, uid = image{}, -1
		case "USER":
			img.user = rest
		case "WORKDIR":
			img.workdir = rest
		case "EXPOSE":
			for _, p := range strings.Fields(rest) {
				n, err := strconv.Atoi(strings.TrimSuffix(p, "/tcp"))
				if err != nil {
					t.Fatalf("Dockerfile: EXPOSE %s: %v", p, err)
				}
				img.ports = append(img.ports, n)
			}
		case "ENTRYPOINT":
			img.entrypoint = execForm(t, line, rest)
		case "CMD":
			img.cmd = execForm(t, line, rest)
		case "COPY":
			for _, f := range strings.Fields(rest) {
				if owner, ok := strings.CutPrefix(f, "--chown="); ok {
					u, g, _ := strings.Cut(owner, ":")
					var err error
					if img.uid, err = strconv.Atoi(u); err == nil {
						img.gid, err = strconv.Atoi(g)
					}
					if err != nil {
						t.Fatalf("Dockerfile: %s: the owner is not numeric: %v", line, err)
					}
					if uid >= 0 && uid != img.uid {
						t.Fatalf("Dockerfile: files owned by %d and %d", uid, img.uid)
					}
					uid = img.uid
				}
			}
		}
	}
	if uid < 0 {
		t.Fatal("Dockerfile: the final stage gives no files an owner (COPY --chown); the check takes the image's uid from it")
	}
	img.runAs = img.userID(t)
	return img
}

func execForm(t *testing.T, line, rest string) []string {
	var args []string
	if err := json.Unmarshal([]byte(rest), &args); err != nil {
		t.Fatalf("Dockerfile: %s: not the exec form [\"...\"]: %v", line, err)
	}
	return args
}

// userID is the number of the image's USER.
func (img image) userID(t *testing.T) int {
	t.Helper()
	name, _, _ := strings.Cut(img.user, ":")
	if n, err := strconv.Atoi(name); err == nil {
		return n
	}
	n, ok := distrolessUsers[name]
	if !ok {
		t.Fatalf("Dockerfile: USER %s: not a number nor a distroless user", img.user)
	}
	return n
}

// shutdown is how long `briefbot serve` may take to stop after SIGTERM, from the constants in
// cmd/briefbot/serve.go that README's "Shutdown" describes: requests still arriving are answered
// (drainGrace), those in flight finish (shutdownGrace), a reload running gets to stop
// (reloadGrace).
func shutdown(t *testing.T) time.Duration {
	t.Helper()
	consts := durationConsts(t, "cmd/briefbot/serve.go")
	var total time.Duration
	for _, name := range []string{"drainGrace", "shutdownGrace", "reloadGrace"} {
		d, ok := consts[name]
		if !ok {
			t.Fatalf("cmd/briefbot/serve.go has no constant %s: the shutdown's steps changed, and so must this check and terminationGracePeriodSeconds", name)
		}
		total += d
	}
	return total
}

// durationConsts reads the constants of a Go file written as n * time.Unit.
func durationConsts(t *testing.T, rel string) map[string]time.Duration {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, rel), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]time.Duration{"Millisecond": time.Millisecond, "Second": time.Second, "Minute": time.Minute}
	out := map[string]time.Duration{}
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range spec.Names {
			if i >= len(spec.Values) {
				break
			}
			mul, ok := spec.Values[i].(*ast.BinaryExpr)
			if !ok || mul.Op != token.MUL {
				continue
			}
			lit, ok1 := mul.X.(*ast.BasicLit)
			sel, ok2 := mul.Y.(*ast.SelectorExpr)
			if !ok1 || !ok2 || lit.Kind != token.INT {
				continue
			}
			n, _ := strconv.Atoi(lit.Value)
			if unit, ok := units[sel.Sel.Name]; ok {
				out[name.Name] = time.Duration(n) * unit
			}
		}
		return true
	})
	return out
}

// configSchema is the shape of briefbot's config file as package config declares it: the yaml
// tags of config.Config and the types under it, read from the package's source.
type configSchema struct {
	structs map[string]*ast.StructType
}

func readConfigSchema(t *testing.T) configSchema {
	t.Helper()
	s := configSchema{structs: map[string]*ast.StructType{}}
	dir := filepath.Join(root, "config")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok {
					s.structs[ts.Name.Name] = st
				}
			}
		}
	}
	if s.structs["Config"] == nil {
		t.Fatal("config: no type Config")
	}
	return s
}

// keys are the yaml keys of a struct of package config, with the type of each.
func (s configSchema) keys(name string) map[string]ast.Expr {
	st := s.structs[name]
	if st == nil {
		return nil
	}
	out := map[string]ast.Expr{}
	for _, field := range st.Fields.List {
		if field.Tag == nil {
			continue
		}
		tag, err := strconv.Unquote(field.Tag.Value)
		if err != nil {
			continue
		}
		key, _, _ := strings.Cut(reflect.StructTag(tag).Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		out[key] = field.Type
	}
	return out
}

// briefbotSources are the contents of briefbot's Go files, tests left out: what the binary is
// built from.
func briefbotSources(t *testing.T) []byte {
	t.Helper()
	var all []byte
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "deploy", "bench", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		all = append(all, data...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func quoted(s string) string { return fmt.Sprintf("%q", s) }
