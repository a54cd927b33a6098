/**
 * The JSON form of a notice, as a JSON Schema (2020-12) derived from schemas/notice.avsc, so
 * the Avro contract stays the single source of truth for the REST API too. Unions with null
 * are plain values or null (no Avro JSON union wrapping); timestamps are epoch milliseconds;
 * every field carries its data-protection tag as `x-data-protection`.
 */
import { rangeOf, type RecordBounds } from '../policy/index.ts';
import type { AvroSchema } from '../shared/contract.ts';

export type JsonSchema = Record<string, unknown>;

const PRIMITIVE: Record<string, JsonSchema> = {
  null: { type: 'null' },
  boolean: { type: 'boolean' },
  // Avro's ranges: beyond them the encoder would throw, so the API refuses them with a 400.
  int: { type: 'integer', minimum: rangeOf('int', undefined)!.min, maximum: rangeOf('int', undefined)!.max },
  long: { type: 'integer', minimum: rangeOf('long', undefined)!.min, maximum: rangeOf('long', undefined)!.max },
  float: { type: 'number' },
  double: { type: 'number' },
  string: { type: 'string' },
  bytes: { type: 'string' },
};

const shortName = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

/** The bound of the field being converted: a string's length, an array's items. */
interface Bound {
  chars: number;
  items: number;
}

class Converter {
  readonly defs: Record<string, JsonSchema> = {};

  constructor(private readonly bounds?: RecordBounds) {}

  convert(type: unknown, bound?: Bound): JsonSchema {
    if (typeof type === 'string') {
      if (type === 'string' && bound) return { type: 'string', maxLength: bound.chars };
      if (PRIMITIVE[type]) return { ...PRIMITIVE[type] };
      return { $ref: `#/$defs/${shortName(type)}` }; // a named type defined earlier
    }
    if (Array.isArray(type)) {
      const branches = type.map((t) => this.convert(t, bound));
      const simple = branches.every((b) => typeof b.type === 'string' && Object.keys(b).length === 1);
      if (simple) return { type: branches.map((b) => b.type) };
      // An optional value (null or one typed schema) as one schema, so a problem is reported once.
      const [value, ...others] = branches.filter((b) => b.type !== 'null');
      if (others.length === 0 && value && typeof value.type === 'string' && branches.length === 2) return { ...value, type: ['null', value.type] };
      return { anyOf: branches };
    }
    const t = type as AvroSchema;
    switch (t.type) {
      case 'record': {
        const name = shortName(String(t.name));
        const fields = t.fields as AvroSchema[];
        this.defs[name] = {
          type: 'object',
          additionalProperties: false,
          ...(t.doc ? { description: t.doc } : {}),
          required: fields.filter((f) => !('default' in f)).map((f) => f.name),
          properties: Object.fromEntries(
            fields.map((f) => [
              f.name,
              {
                ...this.convert(f.type, this.bounds?.fieldBound(name, f)),
                ...(f.doc ? { description: f.doc } : {}),
                ...(f.dp ? { 'x-data-protection': f.dp } : {}),
              },
            ]),
          ),
        };
        return { $ref: `#/$defs/${name}` };
      }
      case 'enum': {
        const name = shortName(String(t.name));
        this.defs[name] = { type: 'string', enum: t.symbols, ...(t.doc ? { description: t.doc } : {}) };
        return { $ref: `#/$defs/${name}` };
      }
      case 'array':
        return { type: 'array', ...(bound ? { maxItems: bound.items } : {}), items: this.convert(t.items, bound) };
      case 'map':
        return { type: 'object', ...(bound ? { maxProperties: bound.items } : {}), additionalProperties: this.convert(t.values, bound) };
      default: {
        if (t.logicalType === 'uuid') return { type: 'string', format: 'uuid' };
        if (t.logicalType === 'timestamp-millis') {
          const range = rangeOf(String(t.type), 'timestamp-millis')!;
          return { type: 'integer', minimum: range.min, maximum: range.max, description: 'epoch milliseconds' };
        }
        return this.convert(t.type, bound);
      }
    }
  }
}

/**
 * `optional`: fields the caller may leave out because the API fills them in, as
 * `Record.field` (e.g. `Notice.noticeId`).
 */
export function avroToJsonSchema(schema: AvroSchema, id: string, optional: readonly string[] = [], bounds?: RecordBounds): JsonSchema {
  const converter = new Converter(bounds);
  const root = converter.convert(schema);
  for (const path of optional) {
    const [record, field] = path.split('.') as [string, string];
    const def = converter.defs[record];
    if (def) def.required = (def.required as string[]).filter((f) => f !== field);
  }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: id, ...root, $defs: converter.defs };
}
