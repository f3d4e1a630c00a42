package dms_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"naryad/app/apptest"
	"naryad/dms"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// An ingester missing a part it cannot work without, or with a negative
// link lifetime, is refused when it is built, not at its first event.
func TestNewIngesterRefusesMissingParts(t *testing.T) {
	links, err := hub.NewLinks("test-secret-0123456789-0123456789-0123456789", "https://hub.example.test")
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := templates.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	full := dms.IngesterOptions{Store: &store.Store{}, Links: links, Renderer: renderer, Media: hub.NewMedia(t.TempDir())}
	if _, err := dms.NewIngester(full); err != nil {
		t.Fatalf("complete options refused: %v", err)
	}
	for name, broken := range map[string]func(*dms.IngesterOptions){
		"no store":          func(o *dms.IngesterOptions) { o.Store = nil },
		"no links":          func(o *dms.IngesterOptions) { o.Links = nil },
		"no renderer":       func(o *dms.IngesterOptions) { o.Renderer = nil },
		"no media":          func(o *dms.IngesterOptions) { o.Media = nil },
		"negative lifetime": func(o *dms.IngesterOptions) { o.LinkTTL = -time.Hour },
	} {
		o := full
		broken(&o)
		if in, err := dms.NewIngester(o); err == nil || in != nil {
			t.Errorf("%s: got %v, %v; want an error", name, in, err)
		}
	}
}

// Left zero, the link lifetime is DefaultLinkTTL: a work order handed over
// keeps its customer's link that long after the hand-over.
func TestIngesterLinkLifetimeDefaults(t *testing.T) {
	apptest.Each(t, func(t *testing.T, h *apptest.Hub) {
		ctx := context.Background()
		renderer, err := templates.New(h.Store)
		if err != nil {
			t.Fatal(err)
		}
		in, err := dms.NewIngester(dms.IngesterOptions{Store: h.Store, Links: h.Server.Links(), Renderer: renderer, Media: hub.NewMedia(t.TempDir())})
		if err != nil {
			t.Fatal(err)
		}
		event, err := json.Marshal(map[string]any{"id": "e1", "type": "work_order", "occurred_at": "2026-11-23T10:00:00Z",
			"work_order": map[string]any{"number": "АА-1", "version": 1, "branch": "MSK1", "status": "Выдан",
				"customer": map[string]any{"external_id": "C-1", "name": "Иван Петров", "phones": []any{"+79161234567"}}}})
		if err != nil {
			t.Fatal(err)
		}
		results, err := in.Apply(ctx, h.Node, []json.RawMessage{event})
		if err != nil || len(results) != 1 || results[0].Result != store.EventApplied {
			t.Fatalf("apply = %+v, %v", results, err)
		}
		link, err := h.Store.ActiveMagicLink(ctx, h.Thread(t, "АА-1").ID)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC).Add(dms.DefaultLinkTTL)
		if link.ExpiresAt == nil || !link.ExpiresAt.Equal(want) {
			t.Errorf("link expires at %v, want %v", link.ExpiresAt, want)
		}
	})
}
