package reply

import (
	"context"
	"fmt"
	"strconv"

	"naryad/hub"
	"naryad/hub/store"
	"naryad/templates"
)

// FeedbackRule is the reminder rule that asks for the score (the reminders'
// ledger name of the ask), and FeedbackSubject its ledger subject: a reply
// is a score only when that ask was sent.
const FeedbackRule = "feedback"

// FeedbackSubject is the ledger subject of the feedback ask about a work order.
func FeedbackSubject(workOrderID int64) string {
	return "work_order:" + strconv.FormatInt(workOrderID, 10)
}

// KindFeedbackFollowUp is the kind of the staff task a low score raises.
const KindFeedbackFollowUp = "feedback_followup"

// FollowUpAtMost is the highest score that asks the branch to call the
// customer back: 0–6 are the detractors of a 0–10 scale.
const FollowUpAtMost = 6

// ApplyFeedbackReply reads the customer's message m on thread t as the
// answer to the feedback question, through st (the caller's transaction
// that stored m). It is an answer only when the thread's work order was
// asked (the feedback rule's ledger row) and has no score yet, and the
// text is a score (ParseScore); then the score is stored with a system
// line and a feedback change for the DMS, and a score of FollowUpAtMost or
// less raises a follow-up task for the branch. Anything else stays an
// ordinary message. Nothing is sent back.
func ApplyFeedbackReply(ctx context.Context, st *store.Store, t hub.Thread, m hub.Message) error {
	if t.WorkOrderID == nil || m.Direction != hub.DirectionIn {
		return nil
	}
	score, ok := ParseScore(m.Body)
	if !ok {
		return nil
	}
	return st.Tx(ctx, func(tx *store.Store) error {
		w, awaited, err := tx.AwaitingScore(ctx, *t.WorkOrderID, FeedbackRule, FeedbackSubject(*t.WorkOrderID))
		if err != nil || !awaited {
			return err
		}
		recorded, err := tx.RecordFeedback(ctx, w, m, score)
		if err != nil || !recorded || score > FollowUpAtMost {
			return err
		}
		return raiseFollowUp(ctx, tx, w, t, score)
	})
}

// raiseFollowUp asks the branch to call a customer who gave a low score:
// a staff task, noted in the thread like every reminder task.
func raiseFollowUp(ctx context.Context, tx *store.Store, w hub.WorkOrder, t hub.Thread, score int) error {
	task := store.StaffTask{
		BranchID: w.BranchID, ThreadID: &t.ID, Kind: KindFeedbackFollowUp,
		Title: fmt.Sprintf("Low score %d/10 — call the customer (order %s)", score, w.Number),
		Body:  fmt.Sprintf("The customer scored the visit %d out of 10. Call them, find out what went wrong and put it right.", score),
	}
	if err := tx.AddStaffTask(ctx, &task); err != nil {
		return err
	}
	line := hub.SystemLine(t.ID, "naryad", templates.SysFeedbackLowScore, map[string]string{"score": strconv.Itoa(score), "order": w.Number})
	return tx.AddMessage(ctx, &line)
}
