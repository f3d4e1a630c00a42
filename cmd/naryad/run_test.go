package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// naryad runs the CLI in process with only the given environment.
func naryad(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCLI(t *testing.T) {
	env := map[string]string{"NARYAD_DATA_DIR": t.TempDir()}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring expected on stdout
		stderr string // substring expected on stderr
	}{
		{"no command", nil, 2, "", "usage: naryad"},
		{"help", []string{"help"}, 0, "usage: naryad", ""},
		{"template keys", []string{"template", "keys"}, 0, "status.ready\n", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"bad branch", []string{"branch", "add", "--code", "MSK 1", "--country", "XX", "--time-zone", "Mars/Base", "--locale", "de"}, 1, "",
			"--code: required, without spaces"},
		{"branch add", []string{"branch", "add", "--code", "MSK1", "--name", "Москва", "--country", "ru", "--time-zone", "Europe/Moscow", "--locale", "ru", "--phone", "8 495 123-45-67"}, 0,
			"branch MSK1 (Москва) created", ""},
		{"branch code taken", []string{"branch", "add", "--code", "MSK1", "--name", "X", "--country", "RU", "--time-zone", "Europe/Moscow", "--locale", "ru"}, 1, "",
			`code already taken`},
		{"token without node", []string{"dms", "token", "create"}, 1, "", "--node: required"},
		{"token for unknown branch", []string{"dms", "token", "create", "--node", "1c", "--branch", "NOPE"}, 1, "", `branch "NOPE"`},
		{"token", []string{"dms", "token", "create", "--node", "1c", "--branch", "MSK1"}, 0, "\nnrd_", ""},
		{"revoke", []string{"dms", "token", "revoke", "--node", "1c"}, 0, `revoked 1 token(s) of DMS node "1c"`, ""},
		{"revoke again", []string{"dms", "token", "revoke", "--node", "1c"}, 1, "", `no live token of a node named "1c"`},
		{"migrate status", []string{"migrate", "status"}, 0, "00001 applied", ""},
		{"migrate bad action", []string{"migrate", "sideways"}, 1, "", `unknown action "sideways"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := naryad(t, env, c.args...)
			if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, c.code, stdout, stderr)
			}
		})
	}
}

func TestBadBranchListsEveryProblem(t *testing.T) {
	_, _, stderr := naryad(t, map[string]string{"NARYAD_DATA_DIR": t.TempDir()},
		"branch", "add", "--code", "", "--country", "XX", "--time-zone", "Mars/Base", "--locale", "de")
	for _, want := range []string{"--code", "--name", "--country", "--time-zone", "--locale"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %s:\n%s", want, stderr)
		}
	}
}

func TestTokenIsTheLastLineAndOnlyItsHashIsStored(t *testing.T) {
	env := map[string]string{"NARYAD_DATA_DIR": t.TempDir()}
	if code, _, stderr := naryad(t, env, "branch", "add", "--code", "A", "--name", "A", "--country", "PL", "--time-zone", "Europe/Warsaw", "--locale", "pl"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := naryad(t, env, "dms", "token", "create", "--node", "1c")
	if code != 0 {
		t.Fatal(stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "nrd_") || len(token) < 40 {
		t.Fatalf("last line %q is not a token", token)
	}
}

func TestInvalidConfigurationNamesEachProblem(t *testing.T) {
	env := map[string]string{
		"NARYAD_DATA_DIR":          t.TempDir(),
		"NARYAD_DATABASE_URL":      "mysql://x",
		"NARYAD_SMS_PROVIDER":      "twilio",
		"NARYAD_OUTBOX_WORKERS":    "many",
		"NARYAD_LINK_TTL":          "forever",
		"NARYAD_PUBLIC_URL":        "hub.example",
		"NARYAD_TWILIO_FROM":       "+15005550006",
		"NARYAD_TWILIO_AUTH_TOKEN": "x",
	}
	code, _, stderr := naryad(t, env, "migrate", "status")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"NARYAD_DATABASE_URL", "NARYAD_TWILIO_ACCOUNT_SID: required", "NARYAD_OUTBOX_WORKERS: \"many\"",
		"NARYAD_LINK_TTL: \"forever\"", "NARYAD_PUBLIC_URL: \"hub.example\""} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}

func TestStatusMapTemplateSetAndNodes(t *testing.T) {
	env := map[string]string{"NARYAD_DATA_DIR": t.TempDir()}
	must := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := naryad(t, env, args...)
		if code != 0 {
			t.Fatalf("naryad %v: exit %d: %s", args, code, stderr)
		}
		return stdout
	}
	must("branch", "add", "--code", "MSK1", "--name", "Москва", "--country", "RU", "--time-zone", "Europe/Moscow", "--locale", "ru")
	must("status", "map", "--branch", "MSK1", "--raw", "На мойке", "--canonical", "ready")
	if out := must("status", "list"); !strings.Contains(out, "MSK1     На мойке") || !strings.Contains(out, "Принят") {
		t.Errorf("status list:\n%s", out)
	}
	if code, _, stderr := naryad(t, env, "status", "map", "--raw", "X", "--canonical", "done"); code != 1 || !strings.Contains(stderr, `"done" is not one of`) {
		t.Errorf("bad canonical: exit %d %s", code, stderr)
	}

	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"template", "set", "--branch", "MSK1", "--key", "status.ready", "--locale", "ru"},
		func(k string) string { return env[k] }, strings.NewReader("{{.Nope}}"), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "Nope") {
		t.Errorf("a broken template was not refused: exit %d %s", code, errOut.String())
	}
	code = run(context.Background(), []string{"template", "set", "--branch", "MSK1", "--key", "status.ready", "--locale", "ru"},
		func(k string) string { return env[k] }, strings.NewReader("Готово: {{.WorkOrderNumber}} {{.Link}}"), &out, &errOut)
	if code != 0 {
		t.Errorf("a good template was refused: %s", errOut.String())
	}

	must("dms", "token", "create", "--node", "1c-msk")
	if out := must("dms", "nodes"); !strings.Contains(out, "1c-msk") || !strings.Contains(out, "never") {
		t.Errorf("dms nodes:\n%s", out)
	}
}
