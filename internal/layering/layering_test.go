// Package layering checks the import directions of the whole module: which
// part of naryad may import which. docs/architecture.md explains the parts;
// the table below is the rule, read against the real imports (`go list`).
package layering

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A layer is a kind of package, found by path: a package belongs to the
// layer of the longest path in the table that is the package's path or a
// parent of it ("hub/web/inbox" is in "hub/web", which wins over "hub").
type layer struct {
	name  string
	paths []string // module-relative paths of the layer's trees
	may   []string // layers its packages may import, besides their own tree
	rule  string   // the rule, as an offence names it
}

// layers is the one table of allowed directions (docs/architecture.md
// shows the same). A package may always import its own layer's packages in
// its own tree (dms/csvimport → dms, locker/station → locker/kiosk), but a
// tree inside another layer's tree is another layer (hub/sms is a channel
// inside the core's hub/).
var layers = []layer{
	{name: "leaf", paths: []string{"cli", "lockerwire", "templates", "migrations", "render"},
		may:  []string{"leaf"},
		rule: "a leaf (cli, lockerwire, templates, migrations, render) imports only other leaves"},
	{name: "core", paths: []string{"hub"},
		may:  []string{"core", "leaf"},
		rule: "the core (hub/...) imports only the core and leaves: no page, channel, integration, device or app"},
	{name: "web", paths: []string{"hub/web"},
		may:  []string{"core", "web", "channel", "leaf"},
		rule: "a web page (hub/web/...) imports only the core, other web packages, the channels and leaves"},
	{name: "channel", paths: []string{"hub/whatsapp", "hub/sms"},
		may:  []string{"core", "channel", "leaf"},
		rule: "a channel (hub/whatsapp, hub/sms) imports only the core, other channels and leaves"},
	{name: "integration", paths: []string{"dms", "reminders", "lockerhub", "payments", "identity", "email"},
		may:  []string{"core", "web", "leaf"},
		rule: "an integration (dms, reminders, lockerhub, payments, identity, email) imports only the core, web packages and leaves; never another integration (app connects them)"},
	{name: "device", paths: []string{"locker"},
		may:  []string{"device", "leaf"},
		rule: "the kiosk side (locker/...) imports only itself and leaves: it runs without the hub"},
	{name: "root", paths: []string{"app", "cmd", "bench", "internal"},
		may:  []string{"leaf", "core", "web", "channel", "integration", "device", "root"},
		rule: "only the composition root (app, cmd) imports the composition root"},
}

// goPackage is what `go list -json` tells of a package.
type goPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string // non-test imports
	Module     *struct{ Path string }
}

func TestImportDirections(t *testing.T) {
	pkgs, module, root := listPackages(t)
	offences, unplaced := check(pkgs, module, root)
	for _, p := range unplaced {
		t.Errorf("%s is in no layer: add its path to the table in layering_test.go (and docs/architecture.md)", p)
	}
	for _, o := range offences {
		t.Errorf("%s", o)
	}
}

// TestCheckFindsAForbiddenImport proves the check itself: a core package
// importing an integration, or a kiosk package importing the hub, is found,
// with the file and line of the import.
func TestCheckFindsAForbiddenImport(t *testing.T) {
	dir := t.TempDir()
	src := "package store\n\nimport (\n\t\"context\"\n\n\t\"m/dms\"\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	pkgs := []goPackage{
		{ImportPath: "m/hub/store", Dir: dir, GoFiles: []string{"x.go"}, Imports: []string{"context", "m/dms", "m/hub", "m/cli"}},
		{ImportPath: "m/locker/kiosk", Imports: []string{"m/hub/store", "m/lockerwire", "m/locker"}},
		{ImportPath: "m/dms/csvimport", Imports: []string{"m/dms", "m/hub/store"}},
		{ImportPath: "m/reminders", Imports: []string{"m/dms"}},
		{ImportPath: "m/hub/web/inbox", Imports: []string{"m/app"}},
		{ImportPath: "m/hub/outbox", Imports: []string{"m/hub/sms", "m/hub/store"}},
		{ImportPath: "m/tools/x"},
	}
	offences, unplaced := check(pkgs, "m", dir)
	var got []string
	for _, o := range offences {
		got = append(got, o.String())
	}
	want := []string{
		"hub/store imports dms (x.go:6): " + layers[1].rule,
		"locker/kiosk imports hub/store: " + layers[5].rule,
		"reminders imports dms: " + layers[4].rule,
		"hub/web/inbox imports app: " + layers[2].rule,
		"hub/outbox imports hub/sms: " + layers[1].rule,
	}
	if !slices.Equal(got, want) {
		t.Errorf("offences:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if !slices.Equal(unplaced, []string{"tools/x"}) {
		t.Errorf("unplaced %v, want [tools/x]", unplaced)
	}
}

// offence is one import that breaks the table.
type offence struct {
	from, to string // module-relative paths
	at       string // file:line of the import, when found
	rule     string
}

func (o offence) String() string {
	at := ""
	if o.at != "" {
		at = " (" + o.at + ")"
	}
	return fmt.Sprintf("%s imports %s%s: %s", o.from, o.to, at, o.rule)
}

// check returns every import of the module's packages that the table does
// not allow, and the packages that are in no layer.
func check(pkgs []goPackage, module, root string) (offences []offence, unplaced []string) {
	for _, p := range pkgs {
		from, ok := relative(p.ImportPath, module)
		if !ok {
			continue
		}
		l, tree := layerOf(from)
		if l == nil {
			unplaced = append(unplaced, from)
			continue
		}
		for _, imp := range p.Imports {
			to, ok := relative(imp, module)
			if !ok {
				continue
			}
			tl, _ := layerOf(to)
			if (tl == l && within(to, tree)) || (tl != nil && slices.Contains(l.may, tl.name)) {
				continue
			}
			offences = append(offences, offence{from: from, to: to, at: importLine(p, imp, root), rule: l.rule})
		}
	}
	return offences, unplaced
}

// layerOf finds a path's layer and the tree of the table it belongs to.
func layerOf(path string) (*layer, string) {
	var best *layer
	tree := ""
	for i := range layers {
		for _, root := range layers[i].paths {
			if within(path, root) && len(root) > len(tree) {
				best, tree = &layers[i], root
			}
		}
	}
	return best, tree
}

func within(path, root string) bool { return path == root || strings.HasPrefix(path, root+"/") }

func relative(importPath, module string) (string, bool) {
	rest, ok := strings.CutPrefix(importPath, module+"/")
	return rest, ok
}

// importLine finds where a package's files import imp: "dir/file.go:12",
// relative to the module's root.
func importLine(p goPackage, imp, root string) string {
	quoted := `"` + imp + `"`
	for _, name := range p.GoFiles {
		f, err := os.Open(filepath.Join(p.Dir, name))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if strings.Contains(sc.Text(), quoted) {
				f.Close()
				file := filepath.Join(p.Dir, name)
				if rel, err := filepath.Rel(root, file); err == nil {
					file = rel
				}
				return fmt.Sprintf("%s:%d", filepath.ToSlash(file), n)
			}
		}
		f.Close()
	}
	return ""
}

// listPackages runs `go list -deps -json ./...` at the module's root and
// returns the module's own packages, the module path and the root.
func listPackages(t *testing.T) ([]goPackage, string, string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to read the imports: %v", err)
	}
	out, err := exec.Command(goBin, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	cmd := exec.Command(goBin, "list", "-deps", "-json", "./...")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err = cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps -json ./...: %v", err)
	}
	var pkgs []goPackage
	module := ""
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		if p.Module == nil {
			continue // the standard library
		}
		if strings.HasPrefix(p.Dir, root+string(filepath.Separator)) || p.Dir == root {
			module = p.Module.Path
			pkgs = append(pkgs, p)
		}
	}
	if module == "" {
		t.Fatal("go list found none of the module's packages")
	}
	return pkgs, module, root
}
