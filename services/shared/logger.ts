import winston from 'winston';

/**
 * Structured JSON logs, one line per event, namespaced by service. Callers pass identifiers
 * (noticeId, caseRef, destination), never the personal data a notice carries.
 */
export type Logger = winston.Logger;

export function createLogger(service: string, level = process.env.LIAISON_LOG_LEVEL ?? 'info'): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}
