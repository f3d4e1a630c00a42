package hub_test

import (
	"errors"
	"strings"
	"testing"

	"naryad/hub"
)

// ValidateBranch names every problem's field and value for pages, and its
// text keeps the command line's flags.
func TestValidateBranchNamesFields(t *testing.T) {
	b := hub.Branch{Code: "a b", Country: "XX", TimeZone: "Mars/Base", Locale: "de", Phone: "12"}
	err := hub.ValidateBranch(&b)
	var be *hub.BranchError
	if !errors.As(err, &be) {
		t.Fatalf("error %v is not a *BranchError", err)
	}
	var fields []string
	for _, p := range be.Problems {
		fields = append(fields, p.Field+"="+p.Value)
	}
	if got, want := strings.Join(fields, " "), "code=a b name= country=XX time_zone=Mars/Base locale=de"; !strings.HasPrefix(got, want) {
		t.Errorf("problems %q, want them to start %q", got, want)
	}
	for _, flag := range []string{"--code", "--name", "--country", "--time-zone", "--locale"} {
		if !strings.Contains(err.Error(), flag) {
			t.Errorf("the text lacks %s: %s", flag, err)
		}
	}
}
