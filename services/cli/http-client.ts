/** How the CLI and the demo call Liaison's HTTP APIs: bearer token, JSON, problems as errors. */
import { liaisonHome } from '../shared/connection.ts';
import { localToken, type Role } from '../shared/api-keys.ts';
import { LiaisonError } from '../shared/errors.ts';

export const ADAPTER_URL = process.env.LIAISON_ADAPTER_URL ?? 'http://127.0.0.1:18100';
export const CONTACT_POINT_URL = process.env.LIAISON_CONTACT_POINT_URL ?? 'http://127.0.0.1:18200';

/** A refused or failed request, with the server's problems, one per line. */
export class HttpCallError extends LiaisonError {
  constructor(
    readonly status: number,
    readonly problems: string[],
    what: string,
  ) {
    super('LIAISON_HTTP', `${what}: HTTP ${status}\n  ${problems.join('\n  ')}`);
  }
}

/** LIAISON_TOKEN, else the embedded stack's token of that country and role. */
export function tokenFor(country: string, role: Role, explicit?: string): string {
  return explicit ?? process.env.LIAISON_TOKEN ?? localToken(liaisonHome(), country, role);
}

export async function call<T>(base: string, path: string, token: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  const url = `${base}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (cause) {
    throw new LiaisonError('LIAISON_UNREACHABLE', `${url}: unreachable (${(cause as Error).message}); is the service running? (make demo starts them)`, { cause });
  }
  const body = (await response.json().catch(() => ({}))) as T & { problems?: string[]; error?: string };
  if (!response.ok) throw new HttpCallError(response.status, body.problems ?? [body.error ?? response.statusText], `${init.method ?? 'GET'} ${path}`);
  return { status: response.status, body };
}
