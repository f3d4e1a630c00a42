-- WhatsApp sends that survive a crash and a silent phone (issue 14).
--
-- * wa_sends: the WhatsApp id of each part of an outgoing message (its
--   words, each file), chosen with whatsmeow's GenerateMessageID and stored
--   BEFORE the part is sent. A retry after a timeout or a crash sends the
--   part again under the same id (WhatsApp shows it once), and receipts
--   find their message by it even when they arrive before SendMessage
--   returned. sent_at is set once WhatsApp acknowledged the part; the
--   account's daily send cap counts these.
-- * wa_sms_followups: a status or estimate message that stayed "sent" on
--   WhatsApp (no delivered receipt) for the branch's wa_undelivered_sms_hours
--   is also sent by SMS; the row, inserted in the transaction that queues
--   the SMS, makes that happen once across restarts and instances.
-- * branches.wa_undelivered_sms_hours: that time (0 = never); 6 by default.
-- * branches.wa_group_invites: a customer whose privacy settings block
--   group adds gets the group's invite link in the direct chat (on by
--   default); off, the work order stays in the direct chat.
-- * wa_accounts.daily_sends: how many WhatsApp messages the account sends
--   in 24 hours at most (ban risk); over it, messages go by SMS.
-- * wa_groups.state 'invited': created, the customer invited by link and
--   not yet in it; the thread stays in the direct chat until they join.
-- Column names match migrations/sqlite/00012_whatsapp_sends.sql.

-- +goose Up
CREATE TABLE wa_sends (
    wa_id      TEXT PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    part       INTEGER NOT NULL,
    account_id BIGINT NOT NULL REFERENCES wa_accounts (id) ON DELETE CASCADE,
    sent_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX wa_sends_part ON wa_sends (message_id, part);
CREATE INDEX wa_sends_account_sent ON wa_sends (account_id, sent_at);

CREATE TABLE wa_sms_followups (
    message_id     BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    sms_message_id BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

ALTER TABLE branches ADD COLUMN wa_undelivered_sms_hours INTEGER NOT NULL DEFAULT 6;
ALTER TABLE branches ADD COLUMN wa_group_invites BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE wa_accounts ADD COLUMN daily_sends INTEGER NOT NULL DEFAULT 300;

-- +goose Down
ALTER TABLE wa_accounts DROP COLUMN daily_sends;
ALTER TABLE branches DROP COLUMN wa_group_invites;
ALTER TABLE branches DROP COLUMN wa_undelivered_sms_hours;
DROP TABLE wa_sms_followups;
DROP TABLE wa_sends;
