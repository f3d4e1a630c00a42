package account

import (
	"net/url"
	"path"
	"strings"
)

// safeNext is where to go after signing in: only a path of the account
// pages themselves, never another site ("//evil.example", "/\evil",
// "https://…"), which would make sign-in an open redirect.
func safeNext(next string) string {
	const home = "/account"
	if next == "" || len(next) > 1024 || strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "//") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	// "/account/../admin" (or its %2e%2e form) must not lead out.
	p := path.Clean(u.Path)
	if p != home && !strings.HasPrefix(p, home+"/") || strings.HasPrefix(p, SignInPath) {
		return home
	}
	return (&url.URL{Path: p, RawQuery: u.RawQuery}).RequestURI()
}
