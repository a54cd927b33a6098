/**
 * The Avro contract in schemas/*.avsc: loading, resolving names across files into
 * self-contained schemas (what the registry stores), and the data-protection tags.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import type { EuLiaison } from './generated/contract-types.ts';
import { boundBlocks } from './bounded-avro.ts';
import { ConfigError } from './errors.ts';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** Raw Avro schema JSON; kept untyped because custom attributes (dp) ride along. */
export type AvroSchema = Record<string, unknown>;

export const TOP_LEVEL = {
  notice: 'eu.liaison.Notice',
  noticeCopy: 'eu.liaison.NoticeCopy',
  deliveryReport: 'eu.liaison.DeliveryReport',
  auditEvent: 'eu.liaison.AuditEvent',
  deadLetter: 'eu.liaison.DeadLetter',
  heldDecision: 'eu.liaison.HeldDecision',
  receipt: 'eu.liaison.Receipt',
  forwardingPermission: 'eu.liaison.ForwardingPermission',
  batchAttempt: 'eu.liaison.BatchAttempt',
  auditCheckpoint: 'eu.liaison.AuditCheckpoint',
  indexEntry: 'eu.liaison.IndexEntry',
  indexLookup: 'eu.liaison.IndexLookup',
  policyReview: 'eu.liaison.PolicyReview',
} as const;
export type ContractName = keyof typeof TOP_LEVEL;

/** The TypeScript type of each top-level record (generated from the same .avsc files). */
export interface ContractRecords {
  notice: EuLiaison.Notice;
  noticeCopy: EuLiaison.NoticeCopy;
  deliveryReport: EuLiaison.DeliveryReport;
  auditEvent: EuLiaison.AuditEvent;
  deadLetter: EuLiaison.DeadLetter;
  heldDecision: EuLiaison.HeldDecision;
  receipt: EuLiaison.Receipt;
  forwardingPermission: EuLiaison.ForwardingPermission;
  batchAttempt: EuLiaison.BatchAttempt;
  auditCheckpoint: EuLiaison.AuditCheckpoint;
  indexEntry: EuLiaison.IndexEntry;
  indexLookup: EuLiaison.IndexLookup;
  policyReview: EuLiaison.PolicyReview;
}
// Every contract name has its type, and no other: the compiler refuses this line otherwise.
const everyNameTyped: [ContractName, keyof ContractRecords] extends [keyof ContractRecords, ContractName] ? true : never = true;
void everyNameTyped;

/** A record with its contract name: the name tells the type of the value. */
export type Named<N extends ContractName = ContractName> = { [K in N]: { name: K; value: ContractRecords[K] } }[N];

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

const fullName = (schema: AvroSchema, namespace: string | undefined): string => {
  const name = String(schema.name);
  return name.includes('.') ? name : `${(schema.namespace as string | undefined) ?? namespace ?? ''}.${name}`.replace(/^\./, '');
};

/** Every named type defined in any file, by full name. */
function collectNamed(schema: unknown, namespace: string | undefined, into: Map<string, AvroSchema>): void {
  if (Array.isArray(schema)) return schema.forEach((s) => collectNamed(s, namespace, into));
  if (!schema || typeof schema !== 'object') return;
  const s = schema as AvroSchema;
  if (s.type === 'record' || s.type === 'enum' || s.type === 'fixed') {
    const name = fullName(s, namespace);
    into.set(name, s);
    const ns = name.slice(0, name.lastIndexOf('.')) || undefined;
    if (s.type === 'record') for (const f of s.fields as AvroSchema[]) collectNamed(f.type, ns, into);
  } else if (s.type === 'array') collectNamed(s.items, namespace, into);
  else if (s.type === 'map') collectNamed(s.values, namespace, into);
}

/** Replaces references to types of other files by their definitions, first use only. */
function inline(schema: unknown, namespace: string | undefined, named: Map<string, AvroSchema>, defined: Set<string>): unknown {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return schema;
    const name = schema.includes('.') ? schema : `${namespace ?? ''}.${schema}`.replace(/^\./, '');
    if (defined.has(name)) return name;
    const definition = named.get(name);
    if (!definition) throw new ConfigError(`schemas: unknown type "${schema}"`);
    return inline(definition, namespace, named, defined);
  }
  if (Array.isArray(schema)) return schema.map((s) => inline(s, namespace, named, defined));
  if (!schema || typeof schema !== 'object') return schema;
  const s = { ...(schema as AvroSchema) };
  if (s.type === 'record' || s.type === 'enum' || s.type === 'fixed') {
    const name = fullName(s, namespace);
    defined.add(name);
    // Explicit namespace so the definition means the same wherever it is inlined.
    const dot = name.lastIndexOf('.');
    if (dot > 0) Object.assign(s, { name: name.slice(dot + 1), namespace: name.slice(0, dot) });
    const ns = name.slice(0, name.lastIndexOf('.')) || undefined;
    if (s.type === 'record') s.fields = (s.fields as AvroSchema[]).map((f) => ({ ...f, type: inline(f.type, ns, named, defined) }));
  } else if (s.type === 'array') s.items = inline(s.items, namespace, named, defined);
  else if (s.type === 'map') s.values = inline(s.values, namespace, named, defined);
  return s;
}

export interface Contract {
  /** All top-level records as one Avro union, each named type defined once (for type generation). */
  union: unknown[];
  /** Self-contained schema JSON per top-level record, custom attributes included. */
  schemas: Record<ContractName, AvroSchema>;
  types: Record<ContractName, avro.Type>;
}

let cached: Contract | undefined;

export function loadContract(dir = SCHEMAS_DIR): Contract {
  if (cached && dir === SCHEMAS_DIR) return cached;
  const named = new Map<string, AvroSchema>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.avsc'))) {
    try {
      collectNamed(JSON.parse(readFileSync(join(dir, file), 'utf8')), undefined, named);
    } catch (cause) {
      throw new ConfigError(`${join(dir, file)}: ${(cause as Error).message}`, { cause });
    }
  }
  const schemas = {} as Record<ContractName, AvroSchema>;
  const types = {} as Record<ContractName, avro.Type>;
  for (const [key, name] of Object.entries(TOP_LEVEL) as [ContractName, string][]) {
    const definition = named.get(name);
    if (!definition) throw new ConfigError(`schemas: no file defines ${name}`);
    schemas[key] = inline(definition, undefined, named, new Set()) as AvroSchema;
    types[key] = boundBlocks(avro.Type.forSchema(schemas[key] as avro.Schema));
  }
  const shared = new Set<string>();
  const union = Object.values(TOP_LEVEL).map((name) => inline(name, undefined, named, shared));
  const contract = { schemas, types, union };
  if (dir === SCHEMAS_DIR) cached = contract;
  return contract;
}

/** Fields to keep of a record: `true` for the whole field, or the fields to keep of the record it holds. */
export type FieldTree = { [field: string]: true | FieldTree };

/** A reader type that keeps only some fields of a contract record (Avro resolution skips the others). */
export interface Projection<T> {
  key: string;
  type: avro.Type;
  /** Never set: carries the type of what the projection reads. */
  readonly read?: T;
}

/**
 * The projection of a contract record on `keep`: its schema with only those fields (also inside
 * nested records, lists and unions of them). Reading through it builds nothing of the rest.
 */
export function projectionOf<T>(name: ContractName, keep: FieldTree, contract = loadContract()): Projection<T> {
  const prune = (type: unknown, tree: FieldTree): unknown => {
    if (Array.isArray(type)) return type.map((t) => prune(t, tree));
    if (!type || typeof type !== 'object') return type;
    const t = type as Record<string, unknown>;
    if (t.type === 'array') return { ...t, items: prune(t.items, tree) };
    if (t.type === 'map') return { ...t, values: prune(t.values, tree) };
    if (t.type !== 'record') return t;
    const fields = (t.fields as Array<{ name: string; type: unknown }>).filter((f) => f.name in tree);
    const missing = Object.keys(tree).filter((k) => !fields.some((f) => f.name === k));
    if (missing.length > 0) throw new ConfigError(`projection of ${name}: ${String(t.name)} has no field ${missing.join(', ')}`);
    return { ...t, fields: fields.map((f) => (tree[f.name] === true ? f : { ...f, type: prune(f.type, tree[f.name] as FieldTree) })) };
  };
  const schema = prune(contract.schemas[name], keep);
  return { key: `${name}{${JSON.stringify(keep)}}`, type: boundBlocks(avro.Type.forSchema(schema as avro.Schema)) };
}

export type DataProtectionTag = 'identifier' | 'quasi-identifier' | 'special-category' | 'free-text' | 'non-personal';
const TAGS: readonly string[] = ['identifier', 'quasi-identifier', 'special-category', 'free-text', 'non-personal'];

interface LeafTag {
  tag: DataProtectionTag;
  explicit: boolean;
}

function leafTags(schema: AvroSchema): Map<string, LeafTag> {
  const leaves = new Map<string, LeafTag>();
  const byName = new Map<string, AvroSchema>();
  const visit = (type: unknown, path: string, tag: unknown, namespace: string | undefined): void => {
    if (Array.isArray(type)) return type.forEach((t) => visit(t, path, tag, namespace));
    if (typeof type === 'string' && !PRIMITIVES.has(type)) {
      const name = type.includes('.') ? type : `${namespace ?? ''}.${type}`.replace(/^\./, '');
      const named = byName.get(name);
      if (named) return visit(named, path, tag, namespace);
    }
    if (type && typeof type === 'object') {
      const t = type as AvroSchema;
      if (t.type === 'record') {
        const name = fullName(t, namespace);
        byName.set(name, t);
        const ns = name.slice(0, name.lastIndexOf('.')) || undefined;
        for (const f of t.fields as AvroSchema[]) visit(f.type, path ? `${path}.${String(f.name)}` : String(f.name), f.dp, ns);
        return;
      }
      if (t.type === 'enum') byName.set(fullName(t, namespace), t);
      if (t.type === 'array') return visit(t.items, `${path}[]`, tag, namespace);
      if (t.type === 'map') return visit(t.values, `${path}{}`, tag, namespace);
    }
    if (type === 'null') return;
    const explicit = typeof tag === 'string' && TAGS.includes(tag);
    leaves.set(path, { tag: explicit ? (tag as DataProtectionTag) : 'identifier', explicit });
  };
  visit(schema, '', undefined, undefined);
  return leaves;
}

/**
 * The tag of every leaf field, by path with [] for array elements: `subjects[].familyName`.
 * A leaf without a valid tag counts as an identifier: personal data (fail closed).
 */
export function dataProtectionTags(schema: AvroSchema): Map<string, DataProtectionTag> {
  return new Map([...leafTags(schema)].map(([path, leaf]) => [path, leaf.tag]));
}

/** Leaves that carry no valid tag: the contract's authors must tag them. */
export function untaggedFields(schema: AvroSchema): string[] {
  return [...leafTags(schema)].filter(([, leaf]) => !leaf.explicit).map(([path]) => path);
}
