package email

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"naryad/hub"
)

// SendTest sends an e-mail to an address an administrator typed, now and
// not through the outbox, with branchID's sender and DKIM key exactly as
// its messages go: the admin page shows the server's answer at once. It
// has no message, so its envelope sender is its From: a bounce goes to
// the branch's own mailbox.
func (s *Sender) SendTest(ctx context.Context, branchID int64, to, subject, text string) error {
	from, key, err := s.branchSender(ctx, branchID)
	if err != nil {
		return err
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	env, err := compose(draft{
		To: to, Text: text, From: from, Envelope: from.Address, Date: s.now(),
		Parts: hub.MessageEmail{Subject: subject, HeaderID: "test-" + hex.EncodeToString(id) + "@" + s.addrs.Domain()},
	})
	if err != nil {
		return permanent(stageCompose, err)
	}
	if key != nil {
		if env.Data, err = key.sign(env.Data); err != nil {
			return fmt.Errorf("email: branch %d: %w", branchID, err)
		}
	}
	return s.transport.send(ctx, env)
}
