package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"naryad/app"
	"naryad/app/admincmd"
	"naryad/app/demo"
	"naryad/cli"
	"naryad/dms"
	"naryad/dms/csvimport"
	"naryad/hub/store"
	"naryad/hub/whatsapp"
	"naryad/locker/kerong"
	"naryad/locker/kerong/sim"
	"naryad/locker/station"
	"naryad/reminders"
)

// commands lists every subcommand; each lives beside the package it drives.
func commands() []cli.Command {
	return []cli.Command{
		app.Command(),
		store.MigrateCommand(),
		admincmd.BranchAddCommand(),
		admincmd.UserAddCommand(),
		admincmd.StatusMapCommand(),
		admincmd.StatusListCommand(),
		admincmd.TemplateSetCommand(),
		admincmd.TemplateKeysCommand(),
		dms.TokenCreateCommand(),
		dms.TokenRevokeCommand(),
		dms.NodesCommand(),
		whatsapp.LinkCommand(),
		whatsapp.ListCommand(),
		whatsapp.LogoutCommand(),
		admincmd.LockerSiteAddCommand(),
		admincmd.LockerSiteRevokeCommand(),
		admincmd.LockerSitesCommand(),
		admincmd.LockerPINSetCommand(),
		admincmd.PaymentsSetCommand(os.Getenv, app.PaymentProviders()),
		admincmd.PaymentsOffCommand(app.PaymentProviders()),
		kerong.OpenCommand(),
		kerong.StatusCommand(),
		sim.Command(),
		station.Command(),
		reminders.PreviewCommand(),
		reminders.RefreshCommand(),
		csvimport.Command(),
		demo.Command(),
	}
}

// run executes `naryad <command> [flags]` and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		usage(stdout, args)
		return 0
	}
	cmd, rest, ok := find(commands(), args)
	if !ok {
		usage(stderr, args)
		return 2
	}
	fs := flag.NewFlagSet("naryad "+cmd.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := cli.Bind(fs, getenv)
	runner := cmd.Setup(fs, cfg)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "naryad:", err)
		return 2
	}
	log := cli.NewLogger(cfg, stderr)
	if err := runner(ctx, cli.IO{Stdout: stdout, Stderr: stderr, Stdin: stdin, Log: log}); err != nil {
		fmt.Fprintf(stderr, "naryad %s: %v\n", cmd.Name, err)
		return 1
	}
	return 0
}

// find picks the command whose name is the longest match of the leading
// words, so "dms token create" wins over a shorter name.
func find(cmds []cli.Command, args []string) (cli.Command, []string, bool) {
	var best cli.Command
	bestLen := 0
	for _, c := range cmds {
		words := strings.Fields(c.Name)
		if len(words) <= len(args) && len(words) > bestLen && strings.Join(args[:len(words)], " ") == c.Name {
			best, bestLen = c, len(words)
		}
	}
	return best, args[bestLen:], bestLen > 0
}

func usage(w io.Writer, args []string) {
	if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
		fmt.Fprintf(w, "naryad: unknown command %q\n\n", strings.Join(args, " "))
	}
	fmt.Fprintln(w, "usage: naryad <command> [flags]   (flags: naryad <command> -h)")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-22s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nEvery setting also reads NARYAD_* environment variables; see README.md.")
}
