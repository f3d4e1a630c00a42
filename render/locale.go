package render

import "strings"

// AcceptLanguage is the first language of an Accept-Language header that
// speaks says the page has words for, by its primary subtag ("pl-PL" is
// "pl"), in the header's order; "" when there is none. Each surface adds
// its own fallbacks (the customer's or the branch's language, English).
func AcceptLanguage(header string, speaks func(primary string) bool) string {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(tag), "_", "-"), "-")
		if primary != "" && speaks(primary) {
			return primary
		}
	}
	return ""
}
