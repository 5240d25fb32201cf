import { failWith } from '@chanjiao/domain';
import type { ErrorMessagesZh } from '@chanjiao/domain';

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

/** The Chinese of every code (error answers carry it as `message_zh`): a code without one does not compile. */
export const PARTNERSHIP_MESSAGES_ZH: ErrorMessagesZh<PartnershipErrorCode> = {
  partner_not_found: '没有该合作单位',
  unknown_partner: '合作单位未登记',
  agreement_not_found: '没有该合作协议',
  agreement_exists: '该合作协议已存在',
  invalid_transition: '协议当前的状态不允许此变更',
  date_conflict: '日期与已记录的不一致',
  invalid_dates: '日期先后不对（如到期日早于签订日）',
  order_class_not_found: '没有该订单班',
  certificate_pilot_not_found: '没有该 1+X 证书试点',
  certificate_pilot_exists: '该 1+X 证书试点已存在',
  invalid_results: '考证结果不合理（如通过人数多于参考人数）',
  industry_college_not_found: '没有该产业学院',
  industry_college_exists: '该产业学院已存在',
  training_base_not_found: '没有该实训基地',
  investment_exists: '该投入已存在',
};
