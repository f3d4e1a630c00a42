package inbox

import (
	"testing"

	"naryad/templates"
)

// TestEveryReplyTemplateHasAHumanName: the picker lists templates by name,
// never by key, in every language of the inbox.
func TestEveryReplyTemplateHasAHumanName(t *testing.T) {
	for locale, words := range texts {
		for _, k := range templates.ReplyKeys() {
			if words["tpl_"+k] == "" {
				t.Errorf("%s: template %s has no name (texts key tpl_%s)", locale, k, k)
			}
		}
	}
}
