package adminpage

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"naryad/email"
	"naryad/hub"
	"naryad/hub/store"
	"naryad/hub/web/staffpage"
)

// maxKeyBytes bounds a pasted key: a 4096-bit RSA key in PEM is ~3.3 KB.
const maxKeyBytes = 16 << 10

// save is POST /admin/email/settings: branch, from_address, from_name,
// dkim_domain, dkim_selector, dkim_key (empty keeps the saved one),
// dkim_remove, sms_fallback. Every field is checked before anything is
// stored; the key is parsed, then sealed. Audited, never with the key.
func (h *Handler) save(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t := words(c)
	code := c.FormValue("branch")
	v, err := h.load(ctx, code)
	if err != nil {
		return h.Internal(c, "e-mail page", err)
	}
	if v.Branch.ID == 0 || v.Branch.Code != code {
		return h.refuse(c, v, t["no_branch"])
	}
	set, problem := h.parse(c, v.Settings, t)
	if problem != "" {
		return h.refuse(c, v, problem)
	}
	set.BranchID = v.Branch.ID
	err = h.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SaveBranchEmailSettings(ctx, set); err != nil {
			return err
		}
		return staffpage.Audit(ctx, c, tx, store.AuditAdminChanged, "branch "+v.Branch.Code, auditDetail(set, v.Settings))
	})
	if err != nil {
		return h.Internal(c, "save e-mail settings", err)
	}
	return c.Redirect("/admin/email?branch="+v.Branch.Code+"&done=settings", fiber.StatusSeeOther)
}

// parse reads the form over the saved settings; problem is the refusal in
// the admin's words, "" when all is well.
func (h *Handler) parse(c *fiber.Ctx, saved hub.BranchEmailSettings, t map[string]string) (hub.BranchEmailSettings, string) {
	set := hub.BranchEmailSettings{
		FromName:      strings.TrimSpace(c.FormValue("from_name")),
		DKIMDomain:    strings.ToLower(strings.TrimSpace(c.FormValue("dkim_domain"))),
		DKIMSelector:  strings.ToLower(strings.TrimSpace(c.FormValue("dkim_selector"))),
		DKIMKeySealed: saved.DKIMKeySealed,
		SMSFallback:   c.FormValue("sms_fallback") == "1",
	}
	if from := strings.TrimSpace(c.FormValue("from_address")); from != "" {
		addr, err := email.ParseAddress(from)
		if err != nil {
			return set, t["bad_from"]
		}
		set.FromAddress = addr
	}
	if utf8.RuneCountInString(set.FromName) > 100 || strings.ContainsFunc(set.FromName, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return set, t["bad_name"]
	}
	if set.DKIMDomain != "" && !isDomain(set.DKIMDomain) {
		return set, t["bad_domain"]
	}
	if set.DKIMSelector != "" && !isSelector(set.DKIMSelector) {
		return set, t["bad_selector"]
	}
	if c.FormValue("dkim_remove") == "1" {
		set.DKIMKeySealed = ""
	}
	if key := strings.TrimSpace(c.FormValue("dkim_key")); key != "" {
		if len(key) > maxKeyBytes {
			return set, t["bad_key"]
		}
		if _, err := email.ParseDKIMKey(key); err != nil {
			return set, t["bad_key"]
		}
		sealed, err := h.sealer.Seal(key)
		if err != nil {
			h.Log.Error("e-mail page: seal the DKIM key", "error", err)
			return set, t["bad_key"]
		}
		set.DKIMKeySealed = sealed
	}
	if c.FormValue("dkim_remove") == "1" && c.FormValue("dkim_key") == "" {
		set.DKIMDomain, set.DKIMSelector = "", ""
	}
	n := 0
	for _, s := range []string{set.DKIMDomain, set.DKIMSelector, set.DKIMKeySealed} {
		if s != "" {
			n++
		}
	}
	if n != 0 && n != 3 {
		return set, t["dkim_incomplete"]
	}
	from := set.FromAddress
	if from == "" {
		from = h.defaultFrom
	}
	if n == 3 && from != "" {
		domain := strings.ToLower(from[strings.LastIndexByte(from, '@')+1:])
		if domain != set.DKIMDomain && !strings.HasSuffix(domain, "."+set.DKIMDomain) {
			return set, fmt.Sprintf(t["dkim_unaligned"], set.DKIMDomain, domain)
		}
	}
	return set, ""
}

// auditDetail names what changed; the key only as new, kept or removed.
func auditDetail(set, saved hub.BranchEmailSettings) string {
	key := "none"
	switch {
	case set.DKIMKeySealed != "" && set.DKIMKeySealed != saved.DKIMKeySealed:
		key = "new"
	case set.DKIMKeySealed != "":
		key = "kept"
	case saved.DKIMKeySealed != "":
		key = "removed"
	}
	return fmt.Sprintf("email_settings from=%q name=%q dkim_domain=%q dkim_selector=%q dkim_key=%s sms_fallback=%t",
		set.FromAddress, set.FromName, set.DKIMDomain, set.DKIMSelector, key, set.SMSFallback)
}

// sendTest is POST /admin/email/test: branch, to. Sent at once with the
// branch's saved sender; the server's refusal is shown as it came.
func (h *Handler) sendTest(c *fiber.Ctx) error {
	t := words(c)
	code := c.FormValue("branch")
	v, err := h.load(c.UserContext(), code)
	if err != nil {
		return h.Internal(c, "e-mail page", err)
	}
	v.TestTo = strings.TrimSpace(c.FormValue("to"))
	if v.Branch.ID == 0 || v.Branch.Code != code {
		return h.refuse(c, v, t["no_branch"])
	}
	if h.tester == nil {
		return h.refuse(c, v, t["test_off"])
	}
	to, err := email.ParseAddress(v.TestTo)
	if err != nil {
		return h.refuse(c, v, t["bad_test_to"])
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), h.testTimeout)
	defer cancel()
	if err := h.tester.SendTest(ctx, v.Branch.ID, to, t["test_subject"], fmt.Sprintf(t["test_text"], v.Branch.Name)); err != nil {
		h.Log.Info("e-mail page: test e-mail failed", "branch", v.Branch.Code, "error", err)
		return h.refuse(c, v, fmt.Sprintf(t["test_failed"], err.Error()))
	}
	return c.Redirect("/admin/email?branch="+v.Branch.Code+"&done=test", fiber.StatusSeeOther)
}

// isDomain accepts a DNS name of at least two labels.
func isDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(s) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !isLabel(l) {
			return false
		}
	}
	return true
}

// isSelector accepts one or more DNS labels (a selector may have dots).
func isSelector(s string) bool {
	for l := range strings.SplitSeq(s, ".") {
		if !isLabel(l) {
			return false
		}
	}
	return len(s) <= 128
}

func isLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
