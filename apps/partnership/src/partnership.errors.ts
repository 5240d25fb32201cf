import { failWith } from '@chanjiao/domain';

/** Stable error codes of the partnership service (documented in OpenAPI and the README). */
export enum PartnershipErrorCode {
  PartnerNotFound = 'partner_not_found',
  UnknownPartner = 'unknown_partner',
  AgreementNotFound = 'agreement_not_found',
  AgreementExists = 'agreement_exists',
  InvalidTransition = 'invalid_transition',
  DateConflict = 'date_conflict',
  InvalidDates = 'invalid_dates',
  OrderClassNotFound = 'order_class_not_found',
  PilotNotFound = 'certificate_pilot_not_found',
  PilotExists = 'certificate_pilot_exists',
  InvalidResults = 'invalid_results',
  IndustryCollegeNotFound = 'industry_college_not_found',
  IndustryCollegeExists = 'industry_college_exists',
  TrainingBaseNotFound = 'training_base_not_found',
  InvestmentExists = 'investment_exists',
}

/** `fail` for this service's decisions: only its own codes compile. */
export const fail = failWith<PartnershipErrorCode>();
