/** The contact point's HTTP surface for officers: every route, its checks and status codes, in one place. */
import { fileURLToPath } from 'node:url';
import { Ajv, type JSONSchemaType } from 'ajv';
import express, { type Express } from 'express';
import { callerOf, type ApiKeys } from '../shared/api-keys.ts';
import { describeSchemaErrors } from '../shared/config-file.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { loadContract } from '../shared/contract.ts';
import { ApiError } from '../shared/errors.ts';
import { apiErrorHandler, servePages } from '../shared/http.ts';
import { visibleLength } from '../shared/text-checks.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContactPoint, ForwardRequest, RefusalRequest, ReplyRequest } from './contact-point.ts';
import { DEFAULT_PAGE, type InboxFilter, type InboxItem, isOverdue, MAX_PAGE } from './inbox-store.ts';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

const symbols = (name: string): string[] => {
  const find = (t: unknown): string[] | undefined => {
    if (Array.isArray(t)) return t.map(find).find(Boolean);
    if (!t || typeof t !== 'object') return undefined;
    const o = t as Record<string, unknown>;
    if (o.type === 'enum' && o.name === name) return o.symbols as string[];
    if (o.type === 'record') return (o.fields as Array<{ type: unknown }>).map((f) => find(f.type)).find(Boolean);
    if (o.type === 'array') return find(o.items);
    return undefined;
  };
  return find(loadContract().schemas.notice) ?? [];
};
const KINDS = symbols('NoticeKind');
const PRIORITIES = symbols('Priority');
const CRIME_AREAS = symbols('CrimeArea');

const ajv = new Ajv({ allErrors: true, strict: true });
const replySchema: JSONSchemaType<ReplyRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['summary'],
  properties: {
    summary: { type: 'string', minLength: 1, maxLength: 20_000 },
    evaluation: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['source', 'information'],
      properties: { source: { type: 'string', enum: symbols('SourceReliability') as never }, information: { type: 'string', enum: symbols('InformationReliability') as never } },
    },
  },
};
const refusalSchema: JSONSchemaType<RefusalRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['ground', 'explanation'],
  properties: { ground: { type: 'string', enum: symbols('RefusalGround') as never }, explanation: { type: 'string', minLength: 1, maxLength: 2000 } },
};
const forwardSchema: JSONSchemaType<ForwardRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: {
    to: { type: 'array', minItems: 1, maxItems: 40, items: { type: 'string', minLength: 2, maxLength: 12 } },
    caseRef: { type: 'string', nullable: true, minLength: 1, maxLength: 100 },
  },
};
const validators = { reply: ajv.compile(replySchema), refusal: ajv.compile(refusalSchema), forward: ajv.compile(forwardSchema) };

function body<T>(validate: (typeof validators)[keyof typeof validators], value: unknown): T {
  if (!validate(value)) throw new ApiError(400, 'invalid-request', describeSchemaErrors(validate.errors));
  return value as T;
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** What the inbox list shows: routing and deadlines, never content (reading content is a logged consultation). */
function summaryOf(item: InboxItem, now: number) {
  const n = item.copy.notice;
  return {
    noticeId: item.noticeId,
    caseRef: n.caseRef,
    kind: n.kind,
    priority: n.priority,
    crimeAreas: n.crimeAreas,
    origin: item.copy.origin,
    agreement: item.copy.agreement,
    handlingCode: n.handling.code,
    classification: n.classification,
    deliveredAt: iso(item.copy.deliveredAt),
    expiresAt: iso(item.copy.expiresAt),
    dueAt: iso(item.dueAt),
    overdue: isOverdue(item, now),
    read: item.receipts.has('READ'),
    answered: item.answer ? { noticeId: item.answer.noticeId, at: iso(item.answer.at), refusal: item.answer.refusal } : null,
    correction: n.correction ? { of: n.correction.of, action: n.correction.action, acknowledged: item.receipts.has('CORRECTION_ACKNOWLEDGED') } : null,
    correctedBy: item.corrections,
    filtered: item.copy.fieldActions.length > 0,
  };
}

export interface ContactPointHttpOptions {
  contactPoint: ContactPoint;
  keys: ApiKeys;
  logger: Logger;
}

export function mountContactPointApi(app: Express, { contactPoint, keys, logger }: ContactPointHttpOptions): void {
  servePages(app, WEB_DIR);
  const api = express.Router();
  api.use(express.json({ limit: 100_000 }));
  const officer = keys.require('officer');

  api.get('/inbox', officer, async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const problems: string[] = [];
    const pick = <T extends string>(name: string, allowed: string[]): T | undefined => {
      const v = q[name];
      if (v !== undefined && !allowed.includes(v)) problems.push(`${name}: "${v}" is not one of ${allowed.join(', ')}`);
      return v as T | undefined;
    };
    const filter: InboxFilter = {
      kind: pick<EuLiaison.NoticeKind>('kind', KINDS),
      priority: pick<EuLiaison.Priority>('priority', PRIORITIES),
      crimeArea: pick<EuLiaison.CrimeArea>('crimeArea', CRIME_AREAS),
      overdue: pick('overdue', ['true', 'false']) === undefined ? undefined : q.overdue === 'true',
    };
    const limit = q.limit === undefined ? DEFAULT_PAGE : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) problems.push(`limit: "${q.limit}" is not a whole number from 1 to ${MAX_PAGE}`);
    if (problems.length) throw new ApiError(400, 'invalid-filter', problems);
    const { country, items, now, overdue } = await contactPoint.list(callerOf(res), filter, limit);
    res.json({ country, now: iso(now), overdue, notices: items.map((i) => summaryOf(i, now)) });
  });

  api.get('/inbox/:id', officer, async (req, res) => {
    const justification = (req.get('x-justification') ?? String(req.query.justification ?? '')).trim();
    if (visibleLength(justification) < 5 || justification.length > 2000) throw new ApiError(400, 'justification-required', ['X-Justification: why you consult this notice (5 to 2000 characters, at least 5 visible); it is logged (LED art. 25)']);
    const caller = callerOf(res);
    const item = await contactPoint.read(caller, String(req.params.id), justification);
    res.json({
      ...summaryOf(item, contactPoint.clock()),
      notice: item.copy.notice,
      removedForYou: item.copy.fieldActions,
      part: item.copy.part,
      policyVersion: item.copy.policyVersion,
      permissions: item.permissions.map((p) => ({ permissionId: p.permissionId, forwardTo: p.forwardTo, conditions: p.conditions })),
    });
  });

  api.post('/inbox/:id/reply', officer, async (req, res) => {
    const noticeId = await contactPoint.reply(callerOf(res), String(req.params.id), body<ReplyRequest>(validators.reply, req.body));
    res.status(202).json({ noticeId, status: 'SENT' });
  });
  api.post('/inbox/:id/refuse', officer, async (req, res) => {
    const noticeId = await contactPoint.refuse(callerOf(res), String(req.params.id), body<RefusalRequest>(validators.refusal, req.body));
    res.status(202).json({ noticeId, status: 'SENT' });
  });
  api.post('/inbox/:id/forward', officer, async (req, res) => {
    const noticeId = await contactPoint.forward(callerOf(res), String(req.params.id), body<ForwardRequest>(validators.forward, req.body));
    res.status(202).json({ noticeId, status: 'SENT' });
  });
  api.post('/inbox/:id/acknowledge', officer, async (req, res) => {
    await contactPoint.acknowledge(callerOf(res), String(req.params.id));
    res.status(202).json({ status: 'ACKNOWLEDGED' });
  });
  api.get('/statistics', officer, async (req, res) => {
    const year = req.query.year === undefined ? new Date().getUTCFullYear() : Number(req.query.year);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new ApiError(400, 'invalid-filter', [`year: "${String(req.query.year)}" is not a year`]);
    res.json(await contactPoint.statistics(callerOf(res), year));
  });
  api.use((req, _res) => {
    throw new ApiError(404, 'not-found', [`${req.method} ${req.originalUrl}: no such endpoint`]);
  });
  api.use(apiErrorHandler((error) => logger.error('request failed', { error: error.message })));
  app.use('/v1', api);
}
