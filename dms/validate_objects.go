package dms

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"naryad/hub"
	"naryad/hub/store"
)

// qtyScale: quantities are stored in thousandths (1.5 h of labour = 1500).
const qtyScale = 3

func (sc *scope) workOrder(in *workOrderIn, p *problems) *workOrderCmd {
	w := &workOrderCmd{
		Number:    required(in.Number.String(), "work_order.number", p),
		RawStatus: strings.TrimSpace(in.Status),
		Advisor: advisorCmd{
			ExternalID: in.Advisor.externalID(), Name: strings.TrimSpace(in.Advisor.name()), Phone: strings.TrimSpace(in.Advisor.phone()),
		},
	}
	if v, err := parseWhole(in.Version.String()); err != nil {
		p.add("work_order.version", err)
	} else if v < 1 {
		p.addf("work_order.version", "must be a positive whole number, got %d", v)
	} else {
		w.Version = v
	}
	code := required(in.Branch, "work_order.branch", p)
	if b, ok := sc.branches[code]; ok {
		w.Branch = b
	} else if code != "" {
		p.addf("work_order.branch", "unknown branch %q", code)
		w.Branch = sc.home
	} else {
		w.Branch = sc.home
	}
	w.Master = validateMaster(in.Master, w.Branch.Country, p)
	loc := sc.zones.Of(w.Branch)
	if in.Customer != nil {
		w.Customer = sc.customerIn(in.Customer, "work_order.customer", w.Branch.Country, p)
	}
	if in.Vehicle != nil {
		w.Vehicle = sc.vehicle(in.Vehicle, "work_order.vehicle", loc, p)
		if w.Vehicle != nil && w.Vehicle.CustomerExternalID == "" && w.Customer != nil {
			w.Vehicle.CustomerExternalID = w.Customer.ExternalID
		}
	}
	w.PromisedAt = optionalTime(in.PromisedAt, "work_order.promised_at", loc, p)
	w.Paid = yesNo(in.Paid, "work_order.paid", p)
	w.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if w.Currency == "" {
		w.Currency = defaultCurrency(w.Branch.Country)
	}
	scale := 2
	if unit, err := currency.ParseISO(w.Currency); err != nil {
		p.addf("work_order.currency", "not an ISO 4217 code: %q", in.Currency)
	} else {
		scale, _ = currency.Standard.Rounding(unit)
	}
	seen := make(map[string]int, len(in.Lines))
	for i, l := range in.Lines {
		path := fmt.Sprintf("work_order.lines[%d]", i)
		line := validateLine(l, path, scale, p)
		if prev, dup := seen[line.ExternalID]; dup && line.ExternalID != "" {
			p.addf(path+".id", "%q repeats lines[%d].id", line.ExternalID, prev)
		}
		seen[line.ExternalID] = i
		line.Position = i + 1
		w.Lines = append(w.Lines, line)
		if line.Kind != hub.LineRecommendation {
			w.TotalMinor += line.TotalMinor
		}
	}
	return w
}

// validateMaster reads the master (mechanic) of a work order. The phone is
// normalised to E.164 in the branch's country, as customers' are: it is
// the number the work order's WhatsApp group adds, so a wrong one is
// rejected rather than kept.
func validateMaster(in *advisorIn, region string, p *problems) advisorCmd {
	m := advisorCmd{ExternalID: in.externalID(), Name: strings.TrimSpace(in.name())}
	raw := strings.TrimSpace(in.phone())
	if raw == "" {
		return m
	}
	e164, err := hub.NormalizePhone(raw, region)
	if err != nil {
		p.add("work_order.master.phone", err)
		return m
	}
	m.Phone = e164
	return m
}

// defaultCurrency guesses the currency of a branch's country when the DMS
// does not say.
func defaultCurrency(country string) string {
	switch strings.ToUpper(country) {
	case "RU":
		return "RUB"
	case "PL":
		return "PLN"
	case "BY":
		return "BYN"
	case "KZ":
		return "KZT"
	case "UA":
		return "UAH"
	default:
		return "EUR"
	}
}

// lineKinds maps the kinds the DMS may write to naryad's three.
var lineKinds = map[string]string{
	"labor": hub.LineLabor, "labour": hub.LineLabor, "work": hub.LineLabor, "service": hub.LineLabor,
	"работа": hub.LineLabor, "работы": hub.LineLabor, "услуга": hub.LineLabor,
	"part": hub.LinePart, "parts": hub.LinePart, "product": hub.LinePart, "material": hub.LinePart,
	"товар": hub.LinePart, "товары": hub.LinePart, "запчасть": hub.LinePart, "материал": hub.LinePart,
	"recommendation": hub.LineRecommendation, "рекомендация": hub.LineRecommendation, "рекомендации": hub.LineRecommendation,
}

func validateLine(in lineIn, path string, scale int, p *problems) hub.WorkOrderLine {
	l := hub.WorkOrderLine{
		ExternalID: required(in.ID.String(), path+".id", p),
		Name:       required(in.Name, path+".name", p),
	}
	kind, ok := lineKinds[strings.ToLower(strings.TrimSpace(in.Kind))]
	if !ok {
		p.addf(path+".kind", "unknown line kind %q (want labor, part or recommendation)", in.Kind)
	}
	l.Kind = kind
	l.QtyMilli = decimalField(in.Qty, path+".qty", qtyScale, true, p)
	l.UnitPriceMinor = decimalField(in.UnitPrice, path+".unit_price", scale, true, p)
	l.DiscountMinor = decimalField(in.Discount, path+".discount", scale, false, p)
	if in.Total.Set && in.Total.String() != "" {
		l.TotalMinor = decimalField(in.Total, path+".total", scale, true, p)
	} else {
		// qty is in thousandths: round half away from zero to the minor unit.
		gross := l.QtyMilli * l.UnitPriceMinor
		half := int64(500)
		if gross < 0 {
			half = -half
		}
		l.TotalMinor = (gross+half)/1000 - l.DiscountMinor
	}
	l.NeedsApproval = yesNo(in.NeedsApproval, path+".needs_approval", p)
	return l
}

// decimalField parses a number field scaled to integer units.
func decimalField(f flexText, path string, scale int, isRequired bool, p *problems) int64 {
	if !f.Set || f.String() == "" {
		if isRequired {
			p.addf(path, "required")
		}
		return 0
	}
	v, err := parseDecimal(f.String(), scale)
	if err != nil {
		p.add(path, err)
	}
	return v
}

func (sc *scope) customer(in *customerIn, path string, p *problems) *store.CustomerData {
	return sc.customerIn(in, path, sc.home.Country, p)
}

func (sc *scope) customerIn(in *customerIn, path, region string, p *problems) *store.CustomerData {
	c := &store.CustomerData{
		NodeID:     sc.node.ID,
		ExternalID: required(in.ExternalID.String(), path+".external_id", p),
		Name:       strings.TrimSpace(in.Name),
		Email:      strings.TrimSpace(in.Email),
		Locale:     normalizeLocale(in.Locale),
	}
	seen := map[string]bool{}
	for i, raw := range in.Phones {
		if raw.String() == "" {
			continue
		}
		e164, err := hub.NormalizePhone(raw.String(), region)
		if err != nil {
			p.add(fmt.Sprintf("%s.phones[%d]", path, i), err)
			continue
		}
		if !seen[e164] {
			seen[e164] = true
			c.Phones = append(c.Phones, e164)
		}
	}
	return c
}

// normalizeLocale keeps the language of "ru-RU", "pl_PL", "EN".
func normalizeLocale(raw string) string {
	s := strings.ToLower(strings.TrimSpace(raw))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	return s
}

func (sc *scope) vehicle(in *vehicleIn, path string, loc *time.Location, p *problems) *vehicleCmd {
	v := &vehicleCmd{
		CustomerExternalID: in.CustomerExternalID.String(),
		Data: store.VehicleData{
			NodeID: sc.node.ID,
			VIN:    strings.ToUpper(strings.TrimSpace(in.VIN)),
			Plate:  strings.ToUpper(strings.Join(strings.Fields(in.Plate), "")),
			Make:   strings.TrimSpace(in.Make),
			Model:  strings.TrimSpace(in.Model),
		},
	}
	// A vehicle is keyed by the DMS id; a DMS that sends none keys it by VIN.
	v.Data.ExternalID = in.ExternalID.String()
	if v.Data.ExternalID == "" && v.Data.VIN != "" {
		v.Data.ExternalID = "vin:" + v.Data.VIN
	}
	if v.Data.ExternalID == "" {
		p.addf(path+".external_id", "required (or a vin)")
	}
	v.Data.Year = whole(in.Year, path+".year", p)
	v.MileageKm = whole(in.MileageKm, path+".mileage_km", p)
	if s := in.Service; s != nil {
		v.Data.HasService = true
		v.Data.LastServiceAt = optionalTime(s.LastServiceAt, path+".service.last_service_at", loc, p)
		v.Data.LastServiceMileageKm = whole(s.LastServiceMileageKm, path+".service.last_service_mileage_km", p)
		v.Data.IntervalMonths = whole(s.IntervalMonths, path+".service.interval_months", p)
		v.Data.IntervalKm = whole(s.IntervalKm, path+".service.interval_km", p)
		v.Data.TyreSeason = tyreSeason(s.TyreSeason, path+".service.tyre_season", p)
	}
	return v
}

// tyreSeason reads the season of the tyres on the car (or in storage).
func tyreSeason(raw, path string, p *problems) string {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "":
		return ""
	case "summer", "лето", "летняя", "летние", "lato", "letnie":
		return "summer"
	case "winter", "зима", "зимняя", "зимние", "zima", "zimowe":
		return "winter"
	case "all_season", "all-season", "всесезонная", "всесезонные", "całoroczne":
		return "all_season"
	}
	p.addf(path, "unknown tyre season %q (want summer, winter or all_season)", raw)
	return ""
}

func validateDocument(in *documentIn, p *problems) *documentCmd {
	d := &documentCmd{
		WorkOrderNumber: required(in.WorkOrderNumber.String(), "document.work_order_number", p),
		Name:            required(in.Name, "document.name", p),
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(in.DataBase64), ""))
	switch {
	case err != nil:
		p.addf("document.data_base64", "not base64: %v", err)
	case len(data) == 0:
		p.addf("document.data_base64", "required")
	}
	d.Data = data
	// The type is what the bytes are, never the DMS's word for it
	// (content_type is accepted and ignored): a document typed
	// text/javascript or image/svg+xml would otherwise be a script on the
	// hub's origin. Anything but a photo, video or PDF is kept as plain
	// bytes, downloaded under its name.
	d.ContentType = cmp.Or(hub.SniffFile(data), "application/octet-stream")
	return d
}

func validateMessage(in *messageIn, p *problems) *messageCmd {
	return &messageCmd{
		WorkOrderNumber: required(in.WorkOrderNumber.String(), "message.work_order_number", p),
		Text:            required(in.Text, "message.text", p),
		Author:          strings.TrimSpace(in.Author),
	}
}

func (sc *scope) expiringItem(in *expiringItemIn, p *problems) *expiringItemCmd {
	e := &expiringItemCmd{
		CustomerExternalID: required(in.CustomerExternalID.String(), "expiring_item.customer_external_id", p),
		Data: store.ExpiringItemData{
			NodeID:     sc.node.ID,
			ExternalID: required(in.ExternalID.String(), "expiring_item.external_id", p),
			Kind:       strings.ToLower(required(in.Kind, "expiring_item.kind", p)),
			Title:      required(in.Title, "expiring_item.title", p),
		},
	}
	date, ok, err := parseDate(in.ExpiresOn)
	switch {
	case err != nil:
		p.add("expiring_item.expires_on", err)
	case !ok:
		p.addf("expiring_item.expires_on", "required")
	}
	e.Data.ExpiresOn = date
	return e
}
