/**
 * The JSON form of a notice, as a JSON Schema (2020-12) derived from schemas/notice.avsc, so
 * the Avro contract stays the single source of truth for the REST API too. Unions with null
 * are plain values or null (no Avro JSON union wrapping); timestamps are epoch milliseconds;
 * every field carries its data-protection tag as `x-data-protection`.
 */
import type { AvroSchema } from '../shared/contract.ts';

export type JsonSchema = Record<string, unknown>;

const PRIMITIVE: Record<string, JsonSchema> = {
  null: { type: 'null' },
  boolean: { type: 'boolean' },
  int: { type: 'integer' },
  long: { type: 'integer' },
  float: { type: 'number' },
  double: { type: 'number' },
  string: { type: 'string' },
  bytes: { type: 'string' },
};

const shortName = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

class Converter {
  readonly defs: Record<string, JsonSchema> = {};

  convert(type: unknown): JsonSchema {
    if (typeof type === 'string') {
      if (PRIMITIVE[type]) return { ...PRIMITIVE[type] };
      return { $ref: `#/$defs/${shortName(type)}` }; // a named type defined earlier
    }
    if (Array.isArray(type)) {
      const branches = type.map((t) => this.convert(t));
      const simple = branches.every((b) => typeof b.type === 'string' && Object.keys(b).length === 1);
      return simple ? { type: branches.map((b) => b.type) } : { anyOf: branches };
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
                ...this.convert(f.type),
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
        return { type: 'array', items: this.convert(t.items) };
      case 'map':
        return { type: 'object', additionalProperties: this.convert(t.values) };
      default: {
        if (t.logicalType === 'uuid') return { type: 'string', format: 'uuid' };
        if (t.logicalType === 'timestamp-millis') return { type: 'integer', description: 'epoch milliseconds' };
        return this.convert(t.type);
      }
    }
  }
}

/**
 * `optional`: fields the caller may leave out because the API fills them in, as
 * `Record.field` (e.g. `Notice.noticeId`).
 */
export function avroToJsonSchema(schema: AvroSchema, id: string, optional: readonly string[] = []): JsonSchema {
  const converter = new Converter();
  const root = converter.convert(schema);
  for (const path of optional) {
    const [record, field] = path.split('.') as [string, string];
    const def = converter.defs[record];
    if (def) def.required = (def.required as string[]).filter((f) => f !== field);
  }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: id, ...root, $defs: converter.defs };
}
