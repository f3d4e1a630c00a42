package inbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"naryad/hub"
	"naryad/hub/staff"
	"naryad/hub/web/staffpage"
)

// The mechanic's inspection page (issue 17): on a phone in the bay, the
// work order's checklist grouped by section, each item with green / yellow
// / red, a measurement, a note and photos. Every change is saved at once
// (inspection.js posts it; without the script each form posts), so the
// draft lives on the server and survives closing the page.

// InspectionUploadPath takes one photo or video of an item per request, up
// to MaxUploadBytes (app's upload table lists it).
const InspectionUploadPath = "/mechanic/orders/:id/inspection/items/:item/media"

// registerInspection adds the inspection's routes; inbox.go's Register
// calls it with the workshop roles.
func (h *Handler) registerInspection(workshop staffpage.Group) {
	const base = "/mechanic/orders/:id/inspection"
	workshop.Get(base, h.withThread(h.inspectionPage))
	workshop.Post(base+"/items", h.withInspection(h.inspectionFreeItem))
	workshop.Post(base+"/items/:item", h.withInspection(h.inspectionItemEdit))
	workshop.Post(InspectionUploadPath, h.withInspection(h.inspectionUpload))
	workshop.Post(base+"/media/:media/delete", h.withInspection(h.inspectionMediaDelete))
	workshop.Get("/inspection/media/:media", h.inspectionMedia(false))
	workshop.Get("/inspection/media/:media/thumb", h.inspectionMedia(true))
}

func inspectionURL(threadID int64) string { return mechanicURL(threadID) + "/inspection" }

// inspectionPage is what GET /mechanic/orders/<thread id>/inspection shows.
type inspectionPage struct {
	Frame     staffpage.Frame
	CSRF      string
	T, I      map[string]string // the inbox's words, the inspection's
	Order     orderCard
	URL       string // the page; its forms post below it
	OrderURL  string // the mechanic's order page
	Sections  []inspectionSection
	States    []string          // hub.ItemStates()
	StateWord map[string]string // each state's shared word, for its button
	UploadKey string            // for a form posted without the script: a repost stores nothing twice
	JS        []jsText
	Error, OK string
}

type inspectionSection struct {
	Title string
	Items []inspectionItemView
}

type inspectionItemView struct {
	hub.InspectionItem
	URL   string // the item's form
	Media []inspectionMediaView
}

type inspectionMediaView struct {
	ID               int64
	URL, Thumb, Name string // Thumb "" when there is none (HEIC, video)
	Video            bool
	DeleteURL        string
}

// jsText is one word the script needs, in a hidden list on the page.
type jsText struct{ Name, Text string }

// inspectionPage is GET /mechanic/orders/<thread id>/inspection: it starts
// the inspection on first opening (StartInspection makes one however many
// open it at once) and shows it.
func (h *Handler) inspectionPage(c *fiber.Ctx, s staff.Staff, th hub.Thread) error {
	if th.WorkOrderID == nil {
		return notFound(c)
	}
	ctx := c.UserContext()
	locale := staffpage.Locale(c, texts)
	t, it := texts[locale], inspectionTexts[locale]
	insp, err := h.store.StartInspection(ctx, th, staffpage.DisplayName(s.User))
	if err != nil {
		return h.Internal(c, "start inspection", err)
	}
	branch, err := h.store.Branch(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "load branch", err)
	}
	card, err := h.orderCard(ctx, *th.WorkOrderID, locale, branch.Location())
	if err != nil {
		return h.Internal(c, "load work order", err)
	}
	items, err := h.store.InspectionItems(ctx, insp.ID)
	if err != nil {
		return h.Internal(c, "inspection items", err)
	}
	media, err := h.store.InspectionMediaOf(ctx, insp.ID)
	if err != nil {
		return h.Internal(c, "inspection media", err)
	}
	list, err := h.store.Checklist(ctx, th.BranchID)
	if err != nil {
		return h.Internal(c, "checklist", err)
	}
	key, err := newUploadKey()
	if err != nil {
		return h.Internal(c, "upload key", err)
	}
	url := inspectionURL(th.ID)
	p := inspectionPage{Frame: h.Frame(c, locale, it["inspection"]+" · "+card.Number), CSRF: s.CSRF, T: t, I: it, Order: card,
		URL: url, OrderURL: mechanicURL(th.ID), States: hub.ItemStates(), StateWord: inspStateWords(locale), UploadKey: key,
		Sections: inspectionSections(items, media, list, locale, it, url), Error: it["err_"+c.Query("err")], OK: it[c.Query("ok")]}
	p.Frame.Styles = append(p.Frame.Styles[:len(p.Frame.Styles):len(p.Frame.Styles)], "inspection.css")
	p.Frame.Scripts = []string{"inspection.js"}
	p.Frame.Back = &staffpage.Link{URL: p.OrderURL, Label: card.Number}
	for name, text := range it {
		if strings.HasPrefix(name, "js_") || strings.HasPrefix(name, "err_") {
			p.JS = append(p.JS, jsText{Name: name, Text: text})
		}
	}
	slices.SortFunc(p.JS, func(a, b jsText) int { return strings.Compare(a.Name, b.Name) })
	return h.Render(c, fiber.StatusOK, "inspection_mechanic.html", p)
}

// inspectionSections groups items by the checklist's sections in its
// order; free items, and items the admin has since removed from the
// checklist, come last under "other". A checklist item is named in the
// page's language; the stored name (the branch's) otherwise.
func inspectionSections(items []hub.InspectionItem, media []hub.InspectionMedia, list []hub.ChecklistItem,
	locale string, it map[string]string, url string) []inspectionSection {
	byItem := map[int64][]inspectionMediaView{}
	for _, m := range media {
		v := inspectionMediaView{ID: m.ID, URL: mediaURL(m.ID), Name: m.Name, Video: strings.HasPrefix(m.ContentType, "video/"),
			DeleteURL: fmt.Sprintf("%s/media/%d/delete", url, m.ID)}
		if m.ThumbSHA256 != "" {
			v.Thumb = v.URL + "/thumb"
		}
		byItem[m.ItemID] = append(byItem[m.ItemID], v)
	}
	section := map[string]hub.ChecklistItem{}
	var order []string
	seen := map[string]bool{}
	for _, c := range list {
		section[c.Code] = c
		if !seen[c.Section] {
			seen[c.Section] = true
			order = append(order, c.Section)
		}
	}
	grouped := map[string][]inspectionItemView{}
	for _, item := range items {
		sec := "other"
		if c, ok := section[item.Code]; ok {
			sec, item.Name = c.Section, c.Name(locale)
		}
		item.Unit = inspUnit(locale, item.Unit) // shown only; the form never posts it
		grouped[sec] = append(grouped[sec], inspectionItemView{InspectionItem: item,
			URL: fmt.Sprintf("%s/items/%d", url, item.ID), Media: byItem[item.ID]})
	}
	var out []inspectionSection
	for _, sec := range append(order, "other") {
		if len(grouped[sec]) == 0 {
			continue
		}
		title := it["sec_"+sec]
		if title == "" {
			title = sec // an admin's own section
		}
		out = append(out, inspectionSection{Title: title, Items: grouped[sec]})
		delete(grouped, sec) // "other" may also be an admin's section name
	}
	return out
}

func mediaURL(id int64) string { return fmt.Sprintf("/inspection/media/%d", id) }

// newUploadKey is a random id of one upload.
func newUploadKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("upload key: %w", err)
	}
	return hex.EncodeToString(b), nil
}
