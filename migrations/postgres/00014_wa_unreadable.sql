-- wa_unreadable: a WhatsApp message whatsmeow could not decrypt yet
-- (events.UndecryptableMessage) is kept in its thread as a stand-in,
-- messages.unreadable, which the inbox shows as "a message could not be
-- read yet". whatsmeow asks the sender's phone for it again; when it comes,
-- with the same WhatsApp id, it fills the same row (no second message).
-- The index finds the stand-in by the account and the WhatsApp id alone:
-- the resent message may name the chat by phone number where the first
-- named it by LID, or the other way round.

-- +goose Up
ALTER TABLE messages ADD COLUMN unreadable BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX wa_inbound_wa_id ON wa_inbound (account_id, wa_id);

-- +goose Down
DROP INDEX wa_inbound_wa_id;
ALTER TABLE messages DROP COLUMN unreadable;
