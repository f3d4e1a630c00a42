// Package testproc runs the real peers the tests talk to (stripe-mock,
// Mailpit) as child processes: it finds the binary `make deps` installed,
// starts it with its output collected, and stops it. What each peer needs
// beyond that (its flags, how to tell it is ready) stays in its own
// package (internal/stripemock, internal/mailpit).
package testproc

import (
	"bufio"
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Find returns the binary name: on PATH, else where `go install` puts it
// ($GOPATH/bin, by default ~/go/bin).
func Find(name string) (string, error) { return FindIn(name, build.Default.GOPATH) }

// FindIn is Find with the GOPATH given.
func FindIn(name, gopath string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is neither on PATH nor in $GOPATH/bin: run `make deps`", name)
}

// Proc is a started child process.
type Proc struct {
	cmd    *exec.Cmd
	out    *os.File
	exited chan struct{}
	tail   tail
}

// Start runs path with args. Every line it prints (stdout and stderr) is
// kept in a short tail for failure messages and, when onLine is not nil,
// handed to onLine as well (from one goroutine, in order).
func Start(path string, args []string, onLine func(string)) (*Proc, error) {
	out, in, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("%s output pipe: %w", filepath.Base(path), err)
	}
	p := &Proc{cmd: exec.Command(path, args...), out: out, exited: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = in, in
	if err := p.cmd.Start(); err != nil {
		in.Close()
		out.Close()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	in.Close() // the child holds its own copy; EOF comes when it exits
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.tail.add(sc.Text())
			if onLine != nil {
				onLine(sc.Text())
			}
		}
	}()
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Exited is closed when the process has ended.
func (p *Proc) Exited() <-chan struct{} { return p.exited }

// Stop kills the process and waits for it.
func (p *Proc) Stop() {
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.out.Close()
}

// Output is the last lines the process printed.
func (p *Proc) Output() string { return p.tail.String() }

// tail keeps the last 50 lines.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == 50 {
		t.lines = t.lines[1:]
	}
	t.lines = append(t.lines, line)
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
