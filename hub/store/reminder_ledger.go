package store

import (
	"context"
	"fmt"
	"time"
)

// LedgerKey names one reminder occasion: (customer, rule, subject,
// occasion) goes out at most once. CustomerID is 0 for staff reminders, so
// a staff alert never counts towards a customer's daily cap.
type LedgerKey struct {
	CustomerID int64
	Rule       string
	Subject    string
	Occasion   string
}

// LedgerEntry is a reminder being recorded as sent.
type LedgerEntry struct {
	LedgerKey
	BranchID  int64
	DueAt     time.Time
	LocalDate string // the branch's date it goes out on, "2006-01-02"
}

// ClaimReminder writes the ledger row of a reminder inside the caller's
// transaction. false means the row exists: another scan (an earlier one, or
// another instance's racing this one) sent it, and the caller writes
// nothing more. On PostgreSQL a racing insert of the same key waits for the
// first transaction and then inserts nothing.
func (s *Store) ClaimReminder(ctx context.Context, e LedgerEntry) (id int64, claimed bool, err error) {
	var ids []int64
	err = s.db.WithContext(ctx).Raw(
		`INSERT INTO reminder_ledger (branch_id, customer_id, rule, subject, occasion, due_at, local_date, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		e.BranchID, e.CustomerID, e.Rule, e.Subject, e.Occasion, e.DueAt.UTC(), e.LocalDate, now()).Scan(&ids).Error
	if err != nil {
		return 0, false, fmt.Errorf("claim reminder %s %s %s: %w", e.Rule, e.Subject, e.Occasion, err)
	}
	if len(ids) == 0 {
		return 0, false, nil
	}
	return ids[0], true, nil
}

// LinkReminder records what a claimed reminder produced: its message or
// its staff task.
func (s *Store) LinkReminder(ctx context.Context, ledgerID int64, messageID, taskID *int64) error {
	err := s.db.WithContext(ctx).Exec("UPDATE reminder_ledger SET message_id = ?, task_id = ? WHERE id = ?",
		messageID, taskID, ledgerID).Error
	if err != nil {
		return fmt.Errorf("link reminder %d: %w", ledgerID, err)
	}
	return nil
}

// RemindersSent returns which of keys the ledger already has: one query per
// few hundred keys, by the ledger's unique index, so a scan drops what went
// out before without a transaction per reminder.
func (s *Store) RemindersSent(ctx context.Context, keys []LedgerKey) (map[LedgerKey]bool, error) {
	out := make(map[LedgerKey]bool)
	const chunk = 500
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		customers, rules, subjects := map[int64]bool{}, map[string]bool{}, map[string]bool{}
		for _, k := range part {
			customers[k.CustomerID], rules[k.Rule], subjects[k.Subject] = true, true, true
		}
		var rows []LedgerKey
		err := s.db.WithContext(ctx).Raw(
			`SELECT customer_id, rule, subject, occasion FROM reminder_ledger
			 WHERE customer_id IN ? AND rule IN ? AND subject IN ?`,
			setOf(customers), setOf(rules), setOf(subjects)).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("reminders already sent: %w", err)
		}
		for _, r := range rows {
			out[r] = true
		}
	}
	return out, nil
}

// RemindersOnDate counts the customer reminders a customer got on a branch
// date (the daily cap).
func (s *Store) RemindersOnDate(ctx context.Context, customerID int64, localDate string) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(
		"SELECT COUNT(*) FROM reminder_ledger WHERE customer_id = ? AND local_date = ?", customerID, localDate).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("reminders of customer %d on %s: %w", customerID, localDate, err)
	}
	return int(n), nil
}

// RemindersOnDateOf counts RemindersOnDate for several customers at once
// (the preview), absent customers having none.
func (s *Store) RemindersOnDateOf(ctx context.Context, customerIDs []int64, localDate string) (map[int64]int, error) {
	out := make(map[int64]int)
	for start := 0; start < len(customerIDs); start += 500 {
		var rows []struct {
			CustomerID int64
			N          int
		}
		err := s.db.WithContext(ctx).Raw(
			`SELECT customer_id, COUNT(*) AS n FROM reminder_ledger WHERE customer_id IN ? AND local_date = ?
			 GROUP BY customer_id`, customerIDs[start:min(start+500, len(customerIDs))], localDate).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("reminders on %s: %w", localDate, err)
		}
		for _, r := range rows {
			out[r.CustomerID] = r.N
		}
	}
	return out, nil
}

func setOf[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
