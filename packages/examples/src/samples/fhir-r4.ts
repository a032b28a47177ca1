/**
 * The slice of FHIR R4 that the example data uses, shaped exactly like the
 * `fhir4` namespace of `@types/fhir` (same names, same fields) so the
 * compiler checks every resource the generators build.
 *
 * Why a local copy: the `@types/fhir` installed here is 3.0.2, which only
 * describes STU3 (`Condition.clinicalStatus` is a code there, a
 * CodeableConcept in R4), and has no `fhir4` namespace. When the
 * dependency moves to a release that has it, this file becomes
 * `export type Patient = fhir4.Patient;` and so on, and nothing else changes.
 *
 * @example
 * ```ts
 * import type * as fhir4 from './fhir-r4.js';
 * const patient: fhir4.Patient = { resourceType: 'Patient', id: 'p1' };
 * ```
 * @module
 */

/** A date (YYYY, YYYY-MM or YYYY-MM-DD). */
export type date = string;
/** A date with optional time and zone (ISO 8601). */
export type dateTime = string;
/** An instant: dateTime with seconds and a zone. */
export type instant = string;

/** A code from a code system. */
export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
  userSelected?: boolean;
}

/** A concept as codings plus the text a person would say. */
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

/** A time span; either end may be open. */
export interface Period {
  start?: dateTime;
  end?: dateTime;
}

/** A business identifier: a value unique within its system. */
export interface Identifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  type?: CodeableConcept;
  system?: string;
  value?: string;
  period?: Period;
  assigner?: Reference;
}

/** A link to another resource (relative `Type/id`, absolute URL or identifier). */
export interface Reference {
  reference?: string;
  type?: string;
  identifier?: Identifier;
  display?: string;
}

/** A measured amount, with a UCUM unit in `system`/`code`. */
export interface Quantity {
  value?: number;
  comparator?: '<' | '<=' | '>=' | '>';
  unit?: string;
  system?: string;
  code?: string;
}

/** Resource metadata. */
export interface Meta {
  versionId?: string;
  lastUpdated?: instant;
  source?: string;
  profile?: string[];
  security?: Coding[];
  tag?: Coding[];
}

/** Human-readable summary; `div` is XHTML. */
export interface Narrative {
  status: 'generated' | 'extensions' | 'additional' | 'empty';
  div: string;
}

/** A person's name. */
export interface HumanName {
  use?: 'usual' | 'official' | 'temp' | 'nickname' | 'anonymous' | 'old' | 'maiden';
  text?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
  suffix?: string[];
  period?: Period;
}

/** A phone number, email address and the like. */
export interface ContactPoint {
  system?: 'phone' | 'fax' | 'email' | 'pager' | 'url' | 'sms' | 'other';
  value?: string;
  use?: 'home' | 'work' | 'temp' | 'old' | 'mobile';
}

/** A postal address. */
export interface Address {
  use?: 'home' | 'work' | 'temp' | 'old' | 'billing';
  type?: 'postal' | 'physical' | 'both';
  text?: string;
  line?: string[];
  city?: string;
  district?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}

/** A free-text note. */
export interface Annotation {
  authorReference?: Reference;
  authorString?: string;
  time?: dateTime;
  text: string;
}

/** When an event repeats. */
export interface Timing {
  repeat?: {
    frequency?: number;
    period?: number;
    periodUnit?: 's' | 'min' | 'h' | 'd' | 'wk' | 'mo' | 'a';
    when?: string[];
  };
  code?: CodeableConcept;
}

/** How a medication is or should be taken. */
export interface Dosage {
  sequence?: number;
  text?: string;
  patientInstruction?: string;
  timing?: Timing;
  asNeededBoolean?: boolean;
  route?: CodeableConcept;
  doseAndRate?: { type?: CodeableConcept; doseQuantity?: Quantity }[];
}

/** Content in a format defined elsewhere (a PDF, an image). */
export interface Attachment {
  contentType?: string;
  language?: string;
  data?: string;
  url?: string;
  size?: number;
  hash?: string;
  title?: string;
  creation?: dateTime;
}

/** Fields every resource has. */
export interface ResourceBase {
  id?: string;
  meta?: Meta;
  language?: string;
}

/** Fields of resources that carry narrative. */
export interface DomainResource extends ResourceBase {
  text?: Narrative;
}

/** Demographics of a person receiving care. */
export interface Patient extends DomainResource {
  resourceType: 'Patient';
  identifier?: Identifier[];
  active?: boolean;
  name?: HumanName[];
  telecom?: ContactPoint[];
  gender?: 'male' | 'female' | 'other' | 'unknown';
  birthDate?: date;
  deceasedBoolean?: boolean;
  address?: Address[];
  generalPractitioner?: Reference[];
  managingOrganization?: Reference;
}

/** A person providing care. */
export interface Practitioner extends DomainResource {
  resourceType: 'Practitioner';
  identifier?: Identifier[];
  active?: boolean;
  name?: HumanName[];
  telecom?: ContactPoint[];
  qualification?: { code: CodeableConcept }[];
}

/** A hospital, practice or other body. */
export interface Organization extends DomainResource {
  resourceType: 'Organization';
  identifier?: Identifier[];
  active?: boolean;
  type?: CodeableConcept[];
  name?: string;
  telecom?: ContactPoint[];
  address?: Address[];
}

/** A contact between a patient and care providers. */
export interface Encounter extends DomainResource {
  resourceType: 'Encounter';
  identifier?: Identifier[];
  status:
    | 'planned'
    | 'arrived'
    | 'triaged'
    | 'in-progress'
    | 'onleave'
    | 'finished'
    | 'cancelled'
    | 'entered-in-error'
    | 'unknown';
  class: Coding;
  type?: CodeableConcept[];
  subject?: Reference;
  participant?: { type?: CodeableConcept[]; individual?: Reference }[];
  period?: Period;
  reasonCode?: CodeableConcept[];
  hospitalization?: { admitSource?: CodeableConcept; dischargeDisposition?: CodeableConcept };
  serviceProvider?: Reference;
}

/** A problem, diagnosis or other clinical condition. */
export interface Condition extends DomainResource {
  resourceType: 'Condition';
  identifier?: Identifier[];
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  category?: CodeableConcept[];
  severity?: CodeableConcept;
  code?: CodeableConcept;
  subject: Reference;
  encounter?: Reference;
  onsetDateTime?: dateTime;
  abatementDateTime?: dateTime;
  recordedDate?: dateTime;
  recorder?: Reference;
  note?: Annotation[];
}

/** A medication the patient is taking or has taken. */
export interface MedicationStatement extends DomainResource {
  resourceType: 'MedicationStatement';
  identifier?: Identifier[];
  status:
    | 'active'
    | 'completed'
    | 'entered-in-error'
    | 'intended'
    | 'stopped'
    | 'on-hold'
    | 'unknown'
    | 'not-taken';
  category?: CodeableConcept;
  medicationCodeableConcept?: CodeableConcept;
  medicationReference?: Reference;
  subject: Reference;
  context?: Reference;
  effectiveDateTime?: dateTime;
  effectivePeriod?: Period;
  dateAsserted?: dateTime;
  informationSource?: Reference;
  reasonReference?: Reference[];
  dosage?: Dosage[];
}

/** An order or prescription of a medication. */
export interface MedicationRequest extends DomainResource {
  resourceType: 'MedicationRequest';
  identifier?: Identifier[];
  status:
    | 'active'
    | 'on-hold'
    | 'cancelled'
    | 'completed'
    | 'entered-in-error'
    | 'stopped'
    | 'draft'
    | 'unknown';
  intent:
    | 'proposal'
    | 'plan'
    | 'order'
    | 'original-order'
    | 'reflex-order'
    | 'filler-order'
    | 'instance-order'
    | 'option';
  category?: CodeableConcept[];
  medicationCodeableConcept?: CodeableConcept;
  medicationReference?: Reference;
  subject: Reference;
  encounter?: Reference;
  authoredOn?: dateTime;
  requester?: Reference;
  reasonReference?: Reference[];
  dosageInstruction?: Dosage[];
  dispenseRequest?: {
    numberOfRepeatsAllowed?: number;
    quantity?: Quantity;
    expectedSupplyDuration?: Quantity;
  };
}

/** A reference range of an observation; either bound may be open. */
export interface ObservationReferenceRange {
  low?: Quantity;
  high?: Quantity;
  type?: CodeableConcept;
  appliesTo?: CodeableConcept[];
  text?: string;
}

/** A measurement or assertion about the patient. */
export interface Observation extends DomainResource {
  resourceType: 'Observation';
  identifier?: Identifier[];
  basedOn?: Reference[];
  status:
    | 'registered'
    | 'preliminary'
    | 'final'
    | 'amended'
    | 'corrected'
    | 'cancelled'
    | 'entered-in-error'
    | 'unknown';
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  encounter?: Reference;
  effectiveDateTime?: dateTime;
  issued?: instant;
  performer?: Reference[];
  valueQuantity?: Quantity;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  interpretation?: CodeableConcept[];
  note?: Annotation[];
  specimen?: Reference;
  referenceRange?: ObservationReferenceRange[];
}

/** A report of a set of results (a lab panel). */
export interface DiagnosticReport extends DomainResource {
  resourceType: 'DiagnosticReport';
  identifier?: Identifier[];
  status:
    | 'registered'
    | 'partial'
    | 'preliminary'
    | 'final'
    | 'amended'
    | 'corrected'
    | 'appended'
    | 'cancelled'
    | 'entered-in-error'
    | 'unknown';
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  effectiveDateTime?: dateTime;
  issued?: instant;
  performer?: Reference[];
  result?: Reference[];
  conclusion?: string;
}

/** An allergy or intolerance. */
export interface AllergyIntolerance extends DomainResource {
  resourceType: 'AllergyIntolerance';
  identifier?: Identifier[];
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  type?: 'allergy' | 'intolerance';
  category?: ('food' | 'medication' | 'environment' | 'biologic')[];
  criticality?: 'low' | 'high' | 'unable-to-assess';
  code?: CodeableConcept;
  patient: Reference;
  recordedDate?: dateTime;
  reaction?: { manifestation: CodeableConcept[]; severity?: 'mild' | 'moderate' | 'severe' }[];
}

/** A section of a document. */
export interface CompositionSection {
  title?: string;
  code?: CodeableConcept;
  text?: Narrative;
  entry?: Reference[];
}

/** The first entry of a document Bundle: what the document is and its sections. */
export interface Composition extends DomainResource {
  resourceType: 'Composition';
  identifier?: Identifier;
  status: 'preliminary' | 'final' | 'amended' | 'entered-in-error';
  type: CodeableConcept;
  category?: CodeableConcept[];
  subject?: Reference;
  encounter?: Reference;
  date: dateTime;
  author: Reference[];
  title: string;
  custodian?: Reference;
  section?: CompositionSection[];
}

/** Metadata describing a document (a discharge summary PDF). */
export interface DocumentReference extends DomainResource {
  resourceType: 'DocumentReference';
  masterIdentifier?: Identifier;
  identifier?: Identifier[];
  status: 'current' | 'superseded' | 'entered-in-error';
  docStatus?: 'preliminary' | 'final' | 'amended' | 'entered-in-error';
  type?: CodeableConcept;
  category?: CodeableConcept[];
  subject?: Reference;
  date?: instant;
  author?: Reference[];
  custodian?: Reference;
  description?: string;
  content: { attachment: Attachment; format?: Coding }[];
  context?: { encounter?: Reference[]; period?: Period };
}

/** Every resource type this module describes. */
export type FhirResource =
  | Patient
  | Practitioner
  | Organization
  | Encounter
  | Condition
  | MedicationStatement
  | MedicationRequest
  | Observation
  | DiagnosticReport
  | AllergyIntolerance
  | Composition
  | DocumentReference
  | Bundle;

/** One entry of a Bundle. */
export interface BundleEntry<T extends FhirResource = FhirResource> {
  fullUrl?: string;
  resource?: T;
}

/** A container of resources. */
export interface Bundle<T extends FhirResource = FhirResource> extends ResourceBase {
  resourceType: 'Bundle';
  identifier?: Identifier;
  type:
    | 'document'
    | 'message'
    | 'transaction'
    | 'transaction-response'
    | 'batch'
    | 'batch-response'
    | 'history'
    | 'searchset'
    | 'collection';
  timestamp?: instant;
  total?: number;
  entry?: BundleEntry<T>[];
}
