package staffpage

import "errors"

// userError is an error an integration means for the person who asked (a
// wrong amount, a provider's refusal in plain words): the payments
// service's UserError has it. The pages cannot import the integration, so
// they recognise it by this method.
type userError interface{ UserMessage() string }

// UserMessage returns the words of a user error inside err, and false for
// any other error: a page shows those words, and a generic text for the
// rest, so nothing internal leaks to the page.
func UserMessage(err error) (string, bool) {
	var ue userError
	if errors.As(err, &ue) && ue.UserMessage() != "" {
		return ue.UserMessage(), true
	}
	return "", false
}
