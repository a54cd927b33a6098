/**
 * The audit follower without Kafka: the trail's records handed to `read` in log order, as the
 * reader hands them; events built by real chains, decoded by a table.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AuditFollower } from '../../../services/gateway/audit-follower.ts';
import { gatewayMetrics } from '../../../services/gateway/metrics.ts';
import type { Permission } from '../../../services/gateway/audit-checkpoints.ts';
import { AuditChain, type AuditEvent, type AuditFacts } from '../../../services/shared/audit-chain.ts';
import { DecodeError } from '../../../services/shared/errors.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import type { ContractRegistry } from '../../../services/shared/registry.ts';

const facts = (action: AuditFacts['action'], details: Record<string, string> = {}): AuditFacts => ({
  at: 1, actor: 'gateway-test', action, noticeId: 'n-1', caseRef: 'c-1', origin: 'BE', destination: 'NL', outcome: 'RECORDED', rules: [], details, policyVersion: 'v',
});

function setup() {
  const events = new Map<string, AuditEvent>();
  const registry = { decode: async (value: Buffer | null) => {
    const event = value ? events.get(value.toString()) : undefined;
    if (!event) throw new DecodeError('not an audit event');
    return event;
  } } as unknown as ContractRegistry;
  const metrics = gatewayMetrics(new Registry(), 'v');
  metrics.auditIntact.set(1); // as follow() sets it for a trail intact so far
  const permissions: Permission[] = [];
  const follower = new AuditFollower({ kafka: {} as never, registry, instanceId: 'test', logger: createLogger('gateway-test', 'error'), metrics, now: Date.now, onPermission: (p) => permissions.push(p) });
  let offset = 0;
  /** Writes an event as bytes the table decodes, and hands it to the follower at the next offset. */
  const read = async (event: AuditEvent, bytes = Buffer.from(`${event.chain}#${event.sequence}#${offset}`)) => {
    events.set(bytes.toString(), event);
    await follower.read({ offset: String(offset++), value: bytes });
  };
  const gauge = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value;
  return { follower, read, permissions, gauge, metrics };
}

describe('AuditFollower', () => {
  it('verifies every chain as it reads, and hands on each forwarding permission the trail records', async () => {
    const { follower, read, permissions, gauge } = setup();
    const other = new AuditChain('gateway-other');
    await read(other.append(facts('DELIVERY_DECISION')));
    await read(other.append(facts('FORWARDING_PERMITTED', { permissionId: 'p-1' })));
    await read(other.append(facts('CONSULTATION')));
    expect(follower.intact).toBe(true);
    expect(await gauge('liaison_audit_chain_intact')).toBe(1);
    expect(await gauge('liaison_audit_events_verified')).toBe(3);
    expect(permissions).toEqual([{ permissionId: 'p-1', provider: 'BE', grantedTo: 'NL', noticeId: 'n-1' }]);
  });

  it('finds an edited event: the chain is broken from there, and the gauge says so', async () => {
    const { follower, read, gauge } = setup();
    const other = new AuditChain('gateway-other');
    await read(other.append(facts('DELIVERY_DECISION')));
    const edited = other.append(facts('DELIVERY_DECISION'));
    await read({ ...edited, outcome: 'DELIVERED' });
    expect(follower.intact).toBe(false);
    expect(await gauge('liaison_audit_chain_intact')).toBe(0);
  });

  it('finds a missing event and an unreadable record', async () => {
    const missing = setup();
    const chain = new AuditChain('gateway-other');
    await missing.read(chain.append(facts('DELIVERY_DECISION')));
    chain.append(facts('DELIVERY_DECISION'));
    await missing.read(chain.append(facts('DELIVERY_DECISION')));
    expect(missing.follower.intact).toBe(false);

    const unreadable = setup();
    await unreadable.follower.read({ offset: '0', value: Buffer.from('not avro') });
    expect(unreadable.follower.intact).toBe(false);
  });

  it('recognises its own committed events by their bytes, hashed when appended, not again', async () => {
    const { follower, read } = setup();
    const event = follower.append(facts('DELIVERY_DECISION'));
    const bytes = Buffer.from('own event');
    follower.committed([{ event, bytes }]);
    // The table does not know these bytes: only recognising them as its own verifies them.
    await follower.read({ offset: '0', value: bytes });
    expect(follower.intact).toBe(true);
    await read(follower.append(facts('DELIVERY_DECISION')));
    expect(follower.intact).toBe(true);
  });
});
