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

-- The delivery ledger (delivery-ledger.ts): of every notice the gateway reported on, who sent it
-- and under which case; never its content.
CREATE TABLE ledger_notices (
  notice_id text PRIMARY KEY,
  origin    text NOT NULL,
  case_ref  text NOT NULL
);

-- Per notice and destination, the latest outcome reported, in the order destinations were first reported.
CREATE TABLE ledger_destinations (
  notice_id   text   NOT NULL,
  destination text   NOT NULL,
  position    bigint GENERATED ALWAYS AS IDENTITY,
  status      text   NOT NULL,
  -- When the report that set this status was processed (epoch milliseconds).
  since       bigint NOT NULL,
  PRIMARY KEY (notice_id, destination)
);
-- The copies waiting for their origin's DPO (rule 5), for the held-copy metrics.
CREATE INDEX ledger_destinations_held ON ledger_destinations (notice_id) WHERE status = 'HELD_FOR_REVIEW';

-- The copies held for the origin's DPO while undecided: the record of liaison.held as written.
CREATE TABLE held_copies (
  notice_id   text  NOT NULL,
  destination text  NOT NULL,
  copy        bytea NOT NULL,
  PRIMARY KEY (notice_id, destination)
);

-- Down Migration

DROP TABLE held_copies;
DROP TABLE ledger_destinations;
DROP TABLE ledger_notices;
DROP TABLE reader_offsets;
