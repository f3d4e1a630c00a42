package reminders

// DefaultRules lists every rule `naryad serve` runs, in a stable order.
func DefaultRules() []Rule {
	return []Rule{
		NewApproval(),
		NewKeys(),
		NewMaintenance(),
		NewTyres(),
		NewExpiring(),
		NewExpiredList(),
		NewFeedback(),
		NewDeclinedWork(),
		NewLoanDue(),
		NewLoanOverdue(),
	}
}
