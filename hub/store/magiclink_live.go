package store

import (
	"context"
	"errors"

	"naryad/hub"
)

// NewMagicLink gives a thread a fresh customer link (a new random salt;
// only the token's hash is stored).
func (s *Store) NewMagicLink(ctx context.Context, threadID int64, links *hub.Links) (hub.MagicLink, error) {
	salt, err := hub.NewSalt()
	if err != nil {
		return hub.MagicLink{}, err
	}
	l := hub.MagicLink{ThreadID: threadID, Salt: salt, TokenHash: hub.HashToken(links.Token(salt))}
	if err := s.CreateMagicLink(ctx, &l); err != nil {
		return hub.MagicLink{}, err
	}
	return l, nil
}

// LiveMagicLink returns the thread's live link, making a new one when it
// has none (a new thread, or staff revoked the last one): a message to the
// customer always carries a link that opens.
func (s *Store) LiveMagicLink(ctx context.Context, threadID int64, links *hub.Links) (hub.MagicLink, error) {
	l, err := s.ActiveMagicLink(ctx, threadID)
	if errors.Is(err, ErrNotFound) {
		return s.NewMagicLink(ctx, threadID, links)
	}
	return l, err
}
