import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_MESSAGES_ZH } from '@chanjiao/edge';
import { ALLIANCE_MESSAGES_ZH, AllianceErrorCode } from '../apps/alliance/src/common/alliance.errors';
import { ENROLLMENT_MESSAGES_ZH, EnrollmentErrorCode } from '../apps/enrollment/src/enrollments/enrollment.errors';
import { PARTNERSHIP_MESSAGES_ZH, PartnershipErrorCode } from '../apps/partnership/src/partnership.errors';
import { PLACEMENT_MESSAGES_ZH, PlacementErrorCode } from '../apps/placement/src/placement.errors';
import { REPORTING_MESSAGES_ZH, ReportingErrorCode } from '../apps/reporting/src/reporting.errors';

const CJK = /[\u4e00-\u9fff]/;
const SERVICES = [
  ['enrollment', EnrollmentErrorCode, ENROLLMENT_MESSAGES_ZH],
  ['placement', PlacementErrorCode, PLACEMENT_MESSAGES_ZH],
  ['partnership', PartnershipErrorCode, PARTNERSHIP_MESSAGES_ZH],
  ['alliance', AllianceErrorCode, ALLIANCE_MESSAGES_ZH],
  ['reporting', ReportingErrorCode, REPORTING_MESSAGES_ZH],
] as const;

describe('the Chinese of every error code', () => {
  it.each(SERVICES)('%s: every code of its enum has a Chinese message, and the table no other', (_, codes, table) => {
    const values: string[] = Object.values(codes);
    for (const code of values) expect([code, (table as Record<string, string>)[code]]).toEqual([code, expect.stringMatching(CJK)]);
    expect(Object.keys(table).sort()).toEqual([...values].sort());
  });

  it("the libraries' codes all have Chinese", () => {
    for (const [code, zh] of Object.entries(COMMON_MESSAGES_ZH)) expect([code, zh]).toEqual([code, expect.stringMatching(CJK)]);
  });

  /**
   * A code written as a literal where an error is made (`error: 'x'`, `new DomainError(kind, 'x', …)`,
   * `new ImportFileError('x', …)`) and found in no table would be answered with only its status's Chinese title.
   */
  it('every code written as a literal in apps/ and libs/ is in a table', () => {
    const known = new Set<string>([...Object.keys(COMMON_MESSAGES_ZH), ...SERVICES.flatMap(([, , table]) => Object.keys(table))]);
    const found = new Map<string, string>();
    const patterns = [/\berror: '([a-z_]+)'/g, /new DomainError\(\s*'[a-z_]+',\s*'([a-z_]+)'/g, /new ImportFileError\(\s*'([a-z_]+)'/g];
    // The logger names its levels (`error: 'error'`), not error codes.
    const logging = join('libs', 'edge', 'src', 'logging');
    for (const file of sources(join(__dirname, '..', 'apps')).concat(sources(join(__dirname, '..', 'libs')))) {
      if (file.includes(logging)) continue;
      const text = readFileSync(file, 'utf8');
      for (const p of patterns) for (const m of text.matchAll(p)) found.set(m[1]!, file);
    }
    expect(found.size).toBeGreaterThan(20); // the walk does find the codes (most services answer by their enums)
    const missing = [...found].filter(([code]) => !known.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });
});

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name)) out.push(path);
  }
  return out;
}
