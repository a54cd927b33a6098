/**
 * Bounds on every string, array and number of a record of the contract, so that no single
 * request or record can make a service do unbounded work. Which fields exist comes from the
 * Avro schema itself (a field a later schema version adds is bounded by the defaults); the
 * numbers come from config/limits.yaml. The adapter's JSON Schema and the gateway's check of
 * a decoded record apply the same bounds, so a record produced straight to an outbox cannot
 * do what the API refuses.
 */
import { fileURLToPath } from 'node:url';
import type { JSONSchemaType } from 'ajv';
import { loadYamlFile } from '../shared/config-file.ts';
import type { AvroSchema } from '../shared/contract.ts';
import { ConfigError } from '../shared/errors.ts';
import { ProblemList } from '../shared/problem-list.ts';

export interface FieldLimit {
  /** Longest string, in UTF-16 code units; for an array of strings, of each item. */
  chars?: number;
  /** Most items of an array. */
  items?: number;
}

export interface Limits {
  defaults: { chars: number; textChars: number; items: number };
  /** By `Record.field` of the contract (short record names): `Notice.summary`, `Person.aliases`. */
  fields: Record<string, FieldLimit>;
  /** Most problems listed for one request or record; the rest are counted. */
  problems: number;
}

/** Avro's integer types, as JavaScript numbers that avsc encodes exactly. */
/** The largest record an outbox may hold (encoded): what the adapter accepts and the gateway reads. */
export const MAX_RECORD_BYTES = 1_000_000;

export const NUMBER_RANGES = {
  int: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  long: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  /** A timestamp a date can show: 1970 to the end of year 9999. */
  'timestamp-millis': { min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) },
} as const;

export const DEFAULT_LIMITS_FILE = fileURLToPath(new URL('../../config/limits.yaml', import.meta.url));

const limitSchema: JSONSchemaType<FieldLimit> = {
  type: 'object',
  additionalProperties: false,
  properties: { chars: { type: 'integer', minimum: 1, nullable: true }, items: { type: 'integer', minimum: 1, nullable: true } },
};
const fileSchema: JSONSchemaType<Limits> = {
  type: 'object',
  additionalProperties: false,
  required: ['defaults', 'fields', 'problems'],
  properties: {
    defaults: {
      type: 'object',
      additionalProperties: false,
      required: ['chars', 'textChars', 'items'],
      properties: { chars: { type: 'integer', minimum: 1 }, textChars: { type: 'integer', minimum: 1 }, items: { type: 'integer', minimum: 1 } },
    },
    fields: { type: 'object', required: [], additionalProperties: limitSchema },
    problems: { type: 'integer', minimum: 1, maximum: 1000 },
  },
};

export function loadLimits(file = DEFAULT_LIMITS_FILE): Limits {
  return loadYamlFile(file, fileSchema);
}

const shortName = (name: unknown): string => {
  const s = String(name);
  return s.slice(s.lastIndexOf('.') + 1);
};

/** Where a value is, built into `a.b[2].c` only when a problem names it (walking a notice allocates no paths). */
type Path = { parent: Path; name: string | number } | null;

const pathText = (path: Path): string => {
  const parts: Array<string | number> = [];
  for (let p = path; p !== null; p = p.parent) parts.push(p.name);
  return parts.reverse().reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
};

/** The bound of one field as the walkers apply it: on a union, each branch gets it. */
interface Bound {
  chars: number;
  items: number;
}

/**
 * The bounds of one top-level record of the contract. `fieldBound(record, field)` gives what
 * the JSON Schema of the API states; `check(value)` applies it to a decoded record.
 */
/** The problems of a record's bounds, and whether a list or a text is over its size (whose items are then not worth examining). */
export class BoundsProblems extends ProblemList {
  oversized = false;
}

const oversized = (problems: ProblemList): void => {
  if (problems instanceof BoundsProblems) problems.oversized = true;
};

export class RecordBounds {
  private readonly named = new Map<string, AvroSchema>();
  private readonly bounds = new WeakMap<AvroSchema, Bound>();

  constructor(
    private readonly schema: AvroSchema,
    readonly limits: Limits,
  ) {
    this.collect(schema, undefined);
    const known = new Set<string>();
    for (const record of this.named.values()) {
      if (record.type === 'record') for (const f of record.fields as AvroSchema[]) known.add(`${shortName(record.name)}.${String(f.name)}`);
    }
    const stray = Object.keys(limits.fields).filter((key) => !known.has(key));
    if (stray.length) throw new ConfigError(`limits: ${stray.map((k) => `"${k}"`).join(', ')} ${stray.length > 1 ? 'are not fields' : 'is not a field'} of ${shortName(schema.name)}`);
  }

  /** The limit of a field: explicit in config, else the default for its data-protection tag. */
  fieldBound(record: string, field: AvroSchema): Bound {
    const known = this.bounds.get(field);
    if (known) return known;
    const bound = this.computeBound(record, field);
    this.bounds.set(field, bound);
    return bound;
  }

  private computeBound(record: string, field: AvroSchema): Bound {
    const explicit = this.limits.fields[`${record}.${String(field.name)}`] ?? {};
    const { defaults } = this.limits;
    return { chars: explicit.chars ?? (field.dp === 'free-text' ? defaults.textChars : defaults.chars), items: explicit.items ?? defaults.items };
  }

  /** Every string too long, array too long or number out of range, by path: at most `limits.problems`. */
  check(value: unknown, problems = new BoundsProblems(this.limits.problems)): BoundsProblems {
    this.walk(this.schema, value, null, undefined, problems);
    return problems;
  }

  private collect(type: unknown, namespace: string | undefined): void {
    if (Array.isArray(type)) return type.forEach((t) => this.collect(t, namespace));
    if (!type || typeof type !== 'object') return;
    const t = type as AvroSchema;
    if (t.type === 'record' || t.type === 'enum' || t.type === 'fixed') {
      const ns = (t.namespace as string | undefined) ?? namespace;
      const full = String(t.name).includes('.') ? String(t.name) : `${ns ?? ''}.${String(t.name)}`.replace(/^\./, '');
      this.named.set(full, t);
      this.named.set(shortName(full), t);
      if (t.type === 'record') for (const f of t.fields as AvroSchema[]) this.collect(f.type, ns);
    } else if (t.type === 'array') this.collect(t.items, namespace);
    else if (t.type === 'map') this.collect(t.values, namespace);
  }

  private resolve(type: unknown): unknown {
    if (typeof type === 'string') return this.named.get(type) ?? this.named.get(shortName(type)) ?? type;
    return type;
  }

  private walk(typeIn: unknown, value: unknown, path: Path, bound: Bound | undefined, problems: ProblemList): void {
    const type = this.resolve(typeIn);
    if (value === null || value === undefined) return;
    if (Array.isArray(type)) {
      // A union: Avro decoding already chose the branch; apply the first that fits the value.
      const branch = type.map((t) => this.resolve(t)).find((t) => t !== 'null' && fits(t, value));
      if (branch !== undefined) this.walk(branch, value, path, bound, problems);
      return;
    }
    if (typeof type === 'string') return this.primitive(type, undefined, value, path, bound, problems);
    const t = type as AvroSchema;
    switch (t.type) {
      case 'record': {
        const record = shortName(t.name);
        const object = value as Record<string, unknown>;
        for (const f of t.fields as AvroSchema[]) {
          const name = String(f.name);
          this.walk(f.type, object[name], { parent: path, name }, this.fieldBound(record, f), problems);
        }
        return;
      }
      case 'array': {
        const list = value as unknown[];
        const max = bound?.items ?? this.limits.defaults.items;
        if (list.length > max) {
          problems.add(`${pathText(path)}: ${list.length} items, at most ${max}`);
          oversized(problems);
          return; // the items of a list that is refused anyway are not worth the work
        }
        for (let i = 0; i < list.length; i += 1) this.walk(t.items, list[i], { parent: path, name: i }, bound, problems);
        return;
      }
      case 'map': {
        const entries = Object.entries(value as Record<string, unknown>);
        const max = bound?.items ?? this.limits.defaults.items;
        if (entries.length > max) {
          problems.add(`${pathText(path)}: ${entries.length} entries, at most ${max}`);
          return oversized(problems);
        }
        for (const [k, v] of entries) this.walk(t.values, v, { parent: path, name: k }, bound, problems);
        return;
      }
      case 'enum':
      case 'fixed':
        return;
      default:
        return this.primitive(String(t.type), t.logicalType as string | undefined, value, path, bound, problems);
    }
  }

  private primitive(type: string, logicalType: string | undefined, value: unknown, path: Path, bound: Bound | undefined, problems: ProblemList): void {
    if (type === 'string' && typeof value === 'string') {
      const max = bound?.chars ?? this.limits.defaults.chars;
      if (value.length > max) {
        problems.add(`${pathText(path)}: ${value.length} characters, at most ${max}`);
        oversized(problems);
      }
      return;
    }
    const range = rangeOf(type, logicalType);
    if (range && typeof value === 'number' && (!Number.isInteger(value) || value < range.min || value > range.max)) {
      problems.add(`${pathText(path)}: ${value} is not ${logicalType === 'timestamp-millis' ? 'a timestamp between 1970 and 9999' : `an integer between ${range.min} and ${range.max}`}`);
    }
    if ((type === 'double' || type === 'float') && typeof value === 'number' && !Number.isFinite(value)) problems.add(`${pathText(path)}: not a finite number`);
  }
}

export function rangeOf(type: string, logicalType: string | undefined): { min: number; max: number } | undefined {
  if (logicalType === 'timestamp-millis') return NUMBER_RANGES['timestamp-millis'];
  if (type === 'int' || type === 'long') return NUMBER_RANGES[type];
  return undefined;
}

function fits(type: unknown, value: unknown): boolean {
  if (typeof type === 'string') {
    if (type === 'string') return typeof value === 'string';
    if (['int', 'long', 'float', 'double'].includes(type)) return typeof value === 'number';
    if (type === 'boolean') return typeof value === 'boolean';
    return false;
  }
  const t = type as AvroSchema;
  if (t.type === 'array') return Array.isArray(value);
  if (t.type === 'record' || t.type === 'map') return typeof value === 'object' && !Array.isArray(value);
  if (t.type === 'enum') return typeof value === 'string';
  return fits(t.type, value);
}
