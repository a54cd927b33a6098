/**
 * Bounded reading of Avro. avsc reads an array or map block count from the record and then
 * allocates and loops that many times before it notices that the buffer ended: a record of a
 * few bytes claiming 10⁹ items makes the reader allocate until the process dies (the outbox
 * fuzz test found it; any principal that may write an outbox could stop the gateway, the
 * adapter and the contact points this way). Every item of an array and every entry of a map
 * takes at least a known number of bytes, so a block may not claim more items than the bytes
 * left can hold. `boundBlocks` puts that check into avsc's reading and skipping of arrays and
 * maps; the resolvers reuse those functions, so decoding a record of any writer version is
 * bounded (a field only the writer has is skipped, which loops per item as well).
 */
import avro from 'avsc';

/** The parts of avsc's types this module reads and replaces (internal to avsc 5.7). */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
}
interface Readable {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}
type Internal = avro.Type &
  Readable & {
    typeName: string;
    itemsType?: Internal;
    valuesType?: Internal;
    types?: Internal[];
    fields?: Array<{ type: Internal }>;
    underlyingType?: Internal;
    size?: number;
  };

export class OversizedBlockError extends Error {}

/** The fewest bytes a value of this type takes on the wire. */
function minBytes(type: Internal, seen = new Set<Internal>()): number {
  if (seen.has(type)) return 1; // a recursive reference: at least the union index or the count that ends it
  seen.add(type);
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return type.size ?? 0;
    case 'record':
    case 'error':
      return (type.fields ?? []).reduce((sum, f) => sum + minBytes(f.type, seen), 0);
    default:
      // boolean, int, long, enum, string, bytes (length), union (index), array and map (final count)
      return type.underlyingType ? minBytes(type.underlyingType, seen) : 1;
  }
}

function readBlockCount(tap: Tap, itemBytes: number, what: string): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong(); // the block's size in bytes
  }
  const left = tap.buf.length - tap.pos;
  if (n * itemBytes > left) throw new OversizedBlockError(`${what} block claims ${n} items, more than the ${Math.max(0, left)} bytes left can hold`);
  return n;
}

const itemBytesOf = new WeakMap<Internal, number>();
const bytesOf = (t: Internal): number => {
  let n = itemBytesOf.get(t);
  if (n === undefined) itemBytesOf.set(t, (n = Math.max(1, minBytes(t))));
  return n;
};

interface BlockTypes {
  ArrayType: { prototype: Readable };
  MapType: { prototype: Readable };
}
const PATCHED = Symbol.for('liaison.bounded-avro');

/**
 * Makes every array and map avsc reads in this process refuse a block count the buffer cannot
 * hold. avsc freezes its types, so the read functions of its ArrayType and MapType are
 * replaced (once, before any resolver copies them); the replacements read exactly as avsc's
 * own do otherwise. Returns `type` so that it can wrap the creation of a type.
 */
export function boundBlocks<T extends avro.Type>(type: T): T {
  const block = (avro as unknown as { types: BlockTypes & { [PATCHED]?: true } }).types;
  if (block[PATCHED]) return type;
  // `this` is the array type, or a resolver whose itemsType resolves the writer's items.
  block.ArrayType.prototype._read = function (this: Internal, tap: Tap): unknown[] {
    const items = this.itemsType!;
    const itemBytes = bytesOf(items);
    const out: unknown[] = [];
    let n: number;
    while ((n = readBlockCount(tap, itemBytes, `array of ${items.typeName}`))) while (n--) out.push(items._read(tap));
    return out;
  };
  block.MapType.prototype._read = function (this: Internal, tap: Tap): Record<string, unknown> {
    const values = this.valuesType!;
    const entryBytes = 1 + bytesOf(values);
    const out: Record<string, unknown> = {};
    let n: number;
    while ((n = readBlockCount(tap, entryBytes, 'map'))) {
      while (n--) {
        // Defined, not assigned: a key "__proto__" is an entry like any other, never the prototype.
        Object.defineProperty(out, tap.readString(), { value: values._read(tap), enumerable: true, writable: true, configurable: true });
      }
    }
    return out;
  };
  // Skipping (a field only the writer has, read through a resolver) loops per item too.
  block.ArrayType.prototype._skip = function (this: Internal, tap: Tap): void {
    const items = this.itemsType!;
    const itemBytes = bytesOf(items);
    let n: number;
    while ((n = tap.readLong())) {
      if (n < 0) {
        tap.pos += tap.readLong(); // a block with its size: skipped whole
        continue;
      }
      if (n * itemBytes > tap.buf.length - tap.pos) throw new OversizedBlockError(`array of ${items.typeName} block claims ${n} items, more than the bytes left can hold`);
      while (n--) items._skip(tap);
    }
  };
  block.MapType.prototype._skip = function (this: Internal, tap: Tap): void {
    const values = this.valuesType!;
    const entryBytes = 1 + bytesOf(values);
    let n: number;
    while ((n = tap.readLong())) {
      if (n < 0) {
        tap.pos += tap.readLong();
        continue;
      }
      if (n * entryBytes > tap.buf.length - tap.pos) throw new OversizedBlockError(`map block claims ${n} entries, more than the bytes left can hold`);
      while (n--) {
        tap.skipString();
        values._skip(tap);
      }
    }
  };
  block[PATCHED] = true;
  return type;
}
