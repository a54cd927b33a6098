/**
 * What the filter does at each place of the notice schema, compiled once per schema version
 * from the contract's data-protection tags (filter.ts walks it).
 */
import type { DataProtectionTag } from '../shared/contract.ts';
import type { Policy } from './policy.ts';

/** The tags whose fields are personal data: everything but non-personal. */
export const PERSONAL: readonly DataProtectionTag[] = ['identifier', 'quasi-identifier', 'special-category', 'free-text'];

/** Rule 5 (safeguards): the records whose street and postcode go (addresses only to city and country). */
const ADDRESS_PATH = /addresses\[\]$|recipientAddress$/;

/**
 * What the filter does at each place of the notice schema, compiled once per schema version
 * (from the contract's data-protection tags): a leaf knows its tag, a record its fields that
 * hold personal data, and everything without personal data below it is `static` and shared
 * with the copy as it is. So a filtering walks only where personal data can be, looks up no
 * tag, and copies a record only when something in it changes (copy on write).
 */
export type Plan = StaticPlan | LeafPlan | RecordPlan | ListPlan;
/** Nothing personal below: the copy shares it. */
interface StaticPlan {
  kind: 'static';
}
/** A string, number or boolean, or a list of them. */
export interface LeafPlan {
  kind: 'leaf';
  tag: DataProtectionTag;
  /** The contract leaves it untagged: personal (fail closed), and its text is scanned. */
  untagged: boolean;
}
export interface RecordPlan {
  kind: 'record';
  /** The fields with personal data below them, in schema order. */
  fields: ReadonlyArray<{ name: string; plan: Plan }>;
  /** Rule 5 (safeguards): an address, whose street and postcode go. */
  address: boolean;
  /** It may name a subject (linkedSubjectId), whose treatment it then gets. */
  linked: boolean;
}
interface ListPlan {
  kind: 'list';
  items: Plan;
}

interface Draft {
  path: string;
  list: boolean;
  leaf?: LeafPlan;
  children: Map<string, Draft>;
}

const STATIC: StaticPlan = { kind: 'static' };
const compiled = new WeakMap<ReadonlyMap<string, DataProtectionTag>, RecordPlan>();

/** The notice's plan, from the tags of every leaf (`subjects[].addresses[].street`): made once per schema version. */
export function planOf(policy: Policy): RecordPlan {
  let plan = compiled.get(policy.tags);
  if (!plan) compiled.set(policy.tags, (plan = compile(policy.tags, policy.untagged)));
  return plan;
}

function compile(tags: ReadonlyMap<string, DataProtectionTag>, untagged: ReadonlySet<string>): RecordPlan {
  const root: Draft = { path: '', list: false, children: new Map() };
  for (const [path, tag] of tags) {
    let node = root;
    for (const segment of path.split('.')) {
      const list = segment.endsWith('[]');
      const name = list ? segment.slice(0, -2) : segment;
      let child = node.children.get(name);
      if (!child) node.children.set(name, (child = { path: node.path ? `${node.path}.${segment}` : segment, list, children: new Map() }));
      node = child;
    }
    node.leaf = { kind: 'leaf', tag, untagged: untagged.has(path) };
  }
  const plan = planOfDraft(root);
  if (plan.kind !== 'record') throw new Error('the notice schema holds no personal field');
  return plan;
}

function planOfDraft(draft: Draft): Plan {
  if (draft.leaf) return PERSONAL.includes(draft.leaf.tag) ? draft.leaf : STATIC;
  const fields = [...draft.children].map(([name, child]) => ({ name, plan: planOfDraft(child) })).filter((f) => f.plan.kind !== 'static');
  if (fields.length === 0) return STATIC;
  const record: RecordPlan = { kind: 'record', fields, address: ADDRESS_PATH.test(draft.path), linked: draft.children.has('linkedSubjectId') };
  return draft.list ? { kind: 'list', items: record } : record;
}

