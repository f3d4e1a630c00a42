package admincmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"naryad/cli"
	"naryad/hub/store"
	"naryad/templates"
)

// TemplateSetCommand is `naryad template set`: a branch's own wording for a
// message, refused at once when it would not render.
func TemplateSetCommand() cli.Command {
	return cli.Command{
		Name:    "template set",
		Summary: "override a message text for a branch (validated before it is saved)",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			branch := fs.String("branch", "", "branch code (required)")
			key := fs.String("key", "", "template key, e.g. status.ready (required; see `naryad template keys`)")
			locale := fs.String("locale", "", "ru, pl or en (required)")
			file := fs.String("file", "-", "file with the text (text/template syntax); - reads stdin")
			reset := fs.Bool("reset", false, "delete the override and use the default text again")
			return func(ctx context.Context, cio cli.IO) error {
				if *branch == "" || *key == "" || *locale == "" {
					return errors.New("--branch, --key and --locale are required")
				}
				if !templates.IsKey(*key) {
					return fmt.Errorf("--key: unknown template %q (known: %s)", *key, strings.Join(templates.Keys(), ", "))
				}
				if templates.NormalizeLocale(*locale) != *locale {
					return fmt.Errorf("--locale: %q is not one of %s", *locale, strings.Join(templates.Locales(), ", "))
				}
				return store.With(ctx, cfg, func(s *store.Store) error {
					b, err := s.BranchByCode(ctx, *branch)
					if err != nil {
						return fmt.Errorf("--branch: %w", err)
					}
					if *reset {
						if err := s.DeleteTemplateOverride(ctx, b.ID, *key, *locale); err != nil {
							return err
						}
						fmt.Fprintf(cio.Stdout, "%s/%s of branch %s uses the default text again\n", *key, *locale, b.Code)
						return nil
					}
					body, err := readText(*file, cio.Stdin)
					if err != nil {
						return err
					}
					if err := templates.Validate(*key, body); err != nil {
						return err
					}
					if err := s.SaveTemplateOverride(ctx, b.ID, *key, *locale, body); err != nil {
						return err
					}
					fmt.Fprintf(cio.Stdout, "%s/%s of branch %s saved\n", *key, *locale, b.Code)
					return nil
				})
			}
		},
	}
}

func readText(path string, stdin io.Reader) (string, error) {
	if path == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", fmt.Errorf("read stdin: %w", err)
		}
		return string(b), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--file: %w", err)
	}
	return string(b), nil
}

// TemplateKeysCommand is `naryad template keys`: the message templates a
// branch may override, and the languages.
func TemplateKeysCommand() cli.Command {
	return cli.Command{
		Name:    "template keys",
		Summary: "list the message templates and languages",
		Setup: func(fs *flag.FlagSet, cfg *cli.Config) cli.Runner {
			return func(ctx context.Context, cio cli.IO) error {
				for _, k := range templates.Keys() {
					fmt.Fprintln(cio.Stdout, k)
				}
				fmt.Fprintf(cio.Stdout, "languages: %s\n", strings.Join(templates.Locales(), ", "))
				return nil
			}
		},
	}
}
