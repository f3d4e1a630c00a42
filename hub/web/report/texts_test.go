package report

import (
	"testing"

	"naryad/hub/web/staffpage"
	"naryad/hub/web/webtest"
)

func TestReportTextsInEveryLanguage(t *testing.T) {
	webtest.EveryLanguageHasEveryText(t, texts, func(accept string) string { return staffpage.PickLocale(accept, texts) })
}
