package dms

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"naryad/hub"
)

// scope is what validation needs to know about the calling node: the
// branches it may write to, by code, and the branch whose country and time
// zone apply to events that name none.
type scope struct {
	node     hub.DMSNode
	branches map[string]hub.Branch
	home     hub.Branch
	zones    *hub.Zones
}

// Problem is one thing wrong with an event: the field's path
// ("work_order.lines[2].qty"; empty for the event as a whole) and what is
// wrong with it.
type Problem struct {
	Path, Text string
}

func (q Problem) String() string {
	if q.Path == "" {
		return q.Text
	}
	return q.Path + ": " + q.Text
}

// problems collects field-precise errors ("lines[2].qty: not a number:
// \"abc\"") so a rejection lists everything wrong at once.
type problems []Problem

// maxProblemBytes caps one problem's text: a value quoted back in an
// error is cut, so a megabyte sent in a field does not come back whole.
const maxProblemBytes = 300

func (p *problems) add(path string, err error) {
	msg := err.Error()
	if len(msg) > maxProblemBytes {
		cut := maxProblemBytes
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	*p = append(*p, Problem{Path: path, Text: msg})
}

func (p *problems) addf(path, format string, args ...any) {
	p.add(path, fmt.Errorf(format, args...))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	parts := make([]string, len(p))
	for i, q := range p {
		parts[i] = q.String()
	}
	return errors.New(strings.Join(parts, "; "))
}

// decode parses and validates one raw event. The id comes back even when the
// event is rejected, so the reply can name it.
func (sc *scope) decode(raw json.RawMessage) (validEvent, problems) {
	var in eventIn
	if err := json.Unmarshal(raw, &in); err != nil {
		var p problems
		p.addf("", "not a valid event: %s", jsonProblem(err))
		return validEvent{}, p
	}
	var p problems
	ev := validEvent{ID: eventID(in.ID, &p), Type: in.Type}
	loc := sc.zones.Of(sc.eventBranch(&in))
	if short(in.OccurredAt, "occurred_at", &p) {
		at, ok, err := parseTime(in.OccurredAt, loc)
		switch {
		case err != nil:
			p.add("occurred_at", err)
		case !ok:
			p.addf("occurred_at", "required")
		}
		ev.OccurredAt = at
	}

	switch in.Type {
	case TypeWorkOrder:
		if in.WorkOrder == nil {
			p.addf("work_order", "required for type work_order")
			break
		}
		ev.WorkOrder = sc.workOrder(in.WorkOrder, &p)
	case TypeDocument:
		if in.Document == nil {
			p.addf("document", "required for type document")
			break
		}
		ev.Document = validateDocument(in.Document, &p)
	case TypeMessage:
		if in.Message == nil {
			p.addf("message", "required for type message")
			break
		}
		ev.Message = validateMessage(in.Message, &p)
	case TypeCustomer:
		if in.Customer == nil {
			p.addf("customer", "required for type customer")
			break
		}
		ev.Customer = sc.customer(in.Customer, "customer", &p)
	case TypeVehicle:
		if in.Vehicle == nil {
			p.addf("vehicle", "required for type vehicle")
			break
		}
		ev.Vehicle = sc.vehicle(in.Vehicle, "vehicle", loc, &p)
	case TypeExpiringItem:
		if in.ExpiringItem == nil {
			p.addf("expiring_item", "required for type expiring_item")
			break
		}
		ev.ExpiringItem = sc.expiringItem(in.ExpiringItem, &p)
	case TypeBooking:
		if in.Booking == nil {
			p.addf("booking", "required for type booking")
			break
		}
		ev.Booking = validateBooking(in.Booking, &p)
	case "":
		p.addf("type", "required")
	default:
		p.addf("type", "unknown event type %q (want work_order, document, message, customer, vehicle, expiring_item or booking)", in.Type)
	}
	return ev, p
}

// eventID reads the event's id. An id that breaks the rules (not a string
// or number, too long, a control character) is reported and answered as
// "": the rejection then sits in the event's place in the results.
func eventID(f flexText, p *problems) string {
	var idp problems
	id := code(f, "id", &idp)
	switch {
	case len(idp) > 0:
		id = ""
	case id == "":
		idp.addf("id", "required")
	}
	*p = append(*p, idp...)
	return id
}

// eventBranch is the branch whose time zone the event's local times are
// read in: the one its object names, else the node's home branch.
func (sc *scope) eventBranch(in *eventIn) hub.Branch {
	branch := ""
	switch {
	case in.Type == TypeWorkOrder && in.WorkOrder != nil:
		branch = in.WorkOrder.Branch
	case in.Type == TypeCustomer && in.Customer != nil:
		branch = in.Customer.Branch
	case in.Type == TypeVehicle && in.Vehicle != nil:
		branch = in.Vehicle.Branch
	case in.Type == TypeExpiringItem && in.ExpiringItem != nil:
		branch = in.ExpiringItem.Branch
	}
	if b, ok := sc.branches[strings.TrimSpace(branch)]; ok {
		return b
	}
	return sc.home
}

// jsonProblem names the field of a JSON type mismatch in the event's terms.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Sprintf("expected a JSON object, got %s", typeErr.Value)
		}
		return fmt.Sprintf("%s: expected %s, got %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	return "malformed JSON" // the body parsed as a whole, so this is rare
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice":
		return "array"
	case "struct", "ptr":
		return "object"
	default:
		return goKind
	}
}

// eventIDOf digs the id out of an event that failed to decode, so even a
// malformed event is answered by its id when it has a valid one.
func eventIDOf(raw json.RawMessage) string {
	var probe struct {
		ID flexText `json:"id"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return ""
	}
	var p problems
	return eventID(probe.ID, &p)
}

// whole parses an optional whole number ≥ 0; absent is 0.
func whole(f flexText, path string, p *problems) int {
	if !f.Set || f.String() == "" || !short(f.Raw, path, p) {
		return 0
	}
	n, err := parseWhole(f.String())
	if err != nil {
		p.add(path, err)
		return 0
	}
	if n < 0 || n > 1<<31 {
		p.addf(path, "out of range: %d", n)
		return 0
	}
	return int(n)
}

// yesNo parses an optional yes/no the ways 1C may write it.
func yesNo(f flexText, path string, p *problems) bool {
	if !f.Set || !short(f.Raw, path, p) {
		return false
	}
	switch strings.ToLower(f.String()) {
	case "true", "1", "yes", "да", "tak", "y":
		return true
	case "false", "0", "no", "нет", "nie", "n", "":
		return false
	}
	p.addf(path, "not a yes/no value: %q", f.Raw)
	return false
}

// optionalTime parses an optional time in the branch's zone.
func optionalTime(raw, path string, loc *time.Location, p *problems) *time.Time {
	if !short(raw, path, p) {
		return nil
	}
	t, ok, err := parseTime(raw, loc)
	if err != nil {
		p.add(path, err)
		return nil
	}
	if !ok {
		return nil
	}
	return &t
}
