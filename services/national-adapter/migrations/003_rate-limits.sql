-- Up Migration

-- The HTTP rate limits' counters (services/shared/rate-limit-store.ts), shared by the instances:
-- per limiter and key (a token, a country), the hits of the current window and when it ends.
CREATE TABLE rate_limits (
  key       text    PRIMARY KEY,
  hits      integer NOT NULL,
  -- Epoch milliseconds.
  resets_at bigint  NOT NULL
);

-- Down Migration

DROP TABLE rate_limits;
