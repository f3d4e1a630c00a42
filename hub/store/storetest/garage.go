package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"naryad/hub"
	"naryad/hub/store"
)

// GarageWorld is a small dealer network for the account's garage: two
// branches each served by its own DMS node, and a customer each node
// knows under its own id with the same phone (Phone).
//
//   - Shared: one Škoda both nodes know (same VIN, own external ids:
//     SharedAlfa, SharedBeta); a visit at each branch (OrderMsk with lines,
//     a declined red finding and a document; OrderSpb).
//   - Kia: a second car, known to beta only, with no visit.
//   - Stranger: another customer's car (phone OtherPhone) at alfa with a
//     visit and a document of its own (StrangerDoc).
type GarageWorld struct {
	Msk, Spb                           hub.Branch
	Alfa, Beta                         hub.DMSNode
	SharedAlfa, SharedBeta, Kia        int64 // vehicle ids
	Stranger                           int64 // vehicle id
	OrderMsk, OrderSpb, OrderStranger  hub.WorkOrder
	ThreadMsk, ThreadSpb               hub.Thread
	MskDoc, StrangerDoc, MskChatPhoto  hub.Attachment
	Phone, OtherPhone                  string
	SharedVIN                          string
	ApprovedLine, DeclinedLine         hub.WorkOrderLine
	OpenedMsk, OpenedSpb               time.Time
	ExpiringTitle, StrangerExpiring    string
	MskMileageKm                       int
	SharedDueOn                        string
	AlfaCustomer, BetaCustomer, Others int64
}

// NewGarageWorld stores a GarageWorld.
func NewGarageWorld(t testing.TB, s *store.Store) GarageWorld {
	t.Helper()
	ctx := context.Background()
	w := GarageWorld{Phone: "+79161234567", OtherPhone: "+79169998877", SharedVIN: "TMBJJ7NE8L0123456",
		ExpiringTitle: "КАСКО Ингосстрах", StrangerExpiring: "Чужая гарантия", MskMileageKm: 61200, SharedDueOn: "2027-03-01"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w.Msk = hub.Branch{Code: "msk1", Name: "Москва Север", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	w.Spb = hub.Branch{Code: "spb1", Name: "Петербург Юг", Country: "RU", TimeZone: "Europe/Moscow", Locale: "ru"}
	must(s.CreateBranch(ctx, &w.Msk))
	must(s.CreateBranch(ctx, &w.Spb))
	w.Alfa = hub.DMSNode{Name: "alfa", TokenHash: "hash-" + randomHex(8), BranchID: &w.Msk.ID}
	w.Beta = hub.DMSNode{Name: "beta", TokenHash: "hash-" + randomHex(8), BranchID: &w.Spb.ID}
	must(s.CreateNode(ctx, &w.Alfa))
	must(s.CreateNode(ctx, &w.Beta))

	var err error
	w.AlfaCustomer, err = s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.Alfa.ID, ExternalID: "A-17", Name: "Иван Петров", Phones: []string{w.Phone}})
	must(err)
	w.BetaCustomer, err = s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.Beta.ID, ExternalID: "000345", Name: "Петров И.", Phones: []string{w.Phone}})
	must(err)
	w.Others, err = s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.Alfa.ID, ExternalID: "A-99", Name: "Сидоров", Phones: []string{w.OtherPhone}})
	must(err)

	lastService := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	w.SharedAlfa, err = s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.Alfa.ID, ExternalID: "V-1", CustomerID: &w.AlfaCustomer,
		VIN: w.SharedVIN, Plate: "А123ВС77", Make: "Škoda", Model: "Octavia", Year: 2020})
	must(err)
	w.SharedBeta, err = s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.Beta.ID, ExternalID: "TC-55", CustomerID: &w.BetaCustomer,
		VIN: " tmbjj7ne8l0123456 ", Plate: "А123ВС77", Make: "Skoda", Model: "Octavia", Year: 2020,
		HasService: true, LastServiceAt: &lastService, IntervalMonths: 12})
	must(err)
	w.Kia, err = s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.Beta.ID, ExternalID: "TC-56", CustomerID: &w.BetaCustomer,
		VIN: "XWEPH81ABK0001234", Plate: "М777ММ78", Make: "Kia", Model: "Rio"})
	must(err)
	w.Stranger, err = s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.Alfa.ID, ExternalID: "V-9", CustomerID: &w.Others,
		VIN: "WVWZZZ1KZ8W000001", Plate: "О001ОО77", Make: "Volkswagen", Model: "Golf"})
	must(err)
	vs, err := s.VehicleService(ctx, w.SharedBeta)
	must(err)
	must(s.SetVehicleDue(ctx, vs, &w.SharedDueOn))
	must(s.UpsertExpiringItem(ctx, store.ExpiringItemData{NodeID: w.Beta.ID, ExternalID: "E-1", CustomerID: w.BetaCustomer,
		Kind: "insurance", Title: w.ExpiringTitle, ExpiresOn: "2027-01-15"}))
	must(s.UpsertExpiringItem(ctx, store.ExpiringItemData{NodeID: w.Alfa.ID, ExternalID: "E-9", CustomerID: w.Others,
		Kind: "warranty", Title: w.StrangerExpiring, ExpiresOn: "2027-02-01"}))

	w.OpenedMsk = time.Date(2026, 9, 14, 8, 30, 0, 0, time.UTC)
	w.OpenedSpb = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	w.OrderMsk, w.ThreadMsk = garageOrder(t, s, w.Msk, w.Alfa, "ЗН-0000101", w.AlfaCustomer, w.SharedAlfa, w.Phone, w.OpenedMsk)
	w.OrderSpb, w.ThreadSpb = garageOrder(t, s, w.Spb, w.Beta, "TC-2026-77", w.BetaCustomer, w.SharedBeta, w.Phone, w.OpenedSpb)
	var strangerThread hub.Thread
	w.OrderStranger, strangerThread = garageOrder(t, s, w.Msk, w.Alfa, "ЗН-0000102", w.Others, w.Stranger, w.OtherPhone, w.OpenedMsk)
	must(s.AddMileage(ctx, w.SharedAlfa, w.MskMileageKm, w.OpenedMsk.Add(time.Hour)))

	// The Moscow visit: an inspection with the front pads red, sent; two
	// lines, the oil change approved and the pads declined.
	insp, err := s.StartInspection(ctx, w.ThreadMsk, "Мастер")
	must(err)
	items, err := s.InspectionItems(ctx, insp.ID)
	must(err)
	for _, it := range items {
		if it.Code == "pads_front" {
			red, note := hub.ItemRed, "2 мм"
			_, err := s.EditInspectionItem(ctx, insp.ID, it.ID, store.ItemEdit{State: &red, Note: &note, By: "Мастер"})
			must(err)
		}
	}
	_, err = s.SendInspection(ctx, insp.ID, "Анна")
	must(err)
	must(s.ReplaceLines(ctx, w.OrderMsk.ID, []hub.WorkOrderLine{
		{ExternalID: "oil", Position: 1, Kind: hub.LineLabor, Name: "Замена масла", QtyMilli: 1500, UnitPriceMinor: 200000, TotalMinor: 300000, NeedsApproval: true},
		{ExternalID: "pads", Position: 2, Kind: hub.LinePart, Name: "Колодки передние", QtyMilli: 1000, UnitPriceMinor: 650000, TotalMinor: 650000, NeedsApproval: true, InspectionItem: "pads_front"},
	}))
	lines, err := s.Lines(ctx, w.OrderMsk.ID)
	must(err)
	_, err = s.DecideLines(ctx, w.OrderMsk, w.ThreadMsk, []store.Decision{
		{LineID: lines[0].ID, Decision: hub.DecisionApproved}, {LineID: lines[1].ID, Decision: hub.DecisionDeclined},
	}, store.Evidence{By: "customer", At: w.OpenedMsk.Add(2 * time.Hour)})
	must(err)
	lines, err = s.Lines(ctx, w.OrderMsk.ID)
	must(err)
	w.ApprovedLine, w.DeclinedLine = lines[0], lines[1]

	w.MskDoc = garageFile(t, s, w.ThreadMsk, "document.ready", "Акт выполненных работ.pdf", "invoice")
	w.MskChatPhoto = garageFile(t, s, w.ThreadMsk, "", "photo.jpg", "")
	w.StrangerDoc = garageFile(t, s, strangerThread, "document.ready", "Чужой счёт.pdf", "invoice")
	return w
}

// garageOrder stores a work order of a vehicle and its thread on phone.
func garageOrder(t testing.TB, s *store.Store, b hub.Branch, n hub.DMSNode, number string, customer, vehicle int64, phone string, opened time.Time) (hub.WorkOrder, hub.Thread) {
	t.Helper()
	ctx := context.Background()
	w := hub.WorkOrder{NodeID: n.ID, BranchID: b.ID, Number: number, Version: 1, Status: hub.StatusInProgress,
		CustomerID: &customer, VehicleID: &vehicle, Currency: "RUB", OpenedAt: opened}
	if _, err := s.SaveWorkOrder(ctx, &w); err != nil {
		t.Fatal(err)
	}
	th := hub.Thread{BranchID: b.ID, WorkOrderID: &w.ID, CustomerID: &customer, Phone: phone, Channel: hub.ChannelSMS}
	if err := s.CreateThread(ctx, &th); err != nil {
		t.Fatal(err)
	}
	return w, th
}

// GarageFileBytes is the content of a GarageWorld file named name: a test
// of a file route stores it (hub.Media.Put) under the attachment's hash.
func GarageFileBytes(name string) []byte { return []byte("%PDF-1.4\n% " + name + "\n") }

// garageFile sends the thread's customer a file (a DMS document when key
// is document.ready) and returns it. The bytes are not written to any
// media folder: a test of a file route puts GarageFileBytes(name).
func garageFile(t testing.TB, s *store.Store, th hub.Thread, key, name, kind string) hub.Attachment {
	t.Helper()
	ctx := context.Background()
	m, err := s.QueueMessage(ctx, store.Outgoing{ThreadID: th.ID, Channel: hub.ChannelSMS, Recipient: th.Phone, Body: "Документ: " + name, TemplateKey: key})
	if err != nil {
		t.Fatal(err)
	}
	data := GarageFileBytes(name)
	sum := sha256.Sum256(data)
	a := hub.Attachment{MessageID: m.ID, SHA256: hex.EncodeToString(sum[:]), Name: name, ContentType: "application/pdf", SizeBytes: int64(len(data)), DocKind: kind}
	if err := s.AddAttachment(ctx, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// FleetWorld is a company the DMS marks as such, with a fleet manager's
// phone and two drivers' phones: three cars, the first brought by both
// drivers (one visit each), the second by the second driver, the third
// never brought.
type FleetWorld struct {
	Branch                    hub.Branch
	Node                      hub.DMSNode
	Company                   int64
	Manager, Driver1, Driver2 string
	Cars                      [3]int64      // vehicle ids
	Visit1, Visit2, Visit3    hub.WorkOrder // Cars[0] by Driver1, Cars[0] by Driver2, Cars[1] by Driver2
}

// NewFleetWorld stores a FleetWorld.
func NewFleetWorld(t testing.TB, s *store.Store) FleetWorld {
	t.Helper()
	ctx := context.Background()
	w := FleetWorld{Manager: "+48601000001", Driver1: "+48601000002", Driver2: "+48601000003",
		Branch: hub.Branch{Code: "waw1", Name: "Warszawa Wola", Country: "PL", TimeZone: "Europe/Warsaw", Locale: "pl"}}
	if err := s.CreateBranch(ctx, &w.Branch); err != nil {
		t.Fatal(err)
	}
	w.Node = hub.DMSNode{Name: "gamma", TokenHash: "hash-" + randomHex(8), BranchID: &w.Branch.ID}
	if err := s.CreateNode(ctx, &w.Node); err != nil {
		t.Fatal(err)
	}
	var err error
	w.Company, err = s.UpsertCustomer(ctx, store.CustomerData{NodeID: w.Node.ID, ExternalID: "FLEET-1", Name: "Trans-Pol Sp. z o.o.",
		Kind: hub.CustomerCompany, Phones: []string{w.Manager, w.Driver1, w.Driver2}, Managers: []string{w.Manager}})
	if err != nil {
		t.Fatal(err)
	}
	vins := []string{"WF0XXXTTGXKA00001", "WF0XXXTTGXKA00002", "WF0XXXTTGXKA00003"}
	for i, vin := range vins {
		if w.Cars[i], err = s.UpsertVehicle(ctx, store.VehicleData{NodeID: w.Node.ID, ExternalID: vin, CustomerID: &w.Company,
			VIN: vin, Plate: fmt.Sprintf("WW %d001A", i+1), Make: "Ford", Model: "Transit"}); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	w.Visit1, _ = garageOrder(t, s, w.Branch, w.Node, "FV/1", w.Company, w.Cars[0], w.Driver1, day)
	w.Visit2, _ = garageOrder(t, s, w.Branch, w.Node, "FV/2", w.Company, w.Cars[0], w.Driver2, day.AddDate(0, 0, 7))
	w.Visit3, _ = garageOrder(t, s, w.Branch, w.Node, "FV/3", w.Company, w.Cars[1], w.Driver2, day.AddDate(0, 0, 14))
	return w
}
