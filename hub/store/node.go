package store

import (
	"context"
	"fmt"
	"strings"

	"naryad/hub"
)

// CreateNode registers a DMS node under the hash of its token.
func (s *Store) CreateNode(ctx context.Context, n *hub.DMSNode) error {
	n.CreatedAt = now()
	if err := s.db.WithContext(ctx).Create(n).Error; err != nil {
		return fmt.Errorf("create dms node %q: %w", n.Name, err)
	}
	return nil
}

// CreateNodeWithToken registers a DMS node named name, tied to the branch
// with branchCode or, when it is empty, to every branch, and returns its new
// token (hub.NewToken), which is stored only as its hash. `naryad dms token
// create` and the admin page's token form both create nodes this way.
func (s *Store) CreateNodeWithToken(ctx context.Context, name, branchCode string) (string, hub.DMSNode, error) {
	n := hub.DMSNode{Name: strings.TrimSpace(name)}
	if branchCode != "" {
		b, err := s.BranchByCode(ctx, branchCode)
		if err != nil {
			return "", n, fmt.Errorf("--branch: %w", err)
		}
		n.BranchID = &b.ID
	}
	token, err := hub.NewToken()
	if err != nil {
		return "", n, err
	}
	n.TokenHash = hub.HashToken(token)
	if err := s.CreateNode(ctx, &n); err != nil {
		return "", n, err
	}
	return token, n, nil
}

// NodeByTokenHash finds the live node holding a token.
func (s *Store) NodeByTokenHash(ctx context.Context, hash string) (hub.DMSNode, error) {
	var n hub.DMSNode
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", hash).Take(&n).Error
	return n, notFound(err, "dms node by token")
}

// NodeBranches lists the branches a node may write to and read the feed of:
// its own branch, or every branch when it is not tied to one.
func (s *Store) NodeBranches(ctx context.Context, n hub.DMSNode) ([]hub.Branch, error) {
	if n.BranchID != nil {
		b, err := s.Branch(ctx, *n.BranchID)
		if err != nil {
			return nil, err
		}
		return []hub.Branch{b}, nil
	}
	return s.Branches(ctx)
}

// AckNode records the feed position a node has confirmed; it never moves
// back, so a late retry cannot hide lag.
func (s *Store) AckNode(ctx context.Context, nodeID, seq int64) error {
	err := s.db.WithContext(ctx).Exec(
		"UPDATE dms_nodes SET acked_seq = ?, acked_at = ? WHERE id = ? AND acked_seq < ?",
		seq, now(), nodeID, seq).Error
	if err != nil {
		return fmt.Errorf("ack node %d at %d: %w", nodeID, seq, err)
	}
	return nil
}

// Nodes lists every DMS node by name.
func (s *Store) Nodes(ctx context.Context) ([]hub.DMSNode, error) {
	var out []hub.DMSNode
	if err := s.db.WithContext(ctx).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list dms nodes: %w", err)
	}
	return out, nil
}

// RevokeNode revokes every live token of the node with this name and says
// how many there were.
func (s *Store) RevokeNode(ctx context.Context, name string) (int64, error) {
	res := s.db.WithContext(ctx).Model(&hub.DMSNode{}).Where("name = ? AND revoked_at IS NULL", name).Update("revoked_at", now())
	if res.Error != nil {
		return 0, fmt.Errorf("revoke dms node %q: %w", name, res.Error)
	}
	return res.RowsAffected, nil
}
