/**
 * One scenario per agreement of config/agreements.yaml, on the real broker and registry: a notice from the
 * seeds' world, sent to members and non-members, and exactly what each inbox receives, what
 * is blocked or held, and what the origin's report says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonym } from '../../../services/policy/filter.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { contact, notice, person, suspect, victim, witness } from '../../fixtures/notices.ts';
import { exchange, type Exchange, newGatewayGroup, type RunningGateway, startGateway, testKeys } from '../../support/flow.ts';

const statusOf = (x: Exchange) => Object.fromEntries(x.report.destinations.map((d) => [d.destination, d.status]));
const agreementOf = (x: Exchange) => Object.fromEntries(x.report.destinations.map((d) => [d.destination, d.agreement]));
const only = (x: Exchange, destination: string): EuLiaison.NoticeCopy => {
  const copies = x.copies.get(destination) ?? [];
  expect(copies, `copies for ${destination}`).toHaveLength(1);
  return copies[0]!;
};

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
});
afterAll(async () => {
  await gateway?.stop();
});

describe('BE–NL cross-border crime: an ATM gas attack series', () => {
  it('reaches Belgium in full; France and the US have no agreement for it', async () => {
    const atm = notice({
      sender: { country: 'NL', agency: 'Politie Eenheid Zeeland-West-Brabant', contactPoint: 'IRC Zuid', onBehalfOf: null },
      caseRef: 'ZWB-2026-ATM-017',
      recipients: ['BE', 'FR', 'US'],
      crimeAreas: ['ATM_ATTACKS'],
      summary: 'Third gas attack on an ATM in Baarle-Hertog; getaway car 1-ABC-234 crossed to Baarle-Nassau.',
      subjects: [{ ...suspect, healthInformation: null }, witness, victim],
    });
    const x = await exchange('NL', atm);
    expect(statusOf(x)).toEqual({ BE: 'DELIVERED_FILTERED', FR: 'BLOCKED', US: 'BLOCKED' });
    expect(agreementOf(x).BE).toBe('be-nl-cross-border');
    const be = only(x, 'BE');
    // All roles may go; only the victim's special-category field, not declared necessary, is removed.
    expect(be.fieldActions).toEqual([{ path: 'subjects[2].ethnicOrigin', action: 'REMOVED', rule: 'rule-3-special-categories', detail: null }]);
    expect(be.origin).toBe('NL');
    expect(be.notice.subjects.map((s) => s.familyName)).toEqual(['Van Damme', 'Peeters', 'Janssens']);
    expect(be.notice.recipients).toEqual(['BE']);
    expect(x.copies.get('FR')).toEqual([]);
    expect(x.copies.get('US')).toEqual([]);
    const us = x.report.destinations.find((d) => d.destination === 'US')!;
    expect(us.reasons).toEqual(['no agreement between NL and US covers ATM_ATTACKS']);
  });
});

describe('SENN-POST: drugs seized in parcels', () => {
  it('reaches North Rhine-Westphalia and Luxembourg, France under Hazeldonk, not Italy', async () => {
    const parcels = notice({
      sender: { country: 'NL', agency: 'Douane Nederland', contactPoint: 'SENN-POST NL', onBehalfOf: null },
      caseRef: 'SENN-2026-0311',
      recipients: ['DE-NW', 'LU', 'FR', 'IT'],
      crimeAreas: ['DRUGS_POST_COURIER'],
      summary: 'Parcel with 2 kg MDMA from Venlo to Köln; sender paid from NL91ABNA0417164300.',
      subjects: [person({ subjectId: 'S1', role: 'SUSPECT', familyName: 'Bakker', givenNames: 'Joost', dateOfBirth: '1995-02-11' })],
      vehicles: [],
      financial: [],
      parcels: [{ trackingNumber: '3SABCD0123456789', carrier: 'PostNL', originCountry: 'NL', destinationCountry: 'DE', senderName: 'J. Bakker', recipientName: 'M. Schulz', recipientAddress: { street: 'Domstraße 1', postcode: '50668', city: 'Köln', country: 'DE' }, contents: 'MDMA crystals' }],
      seizures: [{ substance: 'MDMA', quantityKg: 2, units: null, place: 'NLVEN', date: '2026-11-17' }],
    });
    const x = await exchange('NL', parcels);
    expect(statusOf(x)).toEqual({ 'DE-NW': 'DELIVERED_FILTERED', LU: 'DELIVERED_FILTERED', FR: 'DELIVERED_FILTERED', IT: 'BLOCKED' });
    expect(agreementOf(x)).toMatchObject({ 'DE-NW': 'senn-post', LU: 'senn-post', FR: 'hazeldonk' });
    const nw = only(x, 'DE-NW');
    expect(nw.notice.parcels[0]!.trackingNumber).toBe('3SABCD0123456789');
    expect(nw.notice.summary).toContain('[iban removed]');
    expect(nw.notice.seizures).toEqual(parcels.seizures);
    expect(x.copies.get('IT')).toEqual([]);
  });
});

describe('Hazeldonk: drug tourism on the A16', () => {
  it('pseudonymises a witness for the Benelux partners and blocks Spain', async () => {
    const tourism = notice({
      sender: { country: 'FR', agency: 'Police nationale, OFAST Lille', contactPoint: 'SPOC FR', onBehalfOf: null },
      caseRef: 'LIL-2026-HZD-044',
      recipients: ['NL', 'BE', 'ES'],
      crimeAreas: ['DRUG_TOURISM'],
      summary: 'Couriers buying cannabis in Breda, returning via the A16 to Lille.',
      subjects: [{ ...suspect, healthInformation: null }, witness],
      financial: [],
    });
    const x = await exchange('FR', tourism);
    expect(statusOf(x)).toEqual({ NL: 'DELIVERED_FILTERED', BE: 'DELIVERED_FILTERED', ES: 'BLOCKED' });
    const nl = only(x, 'NL');
    expect(nl.agreement).toBe('hazeldonk');
    expect(nl.notice.subjects[1]!.familyName).toBe(pseudonym(testKeys('hazeldonk'), 'familyName', 'Peeters'));
    expect(only(x, 'BE').notice.subjects[1]!.familyName).toBe(nl.notice.subjects[1]!.familyName);
    const reported = x.report.destinations.find((d) => d.destination === 'NL')!.fieldActions;
    expect(reported).toContainEqual({ path: 'subjects[1].familyName', action: 'PSEUDONYMISED', rule: 'rule-8-pseudonyms', detail: null });
    expect(nl.fieldActions).toEqual(reported);
  });
});

describe('Benelux police treaty: a firearms trade', () => {
  it('carries victims in full between Luxembourg and Belgium and blocks Germany', async () => {
    const firearms = notice({
      sender: { country: 'LU', agency: 'Police grand-ducale', contactPoint: 'SPOC LU', onBehalfOf: null },
      caseRef: 'LUX-2026-ARM-009',
      recipients: ['BE', 'DE'],
      crimeAreas: ['FIREARMS'],
      summary: 'Converted alarm pistols sold from a garage in Esch-sur-Alzette.',
      subjects: [{ ...suspect, healthInformation: null }, victim],
    });
    const x = await exchange('LU', firearms);
    expect(statusOf(x)).toEqual({ BE: 'DELIVERED_FILTERED', DE: 'BLOCKED' });
    const be = only(x, 'BE');
    expect(be.agreement).toBe('benelux-police-treaty');
    expect(be.notice.subjects[1]!.familyName).toBe('Janssens');
    // Special categories not declared strictly necessary: removed even under the treaty.
    expect(be.notice.subjects[1]!.ethnicOrigin).toBeNull();
  });
});

describe('Benelux liaison-officer network: a Dutch LO acting for Luxembourg', () => {
  it('delivers under the network with the onBehalfOf recorded, contacts kept', async () => {
    const lo = notice({
      sender: { country: 'NL', agency: 'KLPD Liaison Officer Bogotá', contactPoint: 'LO Bogotá', onBehalfOf: 'LU' },
      caseRef: 'LO-BOG-2026-031',
      legalBasis: 'benelux-lo-network',
      recipients: ['BE'],
      crimeAreas: ['COCAINE_TRAFFICKING'],
      summary: 'Information from Colombian police on a Luxembourg-registered front company.',
      subjects: [{ ...suspect, healthInformation: null }, contact],
      vehicles: [],
      financial: [],
    });
    const x = await exchange('NL', lo);
    expect(statusOf(x)).toEqual({ BE: 'DELIVERED_FILTERED' });
    const be = only(x, 'BE');
    expect(be.agreement).toBe('benelux-lo-network');
    expect(be.notice.sender.onBehalfOf).toBe('LU');
    expect(be.notice.subjects.map((s) => s.role)).toEqual(['SUSPECT', 'CONTACT']);
  });
});

describe('Six-country coalition: cocaine through Antwerp', () => {
  it('goes to the coalition partners filtered, and nowhere above its ceiling', async () => {
    const cocaine = notice({ recipients: ['DE', 'FR', 'IT', 'ES'], subjects: [{ ...suspect, healthInformation: null }, contact] });
    const x = await exchange('BE', cocaine);
    expect(statusOf(x)).toEqual({ DE: 'DELIVERED_FILTERED', FR: 'DELIVERED_FILTERED', IT: 'DELIVERED_FILTERED', ES: 'DELIVERED_FILTERED' });
    expect(new Set(Object.values(agreementOf(x)))).toEqual(new Set(['six-country-coalition', 'hazeldonk']));
    const it_ = only(x, 'IT');
    expect(it_.notice.summary).toBe('Container MSCU1234565 from ECGYE held 1.250 kg cocaine at BEANR. Suspect called [phone removed] in Rotterdam; payments via [iban removed].');
    expect(it_.notice.containers).toEqual(cocaine.containers);

    const confidential = await exchange('BE', notice({ recipients: ['IT', 'NL'], classification: 'CONFIDENTIAL' }));
    expect(statusOf(confidential)).toEqual({ IT: 'BLOCKED', NL: 'DELIVERED_FILTERED' });
    expect(confidential.report.destinations[0]!.rules).toContain('rule-2-classification-ceiling');
    expect(confidential.copies.get('IT')).toEqual([]);
  });
});

describe('Transatlantic: a money launderer, to the United States', () => {
  it('sends the suspect only, minimised, under H2', async () => {
    const laundering = notice({
      sender: { country: 'NL', agency: 'FIOD', contactPoint: 'SPOC NL', onBehalfOf: null },
      caseRef: 'FIOD-2026-ML-220',
      recipients: ['US'],
      kind: 'REQUEST',
      crimeAreas: ['MONEY_LAUNDERING'],
      subjects: [{ ...suspect, healthInformation: null }, contact, witness],
    });
    const x = await exchange('NL', laundering);
    expect(statusOf(x)).toEqual({ US: 'DELIVERED_FILTERED' });
    const us = only(x, 'US');
    expect(us.agreement).toBe('transatlantic');
    expect(us.notice.subjects).toHaveLength(1);
    expect(us.notice.subjects[0]!.dateOfBirth).toBe('1987');
    expect(us.notice.subjects[0]!.addresses[0]).toEqual({ street: null, postcode: null, city: 'Antwerpen', country: 'BE' });
    expect(us.notice.handling.code).toBe('H2');
    expect(us.notice.handling.processingConditions).toEqual(laundering.handling.processingConditions);
  });
});

describe('Latin-American source and transit countries: a derogation', () => {
  it('delivers non-personal content to Colombia at once and holds the personal data for the DPO', async () => {
    const shipment = notice({ recipients: ['CO', 'US'] });
    const x = await exchange('BE', shipment);
    expect(statusOf(x)).toEqual({ CO: 'HELD_FOR_REVIEW', US: 'DELIVERED_FILTERED' });
    const co = only(x, 'CO');
    expect(co.part).toBe('NON_PERSONAL');
    expect(co.notice.subjects).toEqual([]);
    expect(co.notice.containers).toEqual(shipment.containers);
    expect(co.notice.vehicles[0]!.licencePlate).toBeNull();
    expect(x.held).toHaveLength(1);
    expect(x.held[0]!.destination).toBe('CO');
    expect(x.held[0]!.notice.subjects[0]!.familyName).toBe('Van Damme');
    expect(x.report.destinations.find((d) => d.destination === 'CO')!.reasons[0]).toContain("BE's data protection officer");
  });
});

describe('Crime pictures: a strategic analysis', () => {
  it('carries no personal data', async () => {
    const picture = notice({
      legalBasis: 'crime-pictures',
      recipients: ['NL', 'LU'],
      crimeAreas: ['SYNTHETIC_DRUGS'],
      kind: 'INFORMATION',
      summary: 'Crime picture 2026: synthetic drug labs moving from Brabant to Limburg; contact analyst at analyse@example.be.',
    });
    const x = await exchange('BE', picture);
    expect(statusOf(x)).toEqual({ NL: 'DELIVERED_FILTERED', LU: 'DELIVERED_FILTERED' });
    const nl = only(x, 'NL');
    expect(nl.notice.subjects).toEqual([]);
    expect(nl.notice.financial[0]!.value).toBeNull();
    expect(nl.notice.summary).toContain('[email removed]');
  });
});

describe('EURIEC administrative approach: a front company', () => {
  it('shares the organisation with Germany, no persons', async () => {
    const company = notice({
      sender: { country: 'NL', agency: 'RIEC Limburg', contactPoint: 'EURIEC NL', onBehalfOf: null },
      legalBasis: 'euriec-administrative',
      recipients: ['DE'],
      crimeAreas: ['MONEY_LAUNDERING'],
      organisations: [{ name: 'Grenzland Autohandel GmbH', registrationNumber: 'HRB 12345', country: 'DE', role: 'suspected front company' }],
    });
    const x = await exchange('NL', company);
    const de = only(x, 'DE');
    expect(de.agreement).toBe('euriec-administrative');
    expect(de.notice.organisations).toEqual(company.organisations);
    expect(de.notice.subjects).toEqual([]);
  });
});

describe('Europol copy', () => {
  it('reaches Europol from a member state, not from a third country', async () => {
    const x = await exchange('BE', notice({ recipients: ['EUROPOL'], crimeAreas: ['ATM_ATTACKS'], subjects: [{ ...suspect, healthInformation: null }, victim] }));
    expect(statusOf(x)).toEqual({ EUROPOL: 'DELIVERED_FILTERED' });
    expect(only(x, 'EUROPOL').agreement).toBe('europol-copy');
    expect(only(x, 'EUROPOL').notice.subjects).toHaveLength(2);

    const fromUs = await exchange('US', notice({ sender: { country: 'US', agency: 'DEA', contactPoint: 'DEA Brussels', onBehalfOf: null }, recipients: ['EUROPOL', 'BE'] }));
    expect(statusOf(fromUs)).toEqual({ EUROPOL: 'BLOCKED', BE: 'DELIVERED_FILTERED' });
  });
});
