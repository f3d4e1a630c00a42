package templates

import (
	"strings"
	"testing"
	"testing/fstest"
)

// goodDefaults returns a file set where every locale defines every key.
func goodDefaults() fstest.MapFS {
	files := fstest.MapFS{}
	for _, locale := range Locales() {
		var b strings.Builder
		for _, key := range Keys() {
			b.WriteString(`{{define "` + key + `"}}` + key + ` {{.WorkOrderNumber}}{{end}}` + "\n")
		}
		files["defaults/"+locale+".txt"] = &fstest.MapFile{Data: []byte(b.String())}
	}
	return files
}

func TestParseDefaultsFailsFast(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(fstest.MapFS)
		wantMsg string
	}{
		{"good", func(fstest.MapFS) {}, ""},
		{"missing file", func(f fstest.MapFS) { delete(f, "defaults/pl.txt") }, "read defaults/pl.txt"},
		{"missing key", func(f fstest.MapFS) {
			f["defaults/en.txt"].Data = []byte(strings.Replace(string(f["defaults/en.txt"].Data), `"status.ready"`, `"status.readyy"`, 1))
		}, `unknown key "status.readyy"`},
		{"key not defined", func(f fstest.MapFS) {
			lines := strings.Split(string(f["defaults/ru.txt"].Data), "\n")
			f["defaults/ru.txt"].Data = []byte(strings.Join(lines[1:], "\n"))
		}, "missing status.received"},
		{"does not parse", func(f fstest.MapFS) {
			f["defaults/ru.txt"].Data = append(f["defaults/ru.txt"].Data, "{{.Oops"...)
		}, "parse defaults/ru.txt"},
		{"unknown field", func(f fstest.MapFS) {
			f["defaults/pl.txt"].Data = []byte(strings.Replace(string(f["defaults/pl.txt"].Data), "{{.WorkOrderNumber}}", "{{.OrderNo}}", 1))
		}, "can't evaluate field OrderNo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := goodDefaults()
			tt.edit(files)
			got, err := parseDefaults(files)
			if tt.wantMsg == "" {
				if err != nil || len(got) != len(Keys())*len(Locales()) {
					t.Fatalf("parseDefaults = %d texts, %v", len(got), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("parseDefaults error %v, want one saying %q", err, tt.wantMsg)
			}
		})
	}
}

// The en defaults are written to fit one GSM-7 SMS for typical data; this
// keeps a longer rewording from silently doubling the cost of every message.
// ru and pl cannot be GSM-7 and are only logged.
func TestDefaultsSMSLength(t *testing.T) {
	r := newRenderer(t, nil)
	for _, locale := range Locales() {
		for _, key := range Keys() {
			t.Run(locale+"/"+key, func(t *testing.T) {
				d := sampleData(locale)
				d.Vehicle = "Skoda Octavia A123BC77" // plain Latin: Š alone forces UCS-2
				got, err := r.Render(t.Context(), 1, key, d)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				segments, encoding := SMSSegments(got)
				t.Logf("%d %s, %d chars: %s", segments, encoding, len([]rune(got)), got)
				if locale == LocaleEN && (segments != 1 || encoding != EncodingGSM7) {
					t.Errorf("en %s takes %d %s segments, want 1 GSM-7: %q", key, segments, encoding, got)
				}
			})
		}
	}
}
