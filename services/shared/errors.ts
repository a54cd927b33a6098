/**
 * One error model for the Kafka side and the HTTP side. An error carries a code, and the code
 * carries the decision: what the code that catches the error does with the record or request
 * that caused it (the way @platformatic/kafka's errors carry canRetry/needsRejoin flags).
 * The decision is read where it is acted on: the gateway's batch loop, the APIs' last handler,
 * the CLI's exit.
 */
export type ErrorDecision =
  /** The cause is outside the record (registry or brokers unreachable): the record waits and is consumed again. */
  | 'retry'
  /** The record can never be processed: it goes to liaison.dlq with the code as its reason, the exchange goes on. */
  | 'dead-letter'
  /** The process cannot do its work (configuration, stack): it stops with a clear message and a non-zero exit. */
  | 'stop'
  /** The request is refused: a 4xx with every problem in the body. */
  | 'reject';

/** Every error code, with its decision. */
export const ERRORS = {
  LIAISON_CONFIG: 'stop',
  LIAISON_STACK: 'stop',
  LIAISON_INPUT: 'stop',
  /** An API refused the CLI's call. */
  LIAISON_HTTP: 'stop',
  /** A service the CLI calls is not reachable (not started yet?). */
  LIAISON_UNREACHABLE: 'retry',
  /** A record the service built does not match its schema: a bug, never a retry. */
  LIAISON_ENCODE: 'stop',
  LIAISON_REGISTRY_UNAVAILABLE: 'retry',
  /** The service's PostgreSQL cannot be reached: what needs it waits, requests get a 503. */
  LIAISON_DATABASE_UNAVAILABLE: 'retry',
  /** Not Avro of a known schema. The dead-letter codes are the errorCode of the dead letter. */
  DECODE_FAILED: 'dead-letter',
  /** A record (or what it would produce) above what one produce request may carry. */
  TOO_LARGE: 'dead-letter',
  /** The gateway started on the record too often without finishing (it crashed or was killed). */
  POISON_RECORD: 'dead-letter',
  LIAISON_REQUEST_REFUSED: 'reject',
} as const satisfies Record<string, ErrorDecision>;

export type ErrorCode = keyof typeof ERRORS;
type CodeOf<D extends ErrorDecision> = { [C in ErrorCode]: (typeof ERRORS)[C] extends D ? C : never }[ErrorCode];
/** The codes of errors whose record is dead-lettered. */
export type DeadLetterErrorCode = CodeOf<'dead-letter'>;

export class LiaisonError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly decision: (typeof ERRORS)[C];

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.decision = ERRORS[code];
  }
}

/** The decision an error carries; anything that is not a LiaisonError is not understood, so null. */
export function decisionOf(error: unknown): ErrorDecision | null {
  return error instanceof LiaisonError ? error.decision : null;
}

export function isDeadLetterError(error: unknown): error is LiaisonError<DeadLetterErrorCode> {
  return decisionOf(error) === 'dead-letter';
}

/** A configuration file or setting that is missing, malformed or unsafe: the process must not start. */
export class ConfigError extends LiaisonError<'LIAISON_CONFIG'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIAISON_CONFIG', message, options);
  }
}

/** The embedded stack could not be prepared, started or stopped. */
export class StackError extends LiaisonError<'LIAISON_STACK'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIAISON_STACK', message, options);
  }
}

/** Not Avro of a known schema: dead-letter the record, never retry. */
export class DecodeError extends LiaisonError<'DECODE_FAILED'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DECODE_FAILED', message, options);
  }
}

/** The registry could not be reached or answered 5xx: retry the record later, never dead-letter it. */
export class RegistryUnavailableError extends LiaisonError<'LIAISON_REGISTRY_UNAVAILABLE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIAISON_REGISTRY_UNAVAILABLE', message, options);
  }
}

/** The database could not be reached or ended the connection: retry later; nothing was half written (one transaction). */
export class DatabaseUnavailableError extends LiaisonError<'LIAISON_DATABASE_UNAVAILABLE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIAISON_DATABASE_UNAVAILABLE', message, options);
  }
}

/** A refused request: its status and every problem, named by field; the body of the 4xx. */
export class ApiError extends LiaisonError<'LIAISON_REQUEST_REFUSED'> {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly problems: string[],
    /** Response headers that go with the refusal (e.g. Retry-After with a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super('LIAISON_REQUEST_REFUSED', `${error}: ${problems.join('; ')}`);
  }
}
