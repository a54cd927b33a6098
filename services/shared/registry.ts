/**
 * The Confluent-wire-format codec over the schema registry: subject per topic value
 * (TopicNameStrategy) for a topic's main record, `<topic>-<record full name>`
 * (TopicRecordNameStrategy) for the few records that share a topic with it (receipts and
 * forwarding permissions in outboxes, inboxes and reports). Schemas come from the contract;
 * decoding uses the contract's reader schema so records written with an older compatible
 * schema still read. Parse once: a writer schema id maps to one avsc type (the registry client's
 * cache) and, per contract record, one resolver for the life of the process; decoding a record
 * never builds a type.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { loadContract, TOP_LEVEL, type Contract, type ContractName, type ContractRecords, type Named, type Projection } from './contract.ts';
import { DecodeError, LiaisonError, RegistryUnavailableError } from './errors.ts';

/** A middleware of the registry client's HTTP library (mappersmith), as its constructor takes them. */
type Middleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];
import { infraError } from './infra-errors.ts';

/** Records that travel on another record's topic, under a subject of their own. */
const SHARING: ReadonlySet<ContractName> = new Set(['receipt', 'forwardingPermission']);

export const subjectOf = (topic: string, name?: ContractName): string =>
  name && SHARING.has(name) ? `${topic}-${TOP_LEVEL[name]}` : `${topic}-value`;

/**
 * Every request to the registry gives up after REQUEST_TIMEOUT_MS: the client has no timeout of
 * its own, and a registry that never answered one registration (seen with two gateways
 * registering the same subjects at once) kept a gateway starting forever, with no error.
 */
export const REQUEST_TIMEOUT_MS = 15_000;
const requestTimeout =
  (timeoutMs: number): Middleware =>
  () => ({
    prepareRequest: (next) => next().then((request) => request.enhance({ timeout: timeoutMs })),
  });

/** Where records are encoded before their bytes are copied out (grown when a record needs more). */
let scratch = Buffer.allocUnsafe(64 * 1024);

export class ContractRegistry {
  private readonly registry: SchemaRegistry;
  private readonly contract: Contract;
  /** Shared promises: concurrent first uses of a subject make one registration request. */
  private readonly ids = new Map<string, Promise<number>>();
  /** Per `writer schema id:contract name`: how to read the writer's bytes as the contract's record. */
  private readonly resolvers = new Map<string, avro.Resolver>();
  /** Resolvers built so far (one per writer schema and record; a benchmark and a test read it). */
  resolversBuilt = 0;

  constructor(url: string, contract = loadContract(), timeoutMs = REQUEST_TIMEOUT_MS) {
    this.registry = new SchemaRegistry({ host: url, retry: { retries: 5 }, middlewares: [requestTimeout(timeoutMs)] });
    this.contract = contract;
  }

  /** Registers the contract's schema under the topic's subject (idempotent) and returns its id. */
  idFor(topic: string, name: ContractName): Promise<number> {
    const subject = subjectOf(topic, name);
    let id = this.ids.get(subject);
    if (!id) {
      id = this.registry
        .register({ type: SchemaType.AVRO, schema: JSON.stringify(this.contract.schemas[name]) }, { subject })
        .then(
          (r) => r.id,
          (cause: Error) => {
            infraError('schema-registry');
            this.ids.delete(subject);
            throw new RegistryUnavailableError(`cannot register ${subject}: ${cause.message}`, { cause });
          },
        );
      this.ids.set(subject, id);
    }
    return id;
  }

  async encode<N extends ContractName>(topic: string, name: N, value: ContractRecords[N]): Promise<Buffer> {
    const type = this.contract.types[name];
    const id = await this.idFor(topic, name);
    // The Confluent wire format: magic byte 0, the schema id (4 bytes, big endian), the Avro body.
    // Written once into a scratch buffer and copied once (avsc's toBuffer writes a record over
    // 1 KB twice, zero-fills, and the header was a third copy: ≈ 5 % of the gateway's CPU).
    let end: number;
    try {
      for (;;) {
        end = type.encode(value, scratch, 5); // throws on a value that does not match: only then is it walked again for the paths
        if (end >= 0) break;
        scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
      }
    } catch (cause) {
      const problems: string[] = [];
      type.isValid(value, { errorHook: (path) => problems.push(path.join('.') || '(root)') });
      throw new LiaisonError('LIAISON_ENCODE', `${name} does not match its schema at ${problems.join(', ') || '(root)'}`, { cause });
    }
    const out = Buffer.allocUnsafe(end);
    scratch.copy(out, 0, 0, end);
    out[0] = 0;
    out.writeInt32BE(id, 1);
    return out;
  }

  async decode<N extends ContractName>(buffer: Buffer | null, name: N): Promise<ContractRecords[N]> {
    checkWireFormat(buffer);
    const id = buffer.readInt32BE(1);
    const writer = (await this.writerSchema(id)) as avro.Type; // an unreachable registry is retried, never dead-lettered
    const reader = this.contract.types[name];
    try {
      return reader.fromBuffer(buffer.subarray(5), this.resolverFor(id, name, reader, writer)) as ContractRecords[N]; // avsc reads to the schema, which the type is generated from
    } catch (cause) {
      throw new DecodeError(`cannot be read as ${name}: ${(cause as Error).message}`, { cause });
    }
  }

  private resolverFor(id: number, name: ContractName, reader: avro.Type, writer: avro.Type): avro.Resolver {
    const key = `${id}:${name}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = reader.createResolver(writer);
      this.resolvers.set(key, resolver);
      this.resolversBuilt += 1;
    }
    return resolver;
  }

  /**
   * 404 from the registry: the id is unknown (dead-letter); anything else: the registry is
   * unreachable (retry). Not any 4xx: the registry client reports a refused connection as a
   * 400, which must not dead-letter a record.
   */
  private async writerSchema(id: number): Promise<unknown> {
    try {
      return await this.registry.getSchema(id);
    } catch (cause) {
      const status = (cause as { status?: number }).status;
      if (status === 404) throw new DecodeError(`schema id ${id} is unknown to the registry`, { cause });
      infraError('schema-registry');
      throw new RegistryUnavailableError(`schema id ${id}: ${(cause as Error).message}`, { cause });
    }
  }

  /**
   * A record read through a projection (`projectionOf`): only the fields the projection keeps
   * are built, the rest is skipped where it lies. For state readers that keep a few fields of
   * every record of a long history.
   */
  async decodeProjected<T>(buffer: Buffer | null, projection: Projection<T>): Promise<T> {
    checkWireFormat(buffer);
    const id = buffer.readInt32BE(1);
    const writer = (await this.writerSchema(id)) as avro.Type;
    const key = `${id}:${projection.key}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = projection.type.createResolver(writer);
      this.resolvers.set(key, resolver);
      this.resolversBuilt += 1;
    }
    try {
      return projection.type.fromBuffer(buffer.subarray(5), resolver) as T;
    } catch (cause) {
      throw new DecodeError(`cannot be read as ${projection.key}: ${(cause as Error).message}`, { cause });
    }
  }

  /** Which contract record a buffer holds, from its writer schema, without decoding it (undefined for none of the contract's). */
  async recordName(buffer: Buffer | null): Promise<ContractName | undefined> {
    checkWireFormat(buffer);
    const writer = ((await this.writerSchema(buffer.readInt32BE(1))) as { name?: string }).name ?? '';
    return (Object.keys(TOP_LEVEL) as ContractName[]).find((n) => TOP_LEVEL[n] === writer);
  }

  /** A record of a topic that carries several record types: which one it is, and its value. */
  async decodeAny<N extends ContractName>(buffer: Buffer | null, accepted: readonly N[]): Promise<Named<N>> {
    checkWireFormat(buffer);
    const writer = ((await this.writerSchema(buffer.readInt32BE(1))) as { name?: string }).name ?? '';
    const name = accepted.find((n) => TOP_LEVEL[n] === writer);
    if (!name) throw new DecodeError(`a ${writer || 'record'} is not accepted here (expected ${accepted.map((n) => TOP_LEVEL[n]).join(' or ')})`);
    // The name found is the name of the value decoded (the compiler cannot follow a name found at run time).
    return { name, value: await this.decode(buffer, name) } as Named<N>;
  }
}

function checkWireFormat(buffer: Buffer | null): asserts buffer is Buffer {
  if (!buffer || buffer.length < 5 || buffer[0] !== 0) throw new DecodeError('not in the Confluent wire format (magic byte 0, schema id, Avro body)');
}
