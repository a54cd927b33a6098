/**
 * THE REFERENCE: the policy engine as it was before its filter was compiled (a generic walk of
 * every field of every notice, building every copy anew), kept unchanged as the oracle that
 * test/unit/policy/compiled-filter.test.ts compares the engine with. Not used by any service.
 *
 * The policy engine: a pure function from (notice, origin, destination, policy, keys, now) to
 * the copies that destination may receive and the explanation of every decision.
 * No Kafka, no clock, no I/O. Rules are numbered as in docs/data-protection.md.
 */
import { createHmac } from 'node:crypto';
import type { EuLiaison } from '../../services/shared/generated/contract-types.ts';
import type { DataProtectionTag } from '../../services/shared/contract.ts';
import { dateDeclared, type Declared, declaredBySubject, DeclaredMasker, nameDeclared, numberDeclared, streetDeclared } from '../../services/policy/declared-identifiers.ts';
import { type Masked, maskIdentifiers } from '../../services/policy/free-text.ts';
import { carriesDateOfBirth } from '../../services/policy/filter.ts';
import { type Agreement, CLASSIFICATIONS, type Policy, type SubjectRole } from '../../services/policy/policy.ts';

type Notice = EuLiaison.Notice;
type FieldAction = EuLiaison.FieldAction;
export type DeliveryStatus = EuLiaison.DeliveryStatus;

export const RULES = {
  legalBasis: 'rule-1-legal-basis',
  ceiling: 'rule-2-classification-ceiling',
  specialCategories: 'rule-3-special-categories',
  victimsWitnesses: 'rule-4-victims-witnesses',
  thirdCountry: 'rule-5-third-country',
  handlingCodes: 'rule-6-handling-codes-travel',
  freeText: 'rule-7-free-text',
  pseudonyms: 'rule-8-pseudonyms',
  failClosed: 'rule-9-fail-closed',
  conditions: 'rule-10-conditions-travel',
  onwardTransfer: 'rule-11-onward-transfer',
  corrections: 'rule-12-corrections',
  explain: 'rule-13-explain',
  retention: 'rule-14-retention',
} as const;

/** One rule of the vocabulary: `rule-<n>-<name>`. */
export type RuleName = (typeof RULES)[keyof typeof RULES];

export interface Copy {
  part: EuLiaison.CopyPart;
  notice: Notice;
  fieldActions: FieldAction[];
}

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
const ALL_ROLES: readonly SubjectRole[] = ['SUSPECT', 'CONVICTED', 'VICTIM', 'WITNESS', 'CONTACT'];
const PERSONAL: readonly DataProtectionTag[] = ['identifier', 'quasi-identifier', 'special-category', 'free-text'];

export function isMember(policy: Policy, agreement: Agreement, code: string): boolean {
  if (agreement.members.includes(code)) return true;
  const parent = policy.parties.get(code)?.parent;
  return parent !== undefined && agreement.members.includes(parent);
}

const isThirdCountry = (policy: Policy, code: string): boolean => policy.parties.get(code)?.region === 'third';

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

// ---------------------------------------------------------------- filtering

type Disposition = 'keep' | 'pseudonymise' | 'remove';
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
function treatmentOf(policy: Policy, agreement: Agreement, notice: Notice, destination: string, mode: Mode): Treatment {
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

interface FilterContext {
  policy: Policy;
  treatment: Treatment;
  /** The key of `treatment.pseudonymsUnder`. */
  key: Buffer;
  /** Rule 7: what the notice declares that this destination may not have, masked wherever it reappears. */
  declared: DeclaredMasker;
  memo?: FilterMemo;
}

/** Rules 1, 4 and 5: what happens to the personal data of a subject with this role. */
function subjectDisposition(t: Treatment, role: SubjectRole): { disposition: Disposition; rule: string } {
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
function unlinkedDisposition(t: Treatment): { disposition: Disposition; rule: string } {
  if (t.mode !== 'eu') return { disposition: 'remove', rule: RULES.thirdCountry };
  if (t.personalDataRoles.length === 0) return { disposition: 'remove', rule: RULES.legalBasis };
  return { disposition: 'keep', rule: RULES.legalBasis };
}

const normalise = (value: string): string => value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** Rule 8: stable within an agreement, so analysts can link records without seeing who it is. */
export function pseudonym(key: Buffer, field: string, value: string): string {
  return `PSN-${createHmac('sha256', key).update(`${field}\u0000${normalise(value)}`).digest('hex').slice(0, 20)}`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isEmpty = (v: Json | undefined): boolean => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** Where a value is, as in a field action: `subjects[0].addresses[1].street`. */
function pathText(names: ReadonlyArray<string | number>): string {
  let text = '';
  for (const name of names) text = typeof name === 'number' ? `${text}[${name}]` : text ? `${text}.${name}` : name;
  return text;
}

/** Schema paths (`subjects[].addresses[].street`) made once each: the tag lookup of every leaf allocates nothing. */
const schemaPaths = new Map<string, Map<string, string>>();
const childPath = (base: string, child: string): string => {
  let children = schemaPaths.get(base);
  if (!children) schemaPaths.set(base, (children = new Map()));
  let path = children.get(child);
  if (path === undefined) children.set(child, (path = child === '[]' ? `${base}[]` : base ? `${base}.${child}` : child));
  return path;
};

/** Rule 5 (safeguards): the records whose street and postcode go (addresses only to city and country). */
const ADDRESS_PATH = /addresses\[\]$|recipientAddress$/;
const isAddressPath = new Map<string, boolean>();
const addressAt = (schemaPath: string): boolean => {
  let is = isAddressPath.get(schemaPath);
  if (is === undefined) isAddressPath.set(schemaPath, (is = ADDRESS_PATH.test(schemaPath)));
  return is;
};

function addCounts(to: Record<string, number>, found: Partial<Record<string, number>>): void {
  for (const k in found) to[k] = (to[k] ?? 0) + (found[k] ?? 0);
}

/**
 * One filtering of a notice: a single walk that builds the copy, leaf by leaf, from the decoded
 * notice, which it never changes (no deep copy first: the copy and the walk were the policy's
 * largest costs in a burst).
 */
class Filter {
  readonly actions: FieldAction[] = [];
  private readonly roles = new Map<string, Disposition>();
  private readonly ruleOfRole = new Map<string, string>();
  /** Where the walk is: the names from the notice down to the value being visited. */
  private readonly at: Array<string | number> = [];
  private readonly unlinked: { disposition: Disposition; rule: string };

  constructor(private readonly ctx: FilterContext) {
    this.unlinked = unlinkedDisposition(ctx.treatment);
  }

  private act(action: EuLiaison.FieldActionKind, rule: string, detail: string | null = null, ...below: Array<string | number>): void {
    this.actions.push({ path: pathText(below.length > 0 ? [...this.at, ...below] : this.at), action, rule, detail });
  }

  apply(notice: Notice): Notice {
    const source = notice as unknown as Obj;
    const subjects = (source.subjects as Obj[] | undefined) ?? [];
    const kept: Json[] = [];
    this.at.push('subjects');
    for (let i = 0; i < subjects.length; i += 1) {
      const subject = subjects[i]!;
      const role = subject.role as SubjectRole;
      const { disposition, rule } = subjectDisposition(this.ctx.treatment, role);
      this.roles.set(String(subject.subjectId), disposition);
      this.ruleOfRole.set(String(subject.subjectId), rule);
      this.at.push(i);
      if (disposition === 'remove') this.act('REMOVED', rule, `data subject with role ${role}`);
      else {
        const s = disposition === 'keep' && this.ctx.treatment.mode === 'safeguards' ? this.dropDerivedDocuments(subject) : subject;
        kept.push(this.visitObject(s, 'subjects[]', disposition, rule));
      }
      this.at.pop();
    }
    this.at.pop();
    const copy: Obj = {};
    // Own fields only: a record decoded by avsc also enumerates its prototype's methods (clone, toBuffer, …).
    for (const key of Object.keys(source)) {
      const value = source[key]!;
      if (key === 'subjects') copy[key] = kept;
      else if (isEmpty(value)) copy[key] = Array.isArray(value) ? [] : value;
      else {
        this.at.push(key);
        copy[key] = this.visit(value, key, null, null);
        this.at.pop();
      }
    }
    copy.subjects = kept;
    // A link to a subject this destination does not get goes with the subject (after the walk, which follows the links).
    for (const list of ['vehicles', 'financial'] as const) {
      for (const item of (copy[list] as Obj[] | undefined) ?? []) {
        const linked = item.linkedSubjectId;
        if (typeof linked === 'string' && this.roles.get(linked) === 'remove') item.linkedSubjectId = null;
      }
    }
    return copy as unknown as Notice;
  }

  /** The copy of a value with every leaf under it filtered; `owner` is the disposition of the subject it belongs to. */
  private visit(value: Json, schemaPath: string, owner: Disposition | null, ownerRule: string | null): Json {
    if (value === null || value === undefined) return value;
    if (Array.isArray(value)) {
      if (value.length === 0 || typeof value[0] !== 'object' || value[0] === null) return this.leafValue(value, schemaPath, owner, ownerRule);
      const itemPath = childPath(schemaPath, '[]');
      const out: Json[] = new Array(value.length);
      for (let i = 0; i < value.length; i += 1) {
        this.at.push(i);
        out[i] = this.visit(value[i]!, itemPath, owner, ownerRule);
        this.at.pop();
      }
      return out;
    }
    if (typeof value === 'object') return this.visitObject(value, schemaPath, owner, ownerRule);
    return this.leafValue(value, schemaPath, owner, ownerRule);
  }

  private visitObject(value: Obj, schemaPath: string, owner: Disposition | null, ownerRule: string | null): Obj {
    let o = owner;
    let r = ownerRule;
    const linked = value.linkedSubjectId;
    if (o === null && typeof linked === 'string' && this.roles.has(linked)) {
      o = this.roles.get(linked)!;
      r = this.ruleOfRole.get(linked)!;
    }
    // Rule 5 (safeguards): addresses only to city and country.
    const generalise = this.ctx.treatment.mode === 'safeguards' && addressAt(schemaPath) && Boolean(value.street || value.postcode);
    if (generalise) this.act('GENERALISED', RULES.thirdCountry, 'to city and country');
    const out: Obj = {};
    for (const k of Object.keys(value)) {
      if (generalise && (k === 'street' || k === 'postcode')) {
        out[k] = null;
        continue;
      }
      this.at.push(k);
      out[k] = this.visit(value[k]!, childPath(schemaPath, k), o, r);
      this.at.pop();
    }
    if (generalise) {
      out.street ??= null;
      out.postcode ??= null;
    }
    return out;
  }

  /** A leaf: a string, a number, a boolean, or a list of them; the field is the last name of `at`. */
  private leafValue(value: Json, schemaPath: string, owner: Disposition | null, ownerRule: string | null): Json {
    if (isEmpty(value)) return Array.isArray(value) ? [] : value;
    const leafSchemaPath = Array.isArray(value) ? childPath(schemaPath, '[]') : schemaPath;
    // A leaf the schema does not tag counts as personal data (fail closed), and its text is scanned.
    const tag: DataProtectionTag = this.ctx.policy.tags.get(leafSchemaPath) ?? 'identifier';
    if (!PERSONAL.includes(tag)) return Array.isArray(value) ? value.slice() : value;
    const after = this.leaf(value, tag, owner, ownerRule);
    if (after !== value) return after;
    if ((this.ctx.policy.untagged.has(leafSchemaPath) || !this.ctx.policy.tags.has(leafSchemaPath)) && tag !== 'free-text') return this.mask(value);
    return Array.isArray(value) ? value.slice() : value;
  }

  /**
   * Rule 5, a derived identifier is the identifier: where the date of birth goes only as a
   * year, a document number that contains the full date (a Belgian national register number,
   * YY.MM.DD-…) does not go either.
   */
  private dropDerivedDocuments(subject: Obj): Obj {
    const dob = typeof subject.dateOfBirth === 'string' ? /^(\d{2})(\d{2})-(\d{2})-(\d{2})$/.exec(subject.dateOfBirth) : null;
    if (!dob || !Array.isArray(subject.documents)) return subject;
    const [, , yy, mm, dd] = dob as unknown as [string, string, string, string, string];
    const forms = [`${yy}${mm}${dd}`, `${dd}${mm}${yy}`];
    const documents = subject.documents as Obj[];
    const keep: Json[] = [];
    documents.forEach((d, j) => {
      const digits = String(d.number ?? '').replace(/\D/g, '');
      if (forms.some((f) => digits.includes(f))) this.act('REMOVED', RULES.thirdCountry, 'carries the date of birth', 'documents', j);
      else keep.push(d);
    });
    return keep.length === documents.length ? subject : { ...subject, documents: keep };
  }

  private remove(value: Json, rule: string, detail: string | null = null): Json {
    this.act('REMOVED', rule, detail);
    return Array.isArray(value) ? [] : null;
  }

  /** Rule 7 on one string (or each of a list): first what the notice declares and this destination may not have, then the patterns. */
  private mask(value: Json): Json {
    if (typeof value !== 'string') {
      if (!Array.isArray(value)) return value;
      const out: Json[] = new Array(value.length);
      for (let i = 0; i < value.length; i += 1) {
        this.at.push(i);
        out[i] = this.mask(value[i]!);
        this.at.pop();
      }
      return out;
    }
    let text = value;
    const counts: Record<string, number> = {};
    if (!this.ctx.declared.empty) {
      const declared = this.ctx.declared.mask(text);
      text = declared.text;
      addCounts(counts, declared.counts);
    }
    if (this.ctx.treatment.maskFreeText) {
      const patterns = this.ctx.memo ? this.ctx.memo.maskIdentifiers(text) : maskIdentifiers(text);
      text = patterns.text;
      addCounts(counts, patterns.counts);
    }
    if (text === value) return value;
    this.act('MASKED', RULES.freeText, Object.entries(counts).sort().map(([k, n]) => `${n} ${k}`).join(', '));
    return text;
  }

  /** What a personal leaf becomes for this destination (the value itself when it travels unchanged). */
  private leaf(value: Json, tag: DataProtectionTag, owner: Disposition | null, ownerRule: string | null): Json {
    // Rule 7: the notice's own free text travels, with identifiers masked where needed.
    if (tag === 'free-text' && owner === null) return this.mask(value);
    const { disposition, rule } = owner !== null ? { disposition: owner, rule: ownerRule! } : this.unlinked;
    if (disposition === 'remove') return this.remove(value, rule);
    if (tag === 'special-category' && !this.ctx.treatment.specialAllowed) return this.remove(value, RULES.specialCategories);
    const field = String(this.at[this.at.length - 1]);
    if (disposition === 'pseudonymise') {
      if (tag !== 'identifier') return this.remove(value, RULES.victimsWitnesses);
      const pseudonymised = Array.isArray(value) ? value.map((v) => pseudonym(this.ctx.key, field, String(v))) : pseudonym(this.ctx.key, field, String(value));
      this.act('PSEUDONYMISED', RULES.pseudonyms);
      return pseudonymised;
    }
    if (tag === 'free-text') return this.mask(value);
    // Rule 5 (safeguards): date of birth to the year.
    if (this.ctx.treatment.mode === 'safeguards' && field === 'dateOfBirth' && typeof value === 'string' && value.length > 4) {
      this.act('GENERALISED', RULES.thirdCountry, 'to the year');
      return value.slice(0, 4);
    }
    return value;
  }
}

/** Does the copy still carry personal data (a non-empty identifier, quasi-identifier or special field)? */
function carriesPersonalData(policy: Policy, notice: Notice): boolean {
  return notice.subjects.length > 0 || holdsPersonal(policy, notice, '');
}

function holdsPersonal(policy: Policy, value: unknown, schemaPath: string): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'object') return value.some((v) => holdsPersonal(policy, v, `${schemaPath}[]`));
    return value.length > 0 && holdsPersonal(policy, value[0], `${schemaPath}[]`);
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (holdsPersonal(policy, v, schemaPath ? `${schemaPath}.${k}` : k)) return true;
    return false;
  }
  const tag = policy.tags.get(schemaPath) ?? 'identifier';
  return tag === 'identifier' || tag === 'quasi-identifier' || tag === 'special-category';
}

/**
 * Filtered notices of one notice, by what the filtering depends on: destinations under
 * agreements that treat personal data alike get the same filtering, done once (`decide`'s memo).
 */
export class FilterMemo {
  readonly filtered = new Map<string, { notice: Notice; fieldActions: FieldAction[] }>();
  /** What the identifier patterns mask in a text: the same for every destination, so a text is scanned once. */
  private readonly masked = new Map<string, Masked>();

  maskIdentifiers(text: string): Masked {
    let found = this.masked.get(text);
    if (!found) this.masked.set(text, (found = maskIdentifiers(text)));
    return found;
  }
}

function filterCopy(policy: Policy, agreement: Agreement, key: Buffer, notice: Notice, destination: string, mode: Mode, expiresAt: number, memo?: FilterMemo): Copy {
  const third = isThirdCountry(policy, destination);
  const treatment = treatmentOf(policy, agreement, notice, destination, mode);
  const signature = treatmentKey(treatment);
  let base = memo?.filtered.get(signature);
  if (!base) {
    const filter = new Filter({ policy, treatment, key, declared: new DeclaredMasker(withheldDeclarations(treatment, notice)), memo });
    base = { notice: filter.apply(notice), fieldActions: filter.actions };
    memo?.filtered.set(signature, base);
  }
  // Rule 10: a copy names no other recipient. (Copies share the filtered content, which nothing changes after.)
  const filtered: Notice = { ...base.notice, recipients: [destination], expiresAt };
  const fieldActions = [...base.fieldActions];
  // Rule 5: no onward transfer from a third country; the handling code is raised to H2.
  if (third && (filtered.handling.code === 'H0' || filtered.handling.code === 'H1')) {
    fieldActions.push({ path: 'handling.code', action: 'RAISED', rule: RULES.thirdCountry, detail: `${filtered.handling.code} to H2` });
    filtered.handling = { ...filtered.handling, code: 'H2' };
  }
  return { part: mode === 'non-personal' ? 'NON_PERSONAL' : 'FULL', notice: filtered, fieldActions };
}

/**
 * Rule 7: everything the notice declares about a subject or an identifier that this destination
 * does not get in the structured fields (the subject removed or pseudonymised, an unlinked or
 * linked identifier removed, a street or a full date of birth generalised).
 */
function withheldDeclarations(t: Treatment, notice: Notice): Declared[] {
  const out: Declared[] = [];
  const disposition = new Map<string, Disposition>();
  for (const s of notice.subjects) {
    const d = subjectDisposition(t, s.role).disposition;
    disposition.set(s.subjectId, d);
    if (d !== 'keep') out.push(...declaredBySubject(s));
    else if (t.mode === 'safeguards') {
      for (const a of s.addresses) if (a.street) out.push(...streetDeclared(a.street, a.postcode));
      if (s.dateOfBirth && s.dateOfBirth.length > 4) out.push(...dateDeclared(s.dateOfBirth));
      // Mirrors a change of meaning made after the compilation (issue of lawful delivery): derived documents are declared.
      for (const d of s.documents) if (carriesDateOfBirth(d.number, s.dateOfBirth)) out.push(...numberDeclared(d.number));
    }
  }
  const unlinked = unlinkedDisposition(t).disposition;
  for (const v of notice.vehicles) if (dispositionOf(disposition, unlinked, v.linkedSubjectId) !== 'keep') out.push(...numberDeclared(v.licencePlate), ...numberDeclared(v.vin));
  for (const f of notice.financial) if (dispositionOf(disposition, unlinked, f.linkedSubjectId) !== 'keep') out.push(...numberDeclared(f.value), ...nameDeclared(f.holderName));
  for (const p of notice.parcels) {
    if (unlinked !== 'keep') out.push(...numberDeclared(p.trackingNumber), ...nameDeclared(p.senderName), ...nameDeclared(p.recipientName));
    if ((unlinked !== 'keep' || t.mode === 'safeguards') && p.recipientAddress?.street) out.push(...streetDeclared(p.recipientAddress.street, p.recipientAddress.postcode));
  }
  return out;
}

const dispositionOf = (bySubject: Map<string, Disposition>, unlinked: Disposition, id: string | null): Disposition =>
  id !== null && bySubject.has(id) ? bySubject.get(id)! : unlinked;

/**
 * What a copy tells its recipient about what was withheld: which fields, never who (a removed
 * subject's role would say that a witness or a victim exists).
 */
export function actionsForRecipient(actions: FieldAction[]): FieldAction[] {
  return actions.map((a) => (/^subjects\[\d+\]$/.test(a.path) && a.action === 'REMOVED' ? { ...a, detail: 'data subject withheld under the agreement' } : a));
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
