// Package admin holds the hub's administration commands (and, later, pages):
// branches, users, status mappings, templates.
package admin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"naryad/cli"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// BranchAddCommand is `naryad branch add`.
func BranchAddCommand() cli.Command {
	return cli.Command{
		Name:    "branch add",
		Summary: "create a branch (service centre)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			var b hub.Branch
			fs.StringVar(&b.Code, "code", "", "short unique code the DMS uses, e.g. MSK1 (required)")
			fs.StringVar(&b.Name, "name", "", "name customers see (required)")
			fs.StringVar(&b.Country, "country", "", "ISO country code, the default for phone numbers, e.g. RU (required)")
			fs.StringVar(&b.TimeZone, "time-zone", "", "IANA time zone, e.g. Europe/Moscow (required)")
			fs.StringVar(&b.Locale, "locale", "", "language of messages: ru, pl or en (required)")
			fs.StringVar(&b.Phone, "phone", "", "phone customers can call")
			fs.StringVar(&b.WorkingHours, "working-hours", "", "e.g. \"Mon-Fri 09:00-20:00, Sat 10:00-16:00\"")
			return func(ctx context.Context, io cli.IO) error {
				if err := ValidateBranch(&b); err != nil {
					return err
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					if err := s.CreateBranch(ctx, &b); err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "branch %s (%s) created with id %d\n", b.Code, b.Name, b.ID)
					return nil
				})
			}
		},
	}
}

// ValidateBranch checks and tidies a branch before it is stored, naming
// every problem at once.
func ValidateBranch(b *hub.Branch) error {
	var problems []string
	b.Code = strings.TrimSpace(b.Code)
	b.Name = strings.TrimSpace(b.Name)
	b.Country = strings.ToUpper(strings.TrimSpace(b.Country))
	b.Locale = strings.ToLower(strings.TrimSpace(b.Locale))
	if b.Code == "" || strings.ContainsAny(b.Code, " \t/") {
		problems = append(problems, "--code: required, without spaces or slashes")
	}
	if b.Name == "" {
		problems = append(problems, "--name: required")
	}
	if phonenumbers.GetCountryCodeForRegion(b.Country) == 0 {
		problems = append(problems, fmt.Sprintf("--country: %q is not an ISO 3166 country code such as RU or PL", b.Country))
	}
	if b.TimeZone == "" {
		problems = append(problems, "--time-zone: required, e.g. Europe/Moscow")
	} else if _, err := time.LoadLocation(b.TimeZone); err != nil {
		problems = append(problems, fmt.Sprintf("--time-zone: %q is not an IANA time zone", b.TimeZone))
	}
	if !slices.Contains(templates.Locales(), b.Locale) {
		problems = append(problems, fmt.Sprintf("--locale: %q is not one of %s", b.Locale, strings.Join(templates.Locales(), ", ")))
	}
	if b.Phone != "" {
		p, err := hub.NormalizePhone(b.Phone, b.Country)
		if err != nil {
			problems = append(problems, "--phone: "+err.Error())
		}
		b.Phone = p
	}
	if len(problems) > 0 {
		return errors.New("invalid branch:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}
