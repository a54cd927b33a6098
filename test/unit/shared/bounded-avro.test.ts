/**
 * A record that claims more array items or map entries than its bytes can hold is refused at
 * once (avsc alone allocates and loops for the count it read: a 1 KB record claiming 10⁹ items
 * exhausted the heap). Valid records decode exactly as before.
 */
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { boundBlocks, OversizedBlockError } from '../../../services/shared/bounded-avro.ts';
import { loadContract } from '../../../services/shared/contract.ts';
import { notice } from '../../fixtures/notices.ts';

const { types } = loadContract();

/** The zig-zag varint of a long, as Avro writes a block count. */
function varint(n: number): Buffer {
  let z = BigInt(n) >= 0n ? BigInt(n) * 2n : -BigInt(n) * 2n - 1n;
  const out: number[] = [];
  do {
    let byte = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) byte |= 0x80;
    out.push(byte);
  } while (z > 0n);
  return Buffer.from(out);
}

/** The encoded notice with its (empty) recipients array replaced by a block claiming `count` items. */
function claiming(count: number): Buffer {
  const noticeId = '6f1f7a52-3d0c-4c4e-9a57-0c3c7c9b1e21';
  const empty = types.notice.toBuffer(notice({ noticeId, recipients: [] }));
  const one = types.notice.toBuffer(notice({ noticeId, recipients: ['A'] }));
  let at = 0;
  while (empty[at] === one[at]) at += 1; // where the recipients array starts
  return Buffer.concat([empty.subarray(0, at), varint(count), empty.subarray(at + 1)]);
}

describe('bounded Avro blocks', () => {
  it('refuses a notice whose recipients claim 10⁹ items, at once', () => {
    const started = process.hrtime.bigint();
    expect(() => types.notice.fromBuffer(claiming(1_000_000_000))).toThrow(OversizedBlockError);
    expect(() => types.notice.fromBuffer(claiming(-1_000_000_000))).toThrow(/claims 1000000000 items/);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
  });

  it('refuses it through a resolver from another writer version too', () => {
    const resolver = types.notice.createResolver(avro.Type.forSchema(loadContract().schemas.notice as avro.Schema));
    expect(() => types.notice.fromBuffer(claiming(1_000_000_000), resolver)).toThrow(OversizedBlockError);
  });

  it('refuses it in a field only the writer has, which a resolver skips', () => {
    const reader = boundBlocks(avro.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] }));
    const writer = avro.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }, { name: 'extra', type: { type: 'array', items: 'string' } }, { name: 'tags', type: { type: 'map', values: 'string' } }] });
    const resolver = reader.createResolver(writer);
    const body = (arrayCount: number, mapCount: number) => Buffer.concat([varint(1), Buffer.from('x'), varint(arrayCount), ...(arrayCount === 0 ? [varint(mapCount), ...(mapCount === 0 ? [] : [Buffer.from([0x02, 0x61, 0x02, 0x62]), varint(0)])] : [Buffer.from([0x02, 0x61, 0x00])])]);
    expect(() => reader.fromBuffer(body(1_000_000_000, 0), resolver)).toThrow(OversizedBlockError);
    expect(() => reader.fromBuffer(body(0, 1_000_000_000), resolver)).toThrow(OversizedBlockError);
    expect(reader.fromBuffer(body(0, 1), resolver)).toEqual({ a: 'x' });
  });

  it('refuses a map claiming more entries than bytes, and reads a "__proto__" key as an entry', () => {
    const map = boundBlocks(avro.Type.forSchema({ type: 'map', values: 'string' }));
    expect(() => map.fromBuffer(Buffer.concat([varint(500_000_000), Buffer.from([0x02, 0x61, 0x02, 0x62, 0x00])]))).toThrow(OversizedBlockError);
    const proto = Buffer.concat([varint(1), varint(9), Buffer.from('__proto__'), varint(1), Buffer.from('x'), varint(0)]);
    const decoded = map.fromBuffer(proto) as Record<string, string>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toBe('x');
  });

  it('decodes valid records exactly as before, with several blocks', () => {
    const n = notice({ recipients: ['NL', 'LU', 'DE'] });
    expect(types.notice.fromBuffer(types.notice.toBuffer(n))).toEqual(types.notice.clone(n));
    const plain = avro.Type.forSchema({ type: 'array', items: 'string' });
    const bounded = boundBlocks(avro.Type.forSchema({ type: 'array', items: 'string' }));
    // Two blocks (2 items, then 1), as other writers may write them.
    const twoBlocks = Buffer.concat([varint(2), Buffer.from([0x02, 0x61, 0x02, 0x62]), varint(1), Buffer.from([0x02, 0x63]), varint(0)]);
    expect(bounded.fromBuffer(twoBlocks)).toEqual(plain.fromBuffer(twoBlocks));
  });
});
