-- Up Migration

-- Where each state reader is: the next offset of each partition, stored with what it applied.
CREATE TABLE reader_offsets (
  reader      text        NOT NULL,
  topic       text        NOT NULL,
  partition   integer     NOT NULL,
  next_offset bigint      NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (reader, topic, partition)
);

-- What the origin sees of its notices. A notice as read from its outbox: routing and handling
-- only, never its content (notice-status.ts, routingOf).
CREATE TABLE notices (
  notice_id     text  PRIMARY KEY,
  origin        text  NOT NULL,
  case_ref      text  NOT NULL,
  correction_of text,
  routing       jsonb NOT NULL
);

-- The gateway's latest report of a notice, and per destination its latest outcome.
CREATE TABLE reports (
  notice_id      text   PRIMARY KEY,
  origin         text   NOT NULL,
  case_ref       text   NOT NULL,
  processed_at   bigint NOT NULL,
  policy_version text   NOT NULL,
  correction_of  text
);
CREATE TABLE deliveries (
  notice_id   text   NOT NULL,
  destination text   NOT NULL,
  -- The order the destinations were first reported in.
  position    integer NOT NULL,
  origin      text   NOT NULL,
  status      text   NOT NULL,
  decided_at  bigint NOT NULL,
  outcome     jsonb  NOT NULL,
  PRIMARY KEY (notice_id, destination)
);
-- The copies waiting for the origin's DPO (rule 5).
CREATE INDEX deliveries_held ON deliveries (origin, decided_at) WHERE status = 'HELD_FOR_REVIEW';

-- The recipients' receipts, in the order they were read.
CREATE TABLE receipts (
  id          bigserial PRIMARY KEY,
  notice_id   text   NOT NULL,
  recipient   text   NOT NULL,
  status      text   NOT NULL,
  at          bigint NOT NULL,
  by          text
);
CREATE INDEX receipts_notice ON receipts (notice_id, recipient);

-- Corrections and withdrawals of a notice (rule 12).
CREATE TABLE corrections (
  of_notice_id text NOT NULL,
  notice_id    text NOT NULL,
  PRIMARY KEY (of_notice_id, notice_id)
);

-- Forwarding permissions recorded in their provider's outbox (rule 6).
CREATE TABLE permissions (
  permission_id text PRIMARY KEY,
  provider      text NOT NULL,
  granted_to    text NOT NULL,
  notice_id     text NOT NULL
);

-- The agreements' hit/no-hit indexes: keyed pseudonyms only, as the compacted topics hold them.
CREATE TABLE index_entries (
  agreement       text    NOT NULL,
  identifier_type text    NOT NULL,
  hash            text    NOT NULL,
  holder          text    NOT NULL,
  key_epoch       integer NOT NULL,
  reference       text    NOT NULL,
  published_at    bigint  NOT NULL,
  PRIMARY KEY (agreement, identifier_type, hash, holder)
);
CREATE INDEX index_entries_holder ON index_entries (agreement, holder, identifier_type, key_epoch);

-- Down Migration
DROP TABLE index_entries;
DROP TABLE permissions;
DROP TABLE corrections;
DROP TABLE receipts;
DROP TABLE deliveries;
DROP TABLE reports;
DROP TABLE notices;
DROP TABLE reader_offsets;
