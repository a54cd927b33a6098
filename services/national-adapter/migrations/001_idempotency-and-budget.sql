-- Up Migration

-- Idempotency-Key per country: the body it came with (SHA-256) and the notice it made. A key is
-- reserved (pending) before the notice is written and marked written after; one key, one body,
-- whatever the number of adapter instances (the primary key decides, not a check-then-write).
CREATE TABLE idempotency_keys (
  country     text   NOT NULL,
  key         text   NOT NULL,
  body_sha256 text   NOT NULL,
  notice_id   text   NOT NULL,
  written     boolean NOT NULL DEFAULT false,
  created_at  bigint NOT NULL,
  PRIMARY KEY (country, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

-- Identifiers looked up in the hit/no-hit index, per country: one row per answered lookup, kept
-- for the budget's window (a sliding window shared by every instance).
CREATE TABLE lookup_spending (
  country     text    NOT NULL,
  at          bigint  NOT NULL,
  identifiers integer NOT NULL
);
CREATE INDEX lookup_spending_window ON lookup_spending (country, at);

-- Down Migration
DROP TABLE lookup_spending;
DROP TABLE idempotency_keys;
