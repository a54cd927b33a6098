/**
 * The filtering of a notice for one treatment (rules 3 to 8): a plan compiled once per schema
 * version from the contract's tags, walked over the decoded notice, which it never changes; the
 * copy shares every part that stays as it is. Alike treatments of one notice share one
 * filtering (`FilterMemo`, keyed by the treatment itself).
 */
import { createHmac } from 'node:crypto';
import type { DataProtectionTag } from '../shared/contract.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { dateDeclared, type Declared, declaredBySubject, DeclaredMasker, nameDeclared, numberDeclared, streetDeclared } from './declared-identifiers.ts';
import { type Masked, maskIdentifiers } from './free-text.ts';
import type { Agreement, Policy, SubjectRole } from './policy.ts';
import { type LeafPlan, type Plan, planOf, type RecordPlan } from './filter-plan.ts';
import { RULES } from './rules.ts';
import { type Disposition, isThirdCountry, type Mode, subjectDisposition, type Treatment, treatmentKey, treatmentOf, unlinkedDisposition } from './treatment.ts';

type Notice = EuLiaison.Notice;
type FieldAction = EuLiaison.FieldAction;

/** A filtered notice for a destination, with what was done to it. */
export interface Copy {
  part: EuLiaison.CopyPart;
  notice: Notice;
  fieldActions: FieldAction[];
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

function addCounts(to: Record<string, number>, found: Partial<Record<string, number>>): void {
  for (const k in found) to[k] = (to[k] ?? 0) + (found[k] ?? 0);
}

/**
 * One filtering of a notice: a walk of the compiled plan over the decoded notice, which it never
 * changes; the copy shares every part that stays as it is.
 */
class Filter {
  readonly actions: FieldAction[] = [];
  private readonly roles = new Map<string, Disposition>();
  private readonly ruleOfRole = new Map<string, string>();
  /** Where the walk is: the names from the notice down to the value being visited. */
  private readonly at: Array<string | number> = [];
  private readonly unlinked: { disposition: Disposition; rule: string };
  private readonly plan: RecordPlan;

  constructor(private readonly ctx: FilterContext) {
    this.unlinked = unlinkedDisposition(ctx.treatment);
    this.plan = planOf(ctx.policy);
  }

  private act(action: EuLiaison.FieldActionKind, rule: string, detail: string | null = null, ...below: Array<string | number>): void {
    this.actions.push({ path: pathText(below.length > 0 ? [...this.at, ...below] : this.at), action, rule, detail });
  }

  apply(notice: Notice): Notice {
    const source = notice as unknown as Obj;
    const subjects = (source.subjects as Obj[] | undefined) ?? [];
    const subjectPlan = this.plan.fields.find((f) => f.name === 'subjects')?.plan;
    const kept: Json[] = [];
    this.at.push('subjects');
    for (let i = 0; i < subjects.length; i += 1) {
      const subject = subjects[i] as Obj;
      const role = subject.role as SubjectRole;
      const { disposition, rule } = subjectDisposition(this.ctx.treatment, role);
      this.roles.set(String(subject.subjectId), disposition);
      this.ruleOfRole.set(String(subject.subjectId), rule);
      this.at.push(i);
      if (disposition === 'remove') this.act('REMOVED', rule, `data subject with role ${role}`);
      else {
        const s = disposition === 'keep' && this.ctx.treatment.mode === 'safeguards' ? this.dropDerivedDocuments(subject) : subject;
        kept.push(subjectPlan?.kind === 'list' && subjectPlan.items.kind === 'record' ? this.visitObject(s, subjectPlan.items, disposition, rule) : s);
      }
      this.at.pop();
    }
    this.at.pop();
    // Own fields only: a record decoded by avsc also has its prototype's methods (clone, toBuffer, …).
    const copy: Obj = { ...source, subjects: kept };
    for (const { name, plan } of this.plan.fields) {
      const value = source[name];
      if (name === 'subjects' || value === null || value === undefined) continue;
      this.at.push(name);
      copy[name] = this.visit(value, plan, null, null);
      this.at.pop();
    }
    // A link to a subject this destination does not get goes with the subject (after the walk, which follows the links).
    for (const list of ['vehicles', 'financial'] as const) {
      const items = copy[list];
      if (!Array.isArray(items) || !items.some((item) => this.unlinks(item))) continue;
      copy[list] = items.map((item) => (this.unlinks(item) ? { ...(item as Obj), linkedSubjectId: null } : item));
    }
    return copy as unknown as Notice;
  }

  private unlinks(item: Json): boolean {
    const linked = (item as Obj | null)?.linkedSubjectId;
    return typeof linked === 'string' && this.roles.get(linked) === 'remove';
  }

  /** The value filtered under its plan: the value itself when nothing in it changes. `owner`: the disposition of the subject it belongs to. */
  private visit(value: Json, plan: Plan, owner: Disposition | null, ownerRule: string | null): Json {
    if (value === null || value === undefined) return value;
    switch (plan.kind) {
      case 'static':
        return value;
      case 'leaf':
        return this.leafValue(value, plan, owner, ownerRule);
      case 'record':
        return this.visitObject(value as Obj, plan, owner, ownerRule);
      case 'list': {
        if (!Array.isArray(value)) return value;
        let out: Json[] | undefined;
        for (let i = 0; i < value.length; i += 1) {
          const item = value[i] as Json;
          this.at.push(i);
          const after = this.visit(item, plan.items, owner, ownerRule);
          this.at.pop();
          if (after !== item) (out ??= value.slice())[i] = after;
        }
        return out ?? value;
      }
    }
  }

  private visitObject(value: Obj, plan: RecordPlan, owner: Disposition | null, ownerRule: string | null): Obj {
    let o = owner;
    let r = ownerRule;
    if (plan.linked && o === null) {
      const linked = value.linkedSubjectId;
      const disposition = typeof linked === 'string' ? this.roles.get(linked) : undefined;
      if (disposition !== undefined && typeof linked === 'string') {
        o = disposition;
        r = this.ruleOfRole.get(linked) ?? null;
      }
    }
    // Rule 5 (safeguards): addresses only to city and country.
    const generalise = plan.address && this.ctx.treatment.mode === 'safeguards' && Boolean(value.street || value.postcode);
    let out: Obj | undefined;
    if (generalise) {
      this.act('GENERALISED', RULES.thirdCountry, 'to city and country');
      out = { ...value, street: null, postcode: null };
    }
    for (const { name, plan: field } of plan.fields) {
      if (generalise && (name === 'street' || name === 'postcode')) continue;
      const before = value[name];
      if (before === null || before === undefined) continue;
      this.at.push(name);
      const after = this.visit(before, field, o, r);
      this.at.pop();
      if (after !== before) (out ??= { ...value })[name] = after;
    }
    return out ?? value;
  }

  /** A personal leaf: a string, a number, a boolean, or a list of them; the field is the last name of `at`. */
  private leafValue(value: Json, plan: LeafPlan, owner: Disposition | null, ownerRule: string | null): Json {
    if (isEmpty(value)) return value;
    const after = this.leaf(value, plan.tag, owner, ownerRule);
    if (after !== value) return after;
    // A leaf the schema does not tag counts as personal data (fail closed), and its text is scanned.
    if (plan.untagged && plan.tag !== 'free-text') return this.mask(value);
    return value;
  }

  /**
   * Rule 5, a derived identifier is the identifier: where the date of birth goes only as a
   * year, a document number that contains the full date (a Belgian national register number,
   * YY.MM.DD-…) does not go either.
   */
  private dropDerivedDocuments(subject: Obj): Obj {
    if (typeof subject.dateOfBirth !== 'string' || !Array.isArray(subject.documents)) return subject;
    const documents = subject.documents as Obj[];
    const keep: Json[] = [];
    documents.forEach((d, j) => {
      if (carriesDateOfBirth(d.number as string | null, subject.dateOfBirth as string)) this.act('REMOVED', RULES.thirdCountry, 'carries the date of birth', 'documents', j);
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

/**
 * Rule 5, a derived identifier is the identifier: does this document number contain the full
 * date of birth (a Belgian national register number, YYMMDD…, or DDMMYY…)?
 */
export function carriesDateOfBirth(number: string | null | undefined, dateOfBirth: string | null | undefined): boolean {
  const dob = dateOfBirth ? /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(dateOfBirth) : null;
  if (!dob || !number) return false;
  const [, yy, mm, dd] = dob as unknown as [string, string, string, string];
  const digits = number.replace(/\D/g, '');
  return digits.includes(`${yy}${mm}${dd}`) || digits.includes(`${dd}${mm}${yy}`);
}

/** Does the copy still carry personal data (a non-empty identifier, quasi-identifier or special field)? */
export function carriesPersonalData(policy: Policy, notice: Notice): boolean {
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

export function filterCopy(policy: Policy, agreement: Agreement, key: Buffer, notice: Notice, destination: string, mode: Mode, expiresAt: number, memo?: FilterMemo): Copy {
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
      // What rule 5 generalises or drops from a kept subject: street and postcode, the full date of birth, and every number that carries it.
      for (const a of s.addresses) if (a.street) out.push(...streetDeclared(a.street, a.postcode));
      if (s.dateOfBirth && s.dateOfBirth.length > 4) out.push(...dateDeclared(s.dateOfBirth));
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
