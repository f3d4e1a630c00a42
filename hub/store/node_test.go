package store_test

import (
	"errors"
	"strings"
	"testing"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/store/storetest"
)

// A node created with a token is found by the token's hash alone, tied to
// the branch it was given (or to none, for every branch); an unknown branch
// creates nothing.
func TestCreateNodeWithToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store, _ storetest.Backend) {
		ctx := t.Context()
		b := hub.Branch{Code: "MSK1", Name: "Москва", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
		if err := s.CreateBranch(ctx, &b); err != nil {
			t.Fatal(err)
		}

		token, n, err := s.CreateNodeWithToken(ctx, "  1c-msk ", "MSK1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "nrd_") || n.TokenHash != hub.HashToken(token) || n.Name != "1c-msk" {
			t.Fatalf("token %q, node %+v: want an nrd_ token stored as its hash under the trimmed name", token, n)
		}
		found, err := s.NodeByTokenHash(ctx, hub.HashToken(token))
		if err != nil || found.ID != n.ID || found.BranchID == nil || *found.BranchID != b.ID {
			t.Fatalf("node by token: %+v, %v; want node %d of branch %d", found, err, n.ID, b.ID)
		}

		other, all, err := s.CreateNodeWithToken(ctx, "1c-all", "")
		if err != nil || all.BranchID != nil || other == token {
			t.Fatalf("node for every branch: %+v, %v (token reused: %v)", all, err, other == token)
		}

		if _, _, err := s.CreateNodeWithToken(ctx, "1c-spb", "SPB1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown branch: err %v, want ErrNotFound", err)
		}
		nodes, err := s.Nodes(ctx)
		if err != nil || len(nodes) != 2 {
			t.Fatalf("nodes after the refused one: %d, %v; want 2", len(nodes), err)
		}
	})
}
