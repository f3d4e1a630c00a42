package payments

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every refuse call of the package names a key the tables have, with as
// many blanks as it passes: a page can word each refusal, and none falls
// back to its bare key.
func TestEveryRefusalHasItsWords(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "refuse" || len(call.Args) == 0 {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: refuse with a key that is not a literal", fset.Position(call.Pos()))
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			used[key] = true
			words, ok := setupRefusals[key]
			if !ok {
				words, ok = moneyRefusals[key]
			}
			if !ok {
				words, ok = depositRefusals[key]
			}
			switch {
			case !ok:
				t.Errorf("%s: refusal %q has no words", fset.Position(call.Pos()), key)
			case strings.Count(words, "%s") != len(call.Args)-1:
				t.Errorf("%s: refusal %q has %d blanks, the call passes %d", fset.Position(call.Pos()), key, strings.Count(words, "%s"), len(call.Args)-1)
			}
			return true
		})
	}
	for _, table := range []map[string]string{setupRefusals, moneyRefusals, depositRefusals} {
		for key := range table {
			if !used[key] {
				t.Errorf("refusal %q is never made", key)
			}
		}
	}
}

// A refusal keeps its key and blanks for the pages and says it in
// English for the log, an amount as English money.
func TestRefusalKeepsKeyAndEnglish(t *testing.T) {
	err := refuse("refund_not_made", Amount{125050, "PLN"}, "canceled").(*UserError)
	key, args := err.UserRefusal()
	if key != "refund_not_made" || len(args) != 2 || args[0] != (Amount{125050, "PLN"}) || args[1] != "canceled" {
		t.Errorf("refusal: %q %#v", key, args)
	}
	if want := "The provider did not make the refund of " + money(125050, "PLN") + " (canceled); nothing was refunded."; err.Error() != want || err.UserMessage() != want {
		t.Errorf("words: %q, want %q", err.Error(), want)
	}
	if got := refuse("no_such_key", 3).Error(); got != "no_such_key 3" {
		t.Errorf("unknown key: %q", got)
	}
}
