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

-- One row per notice in a country's inbox: the latest copy, and what the officers' lists filter
-- and sort on. Times are epoch milliseconds, as in the contract. A purged copy keeps only these
-- columns and a copy without content (rule 14).
CREATE TABLE copies (
  country          text    NOT NULL,
  notice_id        text    NOT NULL,
  copy_id          text    NOT NULL,
  origin           text    NOT NULL,
  kind             text    NOT NULL,
  priority         text    NOT NULL,
  crime_areas      text[]  NOT NULL,
  case_ref         text    NOT NULL,
  created_at       bigint  NOT NULL,
  delivered_at     bigint  NOT NULL,
  expires_at       bigint  NOT NULL,
  due_at           bigint,
  correction_of    text,
  received_at      bigint,
  answered_at      bigint,
  purged_at        bigint,
  copy             jsonb   NOT NULL,
  PRIMARY KEY (country, notice_id)
);
-- The inbox list, newest first (optionally by kind).
CREATE INDEX copies_newest ON copies (country, delivered_at DESC) WHERE purged_at IS NULL;
CREATE INDEX copies_kind ON copies (country, kind, delivered_at DESC) WHERE purged_at IS NULL;
-- Requests waiting for an answer, by due time: the overdue list and count.
CREATE INDEX copies_open_requests ON copies (country, due_at) WHERE due_at IS NOT NULL AND answered_at IS NULL AND purged_at IS NULL;
-- A case's notices.
CREATE INDEX copies_case ON copies (country, case_ref);
-- Copies still to acknowledge, and copies to purge (rule 14).
CREATE INDEX copies_unacknowledged ON copies (country, delivered_at) WHERE received_at IS NULL AND purged_at IS NULL;
CREATE INDEX copies_expiry ON copies (country, expires_at) WHERE purged_at IS NULL;
-- The yearly statistics of received requests (rule 15).
CREATE INDEX copies_requests ON copies (country, created_at) WHERE kind = 'REQUEST';

-- Notices per inbox, purged ones excluded, kept with every copy stored and purged (a count over
-- millions of rows on every scrape would not be).
CREATE TABLE inbox_sizes (
  country text   PRIMARY KEY,
  notices bigint NOT NULL
);

-- Receipts the contact point sent (read back from its outbox), the first of each status.
CREATE TABLE receipts (
  country   text   NOT NULL,
  notice_id text   NOT NULL,
  status    text   NOT NULL,
  at        bigint NOT NULL,
  PRIMARY KEY (country, notice_id, status)
);

-- The first answer (reply or refusal) the country sent to a received request; it may be read before the request.
CREATE TABLE answers (
  country          text   NOT NULL,
  in_reply_to      text   NOT NULL,
  answer_notice_id text   NOT NULL,
  at               bigint NOT NULL,
  refusal          text,
  PRIMARY KEY (country, in_reply_to)
);

-- Notices the country sent (statistics of requests sent; an answer is recorded once).
CREATE TABLE sent (
  country    text   NOT NULL,
  notice_id  text   NOT NULL,
  kind       text   NOT NULL,
  priority   text   NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (country, notice_id)
);
CREATE INDEX sent_requests ON sent (country, created_at) WHERE kind = 'REQUEST';

-- Corrections and withdrawals of a notice that reached the country (rule 12).
CREATE TABLE corrections (
  country      text NOT NULL,
  of_notice_id text NOT NULL,
  notice_id    text NOT NULL,
  action       text NOT NULL,
  PRIMARY KEY (country, of_notice_id, notice_id)
);

-- Forwarding permissions the provider recorded for the country (rule 6).
CREATE TABLE permissions (
  country       text  NOT NULL,
  notice_id     text  NOT NULL,
  permission_id text  NOT NULL,
  permission    jsonb NOT NULL,
  PRIMARY KEY (country, permission_id)
);
CREATE INDEX permissions_notice ON permissions (country, notice_id);

-- The contact point's running instances, each seen every few seconds: a claim of one no longer
-- seen (killed) is taken over at once.
CREATE TABLE instances (
  id      text   PRIMARY KEY,
  seen_at bigint NOT NULL
);

-- Receipts being sent by an instance (RECEIVED, PURGED): several instances on one database send
-- each once. The receipt, once stored, ends the claim.
CREATE TABLE claims (
  country    text   NOT NULL,
  notice_id  text   NOT NULL,
  status     text   NOT NULL,
  instance   text   NOT NULL,
  claimed_at bigint NOT NULL,
  PRIMARY KEY (country, notice_id, status)
);

-- Down Migration
DROP TABLE claims;
DROP TABLE instances;
DROP TABLE permissions;
DROP TABLE corrections;
DROP TABLE sent;
DROP TABLE answers;
DROP TABLE receipts;
DROP TABLE inbox_sizes;
DROP TABLE copies;
DROP TABLE reader_offsets;
