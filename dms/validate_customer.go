package dms

import (
	"encoding/json"
	"fmt"
	"strings"

	"naryad/hub"
	"naryad/hub/store"
)

// customerKinds maps the ways a DMS may name a customer's kind to
// naryad's two. 1C's ЮрФизЛицо enumeration serialises as ФизЛицо/ЮрЛицо.
var customerKinds = map[string]string{
	"person": hub.CustomerPerson, "individual": hub.CustomerPerson, "физлицо": hub.CustomerPerson,
	"физическое лицо": hub.CustomerPerson, "osoba fizyczna": hub.CustomerPerson,
	"company": hub.CustomerCompany, "organization": hub.CustomerCompany, "organisation": hub.CustomerCompany,
	"юрлицо": hub.CustomerCompany, "юридическое лицо": hub.CustomerCompany, "организация": hub.CustomerCompany,
	"firma": hub.CustomerCompany, "osoba prawna": hub.CustomerCompany,
}

// customerKind reads a customer's kind; "" (left out) keeps the stored one.
func customerKind(raw, path string, p *problems) string {
	s := strings.ToLower(strings.Join(strings.Fields(text(raw, path, shortRule, p)), " "))
	if s == "" {
		return ""
	}
	kind, ok := customerKinds[s]
	if !ok {
		p.addf(path, "unknown customer kind %q (want person or company)", raw)
	}
	return kind
}

// phoneRoles are the roles a customer's phone may have; "" is a plain number.
var phoneRoles = map[string]string{"": "", "manager": hub.PhoneRoleManager}

// phones normalises a customer's numbers to E.164 in region, dropping
// empty entries and repeats, and returns those marked as the company's
// fleet managers apart. An entry is a number (a string or a JSON number)
// or an object {"number": …, "role": "manager"}.
func phones(in []flexText, path, region string, p *problems) (all, managers []string) {
	seen := map[string]bool{}
	for i, raw := range in {
		at := fmt.Sprintf("%s.phones[%d]", path, i)
		number, role, ok := phoneEntry(raw, at, p)
		if !ok || number.String() == "" || !short(number.Raw, at, p) {
			continue
		}
		e164, err := hub.NormalizePhone(number.String(), region)
		if err != nil {
			p.add(at, err)
			continue
		}
		if role == hub.PhoneRoleManager && !seen[e164+"/manager"] {
			seen[e164+"/manager"] = true
			managers = append(managers, e164)
		}
		if !seen[e164] {
			seen[e164] = true
			all = append(all, e164)
		}
	}
	return all, managers
}

// phoneEntry reads one entry of a phone list: a bare number, or an object
// with its number and role.
func phoneEntry(raw flexText, at string, p *problems) (number flexText, role string, ok bool) {
	if raw.isCode() {
		return raw, "", true
	}
	if raw.Kind != "an object" {
		p.addf(at, "expected a string, a number or an object {\"number\": …, \"role\": \"manager\"}, got %s", raw.Kind)
		return flexText{}, "", false
	}
	var obj phoneObjectIn
	if err := json.Unmarshal([]byte(raw.Raw), &obj); err != nil {
		p.addf(at, "not a phone object {\"number\": …, \"role\": \"manager\"}: %v", err)
		return flexText{}, "", false
	}
	if !obj.Number.isCode() {
		p.addf(at+".number", "expected a string or a number, got %s", obj.Number.Kind)
		return flexText{}, "", false
	}
	if obj.Number.String() == "" {
		p.addf(at+".number", "required")
		return flexText{}, "", false
	}
	r := strings.ToLower(strings.TrimSpace(text(obj.Role, at+".role", shortRule, p)))
	role, known := phoneRoles[r]
	if !known {
		p.addf(at+".role", "unknown phone role %q (want manager, or leave it out)", obj.Role)
		return flexText{}, "", false
	}
	return obj.Number, role, true
}

// checkManagers rejects a manager's number on a customer the DMS itself
// calls a person: a fleet manager belongs to a company. With the kind left
// out the stored kind decides, and the role only counts for a company.
func checkManagers(c *store.CustomerData, path string, p *problems) {
	if len(c.Managers) > 0 && c.Kind == hub.CustomerPerson {
		p.addf(path+".phones", "a phone with role manager needs \"kind\": \"company\" (this customer is a person)")
	}
}
