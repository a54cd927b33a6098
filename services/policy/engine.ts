/**
 * The policy engine: a pure function from (notice, origin, destination, policy, keys, now) to
 * the copies that destination may receive and the explanation of every decision: the agreement
 * that carries it (rules 1 and 2), onward transfers (rule 11), the treatment and its filtering
 * (treatment.ts, filter.ts), the expiry (rule 14). No Kafka, no clock, no I/O.
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { carriesPersonalData, type Copy, filterCopy, type FilterMemo } from './filter.ts';
import { type Agreement, CLASSIFICATIONS, type Policy } from './policy.ts';
import { RULES } from './rules.ts';
import { isThirdCountry } from './treatment.ts';

type Notice = EuLiaison.Notice;
type FieldAction = EuLiaison.FieldAction;
export type DeliveryStatus = EuLiaison.DeliveryStatus;

interface Explained {
  destination: string;
  reasons: string[];
  rules: string[];
}

/** Nothing goes: no agreement carries the notice, an onward transfer is not authorised, or evaluation failed (rule 9). */
export interface Blocked extends Explained {
  status: 'BLOCKED';
  /** The agreement that would carry it, when one was found before the block. */
  agreement: string | null;
  fieldActions: [];
  expiresAt: null;
  deliver: [];
  hold: null;
}

/** A copy goes to the destination's inbox now: as sent (DELIVERED) or with fields withheld (DELIVERED_FILTERED). */
export interface Delivered extends Explained {
  status: 'DELIVERED' | 'DELIVERED_FILTERED';
  agreement: string;
  /** What the origin's report lists: the actions on the copy delivered (none when DELIVERED). */
  fieldActions: FieldAction[];
  expiresAt: number;
  deliver: [Copy];
  hold: null;
}

/** Rule 5, derogation: the non-personal part goes now, the personal data waits for the origin's DPO. */
export interface Held extends Explained {
  status: 'HELD_FOR_REVIEW';
  agreement: string;
  /** What the origin's report lists: the actions on the copy held. */
  fieldActions: FieldAction[];
  expiresAt: number;
  deliver: [Copy];
  hold: Copy;
}

/** What a destination receives of a notice, and why. */
export type Decision = Blocked | Delivered | Held;

/** Keyed hashes for rule 8: one secret key per agreement. */
export type PseudonymKey = (agreementId: string) => Buffer;

export interface DecisionInput {
  notice: Notice;
  /** Proven by the outbox topic, never read from the notice. */
  origin: string;
  destination: string;
  now: number;
}

const DAY_MS = 86_400_000;

export function isMember(policy: Policy, agreement: Agreement, code: string): boolean {
  if (agreement.members.includes(code)) return true;
  const parent = policy.parties.get(code)?.parent;
  return parent !== undefined && agreement.members.includes(parent);
}

const covers = (agreement: Agreement, notice: Notice): boolean =>
  agreement.crimeAreas === 'all' || notice.crimeAreas.every((c) => (agreement.crimeAreas as string[]).includes(c));

const withinCeiling = (agreement: Agreement, notice: Notice): boolean =>
  CLASSIFICATIONS.indexOf(notice.classification) <= CLASSIFICATIONS.indexOf(agreement.classificationCeiling);

type Choice = { agreement: Agreement } | { reasons: string[]; rules: string[] };

/** Rules 1 and 2: the agreement that carries this notice to this destination, or why none does. */
export function chooseAgreement(policy: Policy, notice: Notice, origin: string, destination: string): Choice {
  const shared = policy.agreements.filter(
    (a) => isMember(policy, a, origin) && isMember(policy, a, destination) && (!a.onlyTowards || a.onlyTowards.includes(destination)),
  );
  const named = notice.legalBasis;
  const candidates = named ? shared.filter((a) => a.id === named) : shared;
  if (candidates.length === 0) {
    return {
      reasons: [named ? `legal basis ${named} does not bind ${origin} and ${destination}` : `no agreement binds ${origin} and ${destination}`],
      rules: [RULES.legalBasis],
    };
  }
  const covering = candidates.filter((a) => covers(a, notice));
  if (covering.length === 0) {
    return {
      reasons: [`no agreement between ${origin} and ${destination} covers ${notice.crimeAreas.join(', ')}${named ? ` (named: ${named})` : ''}`],
      rules: [RULES.legalBasis],
    };
  }
  const admitted = covering.find((a) => withinCeiling(a, notice));
  if (!admitted) {
    return {
      reasons: [`classification ${notice.classification} is above the ceiling of ${covering.map((a) => `${a.id} (${a.classificationCeiling})`).join(', ')}`],
      rules: [RULES.legalBasis, RULES.ceiling],
    };
  }
  return { agreement: admitted };
}

/**
 * What a copy tells its recipient about what was withheld: which fields, never who. A removed
 * subject's role shows in its detail and in its rule (rule 4 removes victims and witnesses, rule
 * 5 or 1 everyone else), and in the rule that removed what was linked to it (a vehicle, an
 * account): the recipient sees one rule for every removed subject, whatever its role, the rule
 * that removes any subject in this copy's mode (rule 5 in a third country, rule 1 in the EU).
 * A pseudonymised subject keeps its role in the copy, so its rule-4 actions say nothing more.
 */
export function actionsForRecipient(actions: FieldAction[], third: boolean): FieldAction[] {
  const withheld = third ? RULES.thirdCountry : RULES.legalBasis;
  const removed = new Set<string>();
  for (const a of actions) if (a.action === 'REMOVED' && /^subjects\[\d+\]$/.test(a.path)) removed.add(a.path);
  return actions.map((a) => {
    if (removed.has(a.path)) return { ...a, rule: withheld, detail: 'data subject withheld under the agreement' };
    // Rule 4 removing anything else in a third-country copy: a vehicle, an account… of a removed victim or witness.
    if (third && a.rule === RULES.victimsWitnesses) return { ...a, rule: withheld };
    return a;
  });
}

function rulesOf(base: string[], actions: FieldAction[]): string[] {
  return [...new Set([...base, ...actions.map((a) => a.rule)])].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
}

/** A destination that gets nothing, and why. */
function blocked(destination: string, agreement: string | null, reasons: string[], rules: string[]): Blocked {
  return { destination, status: 'BLOCKED', agreement, reasons, rules, fieldActions: [], expiresAt: null, deliver: [], hold: null };
}

function decideUnsafe(policy: Policy, keys: PseudonymKey, input: DecisionInput, memo?: FilterMemo): Decision {
  const { notice, origin, destination, now } = input;
  const choice = chooseAgreement(policy, notice, origin, destination);
  if (!('agreement' in choice)) return blocked(destination, null, choice.reasons, rulesOf([...choice.rules, RULES.explain], []));
  const { agreement } = choice;
  const third = isThirdCountry(policy, destination);
  const applied = [RULES.legalBasis, RULES.ceiling, RULES.conditions, RULES.explain, RULES.retention];

  // Rule 11: data received from another country goes on to a third country only with its authorisation.
  if (third) {
    const unauthorised = notice.receivedFrom.filter((p) => p.country !== origin && !p.onwardTransferAuthorisation).map((p) => p.country);
    if (unauthorised.length > 0) {
      const reason = `contains data received from ${[...new Set(unauthorised)].join(', ')} without a recorded authorisation for onward transfer to ${destination}`;
      return blocked(destination, agreement.id, [reason], rulesOf([...applied, RULES.onwardTransfer, RULES.thirdCountry], []));
    }
  }

  const retention = now + agreement.retentionDays * DAY_MS;
  const expiresAt = notice.expiresAt !== null ? Math.min(notice.expiresAt, retention) : retention;
  const key = keys(agreement.id);
  const extra = third ? [RULES.thirdCountry, ...(notice.receivedFrom.length > 0 ? [RULES.onwardTransfer] : [])] : [];

  if (third && agreement.thirdCountryTransfer === 'derogation') {
    // Rule 5, derogation: non-personal content goes at once; personal data waits for the DPO.
    const immediate = filterCopy(policy, agreement, key, notice, destination, 'non-personal', expiresAt, memo);
    const held = filterCopy(policy, agreement, key, notice, destination, 'safeguards', expiresAt, memo);
    if (carriesPersonalData(policy, held.notice)) {
      return {
        destination,
        status: 'HELD_FOR_REVIEW',
        agreement: agreement.id,
        reasons: [`personal data to ${destination} under a derogation waits for the approval of ${origin}'s data protection officer; non-personal content delivered`],
        rules: rulesOf([...applied, ...extra], held.fieldActions),
        fieldActions: held.fieldActions,
        expiresAt,
        deliver: [immediate],
        hold: held,
      };
    }
    return delivered(destination, agreement, rulesOf([...applied, ...extra], immediate.fieldActions), immediate, expiresAt);
  }
  const copy = filterCopy(policy, agreement, key, notice, destination, third ? 'safeguards' : 'eu', expiresAt, memo);
  return delivered(destination, agreement, rulesOf([...applied, ...extra], copy.fieldActions), copy, expiresAt);
}

function delivered(destination: string, agreement: Agreement, rules: string[], copy: Copy, expiresAt: number): Delivered {
  return {
    destination,
    status: copy.fieldActions.length > 0 ? 'DELIVERED_FILTERED' : 'DELIVERED',
    agreement: agreement.id,
    reasons: [],
    rules,
    fieldActions: copy.fieldActions,
    expiresAt,
    deliver: [copy],
    hold: null,
  };
}

/**
 * Rule 9: an error while evaluating policy blocks that destination; nothing half-filtered leaves.
 * `memo`: shared by the destinations of one notice, so that alike filtering is done once.
 */
export function decide(policy: Policy, keys: PseudonymKey, input: DecisionInput, memo?: FilterMemo): Decision {
  try {
    return decideUnsafe(policy, keys, input, memo);
  } catch (error) {
    return blocked(input.destination, null, [`policy evaluation failed: ${(error as Error).message}`], [RULES.failClosed, RULES.explain]);
  }
}

/** The rule that blocked a destination, for metrics and dashboards; null when not blocked. */
export function blockingRule(d: Pick<Decision, 'status' | 'rules'>): string | null {
  if (d.status !== 'BLOCKED') return null;
  const order = [RULES.failClosed, RULES.onwardTransfer, RULES.ceiling, RULES.thirdCountry, RULES.legalBasis];
  return order.find((r) => d.rules.includes(r)) ?? RULES.legalBasis;
}

