package cli

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestOptOutWords(t *testing.T) {
	bind := func(env map[string]string) *Config {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c := Bind(fs, func(k string) string { return env[k] })
		if err := fs.Parse(nil); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got := bind(nil).OptOutList(); !slices.Equal(got, []string{"STOP", "СТОП", "NIE"}) {
		t.Errorf("default words %v", got)
	}
	c := bind(map[string]string{"NARYAD_OPTOUT_WORDS": " STOP , ,OTPISKA "})
	if got := c.OptOutList(); !slices.Equal(got, []string{"STOP", "OTPISKA"}) || c.Validate() != nil {
		t.Errorf("words %v, validate %v", got, c.Validate())
	}
	for _, bad := range []string{" , ", "STOP,start"} {
		err := bind(map[string]string{"NARYAD_OPTOUT_WORDS": bad}).Validate()
		if err == nil || !strings.Contains(err.Error(), "NARYAD_OPTOUT_WORDS") {
			t.Errorf("%q: %v, want it refused", bad, err)
		}
	}
}
