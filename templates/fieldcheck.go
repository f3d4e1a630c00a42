package templates

import (
	"fmt"
	"reflect"
	"text/template"
	"text/template/parse"
)

// checkFields reports the first .Name in t that is neither a field nor a
// method of Data or of any type reachable from it. Executing against sample
// data only visits the branches the samples take; this walk covers the rest,
// e.g. a typo inside {{if .Plate}} … {{end}}.
func checkFields(t *template.Template) error {
	known, anyName := reachableNames(reflect.TypeFor[Data]())
	if anyName {
		return nil
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		var bad error
		walk(tt.Tree.Root, func(n parse.Node, ident string) {
			if bad == nil && !known[ident] {
				loc, _ := tt.Tree.ErrorContext(n)
				bad = fmt.Errorf("template: %s: unknown field or method %q", loc, ident)
			}
		})
		if bad != nil {
			return bad
		}
	}
	return nil
}

// walk calls visit for every field or method name used in a chain below n.
func walk(n parse.Node, visit func(parse.Node, string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, visit)
		}
	case *parse.ActionNode:
		walk(n.Pipe, visit)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, visit)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walk(a, visit)
		}
	case *parse.IfNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.TemplateNode:
		walk(n.Pipe, visit)
	case *parse.FieldNode:
		for _, id := range n.Ident {
			visit(n, id)
		}
	case *parse.ChainNode:
		walk(n.Node, visit)
		for _, id := range n.Field {
			visit(n, id)
		}
	case *parse.VariableNode:
		for _, id := range n.Ident[1:] { // Ident[0] is the $variable itself
			visit(n, id)
		}
	}
}

func walkBranch(b *parse.BranchNode, visit func(parse.Node, string)) {
	walk(b.Pipe, visit)
	walk(b.List, visit)
	walk(b.ElseList, visit)
}

// reachableNames collects every exported field and method name of root and
// of the types its fields and methods lead to (Line, time.Time, time.Month,
// …). anyName is true if a map is reachable, because any key is then a
// valid name and the check must stand aside.
func reachableNames(root reflect.Type) (names map[string]bool, anyName bool) {
	names = map[string]bool{}
	seen := map[reflect.Type]bool{}
	queue := []reflect.Type{root}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		if t == nil || seen[t] {
			continue
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			queue = append(queue, t.Elem())
		case reflect.Map:
			anyName = true
			queue = append(queue, t.Elem())
		case reflect.Struct:
			for f := range t.Fields() {
				if f.IsExported() {
					names[f.Name] = true
					queue = append(queue, f.Type)
				}
			}
		}
		if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
			// Methods with pointer receivers apply to addressable values.
			queue = append(queue, reflect.PointerTo(t))
		}
		for m := range t.Methods() {
			names[m.Name] = true
			for out := range m.Type.Outs() {
				queue = append(queue, out)
			}
		}
	}
	return names, anyName
}
