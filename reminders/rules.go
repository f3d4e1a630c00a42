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

// CustomerRules names the rules whose reminders are customer messages,
// in DefaultRules' order: each has a branch's channel rule (the thread's
// channel and/or e-mail, store.ReminderChannel). The staff-only rules
// (expired_list, loan_overdue) have none.
func CustomerRules() []string {
	return []string{RuleApproval, RuleKeys, RuleMaintenance, RuleTyres, RuleExpiring, RuleFeedback, RuleDeclinedWork, RuleLoanDue}
}
