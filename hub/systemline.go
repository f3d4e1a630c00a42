package hub

import (
	"encoding/json"

	"naryad/templates"
)

// SystemLine is a line naryad writes into a thread: stored as a key of the
// templates catalog with its parameters, so each reader gets it in their
// language (Message.Text), and with Body in English for anything that reads
// the body alone (an old reader, a search, a log).
func SystemLine(threadID int64, author, key string, args map[string]string) Message {
	m := Message{ThreadID: threadID, Direction: DirectionSystem, Author: author, TextKey: key,
		Body: templates.SystemLine(templates.LocaleEN, key, args, key)}
	if len(args) > 0 {
		b, _ := json.Marshal(args) // a map of strings always encodes
		m.TextArgs = string(b)
	}
	return m
}

// Args are the line's parameters (none, or unreadable: empty).
func (m Message) Args() map[string]string {
	args := map[string]string{}
	if m.TextArgs != "" {
		_ = json.Unmarshal([]byte(m.TextArgs), &args) // bad JSON: the wording's places stay empty, Body is the fallback
	}
	return args
}

// Text is what the message says in locale: a system line with a known key
// in that language; anything else (a customer's words, an old line) its
// Body.
func (m Message) Text(locale string) string {
	if m.TextKey == "" {
		return m.Body
	}
	return templates.SystemLine(locale, m.TextKey, m.Args(), m.Body)
}
