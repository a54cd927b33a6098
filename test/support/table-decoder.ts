/** A record decoder for unit tests: records by the bytes that stand for them (no registry, no Avro). */
import type { RecordDecoder } from '../../services/gateway/records/records.ts';
import type { ContractName, ContractRecords, Named } from '../../services/shared/contract.ts';
import { DecodeError } from '../../services/shared/errors.ts';

/** Records by the bytes that stand for them; bytes not in the table are not Avro. */
export class TableDecoder implements RecordDecoder {
  private readonly table = new Map<string, Named | Error>();
  private next = 0;

  /** Bytes that decode as `record` (or throw `record` when it is an error). */
  bytesOf(record: Named | Error): Buffer {
    const bytes = Buffer.from(`record-${(this.next += 1)}`);
    this.table.set(bytes.toString(), record);
    return bytes;
  }

  async decode<N extends ContractName>(buffer: Buffer | null, name: N): Promise<ContractRecords[N]> {
    const found = this.lookup(buffer);
    if (found.name !== name) throw new DecodeError(`cannot be read as ${name}`);
    return found.value as ContractRecords[N]; // the table holds what it was given under that name
  }

  async decodeAny<N extends ContractName>(buffer: Buffer | null, accepted: readonly N[]): Promise<Named<N>> {
    const found = this.lookup(buffer);
    if (!(accepted as readonly ContractName[]).includes(found.name)) throw new DecodeError(`a ${found.name} is not accepted here`);
    return found as Named<N>;
  }

  private lookup(buffer: Buffer | null): Named {
    const found = buffer ? this.table.get(buffer.toString()) : undefined;
    if (found instanceof Error) throw found;
    if (!found) throw new DecodeError('not in the Confluent wire format (magic byte 0, schema id, Avro body)');
    return found;
  }
}

