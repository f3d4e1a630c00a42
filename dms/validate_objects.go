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

func (sc *scope) workOrder(in *workOrderIn, p *problems) *validWorkOrder {
	w := &validWorkOrder{
		Number: requiredCode(in.Number, "work_order.number", p),
		Sent: workOrderParts{
			Status: in.Status.Sent, Customer: in.Customer.Sent, Vehicle: in.Vehicle.Sent,
			Advisor: in.Advisor.Sent, Master: in.Master.Sent, PromisedAt: in.PromisedAt.Sent,
			Currency: in.Currency.Sent, Paid: in.Paid.Sent, Lines: in.Lines.Sent, AmountDue: in.AmountDue.Sent,
		},
		RawStatus: text(in.Status.Value, "work_order.status", labelRule, p),
	}
	w.Version = version(in.Version, p)
	branch := requiredText(in.Branch, "work_order.branch", shortRule, p)
	if b, ok := sc.branches[branch]; ok {
		w.Branch = b
	} else if branch != "" {
		p.addf("work_order.branch", "unknown branch %q", branch)
		w.Branch = sc.home
	} else {
		w.Branch = sc.home
	}
	if a := in.Advisor.ptr(); a != nil {
		w.Advisor = validAdvisor{
			ExternalID: code(a.ExternalID, "work_order.advisor.external_id", p),
			Name:       text(a.Name, "work_order.advisor.name", nameRule, p),
			Phone:      text(a.Phone, "work_order.advisor.phone", shortRule, p),
		}
	}
	w.Master = validateMaster(in.Master.ptr(), w.Branch.Country, p)
	loc := sc.zones.Of(w.Branch)
	if c := in.Customer.ptr(); c != nil {
		w.Customer = sc.customerIn(c, "work_order.customer", p)
		w.Customer.Phones, w.Customer.Managers = phones(c.Phones, "work_order.customer", w.Branch.Country, p)
		checkManagers(w.Customer, "work_order.customer", p)
	}
	if v := in.Vehicle.ptr(); v != nil {
		w.Vehicle = sc.vehicle(v, "work_order.vehicle", loc, p)
		if w.Vehicle.CustomerExternalID == "" && w.Customer != nil {
			w.Vehicle.CustomerExternalID = w.Customer.ExternalID
		}
	}
	w.PromisedAt = optionalTime(in.PromisedAt.Value, "work_order.promised_at", loc, p)
	w.Paid = yesNo(in.Paid.Value, "work_order.paid", p)
	w.Currency = strings.ToUpper(text(in.Currency.Value, "work_order.currency", shortRule, p))
	if w.Currency == "" {
		w.Currency = defaultCurrency(w.Branch.Country)
	}
	w.linesScale = 2
	if scale, ok := currencyScale(w.Currency); ok {
		w.linesScale = scale
	} else {
		p.addf("work_order.currency", "not an ISO 4217 code: %q", in.Currency.Value)
	}
	w.rawLines = in.Lines.Value
	w.Lines, w.TotalMinor = validateLines(w.rawLines, w.linesScale, p)
	w.rawAmountDue = in.AmountDue
	w.AmountDue = amountDue(w.rawAmountDue, w.linesScale, p)
	return w
}

// amountDue reads what the customer owes for a work order, when the DMS
// says (the rest after an advance, a discount on the whole order): money
// ≥ 0 in the currency. Left out, null or "": nil, and the lines not
// declined decide (hub.AmountDue).
func amountDue(in optional[flexText], scale int, p *problems) *int64 {
	const path = "work_order.amount_due"
	if in.ptr() == nil || !in.Value.Set || in.Value.String() == "" {
		return nil
	}
	if !in.Value.isCode() {
		p.addf(path, "expected a number, got %s", in.Value.Kind)
		return nil
	}
	before := len(*p)
	v := moneyField(in.Value, path, scale, false, p)
	switch {
	case len(*p) > before:
		return nil
	case v < 0:
		p.addf(path, "must not be negative, got %q", in.Value.String())
		return nil
	}
	return &v
}

// version reads a work order's version: a whole number ≥ 1.
func version(f flexText, p *problems) int64 {
	const path = "work_order.version"
	if !short(f.Raw, path, p) {
		return 0
	}
	v, err := parseWhole(f.String())
	switch {
	case err != nil:
		p.add(path, err)
	case v < 1:
		p.addf(path, "must be a positive whole number, got %d", v)
	default:
		return v
	}
	return 0
}

// currencyScale is the number of decimal places of an ISO 4217 currency.
func currencyScale(code string) (int, bool) {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale, true
}

// validateLines reads a work order's lines with money in scale decimal
// places and sums the total (recommendations are not part of it).
func validateLines(in []lineIn, scale int, p *problems) ([]hub.WorkOrderLine, int64) {
	var lines []hub.WorkOrderLine
	var total int64
	seen := make(map[string]int, len(in))
	for i, l := range in {
		path := fmt.Sprintf("work_order.lines[%d]", i)
		line := validateLine(l, path, scale, p)
		if prev, dup := seen[line.ExternalID]; dup && line.ExternalID != "" {
			p.addf(path+".id", "%q repeats lines[%d].id", line.ExternalID, prev)
		}
		seen[line.ExternalID] = i
		line.Position = i + 1
		lines = append(lines, line)
		if line.Kind != hub.LineRecommendation {
			total += line.TotalMinor // each within maxMoneyMinor: cannot overflow
		}
	}
	if !moneyInRange(total) {
		p.addf("work_order.lines", "the work order's total is out of range: more than %d in the currency's minor unit", int64(maxMoneyMinor))
	}
	return lines, total
}

// validateMaster reads the master (mechanic) of a work order. The phone is
// normalised to E.164 in the branch's country, as customers' are: it is
// the number the work order's WhatsApp group adds, so a wrong one is
// rejected rather than kept.
func validateMaster(in *advisorIn, region string, p *problems) validAdvisor {
	if in == nil {
		return validAdvisor{}
	}
	m := validAdvisor{
		ExternalID: code(in.ExternalID, "work_order.master.external_id", p),
		Name:       text(in.Name, "work_order.master.name", nameRule, p),
	}
	raw, ok := checkText(in.Phone, "work_order.master.phone", shortRule, p)
	if raw == "" || !ok {
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
		ExternalID: requiredCode(in.ID, path+".id", p),
		Name:       requiredText(in.Name, path+".name", lineRule, p),
	}
	kind, ok := lineKinds[strings.ToLower(strings.TrimSpace(in.Kind))]
	if !ok {
		p.addf(path+".kind", "unknown line kind %q (want labor, part or recommendation)", in.Kind)
	}
	l.Kind = kind
	l.QtyMilli = decimalField(in.Qty, path+".qty", qtyScale, true, p)
	l.UnitPriceMinor = moneyField(in.UnitPrice, path+".unit_price", scale, true, p)
	l.DiscountMinor = moneyField(in.Discount, path+".discount", scale, false, p)
	if in.Total.Set && in.Total.String() != "" {
		l.TotalMinor = moneyField(in.Total, path+".total", scale, true, p)
	} else {
		l.TotalMinor = lineTotal(l.QtyMilli, l.UnitPriceMinor, l.DiscountMinor, path+".total", p)
	}
	l.NeedsApproval = yesNo(in.NeedsApproval, path+".needs_approval", p)
	// Any code is kept, one the hub does not know too: the line then shows
	// without the item's evidence.
	l.InspectionItem = text(in.InspectionItem, path+".inspection_item", shortRule, p)
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
	if !short(f.Raw, path, p) {
		return 0
	}
	v, err := parseDecimal(f.String(), scale)
	if err != nil {
		p.add(path, err)
	}
	return v
}

// placement reads the `branch` of a customer, vehicle or expiring item:
// where it belongs while no work order says otherwise, which is where its
// reminders go out. Without one, a node that reaches a single branch
// places it there; with several it stays nil, which keeps what is stored
// (the reminders then fall back on the customer's branch).
func (sc *scope) placement(raw, path string, p *problems) *hub.Branch {
	branch := text(raw, path, shortRule, p)
	if branch == "" {
		if len(sc.branches) == 1 {
			return &sc.home
		}
		return nil
	}
	b, ok := sc.branches[branch]
	if !ok {
		p.addf(path, "unknown branch %q", branch)
		return nil
	}
	return &b
}

func branchID(b *hub.Branch) *int64 {
	if b == nil {
		return nil
	}
	return &b.ID
}

// customer reads a customer event; its phones are read in its branch's
// country, or the node's home branch's.
func (sc *scope) customer(in *customerIn, path string, p *problems) *store.CustomerData {
	c := sc.customerIn(in, path, p)
	region := sc.home.Country
	if b, ok := sc.branches[strings.TrimSpace(in.Branch)]; ok {
		region = b.Country
	}
	c.Phones, c.Managers = phones(in.Phones, path, region, p)
	checkManagers(c, path, p)
	return c
}

// customerIn reads every field of a customer but its phones, which the
// caller reads (phones) in the country it knows.
func (sc *scope) customerIn(in *customerIn, path string, p *problems) *store.CustomerData {
	return &store.CustomerData{
		NodeID:          sc.node.ID,
		ExternalID:      requiredCode(in.ExternalID, path+".external_id", p),
		Name:            text(in.Name, path+".name", nameRule, p),
		Email:           text(in.Email, path+".email", emailRule, p),
		Locale:          normalizeLocale(text(in.Locale, path+".locale", shortRule, p)),
		Kind:            customerKind(in.Kind, path+".kind", p),
		DefaultBranchID: branchID(sc.placement(in.Branch, path+".branch", p)),
	}
}

// normalizeLocale keeps the language of "ru-RU", "pl_PL", "EN".
func normalizeLocale(raw string) string {
	s := strings.ToLower(strings.TrimSpace(raw))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	return s
}

func (sc *scope) vehicle(in *vehicleIn, path string, loc *time.Location, p *problems) *validVehicle {
	v := &validVehicle{
		CustomerExternalID: code(in.CustomerExternalID, path+".customer_external_id", p),
		Data: store.VehicleData{
			NodeID:          sc.node.ID,
			VIN:             strings.ToUpper(text(in.VIN, path+".vin", shortRule, p)),
			Plate:           strings.ToUpper(strings.Join(strings.Fields(text(in.Plate, path+".plate", shortRule, p)), "")),
			Make:            text(in.Make, path+".make", labelRule, p),
			Model:           text(in.Model, path+".model", labelRule, p),
			DefaultBranchID: branchID(sc.placement(in.Branch, path+".branch", p)),
		},
	}
	// A vehicle is keyed by the DMS id; a DMS that sends none keys it by VIN.
	v.Data.ExternalID = code(in.ExternalID, path+".external_id", p)
	if v.Data.ExternalID == "" && v.Data.VIN != "" {
		v.Data.ExternalID = "vin:" + v.Data.VIN
	}
	if v.Data.ExternalID == "" && in.ExternalID.isCode() {
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

func validateDocument(in *documentIn, p *problems) *validDocument {
	d := &validDocument{
		WorkOrderNumber: requiredCode(in.WorkOrderNumber, "document.work_order_number", p),
		Name:            requiredText(in.Name, "document.name", fileNameRule, p),
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(in.DataBase64), ""))
	switch {
	case err != nil:
		p.addf("document.data_base64", "not base64: %v", err)
	case len(data) == 0:
		p.addf("document.data_base64", "required")
	}
	d.Data = data
	// content_type is checked like any text, then ignored: the type is
	// what the bytes are, never the DMS's word for it. A document typed
	// text/javascript or image/svg+xml would otherwise be a script on the
	// hub's origin. Anything but a photo, video or PDF is kept as plain
	// bytes, downloaded under its name.
	text(in.ContentType, "document.content_type", fileNameRule, p)
	d.ContentType = cmp.Or(hub.SniffFile(data), "application/octet-stream")
	d.Kind = documentKind(in.Kind, p)
	return d
}

// docKindRule caps a document's kind: a word, not a description.
var docKindRule = textRule{max: 32}

// invoiceWords are the ways a DMS may call an invoice (счёт на оплату,
// faktura); each is stored as hub.DocInvoice.
var invoiceWords = map[string]bool{
	hub.DocInvoice: true, "счет": true, "счёт": true, "счет на оплату": true, "счёт на оплату": true,
	"faktura": true, "rachunek": true,
}

// documentKind reads a document's optional kind, lower-cased, with the
// invoice's other names read as hub.DocInvoice.
func documentKind(raw string, p *problems) string {
	kind := strings.ToLower(strings.Join(strings.Fields(text(raw, "document.kind", docKindRule, p)), " "))
	if invoiceWords[kind] {
		return hub.DocInvoice
	}
	return kind
}

func validateMessage(in *messageIn, p *problems) *validMessage {
	return &validMessage{
		WorkOrderNumber: requiredCode(in.WorkOrderNumber, "message.work_order_number", p),
		Text:            requiredText(in.Text, "message.text", messageRule, p),
		Author:          text(in.Author, "message.author", nameRule, p),
	}
}

func (sc *scope) expiringItem(in *expiringItemIn, p *problems) *validExpiringItem {
	e := &validExpiringItem{
		CustomerExternalID: requiredCode(in.CustomerExternalID, "expiring_item.customer_external_id", p),
		Data: store.ExpiringItemData{
			NodeID:          sc.node.ID,
			ExternalID:      requiredCode(in.ExternalID, "expiring_item.external_id", p),
			Kind:            strings.ToLower(requiredText(in.Kind, "expiring_item.kind", labelRule, p)),
			Title:           requiredText(in.Title, "expiring_item.title", nameRule, p),
			DefaultBranchID: branchID(sc.placement(in.Branch, "expiring_item.branch", p)),
		},
	}
	if !short(in.ExpiresOn, "expiring_item.expires_on", p) {
		return e
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
