/**
 * Who may call Liaison's HTTP APIs: bearer tokens issued per country and role, stored only
 * as SHA-256 hashes (the tokens are 256 random bits, so a plain hash is enough; no salt or
 * slow hash is needed to resist guessing). A caller acts for its own country only.
 *
 * Roles: `system` (a national system submitting notices), `dpo` (the origin's data
 * protection officer, rule 5), `officer` (a contact-point officer reading the inbox),
 * `ops` (operations staff: counts and health across countries, never content).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONSchemaType } from 'ajv';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { loadYamlFile } from './config-file.ts';
import { ConfigError } from './errors.ts';
import { PARTY_CODE_PATTERN } from './parties.ts';

export const ROLES = ['system', 'dpo', 'officer', 'ops'] as const;
export type Role = (typeof ROLES)[number];
/** Roles held for one country; `ops` (the operations console) sees all countries' flows, no content. */
export const COUNTRY_ROLES: readonly Role[] = ['system', 'dpo', 'officer'];
export const ALL_COUNTRIES = 'ALL';

export interface ApiKeyEntry {
  /** Names the holder in logs and the audit trail (e.g. `nl-officer-1`); never the token. */
  id: string;
  country: string;
  role: Role;
  sha256: string;
}

export interface Caller {
  id: string;
  country: string;
  role: Role;
}

interface ApiKeysFile {
  keys: ApiKeyEntry[];
}

const schema: JSONSchemaType<ApiKeysFile> = {
  type: 'object',
  required: ['keys'],
  additionalProperties: false,
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'country', 'role', 'sha256'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' },
          country: { type: 'string', pattern: PARTY_CODE_PATTERN }, // ALL for the ops role
          role: { type: 'string', enum: [...ROLES] },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
    },
  },
};

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function newToken(): string {
  return `lia_${randomBytes(32).toString('base64url')}`;
}

export class ApiKeys {
  private readonly byHash: Map<string, Caller>;

  /** `throttle`: applied to every authenticated request (the service's rate limits). */
  constructor(
    entries: readonly ApiKeyEntry[],
    private readonly throttle?: RequestHandler,
  ) {
    this.byHash = new Map(entries.map((e) => [e.sha256, { id: e.id, country: e.country, role: e.role }]));
  }

  static load(file: string, throttle?: RequestHandler): ApiKeys {
    return new ApiKeys(loadYamlFile(file, schema).keys, throttle);
  }

  identify(token: string): Caller | undefined {
    return this.byHash.get(hashToken(token));
  }

  /** Express middleware: 401 without a known token, 403 for another role, 429 over a rate limit; sets res.locals.caller. */
  require(...roles: Role[]): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
      const caller = match ? this.identify(match[1]!) : undefined;
      if (!caller) {
        res.set('WWW-Authenticate', 'Bearer realm="liaison"').status(401).json({ error: 'unauthenticated', problems: ['Authorization: a valid "Bearer <token>" is required'] });
        return;
      }
      if (!roles.includes(caller.role)) {
        res.status(403).json({ error: 'forbidden', problems: [`role "${caller.role}" may not do this; needs ${roles.join(' or ')}`] });
        return;
      }
      res.locals.caller = caller;
      if (this.throttle) this.throttle(req, res, next);
      else next();
    };
  }
}

export const callerOf = (res: Response): Caller => res.locals.caller as Caller;

/** The embedded stack's files: hashes for the services, the tokens themselves for the local user. */
export const apiKeyFiles = (home: string) => ({ hashes: join(home, 'api-keys.json'), tokens: join(home, 'api-tokens.json') });

export interface IssuedToken {
  id: string;
  country: string;
  role: Role;
  token: string;
}

/**
 * For the embedded stack only: one token per country and role, and one for operations,
 * written once (mode 600); tokens for parties or roles added later are added, none replaced.
 * A real deployment issues its own (`liaison keys issue`) and never keeps the tokens.
 */
export function ensureLocalApiKeys(home: string, countries: readonly string[]): void {
  const files = apiKeyFiles(home);
  const existing: IssuedToken[] = existsSync(files.tokens) && existsSync(files.hashes) ? (JSON.parse(readFileSync(files.tokens, 'utf8')) as { tokens: IssuedToken[] }).tokens : [];
  const wanted = [...countries.flatMap((country) => COUNTRY_ROLES.map((role) => ({ country, role }))), { country: ALL_COUNTRIES, role: 'ops' as Role }];
  const missing = wanted.filter((w) => !existing.some((t) => t.country === w.country && t.role === w.role));
  if (missing.length === 0) return;
  const issued: IssuedToken[] = [
    ...existing,
    ...missing.map(({ country, role }) => ({ id: country === ALL_COUNTRIES ? role : `${country.toLowerCase()}-${role}`, country, role, token: newToken() })),
  ];
  const keys: ApiKeyEntry[] = issued.map(({ token, ...rest }) => ({ ...rest, sha256: hashToken(token) }));
  writeFileSync(files.tokens, `${JSON.stringify({ tokens: issued }, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(files.hashes, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
}

/** The embedded stack's token of a country and role, for the CLI and the demo. */
export function localToken(home: string, country: string, role: Role): string {
  const file = apiKeyFiles(home).tokens;
  if (!existsSync(file)) throw new ConfigError(`${file}: no local API tokens; start Liaison's services once (make demo), or set LIAISON_TOKEN`);
  const { tokens } = JSON.parse(readFileSync(file, 'utf8')) as { tokens: IssuedToken[] };
  const found = tokens.find((t) => t.country === country && t.role === role);
  if (!found) throw new ConfigError(`${file}: no ${role} token for "${country}"`);
  return found.token;
}
