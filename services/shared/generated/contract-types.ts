// Generated from schemas/*.avsc by schemas/generate-types.ts. Do not edit.

export type AvroType = {
    "eu.liaison.Notice": EuLiaison.Notice;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy": EuLiaison.NoticeCopy;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport": EuLiaison.DeliveryReport;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent": EuLiaison.AuditEvent;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter": EuLiaison.DeadLetter;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision": EuLiaison.HeldDecision;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt": EuLiaison.Receipt;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission": EuLiaison.ForwardingPermission;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt": EuLiaison.BatchAttempt;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint": EuLiaison.AuditCheckpoint;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry": EuLiaison.IndexEntry;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup": EuLiaison.IndexLookup;
    "eu.liaison.PolicyReview"?: never;
} | {
    "eu.liaison.Notice"?: never;
    "eu.liaison.NoticeCopy"?: never;
    "eu.liaison.DeliveryReport"?: never;
    "eu.liaison.AuditEvent"?: never;
    "eu.liaison.DeadLetter"?: never;
    "eu.liaison.HeldDecision"?: never;
    "eu.liaison.Receipt"?: never;
    "eu.liaison.ForwardingPermission"?: never;
    "eu.liaison.BatchAttempt"?: never;
    "eu.liaison.AuditCheckpoint"?: never;
    "eu.liaison.IndexEntry"?: never;
    "eu.liaison.IndexLookup"?: never;
    "eu.liaison.PolicyReview": EuLiaison.PolicyReview;
};

export namespace EuLiaison {
    export const NoticeKindSchema = "{\"type\":\"enum\",\"name\":\"NoticeKind\",\"symbols\":[\"INFORMATION\",\"REQUEST\",\"RESPONSE\",\"ALERT\"],\"namespace\":\"eu.liaison\"}";
    export const NoticeKindName = "eu.liaison.NoticeKind";
    export type NoticeKind = "INFORMATION" | "REQUEST" | "RESPONSE" | "ALERT";
    export const SenderSchema = "{\"type\":\"record\",\"name\":\"Sender\",\"fields\":[{\"name\":\"country\",\"type\":\"string\",\"doc\":\"ISO 3166-1 alpha-2 or a listed sub-national/agency code; must be the outbox's own\",\"dp\":\"non-personal\"},{\"name\":\"agency\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"contactPoint\",\"type\":\"string\",\"doc\":\"The desk (e.g. SPOC, LO Bogot\u00E1), not an officer's name\",\"dp\":\"free-text\"},{\"name\":\"onBehalfOf\",\"type\":[\"null\",\"string\"],\"doc\":\"Benelux liaison officers acting for another Benelux country\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const SenderName = "eu.liaison.Sender";
    export interface Sender {
        /**
         * ISO 3166-1 alpha-2 or a listed sub-national/agency code; must be the outbox's own
         */
        country: string;
        agency: string;
        /**
         * The desk (e.g. SPOC, LO Bogotá), not an officer's name
         */
        contactPoint: string;
        /**
         * Benelux liaison officers acting for another Benelux country
         *
         * Default: null
         */
        onBehalfOf: null | string;
    }
    export const CrimeAreaSchema = "{\"type\":\"enum\",\"name\":\"CrimeArea\",\"symbols\":[\"COCAINE_TRAFFICKING\",\"SYNTHETIC_DRUGS\",\"CANNABIS\",\"HEROIN\",\"DRUGS_POST_COURIER\",\"DRUG_TOURISM\",\"ATM_ATTACKS\",\"OUTLAW_MOTORCYCLE_GANGS\",\"HUMAN_TRAFFICKING\",\"MIGRANT_SMUGGLING\",\"MONEY_LAUNDERING\",\"CYBERCRIME\",\"DARKNET_TRADE\",\"FIREARMS\",\"TERRORISM\",\"CORRUPTION\",\"VIOLENT_CRIME\",\"ORGANISED_CRIME_OTHER\"],\"namespace\":\"eu.liaison\"}";
    export const CrimeAreaName = "eu.liaison.CrimeArea";
    export type CrimeArea = "COCAINE_TRAFFICKING" | "SYNTHETIC_DRUGS" | "CANNABIS" | "HEROIN" | "DRUGS_POST_COURIER" | "DRUG_TOURISM" | "ATM_ATTACKS" | "OUTLAW_MOTORCYCLE_GANGS" | "HUMAN_TRAFFICKING" | "MIGRANT_SMUGGLING" | "MONEY_LAUNDERING" | "CYBERCRIME" | "DARKNET_TRADE" | "FIREARMS" | "TERRORISM" | "CORRUPTION" | "VIOLENT_CRIME" | "ORGANISED_CRIME_OTHER";
    export const HandlingCodeSchema = "{\"type\":\"enum\",\"name\":\"HandlingCode\",\"symbols\":[\"H0\",\"H1\",\"H2\",\"H3\"],\"doc\":\"H0 law-enforcement purposes only; H1 not as evidence without permission; H2 no further dissemination without permission; H3 other restrictions (h3Text)\",\"namespace\":\"eu.liaison\"}";
    export const HandlingCodeName = "eu.liaison.HandlingCode";
    /**
     * H0 law-enforcement purposes only; H1 not as evidence without permission; H2 no further dissemination without permission; H3 other restrictions (h3Text)
     */
    export type HandlingCode = "H0" | "H1" | "H2" | "H3";
    export const HandlingSchema = "{\"type\":\"record\",\"name\":\"Handling\",\"fields\":[{\"name\":\"code\",\"type\":{\"type\":\"enum\",\"name\":\"HandlingCode\",\"symbols\":[\"H0\",\"H1\",\"H2\",\"H3\"],\"doc\":\"H0 law-enforcement purposes only; H1 not as evidence without permission; H2 no further dissemination without permission; H3 other restrictions (h3Text)\",\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"h3Text\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null},{\"name\":\"processingConditions\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"free-text\",\"default\":[]}],\"namespace\":\"eu.liaison\"}";
    export const HandlingName = "eu.liaison.Handling";
    export interface Handling {
        code: EuLiaison.HandlingCode;
        /**
         * Default: null
         */
        h3Text: null | string;
        /**
         * Default: []
         */
        processingConditions: string[];
    }
    export const ClassificationSchema = "{\"type\":\"enum\",\"name\":\"Classification\",\"symbols\":[\"UNCLASSIFIED\",\"RESTRICTED\",\"CONFIDENTIAL\",\"SECRET\"],\"namespace\":\"eu.liaison\"}";
    export const ClassificationName = "eu.liaison.Classification";
    export type Classification = "UNCLASSIFIED" | "RESTRICTED" | "CONFIDENTIAL" | "SECRET";
    export const SourceReliabilitySchema = "{\"type\":\"enum\",\"name\":\"SourceReliability\",\"symbols\":[\"A\",\"B\",\"C\",\"X\"],\"namespace\":\"eu.liaison\"}";
    export const SourceReliabilityName = "eu.liaison.SourceReliability";
    export type SourceReliability = "A" | "B" | "C" | "X";
    export const InformationReliabilitySchema = "{\"type\":\"enum\",\"name\":\"InformationReliability\",\"symbols\":[\"R1\",\"R2\",\"R3\",\"R4\"],\"namespace\":\"eu.liaison\"}";
    export const InformationReliabilityName = "eu.liaison.InformationReliability";
    export type InformationReliability = "R1" | "R2" | "R3" | "R4";
    export const EvaluationSchema = "{\"type\":\"record\",\"name\":\"Evaluation\",\"fields\":[{\"name\":\"source\",\"type\":{\"type\":\"enum\",\"name\":\"SourceReliability\",\"symbols\":[\"A\",\"B\",\"C\",\"X\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"information\",\"type\":{\"type\":\"enum\",\"name\":\"InformationReliability\",\"symbols\":[\"R1\",\"R2\",\"R3\",\"R4\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"}],\"namespace\":\"eu.liaison\"}";
    export const EvaluationName = "eu.liaison.Evaluation";
    export interface Evaluation {
        source: EuLiaison.SourceReliability;
        information: EuLiaison.InformationReliability;
    }
    export const PrioritySchema = "{\"type\":\"enum\",\"name\":\"Priority\",\"symbols\":[\"ROUTINE\",\"URGENT\"],\"namespace\":\"eu.liaison\"}";
    export const PriorityName = "eu.liaison.Priority";
    export type Priority = "ROUTINE" | "URGENT";
    export const SpecialCategoryDeclarationSchema = "{\"type\":\"record\",\"name\":\"SpecialCategoryDeclaration\",\"fields\":[{\"name\":\"strictlyNecessary\",\"type\":\"boolean\",\"dp\":\"non-personal\",\"default\":false},{\"name\":\"justification\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const SpecialCategoryDeclarationName = "eu.liaison.SpecialCategoryDeclaration";
    export interface SpecialCategoryDeclaration {
        /**
         * Default: false
         */
        strictlyNecessary: boolean;
        /**
         * Default: null
         */
        justification: null | string;
    }
    export const SubjectRoleSchema = "{\"type\":\"enum\",\"name\":\"SubjectRole\",\"symbols\":[\"SUSPECT\",\"CONVICTED\",\"VICTIM\",\"WITNESS\",\"CONTACT\"],\"namespace\":\"eu.liaison\"}";
    export const SubjectRoleName = "eu.liaison.SubjectRole";
    export type SubjectRole = "SUSPECT" | "CONVICTED" | "VICTIM" | "WITNESS" | "CONTACT";
    export const DocumentTypeSchema = "{\"type\":\"enum\",\"name\":\"DocumentType\",\"symbols\":[\"PASSPORT\",\"ID_CARD\",\"DRIVING_LICENCE\",\"RESIDENCE_PERMIT\",\"OTHER\"],\"namespace\":\"eu.liaison\"}";
    export const DocumentTypeName = "eu.liaison.DocumentType";
    export type DocumentType = "PASSPORT" | "ID_CARD" | "DRIVING_LICENCE" | "RESIDENCE_PERMIT" | "OTHER";
    export const IdentityDocumentSchema = "{\"type\":\"record\",\"name\":\"IdentityDocument\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"DocumentType\",\"symbols\":[\"PASSPORT\",\"ID_CARD\",\"DRIVING_LICENCE\",\"RESIDENCE_PERMIT\",\"OTHER\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"number\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"issuingCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const IdentityDocumentName = "eu.liaison.IdentityDocument";
    export interface IdentityDocument {
        type: EuLiaison.DocumentType;
        /**
         * Default: null
         */
        number: null | string;
        /**
         * Default: null
         */
        issuingCountry: null | string;
    }
    export const AddressSchema = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"postcode\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"city\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"country\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 3166-1 alpha-2\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const AddressName = "eu.liaison.Address";
    export interface Address {
        /**
         * Default: null
         */
        street: null | string;
        /**
         * Default: null
         */
        postcode: null | string;
        /**
         * Default: null
         */
        city: null | string;
        /**
         * ISO 3166-1 alpha-2
         *
         * Default: null
         */
        country: null | string;
    }
    export const PersonSchema = "{\"type\":\"record\",\"name\":\"Person\",\"doc\":\"A data subject. Its role (LED art. 6) decides what each recipient may see of it.\",\"fields\":[{\"name\":\"subjectId\",\"type\":\"string\",\"doc\":\"The sender's reference for this person within the notice (no meaning outside it).\",\"dp\":\"non-personal\"},{\"name\":\"role\",\"type\":{\"type\":\"enum\",\"name\":\"SubjectRole\",\"symbols\":[\"SUSPECT\",\"CONVICTED\",\"VICTIM\",\"WITNESS\",\"CONTACT\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"familyName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"givenNames\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"aliases\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"identifier\",\"default\":[]},{\"name\":\"dateOfBirth\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 8601 date (YYYY-MM-DD), or YYYY when generalised.\",\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"placeOfBirth\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"gender\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"nationalities\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"quasi-identifier\",\"default\":[]},{\"name\":\"documents\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"IdentityDocument\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"DocumentType\",\"symbols\":[\"PASSPORT\",\"ID_CARD\",\"DRIVING_LICENCE\",\"RESIDENCE_PERMIT\",\"OTHER\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"number\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"issuingCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"phoneNumbers\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"identifier\",\"default\":[]},{\"name\":\"emailAddresses\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"identifier\",\"default\":[]},{\"name\":\"addresses\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"postcode\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"city\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"country\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 3166-1 alpha-2\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"ethnicOrigin\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"religiousBelief\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"politicalOpinion\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"healthInformation\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"sexLife\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"biometricReference\",\"type\":[\"null\",\"string\"],\"doc\":\"Reference to fingerprints, DNA profile or facial image (not the data).\",\"dp\":\"special-category\",\"default\":null},{\"name\":\"remarks\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const PersonName = "eu.liaison.Person";
    /**
     * A data subject. Its role (LED art. 6) decides what each recipient may see of it.
     */
    export interface Person {
        /**
         * The sender's reference for this person within the notice (no meaning outside it).
         */
        subjectId: string;
        role: EuLiaison.SubjectRole;
        /**
         * Default: null
         */
        familyName: null | string;
        /**
         * Default: null
         */
        givenNames: null | string;
        /**
         * Default: []
         */
        aliases: string[];
        /**
         * ISO 8601 date (YYYY-MM-DD), or YYYY when generalised.
         *
         * Default: null
         */
        dateOfBirth: null | string;
        /**
         * Default: null
         */
        placeOfBirth: null | string;
        /**
         * Default: null
         */
        gender: null | string;
        /**
         * Default: []
         */
        nationalities: string[];
        /**
         * Default: []
         */
        documents: EuLiaison.IdentityDocument[];
        /**
         * Default: []
         */
        phoneNumbers: string[];
        /**
         * Default: []
         */
        emailAddresses: string[];
        /**
         * Default: []
         */
        addresses: EuLiaison.Address[];
        /**
         * Default: null
         */
        ethnicOrigin: null | string;
        /**
         * Default: null
         */
        religiousBelief: null | string;
        /**
         * Default: null
         */
        politicalOpinion: null | string;
        /**
         * Default: null
         */
        healthInformation: null | string;
        /**
         * Default: null
         */
        sexLife: null | string;
        /**
         * Reference to fingerprints, DNA profile or facial image (not the data).
         *
         * Default: null
         */
        biometricReference: null | string;
        /**
         * Default: null
         */
        remarks: null | string;
    }
    export const VehicleSchema = "{\"type\":\"record\",\"name\":\"Vehicle\",\"fields\":[{\"name\":\"licencePlate\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"registrationCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"vin\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"make\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"model\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"colour\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"linkedSubjectId\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const VehicleName = "eu.liaison.Vehicle";
    export interface Vehicle {
        /**
         * Default: null
         */
        licencePlate: null | string;
        /**
         * Default: null
         */
        registrationCountry: null | string;
        /**
         * Default: null
         */
        vin: null | string;
        /**
         * Default: null
         */
        make: null | string;
        /**
         * Default: null
         */
        model: null | string;
        /**
         * Default: null
         */
        colour: null | string;
        /**
         * Default: null
         */
        linkedSubjectId: null | string;
    }
    export const VesselSchema = "{\"type\":\"record\",\"name\":\"Vessel\",\"fields\":[{\"name\":\"imoNumber\",\"type\":[\"null\",\"string\"],\"doc\":\"IMO ship identification number, IMO + 7 digits.\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"flag\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const VesselName = "eu.liaison.Vessel";
    export interface Vessel {
        /**
         * IMO ship identification number, IMO + 7 digits.
         *
         * Default: null
         */
        imoNumber: null | string;
        /**
         * Default: null
         */
        name: null | string;
        /**
         * Default: null
         */
        flag: null | string;
    }
    export const ShippingContainerSchema = "{\"type\":\"record\",\"name\":\"ShippingContainer\",\"fields\":[{\"name\":\"containerNumber\",\"type\":\"string\",\"doc\":\"ISO 6346: owner code, category, serial, check digit (e.g. MSCU1234565).\",\"dp\":\"non-personal\"},{\"name\":\"portOfLoading\",\"type\":[\"null\",\"string\"],\"doc\":\"UN/LOCODE, e.g. ECGYE\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"portOfDischarge\",\"type\":[\"null\",\"string\"],\"doc\":\"UN/LOCODE, e.g. BEANR\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"vesselImo\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const ShippingContainerName = "eu.liaison.ShippingContainer";
    export interface ShippingContainer {
        /**
         * ISO 6346: owner code, category, serial, check digit (e.g. MSCU1234565).
         */
        containerNumber: string;
        /**
         * UN/LOCODE, e.g. ECGYE
         *
         * Default: null
         */
        portOfLoading: null | string;
        /**
         * UN/LOCODE, e.g. BEANR
         *
         * Default: null
         */
        portOfDischarge: null | string;
        /**
         * Default: null
         */
        vesselImo: null | string;
    }
    export const ParcelSchema = "{\"type\":\"record\",\"name\":\"Parcel\",\"fields\":[{\"name\":\"trackingNumber\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"carrier\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"originCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"destinationCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"senderName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"recipientName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"recipientAddress\",\"type\":[\"null\",\"eu.liaison.Address\"],\"default\":null},{\"name\":\"contents\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const ParcelName = "eu.liaison.Parcel";
    export interface Parcel {
        /**
         * Default: null
         */
        trackingNumber: null | string;
        /**
         * Default: null
         */
        carrier: null | string;
        /**
         * Default: null
         */
        originCountry: null | string;
        /**
         * Default: null
         */
        destinationCountry: null | string;
        /**
         * Default: null
         */
        senderName: null | string;
        /**
         * Default: null
         */
        recipientName: null | string;
        /**
         * Default: null
         */
        recipientAddress: null | EuLiaison.Address;
        /**
         * Default: null
         */
        contents: null | string;
    }
    export const OrganisationSchema = "{\"type\":\"record\",\"name\":\"Organisation\",\"fields\":[{\"name\":\"name\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"registrationNumber\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"country\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"role\",\"type\":[\"null\",\"string\"],\"doc\":\"e.g. front company, freight forwarder, money service business\",\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const OrganisationName = "eu.liaison.Organisation";
    export interface Organisation {
        name: string;
        /**
         * Default: null
         */
        registrationNumber: null | string;
        /**
         * Default: null
         */
        country: null | string;
        /**
         * e.g. front company, freight forwarder, money service business
         *
         * Default: null
         */
        role: null | string;
    }
    export const FinancialIdentifierTypeSchema = "{\"type\":\"enum\",\"name\":\"FinancialIdentifierType\",\"symbols\":[\"IBAN\",\"CRYPTO_ADDRESS\",\"CARD\",\"OTHER\"],\"namespace\":\"eu.liaison\"}";
    export const FinancialIdentifierTypeName = "eu.liaison.FinancialIdentifierType";
    export type FinancialIdentifierType = "IBAN" | "CRYPTO_ADDRESS" | "CARD" | "OTHER";
    export const FinancialIdentifierSchema = "{\"type\":\"record\",\"name\":\"FinancialIdentifier\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"FinancialIdentifierType\",\"symbols\":[\"IBAN\",\"CRYPTO_ADDRESS\",\"CARD\",\"OTHER\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"value\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"holderName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"amount\",\"type\":[\"null\",\"double\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"currency\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 4217 or a crypto-asset ticker\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"linkedSubjectId\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const FinancialIdentifierName = "eu.liaison.FinancialIdentifier";
    export interface FinancialIdentifier {
        type: EuLiaison.FinancialIdentifierType;
        /**
         * Default: null
         */
        value: null | string;
        /**
         * Default: null
         */
        holderName: null | string;
        /**
         * Default: null
         */
        amount: null | number;
        /**
         * ISO 4217 or a crypto-asset ticker
         *
         * Default: null
         */
        currency: null | string;
        /**
         * Default: null
         */
        linkedSubjectId: null | string;
    }
    export const SeizureSchema = "{\"type\":\"record\",\"name\":\"Seizure\",\"fields\":[{\"name\":\"substance\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"quantityKg\",\"type\":[\"null\",\"double\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"units\",\"type\":[\"null\",\"long\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"place\",\"type\":[\"null\",\"string\"],\"doc\":\"UN/LOCODE or a place name\",\"dp\":\"free-text\",\"default\":null},{\"name\":\"date\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 8601 date\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const SeizureName = "eu.liaison.Seizure";
    export interface Seizure {
        substance: string;
        /**
         * Default: null
         */
        quantityKg: null | number;
        /**
         * Default: null
         */
        units: null | number;
        /**
         * UN/LOCODE or a place name
         *
         * Default: null
         */
        place: null | string;
        /**
         * ISO 8601 date
         *
         * Default: null
         */
        date: null | string;
    }
    export const AttachmentSchema = "{\"type\":\"record\",\"name\":\"Attachment\",\"fields\":[{\"name\":\"name\",\"type\":\"string\",\"dp\":\"free-text\"},{\"name\":\"mediaType\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"sha256\",\"type\":\"string\",\"doc\":\"Hex SHA-256 of the content, which never travels through Liaison.\",\"dp\":\"non-personal\"},{\"name\":\"uri\",\"type\":[\"null\",\"string\"],\"doc\":\"Where the recipient may fetch it from the provider (the content may be personal).\",\"dp\":\"quasi-identifier\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const AttachmentName = "eu.liaison.Attachment";
    export interface Attachment {
        name: string;
        mediaType: string;
        /**
         * Hex SHA-256 of the content, which never travels through Liaison.
         */
        sha256: string;
        /**
         * Where the recipient may fetch it from the provider (the content may be personal).
         *
         * Default: null
         */
        uri: null | string;
    }
    export const ProvenanceSchema = "{\"type\":\"record\",\"name\":\"Provenance\",\"doc\":\"Data in this notice that came from another country (rule 11).\",\"fields\":[{\"name\":\"country\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"noticeId\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"onwardTransferAuthorisation\",\"type\":[\"null\",\"string\"],\"doc\":\"Reference of the provider's recorded prior authorisation\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const ProvenanceName = "eu.liaison.Provenance";
    /**
     * Data in this notice that came from another country (rule 11).
     */
    export interface Provenance {
        country: string;
        /**
         * Default: null
         */
        noticeId: null | string;
        /**
         * Reference of the provider's recorded prior authorisation
         *
         * Default: null
         */
        onwardTransferAuthorisation: null | string;
    }
    export const CorrectionActionSchema = "{\"type\":\"enum\",\"name\":\"CorrectionAction\",\"symbols\":[\"CORRECT\",\"WITHDRAW\"],\"namespace\":\"eu.liaison\"}";
    export const CorrectionActionName = "eu.liaison.CorrectionAction";
    export type CorrectionAction = "CORRECT" | "WITHDRAW";
    export const CorrectionSchema = "{\"type\":\"record\",\"name\":\"Correction\",\"fields\":[{\"name\":\"of\",\"type\":\"string\",\"doc\":\"noticeId of the notice corrected or withdrawn\",\"dp\":\"non-personal\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"CorrectionAction\",\"symbols\":[\"CORRECT\",\"WITHDRAW\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"reason\",\"type\":\"string\",\"dp\":\"free-text\"}],\"namespace\":\"eu.liaison\"}";
    export const CorrectionName = "eu.liaison.Correction";
    export interface Correction {
        /**
         * noticeId of the notice corrected or withdrawn
         */
        of: string;
        action: EuLiaison.CorrectionAction;
        reason: string;
    }
    export const RefusalGroundSchema = "{\"type\":\"enum\",\"name\":\"RefusalGround\",\"doc\":\"The closed list of grounds (Framework Decision 2006/960/JHA art. 10, and the agreements).\",\"symbols\":[\"NATIONAL_SECURITY\",\"JEOPARDISES_INVESTIGATION\",\"ENDANGERS_PERSON\",\"DISPROPORTIONATE_OR_IRRELEVANT\",\"JUDICIAL_AUTHORISATION_REFUSED\",\"INFORMATION_NOT_HELD\",\"OUTSIDE_AGREEMENT\"],\"namespace\":\"eu.liaison\"}";
    export const RefusalGroundName = "eu.liaison.RefusalGround";
    /**
     * The closed list of grounds (Framework Decision 2006/960/JHA art. 10, and the agreements).
     */
    export type RefusalGround = "NATIONAL_SECURITY" | "JEOPARDISES_INVESTIGATION" | "ENDANGERS_PERSON" | "DISPROPORTIONATE_OR_IRRELEVANT" | "JUDICIAL_AUTHORISATION_REFUSED" | "INFORMATION_NOT_HELD" | "OUTSIDE_AGREEMENT";
    export const RefusalSchema = "{\"type\":\"record\",\"name\":\"Refusal\",\"doc\":\"A structured refusal of a REQUEST (rule 15), counted in the yearly statistics.\",\"fields\":[{\"name\":\"ground\",\"type\":{\"type\":\"enum\",\"name\":\"RefusalGround\",\"doc\":\"The closed list of grounds (Framework Decision 2006/960/JHA art. 10, and the agreements).\",\"symbols\":[\"NATIONAL_SECURITY\",\"JEOPARDISES_INVESTIGATION\",\"ENDANGERS_PERSON\",\"DISPROPORTIONATE_OR_IRRELEVANT\",\"JUDICIAL_AUTHORISATION_REFUSED\",\"INFORMATION_NOT_HELD\",\"OUTSIDE_AGREEMENT\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"explanation\",\"type\":\"string\",\"dp\":\"free-text\"}],\"namespace\":\"eu.liaison\"}";
    export const RefusalName = "eu.liaison.Refusal";
    /**
     * A structured refusal of a REQUEST (rule 15), counted in the yearly statistics.
     */
    export interface Refusal {
        ground: EuLiaison.RefusalGround;
        explanation: string;
    }
    export const NoticeSchema = "{\"type\":\"record\",\"name\":\"Notice\",\"namespace\":\"eu.liaison\",\"doc\":\"An intelligence notice as its origin submits it to its own outbox. Every leaf field carries a data-protection tag 'dp'; an untagged field counts as personal data.\",\"fields\":[{\"name\":\"noticeId\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"dp\":\"non-personal\"},{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"NoticeKind\",\"symbols\":[\"INFORMATION\",\"REQUEST\",\"RESPONSE\",\"ALERT\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"inReplyTo\",\"type\":[\"null\",\"string\"],\"doc\":\"noticeId of the notice this one answers (RESPONSE)\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"caseRef\",\"type\":\"string\",\"doc\":\"The sender's case reference; records are keyed by it so a case keeps its order.\",\"dp\":\"non-personal\"},{\"name\":\"createdAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"dp\":\"non-personal\"},{\"name\":\"sender\",\"type\":{\"type\":\"record\",\"name\":\"Sender\",\"fields\":[{\"name\":\"country\",\"type\":\"string\",\"doc\":\"ISO 3166-1 alpha-2 or a listed sub-national/agency code; must be the outbox's own\",\"dp\":\"non-personal\"},{\"name\":\"agency\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"contactPoint\",\"type\":\"string\",\"doc\":\"The desk (e.g. SPOC, LO Bogot\u00E1), not an officer's name\",\"dp\":\"free-text\"},{\"name\":\"onBehalfOf\",\"type\":[\"null\",\"string\"],\"doc\":\"Benelux liaison officers acting for another Benelux country\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},{\"name\":\"recipients\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"non-personal\"},{\"name\":\"legalBasis\",\"type\":[\"null\",\"string\"],\"doc\":\"Agreement id the sender invokes; chosen by policy when absent\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"purpose\",\"type\":\"string\",\"dp\":\"free-text\"},{\"name\":\"crimeAreas\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"enum\",\"name\":\"CrimeArea\",\"symbols\":[\"COCAINE_TRAFFICKING\",\"SYNTHETIC_DRUGS\",\"CANNABIS\",\"HEROIN\",\"DRUGS_POST_COURIER\",\"DRUG_TOURISM\",\"ATM_ATTACKS\",\"OUTLAW_MOTORCYCLE_GANGS\",\"HUMAN_TRAFFICKING\",\"MIGRANT_SMUGGLING\",\"MONEY_LAUNDERING\",\"CYBERCRIME\",\"DARKNET_TRADE\",\"FIREARMS\",\"TERRORISM\",\"CORRUPTION\",\"VIOLENT_CRIME\",\"ORGANISED_CRIME_OTHER\"],\"namespace\":\"eu.liaison\"}},\"dp\":\"non-personal\"},{\"name\":\"handling\",\"type\":{\"type\":\"record\",\"name\":\"Handling\",\"fields\":[{\"name\":\"code\",\"type\":{\"type\":\"enum\",\"name\":\"HandlingCode\",\"symbols\":[\"H0\",\"H1\",\"H2\",\"H3\"],\"doc\":\"H0 law-enforcement purposes only; H1 not as evidence without permission; H2 no further dissemination without permission; H3 other restrictions (h3Text)\",\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"h3Text\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null},{\"name\":\"processingConditions\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"free-text\",\"default\":[]}],\"namespace\":\"eu.liaison\"}},{\"name\":\"classification\",\"type\":{\"type\":\"enum\",\"name\":\"Classification\",\"symbols\":[\"UNCLASSIFIED\",\"RESTRICTED\",\"CONFIDENTIAL\",\"SECRET\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"evaluation\",\"type\":{\"type\":\"record\",\"name\":\"Evaluation\",\"fields\":[{\"name\":\"source\",\"type\":{\"type\":\"enum\",\"name\":\"SourceReliability\",\"symbols\":[\"A\",\"B\",\"C\",\"X\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"information\",\"type\":{\"type\":\"enum\",\"name\":\"InformationReliability\",\"symbols\":[\"R1\",\"R2\",\"R3\",\"R4\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"}],\"namespace\":\"eu.liaison\"}},{\"name\":\"priority\",\"type\":{\"type\":\"enum\",\"name\":\"Priority\",\"symbols\":[\"ROUTINE\",\"URGENT\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"directlyAccessible\",\"type\":\"boolean\",\"doc\":\"For REQUESTs: the requested information is directly accessible (rule 15 deadlines)\",\"dp\":\"non-personal\",\"default\":false},{\"name\":\"specialCategories\",\"type\":{\"type\":\"record\",\"name\":\"SpecialCategoryDeclaration\",\"fields\":[{\"name\":\"strictlyNecessary\",\"type\":\"boolean\",\"dp\":\"non-personal\",\"default\":false},{\"name\":\"justification\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}},{\"name\":\"summary\",\"type\":\"string\",\"dp\":\"free-text\"},{\"name\":\"subjects\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Person\",\"doc\":\"A data subject. Its role (LED art. 6) decides what each recipient may see of it.\",\"fields\":[{\"name\":\"subjectId\",\"type\":\"string\",\"doc\":\"The sender's reference for this person within the notice (no meaning outside it).\",\"dp\":\"non-personal\"},{\"name\":\"role\",\"type\":{\"type\":\"enum\",\"name\":\"SubjectRole\",\"symbols\":[\"SUSPECT\",\"CONVICTED\",\"VICTIM\",\"WITNESS\",\"CONTACT\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"familyName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"givenNames\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"aliases\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"identifier\",\"default\":[]},{\"name\":\"dateOfBirth\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 8601 date (YYYY-MM-DD), or YYYY when generalised.\",\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"placeOfBirth\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"gender\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"nationalities\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"quasi-identifier\",\"default\":[]},{\"name\":\"documents\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"IdentityDocument\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"DocumentType\",\"symbols\":[\"PASSPORT\",\"ID_CARD\",\"DRIVING_LICENCE\",\"RESIDENCE_PERMIT\",\"OTHER\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"number\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"issuingCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"phoneNumbers\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"identifier\",\"default\":[]},{\"name\":\"emailAddresses\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"dp\":\"identifier\",\"default\":[]},{\"name\":\"addresses\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"postcode\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"city\",\"type\":[\"null\",\"string\"],\"dp\":\"quasi-identifier\",\"default\":null},{\"name\":\"country\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 3166-1 alpha-2\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"ethnicOrigin\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"religiousBelief\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"politicalOpinion\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"healthInformation\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"sexLife\",\"type\":[\"null\",\"string\"],\"dp\":\"special-category\",\"default\":null},{\"name\":\"biometricReference\",\"type\":[\"null\",\"string\"],\"doc\":\"Reference to fingerprints, DNA profile or facial image (not the data).\",\"dp\":\"special-category\",\"default\":null},{\"name\":\"remarks\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"vehicles\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Vehicle\",\"fields\":[{\"name\":\"licencePlate\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"registrationCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"vin\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"make\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"model\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"colour\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"linkedSubjectId\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"vessels\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Vessel\",\"fields\":[{\"name\":\"imoNumber\",\"type\":[\"null\",\"string\"],\"doc\":\"IMO ship identification number, IMO + 7 digits.\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"flag\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"containers\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"ShippingContainer\",\"fields\":[{\"name\":\"containerNumber\",\"type\":\"string\",\"doc\":\"ISO 6346: owner code, category, serial, check digit (e.g. MSCU1234565).\",\"dp\":\"non-personal\"},{\"name\":\"portOfLoading\",\"type\":[\"null\",\"string\"],\"doc\":\"UN/LOCODE, e.g. ECGYE\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"portOfDischarge\",\"type\":[\"null\",\"string\"],\"doc\":\"UN/LOCODE, e.g. BEANR\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"vesselImo\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"parcels\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Parcel\",\"fields\":[{\"name\":\"trackingNumber\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"carrier\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"originCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"destinationCountry\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"senderName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"recipientName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"recipientAddress\",\"type\":[\"null\",\"eu.liaison.Address\"],\"default\":null},{\"name\":\"contents\",\"type\":[\"null\",\"string\"],\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"organisations\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Organisation\",\"fields\":[{\"name\":\"name\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"registrationNumber\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"country\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"role\",\"type\":[\"null\",\"string\"],\"doc\":\"e.g. front company, freight forwarder, money service business\",\"dp\":\"free-text\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"financial\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"FinancialIdentifier\",\"fields\":[{\"name\":\"type\",\"type\":{\"type\":\"enum\",\"name\":\"FinancialIdentifierType\",\"symbols\":[\"IBAN\",\"CRYPTO_ADDRESS\",\"CARD\",\"OTHER\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"value\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"holderName\",\"type\":[\"null\",\"string\"],\"dp\":\"identifier\",\"default\":null},{\"name\":\"amount\",\"type\":[\"null\",\"double\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"currency\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 4217 or a crypto-asset ticker\",\"dp\":\"non-personal\",\"default\":null},{\"name\":\"linkedSubjectId\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"seizures\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Seizure\",\"fields\":[{\"name\":\"substance\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"quantityKg\",\"type\":[\"null\",\"double\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"units\",\"type\":[\"null\",\"long\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"place\",\"type\":[\"null\",\"string\"],\"doc\":\"UN/LOCODE or a place name\",\"dp\":\"free-text\",\"default\":null},{\"name\":\"date\",\"type\":[\"null\",\"string\"],\"doc\":\"ISO 8601 date\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"attachments\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Attachment\",\"fields\":[{\"name\":\"name\",\"type\":\"string\",\"dp\":\"free-text\"},{\"name\":\"mediaType\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"sha256\",\"type\":\"string\",\"doc\":\"Hex SHA-256 of the content, which never travels through Liaison.\",\"dp\":\"non-personal\"},{\"name\":\"uri\",\"type\":[\"null\",\"string\"],\"doc\":\"Where the recipient may fetch it from the provider (the content may be personal).\",\"dp\":\"quasi-identifier\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"receivedFrom\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Provenance\",\"doc\":\"Data in this notice that came from another country (rule 11).\",\"fields\":[{\"name\":\"country\",\"type\":\"string\",\"dp\":\"non-personal\"},{\"name\":\"noticeId\",\"type\":[\"null\",\"string\"],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"onwardTransferAuthorisation\",\"type\":[\"null\",\"string\"],\"doc\":\"Reference of the provider's recorded prior authorisation\",\"dp\":\"non-personal\",\"default\":null}],\"namespace\":\"eu.liaison\"}},\"default\":[]},{\"name\":\"correction\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Correction\",\"fields\":[{\"name\":\"of\",\"type\":\"string\",\"doc\":\"noticeId of the notice corrected or withdrawn\",\"dp\":\"non-personal\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"CorrectionAction\",\"symbols\":[\"CORRECT\",\"WITHDRAW\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"reason\",\"type\":\"string\",\"dp\":\"free-text\"}],\"namespace\":\"eu.liaison\"}],\"default\":null},{\"name\":\"refusal\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Refusal\",\"doc\":\"A structured refusal of a REQUEST (rule 15), counted in the yearly statistics.\",\"fields\":[{\"name\":\"ground\",\"type\":{\"type\":\"enum\",\"name\":\"RefusalGround\",\"doc\":\"The closed list of grounds (Framework Decision 2006/960/JHA art. 10, and the agreements).\",\"symbols\":[\"NATIONAL_SECURITY\",\"JEOPARDISES_INVESTIGATION\",\"ENDANGERS_PERSON\",\"DISPROPORTIONATE_OR_IRRELEVANT\",\"JUDICIAL_AUTHORISATION_REFUSED\",\"INFORMATION_NOT_HELD\",\"OUTSIDE_AGREEMENT\"],\"namespace\":\"eu.liaison\"},\"dp\":\"non-personal\"},{\"name\":\"explanation\",\"type\":\"string\",\"dp\":\"free-text\"}],\"namespace\":\"eu.liaison\"}],\"default\":null,\"dp\":\"non-personal\"},{\"name\":\"reviewBy\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],\"dp\":\"non-personal\",\"default\":null},{\"name\":\"expiresAt\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],\"dp\":\"non-personal\",\"default\":null}]}";
    export const NoticeName = "eu.liaison.Notice";
    /**
     * An intelligence notice as its origin submits it to its own outbox. Every leaf field carries a data-protection tag 'dp'; an untagged field counts as personal data.
     */
    export interface Notice {
        noticeId: string;
        kind: EuLiaison.NoticeKind;
        /**
         * noticeId of the notice this one answers (RESPONSE)
         *
         * Default: null
         */
        inReplyTo: null | string;
        /**
         * The sender's case reference; records are keyed by it so a case keeps its order.
         */
        caseRef: string;
        createdAt: number;
        sender: EuLiaison.Sender;
        recipients: string[];
        /**
         * Agreement id the sender invokes; chosen by policy when absent
         *
         * Default: null
         */
        legalBasis: null | string;
        purpose: string;
        crimeAreas: EuLiaison.CrimeArea[];
        handling: EuLiaison.Handling;
        classification: EuLiaison.Classification;
        evaluation: EuLiaison.Evaluation;
        priority: EuLiaison.Priority;
        /**
         * For REQUESTs: the requested information is directly accessible (rule 15 deadlines)
         *
         * Default: false
         */
        directlyAccessible: boolean;
        specialCategories: EuLiaison.SpecialCategoryDeclaration;
        summary: string;
        /**
         * Default: []
         */
        subjects: EuLiaison.Person[];
        /**
         * Default: []
         */
        vehicles: EuLiaison.Vehicle[];
        /**
         * Default: []
         */
        vessels: EuLiaison.Vessel[];
        /**
         * Default: []
         */
        containers: EuLiaison.ShippingContainer[];
        /**
         * Default: []
         */
        parcels: EuLiaison.Parcel[];
        /**
         * Default: []
         */
        organisations: EuLiaison.Organisation[];
        /**
         * Default: []
         */
        financial: EuLiaison.FinancialIdentifier[];
        /**
         * Default: []
         */
        seizures: EuLiaison.Seizure[];
        /**
         * Default: []
         */
        attachments: EuLiaison.Attachment[];
        /**
         * Default: []
         */
        receivedFrom: EuLiaison.Provenance[];
        /**
         * Default: null
         */
        correction: null | EuLiaison.Correction;
        /**
         * Default: null
         */
        refusal: null | EuLiaison.Refusal;
        /**
         * Default: null
         */
        reviewBy: null | number;
        /**
         * Default: null
         */
        expiresAt: null | number;
    }
    export const CopyPartSchema = "{\"type\":\"enum\",\"name\":\"CopyPart\",\"symbols\":[\"FULL\",\"NON_PERSONAL\",\"RELEASED\"],\"namespace\":\"eu.liaison\"}";
    export const CopyPartName = "eu.liaison.CopyPart";
    export type CopyPart = "FULL" | "NON_PERSONAL" | "RELEASED";
    export const FieldActionKindSchema = "{\"type\":\"enum\",\"name\":\"FieldActionKind\",\"symbols\":[\"REMOVED\",\"MASKED\",\"GENERALISED\",\"PSEUDONYMISED\",\"RAISED\"],\"namespace\":\"eu.liaison\"}";
    export const FieldActionKindName = "eu.liaison.FieldActionKind";
    export type FieldActionKind = "REMOVED" | "MASKED" | "GENERALISED" | "PSEUDONYMISED" | "RAISED";
    export const FieldActionSchema = "{\"type\":\"record\",\"name\":\"FieldAction\",\"namespace\":\"eu.liaison\",\"doc\":\"What the policy did to one field of one copy, and the rule that did it (rule 13).\",\"fields\":[{\"name\":\"path\",\"type\":\"string\",\"doc\":\"e.g. subjects[1].familyName, summary\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"FieldActionKind\",\"symbols\":[\"REMOVED\",\"MASKED\",\"GENERALISED\",\"PSEUDONYMISED\",\"RAISED\"],\"namespace\":\"eu.liaison\"}},{\"name\":\"rule\",\"type\":\"string\",\"doc\":\"the data-protection rule, e.g. rule-3-special-categories\"},{\"name\":\"detail\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"never the removed value itself\"}]}";
    export const FieldActionName = "eu.liaison.FieldAction";
    /**
     * What the policy did to one field of one copy, and the rule that did it (rule 13).
     */
    export interface FieldAction {
        /**
         * e.g. subjects[1].familyName, summary
         */
        path: string;
        action: EuLiaison.FieldActionKind;
        /**
         * the data-protection rule, e.g. rule-3-special-categories
         */
        rule: string;
        /**
         * never the removed value itself
         *
         * Default: null
         */
        detail: null | string;
    }
    export const NoticeCopySchema = "{\"type\":\"record\",\"name\":\"NoticeCopy\",\"namespace\":\"eu.liaison\",\"doc\":\"What one recipient receives in liaison.inbox.<CC>: the notice filtered for that recipient. It names no other recipient (rule 10).\",\"fields\":[{\"name\":\"copyId\",\"type\":\"string\",\"doc\":\"<noticeId>:<destination>[:<part>]\"},{\"name\":\"origin\",\"type\":\"string\",\"doc\":\"Proven by the outbox topic the notice came from\"},{\"name\":\"destination\",\"type\":\"string\"},{\"name\":\"agreement\",\"type\":\"string\"},{\"name\":\"policyVersion\",\"type\":\"string\"},{\"name\":\"deliveredAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"expiresAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"rule 14: the earlier of the notice's own expiry and the agreement's retention\"},{\"name\":\"part\",\"type\":{\"type\":\"enum\",\"name\":\"CopyPart\",\"symbols\":[\"FULL\",\"NON_PERSONAL\",\"RELEASED\"],\"namespace\":\"eu.liaison\"},\"doc\":\"NON_PERSONAL: sent at once while the personal data waits for the DPO (rule 5); RELEASED: after approval\"},{\"name\":\"fieldActions\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"FieldAction\",\"namespace\":\"eu.liaison\",\"doc\":\"What the policy did to one field of one copy, and the rule that did it (rule 13).\",\"fields\":[{\"name\":\"path\",\"type\":\"string\",\"doc\":\"e.g. subjects[1].familyName, summary\"},{\"name\":\"action\",\"type\":{\"type\":\"enum\",\"name\":\"FieldActionKind\",\"symbols\":[\"REMOVED\",\"MASKED\",\"GENERALISED\",\"PSEUDONYMISED\",\"RAISED\"],\"namespace\":\"eu.liaison\"}},{\"name\":\"rule\",\"type\":\"string\",\"doc\":\"the data-protection rule, e.g. rule-3-special-categories\"},{\"name\":\"detail\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"never the removed value itself\"}]}},\"doc\":\"What was removed or changed for this recipient\"},{\"name\":\"notice\",\"type\":\"eu.liaison.Notice\"}]}";
    export const NoticeCopyName = "eu.liaison.NoticeCopy";
    /**
     * What one recipient receives in liaison.inbox.<CC>: the notice filtered for that recipient. It names no other recipient (rule 10).
     */
    export interface NoticeCopy {
        /**
         * <noticeId>:<destination>[:<part>]
         */
        copyId: string;
        /**
         * Proven by the outbox topic the notice came from
         */
        origin: string;
        destination: string;
        agreement: string;
        policyVersion: string;
        deliveredAt: number;
        /**
         * rule 14: the earlier of the notice's own expiry and the agreement's retention
         */
        expiresAt: number;
        /**
         * NON_PERSONAL: sent at once while the personal data waits for the DPO (rule 5); RELEASED: after approval
         */
        part: EuLiaison.CopyPart;
        /**
         * What was removed or changed for this recipient
         */
        fieldActions: EuLiaison.FieldAction[];
        notice: EuLiaison.Notice;
    }
    export const DeliveryStatusSchema = "{\"type\":\"enum\",\"name\":\"DeliveryStatus\",\"symbols\":[\"DELIVERED\",\"DELIVERED_FILTERED\",\"BLOCKED\",\"HELD_FOR_REVIEW\",\"REJECTED\"],\"namespace\":\"eu.liaison\"}";
    export const DeliveryStatusName = "eu.liaison.DeliveryStatus";
    export type DeliveryStatus = "DELIVERED" | "DELIVERED_FILTERED" | "BLOCKED" | "HELD_FOR_REVIEW" | "REJECTED";
    export const DestinationOutcomeSchema = "{\"type\":\"record\",\"name\":\"DestinationOutcome\",\"fields\":[{\"name\":\"destination\",\"type\":\"string\"},{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"DeliveryStatus\",\"symbols\":[\"DELIVERED\",\"DELIVERED_FILTERED\",\"BLOCKED\",\"HELD_FOR_REVIEW\",\"REJECTED\"],\"namespace\":\"eu.liaison\"}},{\"name\":\"agreement\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"reasons\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"Why blocked, held or rejected, in words\"},{\"name\":\"rules\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"Every rule applied to this destination\"},{\"name\":\"fieldActions\",\"type\":{\"type\":\"array\",\"items\":\"eu.liaison.FieldAction\"}},{\"name\":\"expiresAt\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],\"default\":null}],\"namespace\":\"eu.liaison\"}";
    export const DestinationOutcomeName = "eu.liaison.DestinationOutcome";
    export interface DestinationOutcome {
        destination: string;
        status: EuLiaison.DeliveryStatus;
        /**
         * Default: null
         */
        agreement: null | string;
        /**
         * Why blocked, held or rejected, in words
         */
        reasons: string[];
        /**
         * Every rule applied to this destination
         */
        rules: string[];
        fieldActions: EuLiaison.FieldAction[];
        /**
         * Default: null
         */
        expiresAt: null | number;
    }
    export const DeliveryReportSchema = "{\"type\":\"record\",\"name\":\"DeliveryReport\",\"namespace\":\"eu.liaison\",\"doc\":\"One per notice, to liaison.reports.<origin>: per destination what happened and why.\",\"fields\":[{\"name\":\"noticeId\",\"type\":\"string\"},{\"name\":\"caseRef\",\"type\":\"string\"},{\"name\":\"origin\",\"type\":\"string\"},{\"name\":\"policyVersion\",\"type\":\"string\"},{\"name\":\"correctionOf\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"the notice this one corrects or withdraws (rule 12)\"},{\"name\":\"processedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"destinations\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"DestinationOutcome\",\"fields\":[{\"name\":\"destination\",\"type\":\"string\"},{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"DeliveryStatus\",\"symbols\":[\"DELIVERED\",\"DELIVERED_FILTERED\",\"BLOCKED\",\"HELD_FOR_REVIEW\",\"REJECTED\"],\"namespace\":\"eu.liaison\"}},{\"name\":\"agreement\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"reasons\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"Why blocked, held or rejected, in words\"},{\"name\":\"rules\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"Every rule applied to this destination\"},{\"name\":\"fieldActions\",\"type\":{\"type\":\"array\",\"items\":\"eu.liaison.FieldAction\"}},{\"name\":\"expiresAt\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],\"default\":null}],\"namespace\":\"eu.liaison\"}}}]}";
    export const DeliveryReportName = "eu.liaison.DeliveryReport";
    /**
     * One per notice, to liaison.reports.<origin>: per destination what happened and why.
     */
    export interface DeliveryReport {
        noticeId: string;
        caseRef: string;
        origin: string;
        policyVersion: string;
        /**
         * the notice this one corrects or withdraws (rule 12)
         *
         * Default: null
         */
        correctionOf: null | string;
        processedAt: number;
        destinations: EuLiaison.DestinationOutcome[];
    }
    export const AuditEventSchema = "{\"type\":\"record\",\"name\":\"AuditEvent\",\"namespace\":\"eu.liaison\",\"doc\":\"One decision or act, hash-chained: hash = SHA-256 over prevHash and the canonical event without hash. Never carries personal data.\",\"fields\":[{\"name\":\"eventId\",\"type\":\"string\"},{\"name\":\"chain\",\"type\":\"string\",\"doc\":\"The writer's chain (one per gateway instance); each chain is verified on its own\"},{\"name\":\"sequence\",\"type\":\"long\",\"doc\":\"0, 1, 2... within the chain\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"actor\",\"type\":\"string\",\"doc\":\"service or officer (role@country), never a person's data\"},{\"name\":\"action\",\"type\":\"string\",\"doc\":\"DELIVERY_DECISION, DEAD_LETTER, HELD_RELEASED, HELD_REJECTED, CONSULTATION, PURGE, ...\"},{\"name\":\"noticeId\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"caseRef\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"origin\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"destination\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"outcome\",\"type\":\"string\"},{\"name\":\"rules\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},{\"name\":\"details\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},{\"name\":\"policyVersion\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"prevHash\",\"type\":\"string\"},{\"name\":\"hash\",\"type\":\"string\"}]}";
    export const AuditEventName = "eu.liaison.AuditEvent";
    /**
     * One decision or act, hash-chained: hash = SHA-256 over prevHash and the canonical event without hash. Never carries personal data.
     */
    export interface AuditEvent {
        eventId: string;
        /**
         * The writer's chain (one per gateway instance); each chain is verified on its own
         */
        chain: string;
        /**
         * 0, 1, 2... within the chain
         */
        sequence: number;
        at: number;
        /**
         * service or officer (role@country), never a person's data
         */
        actor: string;
        /**
         * DELIVERY_DECISION, DEAD_LETTER, HELD_RELEASED, HELD_REJECTED, CONSULTATION, PURGE, ...
         */
        action: string;
        /**
         * Default: null
         */
        noticeId: null | string;
        /**
         * Default: null
         */
        caseRef: null | string;
        /**
         * Default: null
         */
        origin: null | string;
        /**
         * Default: null
         */
        destination: null | string;
        outcome: string;
        rules: string[];
        details: {
            [index: string]: string;
        };
        /**
         * Default: null
         */
        policyVersion: null | string;
        prevHash: string;
        hash: string;
    }
    export const DeadLetterSchema = "{\"type\":\"record\",\"name\":\"DeadLetter\",\"namespace\":\"eu.liaison\",\"doc\":\"A record Liaison could not accept, with its original bytes and the reason.\",\"fields\":[{\"name\":\"topic\",\"type\":\"string\"},{\"name\":\"partition\",\"type\":\"int\"},{\"name\":\"offset\",\"type\":\"long\"},{\"name\":\"key\",\"type\":[\"null\",\"bytes\"],\"default\":null},{\"name\":\"value\",\"type\":[\"null\",\"bytes\"],\"default\":null,\"doc\":\"the original bytes, unchanged\"},{\"name\":\"errorCode\",\"type\":\"string\",\"doc\":\"closed list, with what each means: DEAD_LETTER_CODES in services/shared/vocabulary.ts (DECODE_FAILED, TOO_LARGE, POISON_RECORD, PROCESSING_FAILED, UNKNOWN_TOPIC, INVALID_NOTICE, ORIGIN_MISMATCH, DUPLICATE_ID, UNKNOWN_CASE, INVALID_RECEIPT, INVALID_PERMISSION, INVALID_HELD_DECISION, UNKNOWN_HELD_COPY, INVALID_LOOKUP, INVALID_POLICY_REVIEW)\"},{\"name\":\"reason\",\"type\":\"string\",\"doc\":\"names the field and the problem, never its value\"},{\"name\":\"failedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const DeadLetterName = "eu.liaison.DeadLetter";
    /**
     * A record Liaison could not accept, with its original bytes and the reason.
     */
    export interface DeadLetter {
        topic: string;
        partition: number;
        offset: number;
        /**
         * Default: null
         */
        key: null | Buffer;
        /**
         * the original bytes, unchanged
         *
         * Default: null
         */
        value: null | Buffer;
        /**
         * closed list, with what each means: DEAD_LETTER_CODES in services/shared/vocabulary.ts (DECODE_FAILED, TOO_LARGE, POISON_RECORD, PROCESSING_FAILED, UNKNOWN_TOPIC, INVALID_NOTICE, ORIGIN_MISMATCH, DUPLICATE_ID, UNKNOWN_CASE, INVALID_RECEIPT, INVALID_PERMISSION, INVALID_HELD_DECISION, UNKNOWN_HELD_COPY, INVALID_LOOKUP, INVALID_POLICY_REVIEW)
         */
        errorCode: string;
        /**
         * names the field and the problem, never its value
         */
        reason: string;
        failedAt: number;
    }
    export const HeldDecisionKindSchema = "{\"type\":\"enum\",\"name\":\"HeldDecisionKind\",\"symbols\":[\"RELEASE\",\"REJECT\"],\"namespace\":\"eu.liaison\"}";
    export const HeldDecisionKindName = "eu.liaison.HeldDecisionKind";
    export type HeldDecisionKind = "RELEASE" | "REJECT";
    export const HeldDecisionSchema = "{\"type\":\"record\",\"name\":\"HeldDecision\",\"namespace\":\"eu.liaison\",\"doc\":\"The origin's data protection officer releases or rejects a copy held under a derogation (rule 5). Written to liaison.held.decisions by the national adapter, consumed by the gateway.\",\"fields\":[{\"name\":\"noticeId\",\"type\":\"string\"},{\"name\":\"destination\",\"type\":\"string\"},{\"name\":\"decision\",\"type\":{\"type\":\"enum\",\"name\":\"HeldDecisionKind\",\"symbols\":[\"RELEASE\",\"REJECT\"],\"namespace\":\"eu.liaison\"}},{\"name\":\"decidedBy\",\"type\":\"string\",\"doc\":\"role@country of the deciding officer, e.g. dpo@BE; the country must be the notice's origin\"},{\"name\":\"justification\",\"type\":\"string\",\"doc\":\"goes into the audit trail\"},{\"name\":\"decidedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const HeldDecisionName = "eu.liaison.HeldDecision";
    /**
     * The origin's data protection officer releases or rejects a copy held under a derogation (rule 5). Written to liaison.held.decisions by the national adapter, consumed by the gateway.
     */
    export interface HeldDecision {
        noticeId: string;
        destination: string;
        decision: EuLiaison.HeldDecisionKind;
        /**
         * role@country of the deciding officer, e.g. dpo@BE; the country must be the notice's origin
         */
        decidedBy: string;
        /**
         * goes into the audit trail
         */
        justification: string;
        decidedAt: number;
    }
    export const ReceiptStatusSchema = "{\"type\":\"enum\",\"name\":\"ReceiptStatus\",\"symbols\":[\"RECEIVED\",\"READ\",\"ANSWERED\",\"CORRECTION_ACKNOWLEDGED\",\"REFUSED\",\"FORWARDED\",\"PURGED\"],\"namespace\":\"eu.liaison\"}";
    export const ReceiptStatusName = "eu.liaison.ReceiptStatus";
    export type ReceiptStatus = "RECEIVED" | "READ" | "ANSWERED" | "CORRECTION_ACKNOWLEDGED" | "REFUSED" | "FORWARDED" | "PURGED";
    export const ReceiptSchema = "{\"type\":\"record\",\"name\":\"Receipt\",\"namespace\":\"eu.liaison\",\"doc\":\"What a recipient's contact point did with a copy. Written by the contact point to its own outbox; the gateway audits it and relays it, without officer and justification, to the origin's reports topic (rule 12, LED logging of consultations, rule 14 purges).\",\"fields\":[{\"name\":\"noticeId\",\"type\":\"string\"},{\"name\":\"copyId\",\"type\":\"string\"},{\"name\":\"recipient\",\"type\":\"string\",\"doc\":\"the acknowledging party; must be the outbox's own\"},{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"ReceiptStatus\",\"symbols\":[\"RECEIVED\",\"READ\",\"ANSWERED\",\"CORRECTION_ACKNOWLEDGED\",\"REFUSED\",\"FORWARDED\",\"PURGED\"],\"namespace\":\"eu.liaison\"}},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"by\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"role@country of the officer (READ, ANSWERED), never a name\"},{\"name\":\"answerNoticeId\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"the RESPONSE that answered or refused, or the notice that forwarded\"},{\"name\":\"officer\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"the officer's account id: in the audit trail (LED logging), never relayed to the origin\"},{\"name\":\"justification\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"why the officer consulted the notice: in the audit trail, never relayed\"}]}";
    export const ReceiptName = "eu.liaison.Receipt";
    /**
     * What a recipient's contact point did with a copy. Written by the contact point to its own outbox; the gateway audits it and relays it, without officer and justification, to the origin's reports topic (rule 12, LED logging of consultations, rule 14 purges).
     */
    export interface Receipt {
        noticeId: string;
        copyId: string;
        /**
         * the acknowledging party; must be the outbox's own
         */
        recipient: string;
        status: EuLiaison.ReceiptStatus;
        at: number;
        /**
         * role@country of the officer (READ, ANSWERED), never a name
         *
         * Default: null
         */
        by: null | string;
        /**
         * the RESPONSE that answered or refused, or the notice that forwarded
         *
         * Default: null
         */
        answerNoticeId: null | string;
        /**
         * the officer's account id: in the audit trail (LED logging), never relayed to the origin
         *
         * Default: null
         */
        officer: null | string;
        /**
         * why the officer consulted the notice: in the audit trail, never relayed
         *
         * Default: null
         */
        justification: null | string;
    }
    export const ForwardingPermissionSchema = "{\"type\":\"record\",\"name\":\"ForwardingPermission\",\"namespace\":\"eu.liaison\",\"doc\":\"The provider's recorded permission (rule 6) that a recipient may forward a notice it received, e.g. an H2 notice, to the listed countries. Written by the provider to its own outbox; the gateway checks that the recipient received the notice, audits it and delivers it to the recipient's inbox.\",\"fields\":[{\"name\":\"permissionId\",\"type\":\"string\",\"doc\":\"the reference a forwarding notice quotes (receivedFrom[].onwardTransferAuthorisation)\"},{\"name\":\"noticeId\",\"type\":\"string\"},{\"name\":\"provider\",\"type\":\"string\",\"doc\":\"the notice's origin; must be the outbox's own\"},{\"name\":\"grantedTo\",\"type\":\"string\",\"doc\":\"the recipient that may forward\"},{\"name\":\"forwardTo\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"doc\":\"the countries it may forward to\"},{\"name\":\"conditions\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"grantedBy\",\"type\":\"string\",\"doc\":\"role@country\"},{\"name\":\"grantedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const ForwardingPermissionName = "eu.liaison.ForwardingPermission";
    /**
     * The provider's recorded permission (rule 6) that a recipient may forward a notice it received, e.g. an H2 notice, to the listed countries. Written by the provider to its own outbox; the gateway checks that the recipient received the notice, audits it and delivers it to the recipient's inbox.
     */
    export interface ForwardingPermission {
        /**
         * the reference a forwarding notice quotes (receivedFrom[].onwardTransferAuthorisation)
         */
        permissionId: string;
        noticeId: string;
        /**
         * the notice's origin; must be the outbox's own
         */
        provider: string;
        /**
         * the recipient that may forward
         */
        grantedTo: string;
        /**
         * the countries it may forward to
         */
        forwardTo: string[];
        /**
         * Default: null
         */
        conditions: null | string;
        /**
         * role@country
         */
        grantedBy: string;
        grantedAt: number;
    }
    export const BatchAttemptSchema = "{\"type\":\"record\",\"name\":\"BatchAttempt\",\"namespace\":\"eu.liaison\",\"doc\":\"The gateway's count of attempts at a batch of one outbox partition, on liaison.gateway.attempts (compacted, one record per group and partition). Written before the first batch a process works on for a partition and before each retry of the same first offset: a record that makes the gateway die is recognised after the restart and dead-lettered instead of retried forever.\",\"fields\":[{\"name\":\"group\",\"type\":\"string\",\"doc\":\"the gateway's consumer group\"},{\"name\":\"topic\",\"type\":\"string\"},{\"name\":\"partition\",\"type\":\"int\"},{\"name\":\"offset\",\"type\":\"long\",\"doc\":\"the first offset of the batch attempted\"},{\"name\":\"attempt\",\"type\":\"int\",\"doc\":\"1 for the first attempt at this offset\"},{\"name\":\"instance\",\"type\":\"string\",\"doc\":\"the gateway instance that made the attempt\"},{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const BatchAttemptName = "eu.liaison.BatchAttempt";
    /**
     * The gateway's count of attempts at a batch of one outbox partition, on liaison.gateway.attempts (compacted, one record per group and partition). Written before the first batch a process works on for a partition and before each retry of the same first offset: a record that makes the gateway die is recognised after the restart and dead-lettered instead of retried forever.
     */
    export interface BatchAttempt {
        /**
         * the gateway's consumer group
         */
        group: string;
        topic: string;
        partition: number;
        /**
         * the first offset of the batch attempted
         */
        offset: number;
        /**
         * 1 for the first attempt at this offset
         */
        attempt: number;
        /**
         * the gateway instance that made the attempt
         */
        instance: string;
        at: number;
    }
    export const ChainHeadAtSchema = "{\"type\":\"record\",\"name\":\"ChainHeadAt\",\"fields\":[{\"name\":\"chain\",\"type\":\"string\"},{\"name\":\"sequence\",\"type\":\"long\"},{\"name\":\"hash\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}";
    export const ChainHeadAtName = "eu.liaison.ChainHeadAt";
    export interface ChainHeadAt {
        chain: string;
        sequence: number;
        hash: string;
    }
    export const PermissionAtSchema = "{\"type\":\"record\",\"name\":\"PermissionAt\",\"fields\":[{\"name\":\"permissionId\",\"type\":\"string\"},{\"name\":\"provider\",\"type\":\"string\"},{\"name\":\"grantedTo\",\"type\":\"string\"},{\"name\":\"noticeId\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}";
    export const PermissionAtName = "eu.liaison.PermissionAt";
    export interface PermissionAt {
        permissionId: string;
        provider: string;
        grantedTo: string;
        noticeId: string;
    }
    export const BrokenLinkAtSchema = "{\"type\":\"record\",\"name\":\"BrokenLinkAt\",\"fields\":[{\"name\":\"chain\",\"type\":\"string\"},{\"name\":\"sequence\",\"type\":\"long\"},{\"name\":\"offset\",\"type\":\"string\"},{\"name\":\"problem\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}";
    export const BrokenLinkAtName = "eu.liaison.BrokenLinkAt";
    export interface BrokenLinkAt {
        chain: string;
        sequence: number;
        offset: string;
        problem: string;
    }
    export const AuditCheckpointSchema = "{\"type\":\"record\",\"name\":\"AuditCheckpoint\",\"namespace\":\"eu.liaison\",\"doc\":\"How far a gateway instance has read and verified the audit trail, on liaison.gateway.checkpoints (compacted, one record per audit partition, written by the gateway principal only). A gateway that starts continues from the latest checkpoint instead of reading and hashing every event since the first: its start no longer grows with the history. `liaison audit verify` still verifies every chain from the first event.\",\"fields\":[{\"name\":\"partition\",\"type\":\"int\",\"doc\":\"the partition of liaison.audit\"},{\"name\":\"nextOffset\",\"type\":\"long\",\"doc\":\"every event before this offset has been read and verified\"},{\"name\":\"events\",\"type\":\"long\",\"doc\":\"events verified before nextOffset\"},{\"name\":\"chains\",\"doc\":\"the last verified event of every chain\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"ChainHeadAt\",\"fields\":[{\"name\":\"chain\",\"type\":\"string\"},{\"name\":\"sequence\",\"type\":\"long\"},{\"name\":\"hash\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}}},{\"name\":\"permissions\",\"doc\":\"rule 6: the forwarding permissions the gateway delivered (FORWARDING_PERMITTED events), which a forward may cite (rule 11)\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"PermissionAt\",\"fields\":[{\"name\":\"permissionId\",\"type\":\"string\"},{\"name\":\"provider\",\"type\":\"string\"},{\"name\":\"grantedTo\",\"type\":\"string\"},{\"name\":\"noticeId\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}}},{\"name\":\"broken\",\"doc\":\"the first broken link found, if any: a broken trail stays broken\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"BrokenLinkAt\",\"fields\":[{\"name\":\"chain\",\"type\":\"string\"},{\"name\":\"sequence\",\"type\":\"long\"},{\"name\":\"offset\",\"type\":\"string\"},{\"name\":\"problem\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}],\"default\":null},{\"name\":\"writtenBy\",\"type\":\"string\",\"doc\":\"the gateway instance\"},{\"name\":\"writtenAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const AuditCheckpointName = "eu.liaison.AuditCheckpoint";
    /**
     * How far a gateway instance has read and verified the audit trail, on liaison.gateway.checkpoints (compacted, one record per audit partition, written by the gateway principal only). A gateway that starts continues from the latest checkpoint instead of reading and hashing every event since the first: its start no longer grows with the history. `liaison audit verify` still verifies every chain from the first event.
     */
    export interface AuditCheckpoint {
        /**
         * the partition of liaison.audit
         */
        partition: number;
        /**
         * every event before this offset has been read and verified
         */
        nextOffset: number;
        /**
         * events verified before nextOffset
         */
        events: number;
        /**
         * the last verified event of every chain
         */
        chains: EuLiaison.ChainHeadAt[];
        /**
         * rule 6: the forwarding permissions the gateway delivered (FORWARDING_PERMITTED events), which a forward may cite (rule 11)
         */
        permissions: EuLiaison.PermissionAt[];
        /**
         * the first broken link found, if any: a broken trail stays broken
         *
         * Default: null
         */
        broken: null | EuLiaison.BrokenLinkAt;
        /**
         * the gateway instance
         */
        writtenBy: string;
        writtenAt: number;
    }
    export const IndexedIdentifierTypeSchema = "{\"type\":\"enum\",\"name\":\"IndexedIdentifierType\",\"symbols\":[\"PHONE\",\"LICENCE_PLATE\",\"DOCUMENT_NUMBER\",\"IBAN\",\"CRYPTO_ADDRESS\"],\"namespace\":\"eu.liaison\"}";
    export const IndexedIdentifierTypeName = "eu.liaison.IndexedIdentifierType";
    export type IndexedIdentifierType = "PHONE" | "LICENCE_PLATE" | "DOCUMENT_NUMBER" | "IBAN" | "CRYPTO_ADDRESS";
    export const IndexEntrySchema = "{\"type\":\"record\",\"name\":\"IndexEntry\",\"namespace\":\"eu.liaison\",\"doc\":\"One identifier a member holds, as a keyed pseudonym, on liaison.index.<agreement> (compacted; key holder/type/hash; a null value withdraws it). Written and read only by the national adapter's principal, for the holder its token proves. The hash is made by the holder's national system with the agreement's index key, which Liaison never has: no identifier in clear.\",\"fields\":[{\"name\":\"agreement\",\"type\":\"string\"},{\"name\":\"holder\",\"type\":\"string\",\"doc\":\"the member that holds the identifier (the publishing token's country)\"},{\"name\":\"identifierType\",\"type\":{\"type\":\"enum\",\"name\":\"IndexedIdentifierType\",\"symbols\":[\"PHONE\",\"LICENCE_PLATE\",\"DOCUMENT_NUMBER\",\"IBAN\",\"CRYPTO_ADDRESS\"],\"namespace\":\"eu.liaison\"}},{\"name\":\"hash\",\"type\":\"string\",\"doc\":\"HMAC-SHA-256 of the normalised identifier under the agreement's index key, 64 lower-case hex digits\"},{\"name\":\"keyEpoch\",\"type\":\"int\",\"doc\":\"which index key of the agreement made the hash (keys are rotated by epoch)\"},{\"name\":\"reference\",\"type\":\"string\",\"doc\":\"the holder's reference, which an asker quotes in its REQUEST notice\"},{\"name\":\"publishedBy\",\"type\":\"string\",\"doc\":\"role@country\"},{\"name\":\"publishedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const IndexEntryName = "eu.liaison.IndexEntry";
    /**
     * One identifier a member holds, as a keyed pseudonym, on liaison.index.<agreement> (compacted; key holder/type/hash; a null value withdraws it). Written and read only by the national adapter's principal, for the holder its token proves. The hash is made by the holder's national system with the agreement's index key, which Liaison never has: no identifier in clear.
     */
    export interface IndexEntry {
        agreement: string;
        /**
         * the member that holds the identifier (the publishing token's country)
         */
        holder: string;
        identifierType: EuLiaison.IndexedIdentifierType;
        /**
         * HMAC-SHA-256 of the normalised identifier under the agreement's index key, 64 lower-case hex digits
         */
        hash: string;
        /**
         * which index key of the agreement made the hash (keys are rotated by epoch)
         */
        keyEpoch: number;
        /**
         * the holder's reference, which an asker quotes in its REQUEST notice
         */
        reference: string;
        /**
         * role@country
         */
        publishedBy: string;
        publishedAt: number;
    }
    export const IndexHitSchema = "{\"type\":\"record\",\"name\":\"IndexHit\",\"fields\":[{\"name\":\"holder\",\"type\":\"string\"},{\"name\":\"reference\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}";
    export const IndexHitName = "eu.liaison.IndexHit";
    export interface IndexHit {
        holder: string;
        reference: string;
    }
    export const LookedUpIdentifierSchema = "{\"type\":\"record\",\"name\":\"LookedUpIdentifier\",\"fields\":[{\"name\":\"identifierType\",\"type\":\"eu.liaison.IndexedIdentifierType\"},{\"name\":\"hash\",\"type\":\"string\"},{\"name\":\"hits\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"IndexHit\",\"fields\":[{\"name\":\"holder\",\"type\":\"string\"},{\"name\":\"reference\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}}}],\"namespace\":\"eu.liaison\"}";
    export const LookedUpIdentifierName = "eu.liaison.LookedUpIdentifier";
    export interface LookedUpIdentifier {
        identifierType: EuLiaison.IndexedIdentifierType;
        hash: string;
        hits: EuLiaison.IndexHit[];
    }
    export const IndexLookupSchema = "{\"type\":\"record\",\"name\":\"IndexLookup\",\"namespace\":\"eu.liaison\",\"doc\":\"A lookup in an agreement's hit/no-hit index and what it found, written by the national adapter to the asker's outbox with the asker's principal before the answer is given. The gateway checks it and writes it to the audit trail (INDEX_LOOKUP, and INDEX_HIT per holder found): who asked, for which purpose, which hashes, which holders. No identifier in clear: the hashes are keyed pseudonyms made by the asker.\",\"fields\":[{\"name\":\"lookupId\",\"type\":\"string\"},{\"name\":\"agreement\",\"type\":\"string\"},{\"name\":\"asker\",\"type\":\"string\",\"doc\":\"must be the outbox's own country\"},{\"name\":\"askedBy\",\"type\":\"string\",\"doc\":\"role@country and the token's id\"},{\"name\":\"purpose\",\"type\":\"string\"},{\"name\":\"caseRef\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"keyEpoch\",\"type\":\"int\"},{\"name\":\"identifiers\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"LookedUpIdentifier\",\"fields\":[{\"name\":\"identifierType\",\"type\":\"eu.liaison.IndexedIdentifierType\"},{\"name\":\"hash\",\"type\":\"string\"},{\"name\":\"hits\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"IndexHit\",\"fields\":[{\"name\":\"holder\",\"type\":\"string\"},{\"name\":\"reference\",\"type\":\"string\"}],\"namespace\":\"eu.liaison\"}}}],\"namespace\":\"eu.liaison\"}}},{\"name\":\"askedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const IndexLookupName = "eu.liaison.IndexLookup";
    /**
     * A lookup in an agreement's hit/no-hit index and what it found, written by the national adapter to the asker's outbox with the asker's principal before the answer is given. The gateway checks it and writes it to the audit trail (INDEX_LOOKUP, and INDEX_HIT per holder found): who asked, for which purpose, which hashes, which holders. No identifier in clear: the hashes are keyed pseudonyms made by the asker.
     */
    export interface IndexLookup {
        lookupId: string;
        agreement: string;
        /**
         * must be the outbox's own country
         */
        asker: string;
        /**
         * role@country and the token's id
         */
        askedBy: string;
        purpose: string;
        /**
         * Default: null
         */
        caseRef: null | string;
        keyEpoch: number;
        identifiers: EuLiaison.LookedUpIdentifier[];
        askedAt: number;
    }
    export const PolicyReviewSchema = "{\"type\":\"record\",\"name\":\"PolicyReview\",\"namespace\":\"eu.liaison\",\"doc\":\"A data protection officer's review of a policy change (`liaison policy diff --record`): what the change would do to the deliveries of the last days, summed up, with the SHA-256 of the full report. Written by the admin principal to liaison.policy.reviews; the gateway writes it into the audit trail (POLICY_REVIEWED) and says, per instance, whether the policy version it runs was reviewed (liaison_policy_reviewed). Names no notice, person or value.\",\"fields\":[{\"name\":\"reviewId\",\"type\":\"string\"},{\"name\":\"fromVersion\",\"type\":\"string\",\"doc\":\"the policy version in force (content hash of agreements, parties and limits)\"},{\"name\":\"toVersion\",\"type\":\"string\",\"doc\":\"the proposed version: the gateway that runs it is the one reviewed\"},{\"name\":\"fromRef\",\"type\":\"string\",\"doc\":\"the git revision or file of the agreements in force\"},{\"name\":\"since\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"the notices replayed were written since\"},{\"name\":\"notices\",\"type\":\"long\"},{\"name\":\"deliveries\",\"type\":\"long\"},{\"name\":\"changes\",\"type\":\"long\",\"doc\":\"deliveries that would change\"},{\"name\":\"byAgreement\",\"type\":{\"type\":\"map\",\"values\":\"long\"},\"doc\":\"changed deliveries per agreement (before \u2192 after)\"},{\"name\":\"reportSha256\",\"type\":\"string\",\"doc\":\"of the full JSON report, which the reviewer keeps\"},{\"name\":\"reviewedBy\",\"type\":\"string\"},{\"name\":\"reviewedAt\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const PolicyReviewName = "eu.liaison.PolicyReview";
    /**
     * A data protection officer's review of a policy change (`liaison policy diff --record`): what the change would do to the deliveries of the last days, summed up, with the SHA-256 of the full report. Written by the admin principal to liaison.policy.reviews; the gateway writes it into the audit trail (POLICY_REVIEWED) and says, per instance, whether the policy version it runs was reviewed (liaison_policy_reviewed). Names no notice, person or value.
     */
    export interface PolicyReview {
        reviewId: string;
        /**
         * the policy version in force (content hash of agreements, parties and limits)
         */
        fromVersion: string;
        /**
         * the proposed version: the gateway that runs it is the one reviewed
         */
        toVersion: string;
        /**
         * the git revision or file of the agreements in force
         */
        fromRef: string;
        /**
         * the notices replayed were written since
         */
        since: number;
        notices: number;
        deliveries: number;
        /**
         * deliveries that would change
         */
        changes: number;
        /**
         * changed deliveries per agreement (before → after)
         */
        byAgreement: {
            [index: string]: number;
        };
        /**
         * of the full JSON report, which the reviewer keeps
         */
        reportSha256: string;
        reviewedBy: string;
        reviewedAt: number;
    }
}
