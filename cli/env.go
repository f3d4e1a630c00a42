package cli

import (
	"fmt"
	"strconv"
	"time"
)

// envReader turns environment values into flag defaults. A value that does
// not parse is remembered and reported by Validate, so a typo in the
// environment is never silently replaced by the default.
type envReader struct {
	getenv   func(string) string
	problems *[]string
}

func (e envReader) problem(format string, args ...any) {
	*e.problems = append(*e.problems, fmt.Sprintf(format, args...))
}

func (e envReader) str(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// secret reads KEY, or the file named by KEY_FILE.
func (e envReader) secret(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	if path := e.getenv(key + "_FILE"); path != "" {
		v, err := readSecretFile(path)
		if err != nil {
			e.problem("%s_FILE: %v", key, err)
			return def
		}
		return v
	}
	return def
}

func (e envReader) integer(key string, def int) int {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.problem("%s: %q is not a whole number", key, v)
		return def
	}
	return n
}

func (e envReader) duration(key string, def time.Duration) time.Duration {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.problem("%s: %q is not a duration such as 720h", key, v)
		return def
	}
	return d
}

func (e envReader) boolean(key string, def bool) bool {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.problem("%s: %q is not true or false", key, v)
		return def
	}
	return b
}
