package templates

import (
	"strings"
	"testing"
)

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name, key, body string
		wantMsg         string
	}{
		{"unknown key", "status.lost", "{{.Link}}", `unknown key "status.lost"`},
		{"empty", KeyStatusReady, "", "empty body"},
		{"blank", KeyStatusReady, " \n\t", "empty body"},
		{"parse error", KeyStatusReady, "Ready {{.Vehicle", "unclosed action"},
		{"unknown field", KeyStatusReady, "Ready {{.Nope}}", "can't evaluate field Nope"},
		{"unknown field in untaken branch", KeyStatusReady, "Ready{{if false}}{{.Nope}}{{end}}", `unknown field or method "Nope"`},
		{"unknown field of a line", KeyEstimateRequest, "{{range .Lines}}{{.Price}}{{end}} ok", "can't evaluate field Price in type templates.Line"},
		{"unknown field of a line, untaken", KeyEstimateRequest, "{{range .Lines}}{{if false}}{{.Price}}{{end}}{{end}} ok", `unknown field or method "Price"`},
		{"unknown field on a variable", KeyEstimateRequest, "{{$d := .}}{{if false}}{{$d.Nope}}{{end}} ok", `unknown field or method "Nope"`},
		{"unknown function", KeyStatusReady, "Ready {{shout .Vehicle}}", `function "shout" not defined`},
		{"wrong argument type", KeyEstimateRequest, "{{money .Lines .Currency}}", "wrong type for value"},
		{"fails without a link", KeyStatusReady, "{{index .Link 40}}", "index out of range"},
		{"renders empty without a link", KeyStatusReady, "{{.Link}}", "renders empty"},
		{"undefined template", KeyStatusReady, `{{template "status.received"}}`, `template "status.received" not defined`},
		{"endless recursion", KeyStatusReady, `x{{template "status.ready"}}`, "text exceeds"},
		{"runaway loop", KeyStatusReady, `{{range 100000000}}spam {{end}}`, "text exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.key, tt.body)
			if err == nil {
				t.Fatalf("Validate(%q, %q) accepted it", tt.key, tt.body)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "templates: ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one prefixed line", msg)
			}
			if !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q does not say %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	tests := []struct{ name, key, body string }{
		{"plain", KeyStatusReady, "{{.BranchName}}: {{.Vehicle}} is ready. {{.Link}}"},
		{"optional parts", KeyStatusInProgress, "Started.{{with datetime .PromisedAt}} ETA {{.}}.{{end}}{{with .Link}} {{.}}{{end}}"},
		{"lines and money", KeyEstimateRequest, "{{range .Lines}}{{.Name}} {{money .TotalMinor $.Currency}}; {{end}}total {{money (sum .Lines) .Currency}}"},
		{"time method", KeyStatusReady, "Ready{{if not .PromisedAt.IsZero}} by {{.PromisedAt.Format \"15:04\"}}{{end}}."},
		{"advisor text", KeyMessageAdvisor, "{{.CustomerName}} {{.Text}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Validate(tt.key, tt.body); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

// Every embedded default must itself pass Validate: a branch copying the
// default as a starting point must be able to save it.
func TestDefaultsPassValidate(t *testing.T) {
	for _, locale := range Locales() {
		src, err := defaultFiles.ReadFile("defaults/" + locale + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		set, err := newTemplate(locale, locale).Parse(string(src))
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range Keys() {
			t.Run(locale+"/"+key, func(t *testing.T) {
				body := set.Lookup(key).Tree.Root.String()
				if err := Validate(key, body); err != nil {
					t.Errorf("Validate(default): %v", err)
				}
			})
		}
	}
}
