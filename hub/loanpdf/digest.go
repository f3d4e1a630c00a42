package loanpdf

import (
	"crypto/sha256"
	"encoding/hex"
)

// Digest is the SHA-256 of a rendered PDF in hex, stored with it: the hash
// cannot be printed inside the document it covers, so the PDF carries
// DocumentID instead.
func Digest(pdf []byte) string {
	sum := sha256.Sum256(pdf)
	return hex.EncodeToString(sum[:])
}
