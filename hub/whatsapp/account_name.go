package whatsapp

import (
	"errors"
	"strings"
	"unicode"
)

// accountNameMax bounds an account name: it appears in alerts and lists.
const accountNameMax = 40

// Why CheckAccountName refuses a name (pages say it in the user's words;
// the error text is for the command line and the log).
var (
	ErrAccountNameEmpty = errors.New("account name: required, e.g. main")
	ErrAccountNameLong  = errors.New("account name: at most 40 characters")
	ErrAccountNameChars = errors.New("account name: only letters, digits, dots, dashes and underscores")
)

// CheckAccountName tidies and checks a new account's name: 1–40 letters,
// digits, dots, dashes or underscores, so it can be typed after --account.
func CheckAccountName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", ErrAccountNameEmpty
	}
	if len([]rune(name)) > accountNameMax {
		return "", ErrAccountNameLong
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-", r) {
			return "", ErrAccountNameChars
		}
	}
	return name, nil
}
