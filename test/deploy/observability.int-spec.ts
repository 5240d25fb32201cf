import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startStack, TestStack } from '@chanjiao/test-support';

const DIR = join(__dirname, '..', '..', 'deploy', 'observability');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  title: string;
  type: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets: Array<{ expr: string; refId: string }>;
}

const rules = (parse(readFileSync(join(DIR, 'alerts.yaml'), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap(
  (g) => g.rules,
);
const dashboard = JSON.parse(readFileSync(join(DIR, 'grafana-dashboard.json'), 'utf8')) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string }> };
};

/** The metric names an expression reads: identifiers followed by a selector, a range or an operator, not functions or labels. */
function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutGroupings = withoutStrings.replace(/\b(?:by|without)\s*\([^)]*\)/g, '');
  const withoutSelectors = withoutGroupings.replace(/\{[^}]*\}/g, '{}');
  const names = [...withoutSelectors.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)].map((m) => m[1]!);
  const keywords = new Set(['by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
  return [...new Set(names.filter((n) => !keywords.has(n) && !/^\d/.test(n) && /_/.test(n)))];
}

const promtool = spawnSync('promtool', ['--version']).status === 0;

describe('deploy/observability: alert rules and the Grafana dashboard', () => {
  (promtool ? it : it.skip)('promtool checks the rules and their unit tests pass', () => {
    execFileSync('promtool', ['check', 'rules', 'alerts.yaml'], { cwd: DIR, stdio: 'pipe' });
    execFileSync('promtool', ['test', 'rules', 'alerts.test.yaml'], { cwd: DIR, stdio: 'pipe' });
  });
  if (!promtool) console.warn('promtool is not installed (Debian: apt-get install prometheus): alert rules checked by structure only');

  it('every rule is well formed: a unique name, a severity, a summary, a `for` that parses', () => {
    expect(rules.length).toBeGreaterThan(5);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.alert).toMatch(/^Chanjiao[A-Z]\w+$/);
      expect(['warning', 'critical']).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toBeTruthy();
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smh]$/);
      expect(r.expr).not.toMatch(/\bservice=/);
    }
  });

  it('the dashboard is Grafana JSON: panels with targets, a datasource variable, no overlapping panels', () => {
    expect(dashboard).toMatchObject({ uid: 'chanjiao-overview', title: expect.any(String) });
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'app']));
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.expr).not.toMatch(/\bservice=/);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  describe('against running services', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startStack({ services: ['enrollment', 'reporting'] });
    });
    afterAll(() => stack?.close());

    it('every metric an alert or a panel reads is one the services export', async () => {
      // `# TYPE` names every registered metric, labelled ones included before their first sample.
      const exported = new Set<string>();
      for (const service of ['enrollment', 'reporting'] as const) {
        for (const [, name, type] of (await stack.scrape(service)).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
          exported.add(name!);
          if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(name! + s);
        }
      }
      const read = [...rules.map((r) => r.expr), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))].flatMap(metricsIn);
      expect(read.length).toBeGreaterThan(20);
      expect([...new Set(read)].filter((m) => !exported.has(m))).toEqual([]);
    });
  });
});
