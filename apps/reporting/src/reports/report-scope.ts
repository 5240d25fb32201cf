import { Principal, resolveInstitution } from '@chanjiao/auth';
import { todayIn } from '@chanjiao/contracts';

/**
 * The institution a report is about, by the rule every request follows (actingInstitution): the key's only one, or
 * the one asked for among the key's (a bureau's list, or any for an admin key bound to `*`).
 */
export function reportInstitution(p: Principal, requested: string | undefined): string {
  return resolveInstitution(p, requested || p.institution || undefined).institution;
}

/** Today's date where the college is (reports default to it). */
export function today(timeZone = process.env.REPORT_TIMEZONE ?? 'Asia/Shanghai'): string {
  return todayIn(timeZone);
}
