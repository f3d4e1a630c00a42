package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"naryad/hub"
	"naryad/templates"
)

// Bookings from the customer's account (issue 19). A booking holds a slot
// (booking_slots), has its own thread of the branch without a work order
// (so staff see it in the inbox, as a lead), and reaches the branch's DMS
// as a service_request change; the DMS answers with a booking event
// (ApplyBookingDecision). Every write takes the change-feed lock first,
// so booking writes queue in one order on PostgreSQL (see LockChangeFeed).

// Limits of a booking request.
const (
	maxBookingNote, maxVehicleText, maxRequestKey, maxBookingServices = 1000, 200, 100, 20
)

// BookingRequest is what a customer submits to book a visit.
type BookingRequest struct {
	AccountID   int64
	Phone       string // E.164, verified on the account
	BranchID    int64
	VehicleID   *int64 // a vehicle of the customer's garage; the pages check it is theirs
	VehicleText string // the car in words (filled from the vehicle when empty)
	Kind        string
	Services    []string // codes of the branch's active catalogue
	Note        string
	StartsAt    time.Time // a slot start from FreeSlots
	Locale      string
	RequestKey  string // the form's key: submitting it again gives the same booking
}

// validate tidies the request and names the first wrong field.
func (r *BookingRequest) validate(branch hub.Branch) error {
	r.VehicleText, r.Note, r.RequestKey = strings.TrimSpace(r.VehicleText), strings.TrimSpace(r.Note), strings.TrimSpace(r.RequestKey)
	codes := []string{} // never nil: stored as JSON [] (the column is NOT NULL), a note-only request included
	for _, c := range r.Services {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	r.Services = codes
	if !slices.Contains(templates.Locales(), r.Locale) {
		r.Locale = branch.Locale
	}
	phone, err := hub.NormalizePhone(r.Phone, branch.Country)
	switch {
	case r.AccountID <= 0:
		return &hub.InvalidField{Field: "account", Problem: hub.ProblemRequired}
	case err != nil || phone != r.Phone:
		return &hub.InvalidField{Field: "phone", Problem: hub.ProblemFormat}
	case !hub.IsBookingKind(r.Kind):
		return &hub.InvalidField{Field: "kind", Problem: hub.ProblemFormat}
	case len(r.Services) == 0 && r.Note == "":
		return &hub.InvalidField{Field: "services", Problem: hub.ProblemRequired}
	case len(r.Services) > maxBookingServices:
		return &hub.InvalidField{Field: "services", Problem: hub.ProblemTooLong}
	case utf8.RuneCountInString(r.Note) > maxBookingNote:
		return &hub.InvalidField{Field: "note", Problem: hub.ProblemTooLong}
	case utf8.RuneCountInString(r.VehicleText) > maxVehicleText:
		return &hub.InvalidField{Field: "vehicle", Problem: hub.ProblemTooLong}
	case r.RequestKey == "":
		return &hub.InvalidField{Field: "request_key", Problem: hub.ProblemRequired}
	case len(r.RequestKey) > maxRequestKey:
		return &hub.InvalidField{Field: "request_key", Problem: hub.ProblemTooLong}
	case r.StartsAt.IsZero():
		return &hub.InvalidField{Field: "starts_at", Problem: hub.ProblemRequired}
	}
	return nil
}

// CreateBooking books a slot for a customer's account, in one
// transaction: the booking, its slot, a thread of the branch with a system
// line, and a service_request change for the DMS. The request is refused
// with ErrBookingPast, ErrBookingTooSoon, ErrBookingTooFar,
// ErrBookingHoliday, ErrBookingOutsideHours, ErrNoCapacity,
// ErrUnknownService, ErrSlotFull or a *hub.InvalidField, storing nothing.
// The same RequestKey again returns the booking made with it.
func (s *Store) CreateBooking(ctx context.Context, r BookingRequest, asOf time.Time) (hub.Booking, error) {
	branch, err := s.Branch(ctx, r.BranchID)
	if err != nil {
		return hub.Booking{}, fmt.Errorf("book: %w", err)
	}
	if err := r.validate(branch); err != nil {
		return hub.Booking{}, err
	}
	if b, err := s.bookingByKey(ctx, r.AccountID, r.RequestKey); !errors.Is(err, ErrNotFound) {
		return b, err
	}
	c, err := s.loadCalendar(ctx, r.BranchID, r.Kind)
	if err != nil {
		return hub.Booking{}, err
	}
	start := r.StartsAt.UTC().Truncate(time.Second)
	if err := s.checkStart(ctx, c, start, asOf); err != nil {
		return hub.Booking{}, err
	}
	services, err := s.activeServices(ctx, r.BranchID, r.Services)
	if err != nil {
		return hub.Booking{}, err
	}
	b := hub.Booking{BranchID: r.BranchID, AccountID: r.AccountID, Phone: r.Phone, VehicleID: r.VehicleID,
		VehicleText: r.VehicleText, Kind: r.Kind, Services: r.Services, Note: r.Note, StartsAt: start,
		EndsAt: start.Add(time.Duration(c.cap.SlotMinutes) * time.Minute), State: hub.BookingRequested,
		Locale: r.Locale, RequestKey: r.RequestKey}
	if err := s.fillBookingParties(ctx, &b); err != nil {
		return hub.Booking{}, err
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.LockChangeFeed(ctx); err != nil {
			return err
		}
		if err := tx.takeSlot(ctx, b.BranchID, b.Kind, b.StartsAt, c.cap.PerSlot); err != nil {
			return err
		}
		thread, err := tx.bookingThread(ctx, b)
		if err != nil {
			return err
		}
		b.ThreadID = &thread.ID
		b.CreatedAt, b.UpdatedAt = now(), now()
		if err := tx.db.WithContext(ctx).Create(&b).Error; err != nil {
			return fmt.Errorf("store booking: %w", err)
		}
		line := hub.SystemLine(thread.ID, "", templates.SysBookingRequested, map[string]string{
			"kind_key": templates.BookingKindKey(b.Kind), "when": bookingWhen(b.StartsAt, c.loc),
			"services": serviceNames(services, branch.Locale), "vehicle": b.VehicleText, "note": b.Note})
		if err := tx.AddMessage(ctx, &line); err != nil {
			return err
		}
		return tx.appendServiceRequest(ctx, b, branch)
	})
	if err != nil {
		if isUniqueViolation(err) { // the same form submitted twice at once: the other won
			return s.bookingByKey(ctx, r.AccountID, r.RequestKey)
		}
		if errors.Is(err, ErrSlotFull) {
			return hub.Booking{}, ErrSlotFull
		}
		return hub.Booking{}, fmt.Errorf("book %s at branch %d: %w", b.Kind, b.BranchID, err)
	}
	return b, nil
}

// bookingByKey finds the booking made with a request key: ErrNotFound
// when there is none, ErrBookingKeyReused when another account made it.
func (s *Store) bookingByKey(ctx context.Context, accountID int64, key string) (hub.Booking, error) {
	var rows []hub.Booking
	if err := s.db.WithContext(ctx).Where("request_key = ?", key).Limit(1).Find(&rows).Error; err != nil {
		return hub.Booking{}, fmt.Errorf("booking with request key: %w", err)
	}
	switch {
	case len(rows) == 0:
		return hub.Booking{}, ErrNotFound
	case rows[0].AccountID != accountID:
		return hub.Booking{}, ErrBookingKeyReused
	}
	return rows[0], nil
}

// activeServices loads the chosen services of the branch's catalogue in
// the order given; ErrUnknownService when one is unknown or inactive.
func (s *Store) activeServices(ctx context.Context, branchID int64, codes []string) ([]hub.Service, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	var found []hub.Service
	if err := s.db.WithContext(ctx).Where("branch_id = ? AND code IN ? AND active", branchID, codes).Find(&found).Error; err != nil {
		return nil, fmt.Errorf("services of branch %d: %w", branchID, err)
	}
	out := make([]hub.Service, 0, len(codes))
	for _, code := range codes {
		i := slices.IndexFunc(found, func(s hub.Service) bool { return s.Code == code })
		if i < 0 {
			return nil, ErrUnknownService
		}
		out = append(out, found[i])
	}
	return out, nil
}

// fillBookingParties sets the DMS's customer (the vehicle's owner, else
// the customer with the number) and names the vehicle when the customer
// did not.
func (s *Store) fillBookingParties(ctx context.Context, b *hub.Booking) error {
	if b.VehicleID != nil {
		v, err := s.Vehicle(ctx, *b.VehicleID)
		if errors.Is(err, ErrNotFound) {
			return &hub.InvalidField{Field: "vehicle", Problem: hub.ProblemFormat}
		}
		if err != nil {
			return err
		}
		b.CustomerID = v.CustomerID
		if b.VehicleText == "" {
			b.VehicleText = strings.Join(strings.Fields(strings.Join([]string{v.Make, v.Model, v.Plate}, " ")), " ")
		}
	}
	if b.CustomerID == nil {
		c, ok, err := s.WAInboundCustomer(ctx, b.Phone)
		if err != nil {
			return err
		}
		if ok {
			b.CustomerID = &c.ID
		}
	}
	return nil
}

// bookingThread opens the booking's thread of the branch: no work order,
// on SMS to the customer's number, tied to their DMS customer or, like a
// lead, to a customer named by the number so the inbox shows who it is.
func (s *Store) bookingThread(ctx context.Context, b hub.Booking) (hub.Thread, error) {
	t := hub.Thread{BranchID: b.BranchID, Phone: b.Phone, Channel: hub.ChannelSMS, CustomerID: b.CustomerID}
	if t.CustomerID == nil {
		c := hub.Customer{Name: b.Phone}
		c.CreatedAt, c.UpdatedAt = now(), now()
		if err := s.db.WithContext(ctx).Create(&c).Error; err != nil {
			return t, fmt.Errorf("create booking customer: %w", err)
		}
		t.CustomerID = &c.ID
	}
	if err := s.CreateThread(ctx, &t); err != nil {
		return t, fmt.Errorf("booking thread: %w", err)
	}
	return t, nil
}

// appendServiceRequest tells the DMS of the booking as it now stands.
func (s *Store) appendServiceRequest(ctx context.Context, b hub.Booking, branch hub.Branch) error {
	data := hub.ServiceRequestData{BookingID: b.ID, State: b.State, BranchCode: branch.Code, Phone: b.Phone,
		VehicleText: b.VehicleText, Kind: b.Kind, Services: []hub.ServiceRequestItem{}, Note: b.Note,
		StartsAt: b.StartsAt.UTC(), EndsAt: b.EndsAt.UTC()}
	if b.ThreadID != nil {
		data.ThreadID = *b.ThreadID
	}
	var catalogue []hub.Service
	if len(b.Services) > 0 {
		if err := s.db.WithContext(ctx).Where("branch_id = ? AND code IN ?", b.BranchID, b.Services).Find(&catalogue).Error; err != nil {
			return fmt.Errorf("services of booking %d: %w", b.ID, err)
		}
	}
	for _, code := range b.Services {
		item := hub.ServiceRequestItem{Code: code, Name: code}
		if i := slices.IndexFunc(catalogue, func(s hub.Service) bool { return s.Code == code }); i >= 0 {
			item.Name = catalogue[i].Name(branch.Locale)
		}
		data.Services = append(data.Services, item)
	}
	var err error
	if data.CustomerExternalID, err = s.externalIDAtBranch(ctx, "customers", b.CustomerID, branch.ID); err != nil {
		return err
	}
	if data.CustomerExternalID == "" {
		// The booking's customer is another node's record (the car came
		// from another branch's DMS); this branch's DMS may know the same
		// person by the verified phone under its own id.
		if data.CustomerExternalID, err = s.customerIDAtBranchByPhone(ctx, b.Phone, branch.ID); err != nil {
			return err
		}
	}
	if data.VehicleExternalID, err = s.externalIDAtBranch(ctx, "vehicles", b.VehicleID, branch.ID); err != nil {
		return err
	}
	return s.AppendChange(ctx, &hub.Change{BranchID: b.BranchID}, data)
}

// externalIDAtBranch is the external id of a customer or vehicle when its
// node serves the branch (a node for every branch, or that one); "" when
// another node's id would mean nothing to this branch's DMS.
func (s *Store) externalIDAtBranch(ctx context.Context, table string, id *int64, branchID int64) (string, error) {
	if id == nil {
		return "", nil
	}
	var ids []string
	err := s.db.WithContext(ctx).Raw(`SELECT r.external_id FROM `+table+` r JOIN dms_nodes n ON n.id = r.node_id
		WHERE r.id = ? AND r.external_id IS NOT NULL AND (n.branch_id IS NULL OR n.branch_id = ?)`, *id, branchID).Scan(&ids).Error
	if err != nil {
		return "", fmt.Errorf("external id of %s %d: %w", table, *id, err)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return ids[0], nil
}

// customerIDAtBranchByPhone is the external id of the customer with the
// phone that a node serving the branch keeps (the most recently updated
// when it keeps several); "" when none does.
func (s *Store) customerIDAtBranchByPhone(ctx context.Context, phone string, branchID int64) (string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Raw(`SELECT c.external_id FROM customers c JOIN dms_nodes n ON n.id = c.node_id
		WHERE c.external_id IS NOT NULL AND (n.branch_id IS NULL OR n.branch_id = ?)
		AND c.id IN (SELECT customer_id FROM customer_phones WHERE e164 = ?)
		ORDER BY c.updated_at DESC, c.id DESC LIMIT 1`, branchID, phone).Scan(&ids).Error
	if err != nil {
		return "", fmt.Errorf("customer with phone %s at branch %d: %w", phone, branchID, err)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return ids[0], nil
}

// bookingWhen is a slot start as the branch's clock reads it.
func bookingWhen(t time.Time, loc *time.Location) string { return t.In(loc).Format("02.01.2006 15:04") }

// serviceNames lists the services' names in locale.
func serviceNames(services []hub.Service, locale string) string {
	names := make([]string, len(services))
	for i, svc := range services {
		names[i] = svc.Name(locale)
	}
	return strings.Join(names, ", ")
}
