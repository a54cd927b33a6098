/**
 * How a destination treats a notice's personal data under an agreement: the mode (EU, third
 * country under safeguards, non-personal only), the roles the agreement carries, and what
 * becomes of each subject (kept, pseudonymised, removed) by role (rules 1, 4 and 5).
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import type { Agreement, Policy, SubjectRole } from './policy.ts';
import { RULES } from './rules.ts';

type Notice = EuLiaison.Notice;

const ALL_ROLES: readonly SubjectRole[] = ['SUSPECT', 'CONVICTED', 'VICTIM', 'WITNESS', 'CONTACT'];

export const isThirdCountry = (policy: Policy, code: string): boolean => policy.parties.get(code)?.region === 'third';

export type Disposition = 'keep' | 'pseudonymise' | 'remove';
/** How a destination is treated: inside the EU, a third country under safeguards, or only non-personal content. */
export type Mode = 'eu' | 'safeguards' | 'non-personal';

/**
 * Everything the filtering of a notice for one destination depends on. The filter reads the
 * agreement, the destination and the notice only through this, so destinations with equal
 * treatments get the same filtered notice, and the memo's key (`treatmentKey`) is this value
 * itself: a field added here is in the key, and the two cannot drift apart.
 */
export interface Treatment {
  mode: Mode;
  /** The roles whose personal data the agreement carries, sorted. */
  personalDataRoles: readonly SubjectRole[];
  /** Rule 3: special categories may travel (strictly necessary, allowed by the agreement, not to a third country). */
  specialAllowed: boolean;
  /** Rule 7: identifiers in free text are masked (unless the destination may receive every kind of personal data). */
  maskFreeText: boolean;
  /** Rule 8: the agreement whose key pseudonymises, when a subject of the notice is pseudonymised. */
  pseudonymsUnder: string | null;
}

/** The memo key of a treatment: every field of it, in a fixed order. */
export function treatmentKey(t: Treatment): string {
  return JSON.stringify(t, Object.keys(t).sort());
}

/** The treatment of a notice for a destination under an agreement, in a mode. */
export function treatmentOf(policy: Policy, agreement: Agreement, notice: Notice, destination: string, mode: Mode): Treatment {
  const personalDataRoles = [...agreement.personalDataRoles].sort();
  const treatment: Treatment = {
    mode,
    personalDataRoles,
    specialAllowed: notice.specialCategories.strictlyNecessary && agreement.specialCategories && !isThirdCountry(policy, destination),
    maskFreeText: mode !== 'eu' || ALL_ROLES.some((r) => !personalDataRoles.includes(r)),
    pseudonymsUnder: null,
  };
  const pseudonymises = notice.subjects.some((s) => subjectDisposition(treatment, s.role).disposition === 'pseudonymise');
  return pseudonymises ? { ...treatment, pseudonymsUnder: agreement.id } : treatment;
}


/** Rules 1, 4 and 5: what happens to the personal data of a subject with this role. */
export function subjectDisposition(t: Treatment, role: SubjectRole): { disposition: Disposition; rule: string } {
  const allowed = t.personalDataRoles.includes(role);
  if (t.mode === 'non-personal') return { disposition: 'remove', rule: RULES.thirdCountry };
  if (t.mode === 'safeguards') {
    if (allowed && role === 'SUSPECT') return { disposition: 'keep', rule: RULES.thirdCountry };
    return { disposition: 'remove', rule: role === 'VICTIM' || role === 'WITNESS' ? RULES.victimsWitnesses : RULES.thirdCountry };
  }
  if (allowed) return { disposition: 'keep', rule: RULES.legalBasis };
  if (t.personalDataRoles.length > 0 && (role === 'VICTIM' || role === 'WITNESS')) {
    return { disposition: 'pseudonymise', rule: RULES.victimsWitnesses };
  }
  return { disposition: 'remove', rule: RULES.legalBasis };
}

/** Personal data not tied to a subject (unlinked parcels, vehicles, accounts, attachments). */
export function unlinkedDisposition(t: Treatment): { disposition: Disposition; rule: string } {
  if (t.mode !== 'eu') return { disposition: 'remove', rule: RULES.thirdCountry };
  if (t.personalDataRoles.length === 0) return { disposition: 'remove', rule: RULES.legalBasis };
  return { disposition: 'keep', rule: RULES.legalBasis };
}
