import { ForbiddenException } from '@nestjs/common';
import type { Principal } from '@chanjiao/auth';
import { todayIn } from '@chanjiao/platform';

/** The institution a report is about: the key's own unless an admin key asks for another. */
export function reportInstitution(p: Principal, requested: string | undefined): string {
  if (!requested || requested === p.institution) return p.institution;
  if (p.role === 'admin') return requested;
  throw new ForbiddenException({ error: 'forbidden', message: `this key may read ${p.institution} only` });
}

/** Today's date where the college is (reports default to it). */
export function today(timeZone = process.env.REPORT_TIMEZONE ?? 'Asia/Shanghai'): string {
  return todayIn(timeZone);
}
