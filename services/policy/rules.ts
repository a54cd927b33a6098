/** The rule vocabulary: every decision names the rules it applied, numbered as in docs/data-protection.md. */
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
