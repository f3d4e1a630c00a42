package bench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"naryad/hub"
)

// The ingest workload: 5,000 work orders, each pushed in 4 versions, so
// 20,000 work_order events in 200 batches of 100. Each event carries a
// customer with a phone, a vehicle with its mileage and 3–5 lines, written
// the loose way 1C writes them (numbers as "1 500,50", flags as "Да", local
// times without an offset); the versions of one order are interleaved with
// other orders' the way a DMS queue drains, always in increasing order.
const (
	numOrders        = 5000
	versionsPerOrder = 4
	numEvents        = numOrders * versionsPerOrder
	ingestBatchSize  = 100
	numVehicles      = 4000 // some cars come back: 1,000 have two orders
	numCustomers     = 3500 // some customers own two cars
	groupOrders      = 250  // orders whose versions are interleaved together
	branchCode       = "MSK1"
	branchTimeZone   = "Europe/Moscow"
)

// woEvent is one pushed work_order event, both as the values the database
// must end up holding (wo) and as the JSON the DMS sends (raw).
type woEvent struct {
	id  string
	at  time.Time // occurred_at, UTC
	wo  woVersion
	raw map[string]any
}

// woVersion is a work order version in stored form: parsed, normalised,
// integer money; status is canonical (mapped as status_mappings does).
type woVersion struct {
	number       string
	version      int64
	rawStatus    string
	status       string
	customer     woCustomer
	vehicle      woVehicle
	mileageKm    int64
	advisor      woAdvisor
	promisedAt   *time.Time
	currency     string
	paid         bool
	totalMinor   int64
	handedOverAt *time.Time
	lines        []woLine
}

type woCustomer struct {
	externalID, name, email, locale string
	phone                           string // E.164
}

type woVehicle struct {
	externalID, vin, plate, make, model string
	year                                int
}

type woAdvisor struct{ externalID, name, phone string }

type woLine struct {
	externalID     string
	position       int
	kind           string // hub.Line*
	name           string
	qtyMilli       int64
	unitPriceMinor int64
	discountMinor  int64
	totalMinor     int64
	needsApproval  bool
}

// ingestWorkload is the events in push order and the request bodies, built
// before anything is timed.
type ingestWorkload struct {
	events  []woEvent
	batches [][]byte
}

func newIngestWorkload() (*ingestWorkload, error) {
	msk, err := time.LoadLocation(branchTimeZone)
	if err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	g := &ingestGenerator{rnd: rand.New(rand.NewPCG(20261123, 1)), loc: msk}
	w := &ingestWorkload{events: g.events()}
	for start := 0; start < len(w.events); start += ingestBatchSize {
		raws := make([]map[string]any, 0, ingestBatchSize)
		for _, e := range w.events[start:min(start+ingestBatchSize, len(w.events))] {
			raws = append(raws, e.raw)
		}
		body, err := json.Marshal(map[string]any{"events": raws})
		if err != nil {
			return nil, fmt.Errorf("workload: encode batch: %w", err)
		}
		w.batches = append(w.batches, body)
	}
	return w, nil
}

type ingestGenerator struct {
	rnd *rand.Rand
	loc *time.Location
}

// events interleaves the versions of each group of orders at random while
// keeping every order's versions in increasing order, then fills in what
// depends on the order of application: times, the canonical status an
// unmapped name leaves alone, the hand-over time.
func (g *ingestGenerator) events() []woEvent {
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, g.loc)
	out := make([]woEvent, 0, numEvents)
	type state struct {
		version      int
		status       string
		handedOverAt *time.Time
	}
	states := make([]state, numOrders)
	for first := 0; first < numOrders; first += groupOrders {
		slots := make([]int, 0, groupOrders*versionsPerOrder)
		for i := first; i < min(first+groupOrders, numOrders); i++ {
			for range versionsPerOrder {
				slots = append(slots, i)
			}
		}
		g.rnd.Shuffle(len(slots), func(a, b int) { slots[a], slots[b] = slots[b], slots[a] })
		for _, i := range slots {
			st := &states[i]
			st.version++
			at := base.Add(time.Duration(len(out)) * 45 * time.Second).UTC()
			wo := g.workOrder(i, st.version)
			if wo.status == "" { // an unmapped name keeps the last canonical status
				wo.status = st.status
			}
			if wo.status != "" && wo.status != st.status && wo.status == hub.StatusDelivered {
				st.handedOverAt = &at
			}
			st.status, wo.handedOverAt = wo.status, st.handedOverAt
			e := woEvent{id: g.uuid(), at: at, wo: wo}
			e.raw = g.eventJSON(i, st.version, e)
			out = append(out, e)
		}
	}
	return out
}

func (g *ingestGenerator) uuid() string {
	a, b := g.rnd.Uint64(), g.rnd.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, b>>48&0x3fff|0x8000, b&0xffffffffffff)
}

var (
	surnames    = []string{"Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Соловьёв", "Фёдоров"}
	firstNames  = []string{"Иван", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Николай", "Павел", "Артём"}
	patronymics = []string{"Иванович", "Петрович", "Сергеевич", "Александрович", "Дмитриевич", "Андреевич"}
	companies   = []string{"ООО «Автотранс»", "АО «СтройМаш»", "ИП Григорьев А. В.", "ООО «Логистик-Плюс»"}
	mobileCodes = []string{"903", "905", "915", "916", "925", "926", "977", "985"}
	cars        = []struct{ make, model string }{
		{"Škoda", "Octavia"}, {"Лада", "Веста"}, {"Kia", "Rio"}, {"Hyundai", "Solaris"},
		{"Volkswagen", "Polo"}, {"Toyota", "Camry"}, {"Renault", "Logan"}, {"Haval", "Jolion"},
	}
	plateLetters = []rune("авекмнорстух")
	regions      = []string{"77", "97", "199", "50", "750"}
	advisors     = []woAdvisor{
		{"Е-7", "Ольга Смирнова", "+7 495 123-45-70"}, {"Е-12", "Дмитрий Орлов", ""},
		{"Е-15", "Наталья Белова", "+7 495 123-45-75"}, {"Е-21", "Игорь Зайцев", ""},
	}
)

// statusAt is the DMS status name of order i at version k and the
// canonical status the default mappings give it ("" = not mapped).
func statusAt(i, k int) (raw, canonical string) {
	switch k {
	case 1:
		return "Принят", hub.StatusReceived
	case 2:
		return "В работе", hub.StatusInProgress
	case 3:
		switch i % 10 {
		case 0, 1, 2, 3:
			return "Ожидаем запчасть", hub.StatusWaitingParts
		case 4, 5, 6, 7:
			return "Ждём ответа клиента", hub.StatusWaitingApproval
		case 8:
			return "На мойке", ""
		default:
			return "В работе", hub.StatusInProgress // a new version, same status
		}
	default:
		switch i % 4 {
		case 0, 1:
			return "Готов", hub.StatusReady
		case 2:
			return "Выдан", hub.StatusDelivered
		default:
			return "Закрыт", hub.StatusDelivered
		}
	}
}

func customerOf(c int) woCustomer {
	name := surnames[c%len(surnames)] + " " + firstNames[c/len(surnames)%len(firstNames)] + " " + patronymics[c%len(patronymics)]
	if c%10 == 0 {
		name = companies[c/10%len(companies)]
	}
	out := woCustomer{externalID: fmt.Sprintf("К-%05d", c), name: name,
		phone: fmt.Sprintf("+7%s%07d", mobileCodes[c%len(mobileCodes)], (c*7919+1234567)%10000000)}
	if c%4 == 0 {
		out.email = fmt.Sprintf("client%d@mail.ru", c)
	}
	if c%3 != 2 {
		out.locale = "ru"
	}
	return out
}

// customerJSON writes the customer the way 1C does: the phone as a person
// typed it, the locale sometimes as a full tag.
func customerJSON(c int, cu woCustomer) map[string]any {
	d := cu.phone[2:] // 10 digits after +7
	phone := [...]string{
		"8 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:],
		"+7 " + d[:3] + " " + d[3:6] + "-" + d[6:8] + "-" + d[8:],
		"8" + d,
		"+7(" + d[:3] + ")" + d[3:],
	}[c%4]
	locale := [...]string{"ru-RU", "ru", ""}[c%3]
	return map[string]any{"external_id": cu.externalID, "name": cu.name, "phones": []any{phone}, "email": cu.email, "locale": locale}
}

func vehicleOf(v int) (woVehicle, string) {
	car := cars[v%len(cars)]
	l := func(n int) string { return string(plateLetters[n%len(plateLetters)]) }
	rawPlate := fmt.Sprintf("%s%03d%s%s %s", l(v), v%1000, l(v/7), l(v/11), regions[v%len(regions)])
	return woVehicle{
		externalID: fmt.Sprintf("ТС-%05d", v), vin: fmt.Sprintf("XW8ZZZ61Z%08d", v),
		plate: strings.ToUpper(strings.ReplaceAll(rawPlate, " ", "")),
		make:  car.make, model: car.model, year: 2008 + v%17,
	}, rawPlate
}

// linesOf builds the lines of order i at version k: three at first, a part
// that needs approval from version 2, a recommendation from version 3; a
// third of the orders have that part re-priced at version 3, and the oil
// filter gets a discount at version 4.
func linesOf(i, k int) []woLine {
	out := []woLine{
		{externalID: "1", kind: hub.LineLabor, name: "Диагностика ходовой части", qtyMilli: 1000, unitPriceMinor: 150050 + int64(i%9)*10000},
		{externalID: "2", kind: hub.LinePart, name: "Масло моторное 5W-30, л", qtyMilli: 4500, unitPriceMinor: 89000},
		{externalID: "3", kind: hub.LinePart, name: "Фильтр масляный", qtyMilli: 1000, unitPriceMinor: 65000 + int64(i%5)*1000},
	}
	if i%3 == 0 {
		out[0].name, out[0].qtyMilli = "Замена масла в двигателе", 1500
	}
	if k >= 2 {
		price := int64(340000)
		if k >= 3 && i%3 == 0 {
			price = 360000
		}
		out = append(out, woLine{externalID: "4", kind: hub.LinePart, name: "Колодки тормозные передние", qtyMilli: 2000, unitPriceMinor: price, needsApproval: true})
	}
	if k >= 3 {
		out = append(out, woLine{externalID: "5", kind: hub.LineRecommendation, name: "Замена охлаждающей жидкости", qtyMilli: 1000, unitPriceMinor: 240000, needsApproval: true})
	}
	if k >= 4 {
		out[2].discountMinor = 5000
	}
	for n := range out {
		l := &out[n]
		l.position = n + 1
		// As the ingest computes it: qty in thousandths, half away from zero.
		l.totalMinor = (l.qtyMilli*l.unitPriceMinor+500)/1000 - l.discountMinor
	}
	return out
}

var kindNames = map[string][]string{
	hub.LineLabor:          {"работа", "Работа", "услуга"},
	hub.LinePart:           {"запчасть", "товар", "Материал"},
	hub.LineRecommendation: {"рекомендация"},
}

func (g *ingestGenerator) workOrder(i, k int) woVersion {
	v := i % numVehicles
	veh, _ := vehicleOf(v)
	raw, canonical := statusAt(i, k)
	w := woVersion{
		number:    fmt.Sprintf("ЗН-%06d", 100000+i),
		version:   int64(k),
		rawStatus: raw,
		status:    canonical,
		customer:  customerOf(v % numCustomers),
		vehicle:   veh,
		mileageKm: int64(10000 + (v*5303)%180000 + (i/numVehicles)*12000),
		advisor:   advisors[i%len(advisors)],
		currency:  "RUB",
		paid:      k == versionsPerOrder && canonical == hub.StatusDelivered,
		lines:     linesOf(i, k),
	}
	if k >= 2 {
		p := time.Date(2026, 11, 3+i%20, 18, 30, 0, 0, g.loc).UTC()
		w.promisedAt = &p
	}
	for _, l := range w.lines {
		if l.kind != hub.LineRecommendation {
			w.totalMinor += l.totalMinor
		}
	}
	return w
}

func (g *ingestGenerator) eventJSON(i, k int, e woEvent) map[string]any {
	w := e.wo
	v := i % numVehicles
	_, rawPlate := vehicleOf(v)
	lines := make([]any, len(w.lines))
	for n, l := range w.lines {
		s := i + n // rotates the ways numbers are written
		names := kindNames[l.kind]
		m := map[string]any{
			"id": l.externalID, "kind": names[s%len(names)], "name": l.name,
			"qty": decimalJSON(l.qtyMilli, 3, s), "unit_price": decimalJSON(l.unitPriceMinor, 2, s+1),
		}
		if l.discountMinor != 0 {
			m["discount"] = decimalJSON(l.discountMinor, 2, s+2)
		}
		if l.needsApproval {
			m["needs_approval"] = [...]any{true, "Да", "1", "да"}[s%4]
		}
		lines[n] = m
	}
	var version any = json.Number(fmt.Sprint(k))
	if i%2 == 0 {
		version = fmt.Sprint(k)
	}
	var year any = json.Number(fmt.Sprint(w.vehicle.year))
	if v%2 == 0 {
		year = fmt.Sprint(w.vehicle.year)
	}
	vin := w.vehicle.vin
	if v%5 == 0 {
		vin = strings.ToLower(vin)
	}
	var paid any = w.paid
	if w.paid && i%2 == 0 {
		paid = "Да"
	}
	wo := map[string]any{
		"number": w.number, "version": version, "branch": branchCode, "status": w.rawStatus,
		"customer": customerJSON(v%numCustomers, w.customer),
		"vehicle": map[string]any{
			"external_id": w.vehicle.externalID, "vin": vin, "plate": rawPlate,
			"make": w.vehicle.make, "model": w.vehicle.model, "year": year,
			"mileage_km": decimalJSON(w.mileageKm, 0, i),
		},
		"advisor":  map[string]any{"external_id": w.advisor.externalID, "name": w.advisor.name, "phone": w.advisor.phone},
		"currency": w.currency, "paid": paid, "lines": lines,
	}
	if w.promisedAt != nil {
		wo["promised_at"] = w.promisedAt.In(g.loc).Format("2006-01-02 15:04:05")
	}
	return map[string]any{
		"id": e.id, "type": "work_order", "occurred_at": e.at.In(g.loc).Format("2006-01-02T15:04:05"),
		"work_order": wo,
	}
}

// decimalJSON writes a scaled integer in one of the ways 1C and people do:
// "1 500,50", "1500.50", 1500.5 (a JSON number), "1 500,50" (no-break space).
func decimalJSON(v int64, scale, style int) any {
	pow := int64(1)
	for range scale {
		pow *= 10
	}
	whole, frac := fmt.Sprint(v/pow), ""
	if scale > 0 {
		frac = fmt.Sprintf("%0*d", scale, v%pow)
		if scale != 2 || style%4 == 2 { // quantities and JSON numbers lose trailing zeros
			frac = strings.TrimRight(frac, "0")
		}
	}
	group := func(sep string) string {
		var b strings.Builder
		for n, r := range whole {
			if n > 0 && (len(whole)-n)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	join := func(w, point string) string {
		if frac == "" {
			return w
		}
		return w + point + frac
	}
	switch style % 4 {
	case 0:
		return join(group(" "), ",")
	case 1:
		return join(whole, ".")
	case 2:
		return json.Number(join(whole, "."))
	default:
		return join(group("\u00a0"), ",")
	}
}
