package templates

import (
	"regexp"
	"strconv"
)

// Before system lines had keys (issue 18) they were stored as English text
// only (the inspection line in the branch's language). ParseOldSystemLine
// recognises the bodies that old code wrote, so existing lines get a key
// and read in every language too. Lines it does not know (payment lines
// whose amounts were written as English money, WhatsApp group notes with
// free-form reasons) stay as they are and are shown by their body.
func ParseOldSystemLine(body string) (key string, args map[string]string, ok bool) {
	for _, p := range oldLines {
		m := p.re.FindStringSubmatch(body)
		if m == nil {
			continue
		}
		if args, ok := p.args(m); ok {
			return p.key, args, true
		}
	}
	return "", nil, false
}

type oldLine struct {
	key  string
	re   *regexp.Regexp
	args func(m []string) (map[string]string, bool)
}

// named pairs the parameter names with the submatches, in order.
func named(names ...string) func(m []string) (map[string]string, bool) {
	return func(m []string) (map[string]string, bool) {
		args := make(map[string]string, len(names))
		for i, n := range names {
			args[n] = m[i+1]
		}
		return args, true
	}
}

// oldDecision reads "Customer declined «Name» (1800.00)": the amount was a
// plain decimal of hundredths without a currency.
func oldDecision(m []string) (map[string]string, bool) {
	whole, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return nil, false
	}
	cents, _ := strconv.ParseInt(m[3], 10, 64)
	total := whole*100 + cents
	if m[2][0] == '-' {
		total = whole*100 - cents
	}
	return map[string]string{"name": m[1], "total_minor": strconv.FormatInt(total, 10)}, true
}

// oldMove reads a move note's Go-quoted snippet (%q).
func oldMove(names ...string) func(m []string) (map[string]string, bool) {
	return func(m []string) (map[string]string, bool) {
		args := map[string]string{}
		for i, n := range names {
			args[n] = m[i+1]
		}
		snippet, err := strconv.Unquote(m[len(names)+1])
		if err != nil {
			return nil, false
		}
		args["snippet"] = snippet
		return args, true
	}
}

// oldLocker reads `Locker "Main", box 17: door opened (staff ivanov).`,
// giving the phrase its key when it is one of the catalog's.
func oldLocker(m []string) (map[string]string, bool) {
	site, err := strconv.Unquote(m[1])
	if err != nil {
		return nil, false
	}
	what := m[3]
	for k, w := range lockerPhrases {
		if w[LocaleEN] == what {
			what = k
			break
		}
	}
	return map[string]string{"site": site, "box": m[2], "what_key": what, "by": m[4]}, true
}

var oldLines = []oldLine{
	{SysDecisionApproved, regexp.MustCompile(`^Customer approved «(.*)» \((-?\d+)\.(\d{2})\)$`), oldDecision},
	{SysDecisionDeclined, regexp.MustCompile(`^Customer declined «(.*)» \((-?\d+)\.(\d{2})\)$`), oldDecision},
	{SysFeedbackLowScore, regexp.MustCompile(`^Task: Low score (\d+)/10 — call the customer \(order (.*)\)$`), named("score", "order")},
	{SysTask, regexp.MustCompile(`^Task: (.+)$`), named("title")},
	{SysFeedbackScore, regexp.MustCompile(`^Feedback score: (\d+)/10$`), named("score")},
	{SysOptedOut, regexp.MustCompile(`^Customer opted out of reminders$`), named()},
	{SysOptedIn, regexp.MustCompile(`^Customer opted back in to reminders$`), named()},
	{SysNumberRevealed, regexp.MustCompile(`^WhatsApp revealed the number of this customer \((.*)\): (.*)\. Messages go to it from now on\.$`), named("chat", "phone")},
	{SysLeadMerged, regexp.MustCompile(`^Merged lead thread (\d+) \((.*)\): (\d+) messages$`), named("lead", "phone", "count")},
	{SysMovedTo, regexp.MustCompile(`^A customer message was moved to work order (.*?): (".*")$`), oldMove("order")},
	{SysMovedFromOrder, regexp.MustCompile(`^A customer message was moved here from work order (.*?): (".*")$`), oldMove("order")},
	{SysMovedFromOther, regexp.MustCompile(`^A customer message was moved here from another conversation: (".*")$`), oldMove()},
	{SysInspectionSent, regexp.MustCompile(`^Inspection sent to the DMS \(revision (\d+)\) by (.*)$`), named("revision", "by")},
	{SysInspectionSent, regexp.MustCompile(`^Осмотр отправлен в 1С \(версия (\d+)\), отправил\(а\) (.*)$`), named("revision", "by")},
	{SysInspectionSent, regexp.MustCompile(`^Przegląd wysłany do DMS \(wersja (\d+)\), wysłał\(a\) (.*)$`), named("revision", "by")},
	{SysStatusUnmapped, regexp.MustCompile(`^DMS status «(.*)» is not mapped to a customer status; no message was sent\. Map it in the branch settings\.$`), named("status")},
	{SysLockerEvent, regexp.MustCompile(`^Locker ("(?:[^"\\]|\\.)*")(?:, box (.*?))?: (.*?)(?: \(([^()]*)\))?\.$`), oldLocker},
	{SysOtherOrders, regexp.MustCompile(`^This customer has other open work orders: (.*)\. If the message is about one of them, move it there\.$`), named("orders")},
	{SysGroupJoined, regexp.MustCompile(`^The customer joined the WhatsApp group «(.*)»: messages go there now\.$`), named("name")},
	{SysGroupLeftByCustomer, regexp.MustCompile(`^The customer left the WhatsApp group «(.*)»: messages go to their direct chat until they join again\.$`), named("name")},
}
