/**
 * The demo's scenario, written from the seeds' world: a container of cocaine in Antwerp with
 * links to Rotterdam and the Latin-American source and transit countries, a run of ATM gas
 * attacks across the BE–NL border, drugs in parcels (SENN-POST), a Hazeldonk control action on
 * the A16, a money launderer the US is asked about, administrative (EURIEC) and strategic
 * (crime pictures) exchanges, and what officers do with them. All persons are invented.
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';

type Notice = EuLiaison.Notice;
type Person = EuLiaison.Person;
/** What a national system submits: the adapter fills in noticeId, createdAt and sender.country. */
export type Submission = Omit<Partial<Notice>, 'sender'> & { sender: Omit<EuLiaison.Sender, 'country'> & { country?: string } };

export interface ScenarioNotice {
  /** A short name for the table. */
  label: string;
  as: string;
  notice: Submission;
}

const person = (p: Partial<Person> & Pick<Person, 'subjectId' | 'role'>): Person => ({
  familyName: null, givenNames: null, aliases: [], dateOfBirth: null, placeOfBirth: null, gender: null,
  nationalities: [], documents: [], phoneNumbers: [], emailAddresses: [], addresses: [],
  ethnicOrigin: null, religiousBelief: null, politicalOpinion: null, healthInformation: null, sexLife: null,
  biometricReference: null, remarks: null, ...p,
});

const AGENCY: Record<string, { agency: string; contactPoint: string }> = {
  BE: { agency: 'Federale Gerechtelijke Politie Antwerpen', contactPoint: 'SPOC BE (DGJ/DJO)' },
  NL: { agency: 'Landelijke Eenheid, Dienst Landelijke Recherche', contactPoint: 'LIRC NL' },
  LU: { agency: 'Police grand-ducale, Service de police judiciaire', contactPoint: 'SPOC LU' },
  FR: { agency: 'OFAST', contactPoint: 'SCCOPOL FR' },
  DE: { agency: 'Bundeskriminalamt', contactPoint: 'BKA SPOC' },
  'DE-NW': { agency: 'Landeskriminalamt Nordrhein-Westfalen', contactPoint: 'LKA NRW' },
  IT: { agency: 'Direzione Centrale per i Servizi Antidroga', contactPoint: 'SCIP IT' },
  ES: { agency: 'Guardia Civil, UCO', contactPoint: 'CICO ES' },
  US: { agency: 'Homeland Security Investigations', contactPoint: 'HSI Attaché The Hague' },
  CO: { agency: 'Policía Nacional de Colombia, DIJIN', contactPoint: 'DIJIN' },
};

let serial = 0;
function base(as: string, over: Partial<Submission>): Submission {
  serial += 1;
  return {
    kind: 'INFORMATION',
    inReplyTo: null,
    caseRef: `${as}-2026-${String(1000 + serial)}`,
    sender: { ...AGENCY[as]!, onBehalfOf: null },
    recipients: [],
    legalBasis: null,
    purpose: 'Prevention and investigation of serious cross-border crime',
    crimeAreas: ['COCAINE_TRAFFICKING'],
    handling: { code: 'H0', h3Text: null, processingConditions: [] },
    classification: 'RESTRICTED',
    evaluation: { source: 'B', information: 'R2' },
    priority: 'ROUTINE',
    directlyAccessible: false,
    specialCategories: { strictlyNecessary: false, justification: null },
    summary: '',
    ...over,
  };
}

const broker = person({
  subjectId: 'S1', role: 'SUSPECT', familyName: 'Verhoeven', givenNames: 'Dries', dateOfBirth: '1984-02-11', nationalities: ['BE'],
  phoneNumbers: ['+32 478 55 21 90'], addresses: [{ street: 'Noorderlaan 140', postcode: '2030', city: 'Antwerpen', country: 'BE' }],
  documents: [{ type: 'PASSPORT', number: 'EM774411', issuingCountry: 'BE' }],
});
const forwarder = person({ subjectId: 'S2', role: 'SUSPECT', familyName: 'Bakker', givenNames: 'Ruud', dateOfBirth: '1979-09-23', nationalities: ['NL'], addresses: [{ street: 'Waalhaven Z.z. 44', postcode: '3089', city: 'Rotterdam', country: 'NL' }] });
const dockWitness = person({ subjectId: 'W1', role: 'WITNESS', familyName: 'Claes', givenNames: 'Lotte', phoneNumbers: ['+32 3 218 44 10'] });
const atmSuspect = (id: string, name: string, born: string) => person({ subjectId: id, role: 'SUSPECT', familyName: name, givenNames: 'Mo', dateOfBirth: born, nationalities: ['NL'] });
const launderer = person({
  subjectId: 'S1', role: 'SUSPECT', familyName: 'Moreau', givenNames: 'Julien', dateOfBirth: '1976-05-30', nationalities: ['BE', 'FR'],
  addresses: [{ street: 'Meir 10', postcode: '2000', city: 'Antwerpen', country: 'BE' }], emailAddresses: ['j.moreau@example.com'],
});
const traffickingVictim = person({ subjectId: 'V1', role: 'VICTIM', familyName: 'Popescu', givenNames: 'Ana', dateOfBirth: '2001-04-02', nationalities: ['RO'], healthInformation: 'injuries documented by a doctor' });
const container = (n: string, from: string) => ({ containerNumber: n, portOfLoading: from, portOfDischarge: 'BEANR', vesselImo: 'IMO9839143' });
const parcel = (tracking: string, to: string) => ({ trackingNumber: tracking, carrier: 'PostNL', originCountry: 'NL', destinationCountry: to, senderName: 'J. de Wit', recipientName: null, recipientAddress: null, contents: 'MDMA pills, 500 g' });

/** The notices national systems submit through the adapter. */
export function scenarioNotices(): ScenarioNotice[] {
  serial = 0;
  const n = (label: string, as: string, over: Partial<Submission>): ScenarioNotice => ({ label, as, notice: base(as, over) });
  const coalition: EuLiaison.CrimeArea[] = ['COCAINE_TRAFFICKING'];
  return [
    // The container in Antwerp.
    n('Antwerp: 1.4 t cocaine in bananas', 'BE', {
      recipients: ['NL', 'DE', 'FR', 'IT', 'ES'], crimeAreas: coalition, priority: 'URGENT',
      handling: { code: 'H1', h3Text: null, processingConditions: ['Not as evidence without the Antwerp prosecutor’s permission'] },
      summary: 'Container MSCU7334210 from ECGYE held 1,400 kg cocaine in banana boxes at BEANR. Broker called +32 478 55 21 90.',
      subjects: [broker, dockWitness], containers: [container('MSCU7334210', 'ECGYE')],
      seizures: [{ substance: 'cocaine', quantityKg: 1400, units: null, place: 'BEANR', date: '2026-11-18' }],
    }),
    n('Antwerp: who is the Rotterdam consignee?', 'BE', {
      kind: 'REQUEST', recipients: ['NL'], crimeAreas: coalition, priority: 'URGENT', directlyAccessible: true,
      summary: 'Request: identify the beneficial owners of the Rotterdam forwarder that received the paperwork of MSCU7334210.',
      organisations: [{ name: 'Waalhaven Fresh Logistics BV', registrationNumber: 'KVK 81234567', country: 'NL', role: 'freight forwarder' }],
      subjects: [forwarder],
    }),
    n('Antwerp: route via Guayaquil (derogation)', 'BE', {
      recipients: ['EC', 'CO'], crimeAreas: coalition,
      summary: 'The container was loaded at Guayaquil; the broker travelled to Cartagena twice this year.',
      subjects: [broker], containers: [container('MSCU7334210', 'ECGYE')],
    }),
    n('Antwerp: copy for Europol', 'BE', { recipients: ['EUROPOL'], crimeAreas: coalition, summary: 'Seizure of 1,400 kg cocaine at BEANR from ECGYE; modus operandi rip-on/rip-off.', containers: [container('MSCU7334210', 'ECGYE')] }),
    n('Rotterdam: reefer with cocaine, same shipper', 'NL', {
      recipients: ['BE', 'DE', 'ES'], crimeAreas: coalition, summary: 'Reefer MSKU9081726 from COCTG, same shipper as the Antwerp seizure; 600 kg cocaine.',
      containers: [{ containerNumber: 'MSKU9081726', portOfLoading: 'COCTG', portOfDischarge: 'NLRTM', vesselImo: 'IMO9839143' }], subjects: [forwarder],
    }),
    n('Algeciras: transshipment of the same line', 'ES', { recipients: ['BE', 'NL', 'FR'], crimeAreas: coalition, summary: 'Guardia Civil seized 900 kg at ESALG from a vessel that later called at Antwerp.' }),
    n('Gioia Tauro: broker linked to Antwerp', 'IT', { recipients: ['BE', 'NL'], crimeAreas: coalition, summary: 'A broker active at ITGIT is in contact with the Antwerp broker.', subjects: [broker] }),
    n('Hamburg: port workers recruited', 'DE', { recipients: ['BE', 'NL'], crimeAreas: coalition, summary: 'Port workers in Hamburg were offered money to move containers; same recruiter as in Antwerp.' }),
    n('Rotterdam → Colombia (derogation)', 'NL', { recipients: ['CO', 'PA'], crimeAreas: coalition, summary: 'Shipper of MSKU9081726 registered in Barranquilla.', subjects: [forwarder] }),
    n('Antwerp → Peru and Bolivia, no personal data', 'BE', { recipients: ['PE', 'BO'], crimeAreas: coalition, summary: 'Concealment method: cocaine dissolved in charcoal briquettes.' }),
    n('Brazil: Santos shipments (derogation)', 'NL', { recipients: ['BR', 'PY'], crimeAreas: coalition, summary: 'Three containers from BRSSZ flagged by the scanner at NLRTM.', subjects: [forwarder] }),
    n('Colombia: cocaine laboratory destroyed', 'CO', { recipients: ['BE', 'NL'], crimeAreas: coalition, summary: 'DIJIN destroyed a laboratory supplying the exporter of MSCU7334210.' }),
    // ATM gas attacks across the BE–NL border.
    ...['Turnhout', 'Maasmechelen', 'Lommel', 'Genk'].map((town, i) =>
      n(`ATM gas attack in ${town}`, 'BE', {
        recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], priority: i === 0 ? 'URGENT' : 'ROUTINE',
        summary: `Gas attack on an ATM in ${town} at night; getaway car with Dutch plates seen heading for the border.`,
        vehicles: [{ licencePlate: `N-${300 + i}-XK`, registrationCountry: 'NL', vin: null, make: 'Audi', model: 'RS6', colour: 'black', linkedSubjectId: null }],
      }),
    ),
    n('ATM attackers identified in Utrecht', 'NL', { recipients: ['BE', 'FR'], crimeAreas: ['ATM_ATTACKS'], summary: 'Two suspects from Utrecht linked to the Belgian attacks by telecom data.', subjects: [atmSuspect('S1', 'El Amrani', '1999-07-01'), atmSuspect('S2', 'Yilmaz', '2000-01-15')] }),
    n('ALERT: attack team on the E313', 'NL', { kind: 'ALERT', recipients: ['BE'], crimeAreas: ['ATM_ATTACKS'], priority: 'URGENT', summary: 'Attack team expected tonight on the E313; vehicle N-301-XK.' }),
    n('ATM: explosives bought in Germany', 'NL', { recipients: ['BE', 'DE'], crimeAreas: ['ATM_ATTACKS'], summary: 'Explosives came from a shop in Aachen.' }),
    // Drugs in parcels (SENN-POST).
    ...['BE', 'LU', 'DE-NW'].map((to, i) =>
      n(`SENN-POST: MDMA parcels to ${to}`, 'NL', { recipients: [to], crimeAreas: ['DRUGS_POST_COURIER', 'SYNTHETIC_DRUGS'], summary: `Parcels with MDMA from a sorting centre in Utrecht to ${to}.`, parcels: [parcel(`3SABC${1000 + i}NL`, to.slice(0, 2))] }),
    ),
    n('SENN-POST: darknet vendor shipping to Italy', 'NL', { recipients: ['BE', 'IT'], crimeAreas: ['DRUGS_POST_COURIER'], summary: 'Darknet vendor ships to Italy as well.', parcels: [parcel('3SXYZ2001NL', 'IT')] }),
    n('SENN-POST: parcel seized in Liège', 'BE', { recipients: ['NL', 'DE-NW'], crimeAreas: ['DRUGS_POST_COURIER'], summary: 'bpost intercepted a parcel with 2 kg amphetamine in Liège.', parcels: [parcel('CX123456789BE', 'BE')] }),
    n('SENN-POST: NRW controlled delivery', 'DE-NW', { recipients: ['NL', 'BE'], crimeAreas: ['DRUGS_POST_COURIER'], summary: 'Controlled delivery in Köln of a parcel from Venlo.' }),
    // Hazeldonk: drug tourism on the A16.
    n('Hazeldonk: control action on the A16', 'NL', {
      recipients: ['BE', 'FR', 'LU'], crimeAreas: ['DRUG_TOURISM'], summary: 'Joint control at Hazeldonk: 14 drug runners stopped; a witness described the dealer network in Breda.',
      subjects: [person({ subjectId: 'W1', role: 'WITNESS', familyName: 'Smits', givenNames: 'Joost', phoneNumbers: ['+31 6 44332211'] })],
    }),
    n('Hazeldonk: French drug runners', 'FR', { recipients: ['NL', 'BE'], crimeAreas: ['DRUG_TOURISM'], summary: 'Runners from Lille buy in Rotterdam and drive back via the A16.' }),
    n('Hazeldonk: result to Spain?', 'BE', { recipients: ['ES'], crimeAreas: ['DRUG_TOURISM'], summary: 'Hazeldonk results are of interest to Spain.' }),
    // A money launderer, to the United States.
    n('Request to the US: a money launderer', 'BE', {
      kind: 'REQUEST', recipients: ['US'], crimeAreas: ['MONEY_LAUNDERING'], legalBasis: 'transatlantic',
      handling: { code: 'H1', h3Text: null, processingConditions: ['Only for the investigation of the Antwerp network'] },
      summary: 'Request: accounts in Miami used by the launderer of the Antwerp network.', subjects: [launderer, dockWitness],
      financial: [{ type: 'IBAN', value: 'BE71096123456769', holderName: 'J. Moreau', amount: 2400000, currency: 'EUR', linkedSubjectId: 'S1' }],
    }),
    n('US: crypto wallets of the network', 'US', { recipients: ['BE', 'NL'], crimeAreas: ['MONEY_LAUNDERING'], legalBasis: 'transatlantic', summary: 'Wallets receiving proceeds of the Antwerp shipments.', financial: [{ type: 'CRYPTO_ADDRESS', value: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', holderName: null, amount: 12.5, currency: 'BTC', linkedSubjectId: null }] }),
    n('NL to the US: cash couriers', 'NL', { recipients: ['US'], crimeAreas: ['MONEY_LAUNDERING'], legalBasis: 'transatlantic', summary: 'Cash couriers flying AMS–MIA.', subjects: [forwarder] }),
    // Benelux.
    n('Benelux treaty: a firearms trade', 'LU', { recipients: ['BE', 'NL'], crimeAreas: ['FIREARMS'], summary: 'Converted alarm pistols sold from a garage in Esch-sur-Alzette.' }),
    n('Benelux LO network: NL LO for Luxembourg', 'NL', { recipients: ['BE'], crimeAreas: ['COCAINE_TRAFFICKING'], sender: { ...AGENCY.NL!, onBehalfOf: 'LU' }, summary: 'The Dutch liaison officer in Bogotá reports for Luxembourg on a courier.' }),
    n('Human trafficking: a victim in Antwerp', 'BE', { recipients: ['NL'], crimeAreas: ['HUMAN_TRAFFICKING'], summary: 'A victim of sexual exploitation was moved between Antwerp and Rotterdam.', subjects: [traffickingVictim] }),
    n('Motorcycle gang chapter crosses the border', 'NL', { recipients: ['BE'], crimeAreas: ['OUTLAW_MOTORCYCLE_GANGS'], summary: 'A chapter from Limburg (NL) opens a clubhouse in Maasmechelen.' }),
    n('Crime pictures: cocaine market 2026', 'BE', { recipients: ['NL', 'LU'], crimeAreas: ['COCAINE_TRAFFICKING'], legalBasis: 'crime-pictures', classification: 'UNCLASSIFIED', summary: 'Strategic analysis: prices, purity and routes of cocaine in the Benelux.' }),
    n('EURIEC: front company in Maastricht', 'NL', { recipients: ['BE', 'DE'], crimeAreas: ['ORGANISED_CRIME_OTHER'], legalBasis: 'euriec-administrative', summary: 'A car wash used as a front company; licences in three countries.', organisations: [{ name: 'Shine & Go VOF', registrationNumber: 'KVK 70112233', country: 'NL', role: 'front company' }] }),
    n('Luxembourg asks Belgium for records', 'LU', { kind: 'REQUEST', recipients: ['BE'], crimeAreas: ['FIREARMS'], summary: 'Request: criminal records of the buyers of the converted pistols.' }),
    n('H2: informant information from Rotterdam', 'NL', {
      recipients: ['BE'], crimeAreas: coalition, handling: { code: 'H2', h3Text: null, processingConditions: ['No dissemination without the LIRC’s permission'] },
      evaluation: { source: 'A', information: 'R2' }, summary: 'An informant places the broker at a meeting in Breda.',
    }),
    n('An old request nobody answered', 'BE', {
      kind: 'REQUEST', recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], createdAt: Date.now() - 9 * 24 * 3_600_000,
      summary: 'Request: telecom data of the getaway car’s phone, sent nine days ago.',
    }),
    n('Special categories declared necessary', 'NL', {
      recipients: ['BE'], crimeAreas: ['HUMAN_TRAFFICKING'], specialCategories: { strictlyNecessary: true, justification: 'the victim’s injuries identify the exploiter' },
      summary: 'The exploiter forces victims to work while injured.', subjects: [traffickingVictim],
    }),
    n('Migrant smuggling via Zeebrugge', 'BE', { recipients: ['NL', 'FR'], crimeAreas: ['MIGRANT_SMUGGLING'], summary: 'Migrants hidden in lorries boarding at BEZEE; drivers recruited in Rotterdam.' }),
    n('NL asks Germany about a courier', 'NL', { kind: 'REQUEST', recipients: ['DE'], crimeAreas: coalition, summary: 'Request: travel movements of a cocaine courier through Düsseldorf airport.' }),
    n('Phishing panel hosted in the Netherlands', 'BE', { recipients: ['NL'], crimeAreas: ['CYBERCRIME'], summary: 'Phishing panel targeting Belgian bank customers runs on a server in Amsterdam.' }),
    n('Cash found in a car at the border', 'LU', { recipients: ['BE', 'NL'], crimeAreas: ['MONEY_LAUNDERING'], summary: 'EUR 380,000 in cash in a hidden compartment, stopped at Steinfort.' }),
    n('Europol copy: synthetic drugs laboratory', 'NL', { recipients: ['EUROPOL'], crimeAreas: ['SYNTHETIC_DRUGS'], summary: 'Dismantled MDMA laboratory in Noord-Brabant; precursors from China.' }),
    n('Terrorism financing to Spain (no agreement)', 'BE', { recipients: ['ES'], crimeAreas: ['TERRORISM'], summary: 'A charity is suspected of financing.' }),
  ];
}
