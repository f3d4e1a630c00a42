package dms

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

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

// problems collects field-precise errors ("lines[2].qty: not a number:
// \"abc\"") so a rejection lists everything wrong at once.
type problems []string

func (p *problems) add(path string, err error) {
	*p = append(*p, path+": "+err.Error())
}

func (p *problems) addf(path, format string, args ...any) {
	p.add(path, fmt.Errorf(format, args...))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.New(strings.Join(p, "; "))
}

// maxEventIDLen bounds ids so a broken client cannot bloat the ledger.
const maxEventIDLen = 200

// decode parses and validates one raw event. The id comes back even when the
// event is rejected, so the reply can name it.
func (sc *scope) decode(raw json.RawMessage) (command, error) {
	var in eventIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return command{}, fmt.Errorf("not a valid event: %s", jsonProblem(err))
	}
	cmd := command{ID: in.ID.String(), Type: in.Type}
	var p problems
	switch {
	case cmd.ID == "":
		p.addf("id", "required")
	case len(cmd.ID) > maxEventIDLen:
		p.addf("id", "longer than %d bytes", maxEventIDLen)
	}
	loc := sc.zones.Of(sc.home)
	if in.Type == TypeWorkOrder && in.WorkOrder != nil {
		if b, ok := sc.branches[strings.TrimSpace(in.WorkOrder.Branch)]; ok {
			loc = sc.zones.Of(b)
		}
	}
	at, ok, err := parseTime(in.OccurredAt, loc)
	switch {
	case err != nil:
		p.add("occurred_at", err)
	case !ok:
		p.addf("occurred_at", "required")
	}
	cmd.OccurredAt = at

	switch in.Type {
	case TypeWorkOrder:
		if in.WorkOrder == nil {
			p.addf("work_order", "required for type work_order")
			break
		}
		cmd.WorkOrder = sc.workOrder(in.WorkOrder, &p)
	case TypeDocument:
		if in.Document == nil {
			p.addf("document", "required for type document")
			break
		}
		cmd.Document = validateDocument(in.Document, &p)
	case TypeMessage:
		if in.Message == nil {
			p.addf("message", "required for type message")
			break
		}
		cmd.Message = validateMessage(in.Message, &p)
	case TypeCustomer:
		if in.Customer == nil {
			p.addf("customer", "required for type customer")
			break
		}
		cmd.Customer = sc.customer(in.Customer, "customer", &p)
	case TypeVehicle:
		if in.Vehicle == nil {
			p.addf("vehicle", "required for type vehicle")
			break
		}
		cmd.Vehicle = sc.vehicle(in.Vehicle, "vehicle", loc, &p)
	case TypeExpiringItem:
		if in.ExpiringItem == nil {
			p.addf("expiring_item", "required for type expiring_item")
			break
		}
		cmd.ExpiringItem = sc.expiringItem(in.ExpiringItem, &p)
	case "":
		p.addf("type", "required")
	default:
		p.addf("type", "unknown event type %q (want work_order, document, message, customer, vehicle or expiring_item)", in.Type)
	}
	return cmd, p.err()
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
// malformed event is answered by its id when it has one.
func eventIDOf(raw json.RawMessage) string {
	var probe struct {
		ID flexText `json:"id"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return ""
	}
	return probe.ID.String()
}

// required trims a text field and reports it when empty.
func required(v, path string, p *problems) string {
	v = strings.TrimSpace(v)
	if v == "" {
		p.addf(path, "required")
	}
	return v
}

// whole parses an optional whole number ≥ 0; absent is 0.
func whole(f flexText, path string, p *problems) int {
	if !f.Set || f.String() == "" {
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

// flag parses an optional yes/no the ways 1C may write it.
func yesNo(f flexText, path string, p *problems) bool {
	if !f.Set {
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
