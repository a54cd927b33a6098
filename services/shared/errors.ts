/**
 * Errors say what the caller should do with the record or request that caused them,
 * the way @platformatic/kafka's errors carry canRetry/needsRejoin flags.
 */
export type ErrorDecision = 'retry' | 'dead-letter' | 'stop';

export class LiaisonError extends Error {
  readonly code: string;
  readonly decision: ErrorDecision;

  constructor(code: string, message: string, decision: ErrorDecision, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.decision = decision;
  }
}

/** A configuration file or setting that is missing, malformed or unsafe: the process must not start. */
export class ConfigError extends LiaisonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIAISON_CONFIG', message, 'stop', options);
  }
}

/** The embedded stack could not be prepared, started or stopped. */
export class StackError extends LiaisonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIAISON_STACK', message, 'stop', options);
  }
}
