package hub

import (
	"regexp"
	"strings"
)

// A customer's link is a key: whoever holds https://host/c/<token> reads
// and writes the customer's conversation, whoever holds /l/<token> acts on
// their courtesy car. The token belongs on the customer's phone only. What
// staff and 1C read (a message as stored, the inbox, the DMS feed) and what
// stays in the database after delivery carry the link masked: its address
// up to the token, then LinkMask, so a reader still sees that a link was
// sent and to which page. The outbox row alone keeps the real text, until
// the item ends (store: AddMessage masks, the outbox's end scrubs).

// LinkMask stands for a token taken out of a link.
const LinkMask = "…"

// secretLink finds the token of a customer page (/c/) or courtesy-car page
// (/l/) link. Tokens are base64url: 43 characters for a page link, "nrd_"
// and 43 for a loan's; 32 is the shortest either ever was, so a word in a
// path is not taken for one.
var secretLink = regexp.MustCompile(`/([cl])/[A-Za-z0-9_-]{32,}`)

// maskedPageLink is a customer-page link as MaskLinks leaves it.
var maskedPageLink = regexp.MustCompile(`https?://\S*?/c/` + LinkMask)

// MaskLinks replaces the token of every customer-page and courtesy-car
// link in body with LinkMask: "https://host/l/nrd_abc…" becomes
// "https://host/l/…". Text without such a link comes back unchanged, and
// masking twice is masking once.
func MaskLinks(body string) string {
	if !strings.Contains(body, "/c/") && !strings.Contains(body, "/l/") {
		return body
	}
	return secretLink.ReplaceAllString(body, "/$1/"+LinkMask)
}

// UnmaskPageLink puts pageURL (the thread's live customer-page link) in
// place of every masked customer-page link in body, for a message sent
// again from its stored, masked words (a resend, an SMS follow-up). A
// courtesy-car link cannot be put back: only its hash is kept. An empty
// pageURL (the link was revoked) leaves body as it is.
func UnmaskPageLink(body, pageURL string) string {
	if pageURL == "" || !strings.Contains(body, "/c/"+LinkMask) {
		return body
	}
	return maskedPageLink.ReplaceAllLiteralString(body, pageURL)
}
