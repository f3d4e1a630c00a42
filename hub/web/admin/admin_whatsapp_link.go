package admin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skip2/go-qrcode"

	"naryad/hub"
	"naryad/hub/web/attachment"
	"naryad/hub/whatsapp"
)

// waLinkView is what whatsapp_link.html shows: the account, and where the
// page's script polls for the codes and the outcome.
type waLinkView struct {
	Account  hub.WAAccount
	StateURL string
	QRURL    string
	Pairing  string // a phone pairing code already published
	HasQR    bool   // a QR code is published already (shown without script too)
}

// whatsappLinkStart is POST /admin/whatsapp/accounts/:id/link (phone
// optional: pairing by a code typed on that phone). The linking runs in
// this process; the browser goes to the page that shows its codes.
func (h *Handler) whatsappLinkStart(c *fiber.Ctx) error {
	if h.whatsapp == nil {
		return h.waOff(c)
	}
	a, ok, err := h.waAccount(c)
	if !ok {
		return err
	}
	phone := strings.TrimSpace(c.FormValue("phone"))
	if phone != "" {
		b, err := h.store.Branch(c.UserContext(), a.BranchID)
		if err != nil {
			return h.Internal(c, "branch of account", err)
		}
		if phone, err = hub.NormalizePhone(phone, b.Country); err != nil {
			return h.refuseWhatsApp(c, refusals(c)["wa_phone"])
		}
	}
	page := linkPage(a)
	err = h.whatsapp.StartLink(a.ID, phone)
	if errors.Is(err, whatsapp.ErrBusy) {
		return c.Redirect(page, fiber.StatusSeeOther) // the linking under way shows its codes
	}
	if err != nil {
		return h.refuseWhatsApp(c, h.waRefusal(c, "link", err))
	}
	detail := "whatsapp_link by=qr"
	if phone != "" {
		detail = "whatsapp_link by=phone phone=" + phone
	}
	if err := waAudit(c, h.store, a, detail); err != nil {
		return h.Internal(c, "audit", err)
	}
	h.Log.Info("whatsapp linking started", "account", a.Name, "by_phone", phone != "")
	return c.Redirect(page, fiber.StatusSeeOther)
}

// linkPage is the page following a linking of a; from names the device
// linked before, so the page can tell the new one.
func linkPage(a hub.WAAccount) string {
	return "/admin/whatsapp/accounts/" + strconv.FormatInt(a.ID, 10) + "/link?from=" + url.QueryEscape(a.JID)
}

// whatsappLinkPage is GET /admin/whatsapp/accounts/:id/link.
func (h *Handler) whatsappLinkPage(c *fiber.Ctx) error {
	a, ok, err := h.waAccount(c)
	if !ok {
		return err
	}
	base := "/admin/whatsapp/accounts/" + strconv.FormatInt(a.ID, 10)
	v := waLinkView{Account: a, StateURL: base + "/state?from=" + url.QueryEscape(c.Query("from")), QRURL: base + "/qr.png"}
	if code := liveCode(a); whatsapp.IsPairingCode(code) {
		v.Pairing = code
	} else {
		v.HasQR = code != ""
	}
	return h.Render(c, fiber.StatusOK, "whatsapp_link.html", h.newPage(c, v))
}

// liveCode is the account's link code while it is valid.
func liveCode(a hub.WAAccount) string {
	if a.LinkCode == "" || a.LinkExpiresAt == nil || !a.LinkExpiresAt.After(time.Now()) {
		return ""
	}
	return a.LinkCode
}

// whatsappQR is GET /admin/whatsapp/accounts/:id/qr.png: the current QR
// code as an image, never cached; 404 when no linking shows one.
func (h *Handler) whatsappQR(c *fiber.Ctx) error {
	a, ok, err := h.waAccount(c)
	if !ok {
		return err
	}
	code := liveCode(a)
	if code == "" || whatsapp.IsPairingCode(code) {
		return c.Status(fiber.StatusNotFound).SendString(refusals(c)["wa_no_qr"])
	}
	png, err := qrcode.Encode(code, qrcode.Medium, 320)
	if err != nil {
		return h.Internal(c, "draw QR code", err)
	}
	return attachment.SendBytes(c, "image/png", "qr.png", png)
}

// waLinkState is the answer of the state poll.
type waLinkState struct {
	State   string `json:"state"`
	Linking bool   `json:"linking"`           // a code is shown now
	CodeID  string `json:"code_id,omitempty"` // changes with each QR code (the image is reloaded)
	Pairing string `json:"pairing_code,omitempty"`
	Linked  bool   `json:"linked"` // a new device is linked
	Phone   string `json:"phone,omitempty"`
}

// whatsappLinkState is GET /admin/whatsapp/accounts/:id/state?from=JID,
// polled by the link page.
func (h *Handler) whatsappLinkState(c *fiber.Ctx) error {
	a, ok, err := h.waAccount(c)
	if !ok {
		return err
	}
	s := waLinkState{State: a.State}
	if code := liveCode(a); code != "" {
		s.Linking = true
		if whatsapp.IsPairingCode(code) {
			s.Pairing = code
		} else {
			sum := sha256.Sum256([]byte(code))
			s.CodeID = hex.EncodeToString(sum[:6])
		}
	}
	if a.JID != "" && a.JID != c.Query("from") && !s.Linking {
		s.Linked, s.Phone = true, a.Phone
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s)
}
