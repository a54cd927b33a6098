/**
 * The adapter's OpenAPI 3.1 document, served at /openapi.json, and the request validators
 * compiled from the very same schemas: what the document says is what the API enforces.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { INDEX_HASH, INDEXED_TYPES, loadLimits, RecordBounds } from '../policy/index.ts';
import type { Contract } from '../shared/contract.ts';
import { ProblemList } from '../shared/problem-list.ts';
import { avroToJsonSchema, type JsonSchema } from './notice-json-schema.ts';

const NOTICE_ID = 'https://liaison.example/schemas/notice-submission.json';

const problem = { $ref: '#/components/schemas/Problem' };
const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: {
          400: 'invalid request: every problem listed by field path',
          401: 'no valid bearer token',
          403: 'the token may not do this, or acts for another country',
          404: 'no such notice of the caller’s country',
          409: 'conflict (e.g. an Idempotency-Key reused with another body)',
          413: 'body too large',
          429: 'over a rate limit; retry after the time in Retry-After',
        }[code],
        ...json(problem),
      },
    ]),
  );
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const agreementParam = { name: 'agreement', in: 'path', required: true, schema: { type: 'string' }, description: 'an agreement with hitIndex: true in config/agreements.yaml' };

/** `bounds`: the limits of every string and array of a notice (the policy's, config/limits.yaml). */
export function buildOpenApi(contract: Contract, maxBodyBytes: number, bounds = new RecordBounds(contract.schemas.notice, loadLimits())) {
  const notice = avroToJsonSchema(contract.schemas.notice, NOTICE_ID, ['Notice.noticeId', 'Notice.createdAt', 'Sender.country'], bounds);
  const partyCode = { type: 'string', minLength: 2, maxLength: 12 };
  const identifierType = { type: 'string', enum: [...INDEXED_TYPES] };
  const indexHash = { type: 'string', pattern: INDEX_HASH.source, description: 'HMAC-SHA-256 of the normalised identifier under the agreement’s index key, 64 lower-case hex digits' };
  const keyEpoch = { type: 'integer', minimum: 0, maximum: 2147483647, description: 'which index key of the agreement made the hashes' };
  const schemas: Record<string, JsonSchema> = {
    NoticeSubmission: notice,
    CorrectionRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'reason'],
      properties: {
        action: { type: 'string', enum: ['CORRECT', 'WITHDRAW'] },
        reason: { type: 'string', minLength: 1, maxLength: 2000 },
        notice: { $ref: NOTICE_ID, description: 'CORRECT: the corrected notice (caseRef and routing are taken from the original when left out)' },
      },
    },
    HeldDecisionRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['justification'],
      properties: { justification: { type: 'string', minLength: 10, maxLength: 2000, description: 'goes into the audit trail' } },
    },
    PermissionRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['grantedTo', 'forwardTo'],
      properties: {
        grantedTo: { ...partyCode, description: 'the recipient that may forward' },
        forwardTo: { type: 'array', minItems: 1, maxItems: 40, items: partyCode, description: 'known parties, each once, neither the provider nor grantedTo' },
        conditions: { type: 'string', maxLength: 2000 },
      },
    },
    IndexPublication: {
      type: 'object',
      additionalProperties: false,
      required: ['keyEpoch', 'entries'],
      description: 'Identifiers the caller’s country holds, each hashed on the caller’s side (liaison index hash): never an identifier in clear.',
      properties: {
        keyEpoch: keyEpoch,
        entries: {
          type: 'array',
          minItems: 1,
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['identifierType', 'hash'],
            properties: {
              identifierType,
              hash: indexHash,
              reference: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$', description: 'the holder’s own reference, quoted back by an asker in its REQUEST; default IDX- and the first 16 hex digits of the hash' },
            },
          },
        },
      },
    },
    IndexWithdrawal: {
      type: 'object',
      additionalProperties: false,
      required: ['entries'],
      properties: {
        entries: {
          type: 'array',
          minItems: 1,
          maxItems: 1000,
          items: { type: 'object', additionalProperties: false, required: ['identifierType', 'hash'], properties: { identifierType, hash: indexHash } },
        },
      },
    },
    LookupRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['agreement', 'purpose', 'keyEpoch', 'identifiers'],
      properties: {
        agreement: { type: 'string', pattern: '^[a-z0-9-]{1,64}$', description: 'an agreement with a hit/no-hit index of which the caller’s country is a member' },
        purpose: { type: 'string', minLength: 10, maxLength: 500, description: 'why, for the audit trail (e.g. the investigation); no identifier in clear' },
        caseRef: { type: 'string', minLength: 1, maxLength: 64 },
        keyEpoch,
        identifiers: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          items: { type: 'object', additionalProperties: false, required: ['identifierType', 'hash'], properties: { identifierType, hash: indexHash } },
        },
      },
    },
    Accepted: {
      type: 'object',
      required: ['noticeId', 'status'],
      properties: { noticeId: { type: 'string' }, status: { const: 'ACCEPTED' }, statusUrl: { type: 'string' }, replayed: { type: 'boolean' } },
    },
    Problem: {
      type: 'object',
      required: ['error', 'problems'],
      properties: { error: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } },
    },
  };
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Liaison national adapter',
      version: '1',
      description:
        'For national systems that do not speak Kafka. A caller acts for its own country: notices go to that country’s outbox whatever the body claims, and only its own notices can be read.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/notices': {
        post: {
          summary: 'Submit a notice (role system)',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 }, description: 'the same key never creates a second notice' }],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/NoticeSubmission' }) },
          responses: { 202: { description: 'accepted; the gateway decides per destination', ...json({ $ref: '#/components/schemas/Accepted' }) }, ...errors(400, 401, 403, 409, 413) },
        },
      },
      '/v1/notices/preview': {
        post: {
          summary: 'What each recipient would receive, nothing submitted (roles system, dpo)',
          description:
            'The same body as a submission. Per destination: the status, agreement, reasons and rules the gateway would decide under the current policy, every field removed, masked, generalised or pseudonymised, and the copies as the destination would read them (a held copy under a derogation apart). Pseudonymised values show as "PSN-(made at delivery)": a preview never reveals a pseudonym.',
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/NoticeSubmission' }) },
          responses: { 200: { description: 'the decisions and copies; nothing was produced' }, ...errors(400, 401, 403, 404, 413) },
        },
      },
      '/v1/notices/{id}': {
        get: {
          summary: 'Per destination: delivery status, what was removed or changed, receipts, corrections (roles system, dpo)',
          parameters: [idParam],
          responses: { 200: { description: 'the status' }, ...errors(401, 403, 404) },
        },
      },
      '/v1/notices/{id}/corrections': {
        post: {
          summary: 'Correct or withdraw a notice; every earlier recipient gets it (rule 12)',
          parameters: [idParam],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/CorrectionRequest' }) },
          responses: { 202: { description: 'accepted', ...json({ $ref: '#/components/schemas/Accepted' }) }, ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/notices/{id}/permissions': {
        post: {
          summary: 'Record the permission that a recipient may forward the notice (rule 6, H2)',
          parameters: [idParam],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/PermissionRequest' }) },
          responses: { 202: { description: 'recorded' }, ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/index/{agreement}': {
        get: {
          summary: 'What the caller’s country has in an agreement’s hit/no-hit index: counts per identifier type and key epoch (role system)',
          parameters: [agreementParam],
          responses: { 200: { description: 'the counts' }, ...errors(401, 403, 404) },
        },
      },
      '/v1/index/{agreement}/entries': {
        post: {
          summary: 'Publish keyed pseudonyms of identifiers the caller’s country holds (role system)',
          description: 'Hash each identifier on your side with the agreement’s index key (liaison index hash; README, "Hit/no-hit index"). A hash already published is replaced (its reference and date).',
          parameters: [agreementParam],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/IndexPublication' }) },
          responses: { 202: { description: 'written to the agreement’s index' }, ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/index/{agreement}/withdrawals': {
        post: {
          summary: 'Withdraw entries of the caller’s country from an agreement’s index (role system)',
          parameters: [agreementParam],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/IndexWithdrawal' }) },
          responses: { 202: { description: 'withdrawn' }, ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/lookups': {
        post: {
          summary: 'Does another member hold these identifiers? Hit or no hit per identifier, and for a hit only the holder and its reference (role system)',
          description:
            'The identifiers are hashed on your side with the agreement’s index key. The lookup (who, why, which hashes, which holders) goes to your outbox and into the audit trail before the answer is given. Identifiers per country and window are limited (config/rate-limits.yaml, lookups): over it, 429. To obtain what a holder knows, send it a REQUEST notice quoting the reference: the normal rules apply.',
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/LookupRequest' }) },
          responses: { 200: { description: 'per identifier: hit, and the holders with their references' }, ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/held': {
        get: { summary: 'Copies of the caller’s notices held for its data protection officer (rule 5; role dpo)', responses: { 200: { description: 'held copies' }, ...errors(401, 403) } },
      },
      '/v1/held/{id}/{destination}/{decision}': {
        post: {
          summary: 'Release or reject a held copy, with a justification for the audit trail (role dpo)',
          parameters: [idParam, { name: 'destination', in: 'path', required: true, schema: { type: 'string' } }, { name: 'decision', in: 'path', required: true, schema: { type: 'string', enum: ['release', 'reject'] } }],
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/HeldDecisionRequest' }) },
          responses: { 202: { description: 'decision recorded; the gateway acts on it' }, ...errors(400, 401, 403, 404) },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token issued per country and role' } },
      schemas,
    },
    'x-max-body-bytes': maxBodyBytes,
  };
  return { document, validators: compileValidators(schemas, bounds) };
}

export type RequestSchema = 'NoticeSubmission' | 'CorrectionRequest' | 'HeldDecisionRequest' | 'PermissionRequest' | 'IndexPublication' | 'IndexWithdrawal' | 'LookupRequest';
export type Validators = Record<RequestSchema, (body: unknown) => string[]>;

function compileValidators(schemas: Record<string, JsonSchema>, bounds: RecordBounds): Validators {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addKeyword('x-data-protection');
  ajv.addSchema(schemas.NoticeSubmission!);
  const check = (fn: ValidateFunction) => (body: unknown) => (fn(body) ? [] : describe(fn.errors, bounds.limits.problems));
  return {
    NoticeSubmission: check(ajv.getSchema(NOTICE_ID)!),
    CorrectionRequest: check(ajv.compile(schemas.CorrectionRequest!)),
    HeldDecisionRequest: check(ajv.compile(schemas.HeldDecisionRequest!)),
    PermissionRequest: check(ajv.compile(schemas.PermissionRequest!)),
    IndexPublication: check(ajv.compile(schemas.IndexPublication!)),
    IndexWithdrawal: check(ajv.compile(schemas.IndexWithdrawal!)),
    LookupRequest: check(ajv.compile(schemas.LookupRequest!)),
  };
}

/** `subjects[0].role: must be one of SUSPECT, CONVICTED, …`; unions report once, not per branch. */
function describe(errors: ErrorObject[] | null | undefined, max: number): string[] {
  const out = new Set<string>();
  for (const e of errors ?? []) {
    const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '') || '(body)';
    if (e.keyword === 'anyOf') continue;
    if (e.keyword === 'required') out.add(`${path === '(body)' ? '' : `${path}.`}${String(e.params.missingProperty)}: required`);
    else if (e.keyword === 'additionalProperties') out.add(`${path}: unknown field "${String(e.params.additionalProperty)}"`);
    else if (e.keyword === 'enum') out.add(`${path}: must be one of ${(e.params.allowedValues as string[]).join(', ')}`);
    else out.add(`${path}: ${e.message ?? e.keyword}`);
  }
  const problems = new ProblemList(max);
  for (const problem of out) problems.add(problem);
  return problems.toArray();
}
