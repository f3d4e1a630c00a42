package customer

import "naryad/hub"

// progressStep is one step of the bar on top of the page.
type progressStep struct {
	Name  string
	State string // done, current, todo
}

// progressKeys are the steps the customer sees, in order; the canonical
// statuses have no "diagnosis", so it is told by the inspection.
var progressKeys = []string{"step_received", "step_diagnosis", "step_approval", "step_work", "step_ready", "step_delivered"}

// progressIndex places the work order on the bar: -1 for a cancelled one.
func progressIndex(status string, insp hub.Inspection, pending, decided bool) int {
	started := insp.ID != 0
	switch {
	case status == hub.StatusCancelled:
		return -1
	case status == hub.StatusDelivered:
		return 5
	case status == hub.StatusReady:
		return 4
	case status == hub.StatusWaitingApproval || pending:
		return 2
	case status == hub.StatusReceived && !started:
		return 0
	case started && !insp.Sent() && !decided:
		return 1 // the mechanic is still looking the car over
	case status == hub.StatusReceived:
		return 1
	}
	return 3 // in progress, waiting for parts
}

func (l *loader) progress(status string, insp hub.Inspection, pending, decided bool) []progressStep {
	at := progressIndex(status, insp, pending, decided)
	if at < 0 {
		return nil
	}
	steps := make([]progressStep, len(progressKeys))
	for i, k := range progressKeys {
		steps[i] = progressStep{Name: l.t()[k], State: "todo"}
		switch {
		case i < at:
			steps[i].State = "done"
		case i == at:
			steps[i].State = "current"
		}
	}
	return steps
}
