package sms

import (
	"net/url"
	"testing"
)

func TestParseTwilioStatus(t *testing.T) {
	form := func(sid, status, code string) url.Values {
		f := url.Values{}
		if sid != "" {
			f.Set("MessageSid", sid)
		}
		if status != "" {
			f.Set("MessageStatus", status)
		}
		if code != "" {
			f.Set("ErrorCode", code)
		}
		return f
	}
	tests := []struct {
		name    string
		form    url.Values
		want    StatusUpdate
		wantErr bool
	}{
		{"queued", form("SM1", "queued", ""), StatusUpdate{"SM1", "sent", ""}, false},
		{"accepted", form("SM1", "accepted", ""), StatusUpdate{"SM1", "sent", ""}, false},
		{"sending", form("SM1", "sending", ""), StatusUpdate{"SM1", "sent", ""}, false},
		{"sent", form("SM1", "sent", ""), StatusUpdate{"SM1", "sent", ""}, false},
		{"delivered", form("SM1", "delivered", ""), StatusUpdate{"SM1", "delivered", ""}, false},
		{"read", form("SM1", "read", ""), StatusUpdate{"SM1", "read", ""}, false},
		{"partially delivered", form("SM1", "partially_delivered", ""), StatusUpdate{"SM1", "delivered", ""}, false},
		{"undelivered 30003", form("SM2", "undelivered", "30003"), StatusUpdate{"SM2", "failed", "30003: Unreachable destination handset"}, false},
		{"failed 30005", form("SM2", "failed", "30005"), StatusUpdate{"SM2", "failed", "30005: Unknown destination handset"}, false},
		{"failed 30006", form("SM2", "failed", "30006"), StatusUpdate{"SM2", "failed", "30006: Landline or unreachable carrier"}, false},
		{"failed 30007", form("SM2", "failed", "30007"), StatusUpdate{"SM2", "failed", "30007: Message filtered"}, false},
		{"failed 30008", form("SM2", "failed", "30008"), StatusUpdate{"SM2", "failed", "30008: Unknown error"}, false},
		{"failed unknown code", form("SM2", "failed", "30034"), StatusUpdate{"SM2", "failed", "error 30034"}, false},
		{"failed no code", form("SM2", "undelivered", ""), StatusUpdate{"SM2", "failed", "undelivered"}, false},
		{"delivered ignores code", form("SM3", "delivered", "30003"), StatusUpdate{"SM3", "delivered", ""}, false},
		{"missing sid", form("", "delivered", ""), StatusUpdate{}, true},
		{"missing status", form("SM1", "", ""), StatusUpdate{}, true},
		{"unknown status", form("SM1", "teleported", ""), StatusUpdate{}, true},
		{"inbound status", form("SM1", "received", ""), StatusUpdate{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTwilioStatus(tc.form)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
