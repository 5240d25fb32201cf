import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser, ConsoleMessage, Page } from 'playwright-core';
import { expectEventually } from '@chanjiao/testing';
import { demoContextFor, startStack, StackService, TestStack, waitForReports } from '@chanjiao/test-support';
import { AS_OF, valueAt } from '../scripts/demo/expected';
import { loadAlliance } from '../scripts/demo/alliance-data';
import { loadPartnership } from '../scripts/demo/partnership-data';
import { runDemo } from '../scripts/demo/run-demo';
// Plain JS (it runs before anything is compiled): the bundle the server serves, built afresh for this test.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildDashboard } = require('../scripts/build-dashboard.js') as { buildDashboard: () => Promise<string> };

/** Debian's chromium package (CI installs it); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** DASHBOARD_SCREENSHOTS=1: load the whole 2022 scenario and write docs/dashboard-{zh,en}.png (README shows one). */
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS === '1';
const YEAR = 2022;

/** Each card and the figure of GET /reports/overview it shows (as the API gives it). */
const CARD_FIGURES: Record<string, string> = {
  intake: 'intake.total',
  graduates: 'graduates.total',
  placement: 'graduates.placement.rate',
  localEmployed: 'graduates.localEmployed',
  interns: 'internships.students',
  localInterns: 'internships.localStudents',
  enterprises: 'partnerships.enterprises',
  signed: 'partnerships.schoolEnterpriseSigned',
  pilots: 'partnerships.certificatePilots',
  orderClass: 'partnerships.orderClasses.students',
  investment: 'trainingBases.investment',
  alliancesLed: 'alliances.led',
};

/**
 * The dashboard end to end (README "Dashboard / 看板"): headless Chromium against the real stack, a fixture loaded
 * through the write API (the partnerships office's and the alliances' part of the 2022 scenario; the whole scenario
 * with DASHBOARD_SCREENSHOTS=1). The cards show the overview's figures, a change appears without a reload, the
 * language switch and the explanations work, and the page logs no error under the edge's content security policy.
 */
describe('dashboard', () => {
  let stack: TestStack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `The dashboard's e2e test drives headless Chromium at ${CHROMIUM}, which is missing: install Debian's package ` +
          '(apt-get install chromium; .ci/run does) or set CHROMIUM_PATH. Browsers are never downloaded.',
      );
    await buildDashboard();
    const services: StackService[] = SCREENSHOTS
      ? ['enrollment', 'placement', 'partnership', 'alliance', 'reporting']
      : ['partnership', 'alliance', 'reporting'];
    stack = await startStack({ services, institution: SCREENSHOTS ? 'BZVTC' : undefined });
    base = stack.urls.reporting!;
    if (SCREENSHOTS) {
      const checks = await runDemo({
        institution: stack.institution,
        urls: stack.urls as Parameters<typeof runDemo>[0]['urls'],
        writerKey: stack.writerKey,
        readerKey: stack.readerKey,
      });
      expect(checks.filter((c) => !c.ok)).toEqual([]);
    } else {
      const ctx = demoContextFor(stack);
      await loadPartnership(ctx);
      await loadAlliance(ctx);
      await waitForReports(ctx);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const overview = async () => {
    const res = await stack.reporting.get(`/reports/overview?year=${YEAR}&asOf=${AS_OF}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  /** A page at laptop size whose console errors and uncaught exceptions are collected. */
  async function open(errors: string[]): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(`${base}/dashboard#year=${YEAR}&asOf=${AS_OF}`);
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.fill('#key', key);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('body[data-loaded]');
  }

  const raw = (page: Page, card: string) => page.getAttribute(`#card-${card} .card-value`, 'data-raw');

  it('serves the page and its files without a key, under the content security policy, and nothing else', async () => {
    const page = await fetch(`${base}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    // No inline script or handler: the policy would block them.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=/i);
    const script = await fetch(`${base}/dashboard/dashboard.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    const etag = script.headers.get('etag')!;
    expect((await fetch(`${base}/dashboard/dashboard.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${base}/dashboard/dashboard.css`)).status).toBe(200);
    expect((await fetch(`${base}/dashboard/..%2Fpackage.json`)).status).toBe(404);
    // The data still needs the key.
    expect((await fetch(`${base}/reports/overview?year=${YEAR}`)).status).toBe(401);
  });

  it('shows the figures of the overview, live, in Chinese and English, with the records behind each card', async () => {
    const errors: string[] = [];
    const page = await open(errors);
    await page.waitForSelector('#signin:not([hidden])');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await signIn(page, stack.readerKey);

    // Every card shows its figure of GET /reports/overview.
    const o = await overview();
    expect(o.partnerships.enterprises).toBeGreaterThan(0);
    for (const [card, field] of Object.entries(CARD_FIGURES))
      expect([card, await raw(page, card)]).toEqual([card, String(valueAt(o, field))]);
    expect(await page.textContent('#card-enterprises .card-value')).toBe(o.partnerships.enterprises.toLocaleString('zh-CN'));
    expect(await page.textContent('#card-placement .card-sub')).toContain(
      `${o.graduates.placement.numerator.toLocaleString('zh-CN')} / ${o.graduates.placement.denominator.toLocaleString('zh-CN')}`,
    );
    expect(await page.textContent('#card-enterprises .card-title')).toBe('合作企业');
    expect(await page.textContent('#stamp')).toContain(`统计日期 ${AS_OF}`);
    // The charts drew (SVG), the agreements' one with this year's kinds.
    expect(await page.locator('#chart-agreements svg').count()).toBe(1);
    expect(await page.textContent('#chart-agreements')).toContain('校企合作');

    // English and back, without a reload.
    await page.click('#lang');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('#card-enterprises .card-title')).toBe('Partner enterprises');
    expect(await page.textContent('#chart-agreements')).toContain('School–enterprise');
    expect(await page.textContent('#stamp')).toContain(`Figures at ${AS_OF}`);
    await page.click('#lang');
    expect(await page.textContent('#card-enterprises .card-title')).toBe('合作企业');

    // A card opens the records behind its figure.
    await page.click('#card-pilots');
    await page.waitForSelector('#explain[open] #explain-rows tr');
    const pilots = o.partnerships.certificatePilots as number;
    expect(await page.locator('#explain-rows tr').count()).toBe(Math.min(pilots, 50));
    expect(await page.textContent('#explain-summary')).toContain(`由 ${pilots} 条记录构成`);
    expect(await page.textContent('#explain-rows')).toContain('certificate_pilot');
    await page.click('#explain-close');
    expect(await page.locator('#explain[open]').count()).toBe(0);

    // An agreement signed through the write API appears on the open page, without a reload.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    const partnership = stack.api('partnership');
    const put = await partnership.put('/partners/DASHBOARD-LIVE-1', { name: '看板实时企业', kind: 'enterprise', sector: 'textiles' });
    expect(put.status).toBeLessThan(300);
    const signed = await partnership.post('/agreements', {
      agreementId: 'DASHBOARD-LIVE-A1',
      partnerIds: ['DASHBOARD-LIVE-1'],
      kind: 'school_enterprise',
      signedOn: `${YEAR}-06-01`,
    });
    expect(signed.status).toBe(201);
    await expectEventually(
      async () => {
        expect(await raw(page, 'signed')).toBe(String(o.partnerships.schoolEnterpriseSigned + 1));
        expect(await raw(page, 'enterprises')).toBe(String(o.partnerships.enterprises + 1));
      },
      { timeoutMs: 30_000 },
    );
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect((await overview()).partnerships.enterprises).toBe(o.partnerships.enterprises + 1);

    // Downloads of the annual report's tables come with the key (a blob, not a URL holding it).
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);

    if (SCREENSHOTS) {
      for (const lang of ['zh', 'en'] as const) {
        if ((await page.getAttribute('html', 'lang'))?.startsWith(lang) !== true) await page.click('#lang');
        await page.waitForTimeout(1500); // the charts' animation
        await page.screenshot({ path: join(__dirname, '..', 'docs', `dashboard-${lang}.png`), fullPage: true });
      }
    }

    // Printed: no controls, the figures and charts stay.
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#download-csv')).toBe(false);
    expect(await page.isVisible('#card-enterprises')).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // Signing out forgets the key; the tab keeps nothing.
    await page.click('#signout');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(page.url()).not.toContain(stack.readerKey);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("lets a bureau's key pick among its institutions, and shows their sum", async () => {
    const other = `O${stack.institution.slice(-6)}`;
    const bureau = await stack.keys.create({ role: 'reader', services: ['reporting'], institutions: [stack.institution, other] });
    const errors: string[] = [];
    const page = await open(errors);
    await page.fill('#institution', 'all');
    await signIn(page, bureau.key);
    expect(await page.locator('#institution-list input').count()).toBe(2);
    const o = await overview();
    // The other institution has no events: the sum is this one's figures.
    expect(await raw(page, 'enterprises')).toBe(String(o.partnerships.enterprises));
    expect(await page.textContent('#stamp')).toContain([stack.institution, other].sort().join(','));

    // A load under way when the choice changed is followed by one for the new choice.
    await page.uncheck(`#institution-list input[value="${other}"]`);
    await expectEventually(async () => expect(await page.textContent('#stamp')).toMatch(new RegExp(`· ${stack.institution} ·`)), {
      timeoutMs: 10_000,
    });
    expect(await raw(page, 'enterprises')).toBe(String(o.partnerships.enterprises));
    expect(errors).toEqual([]);
    await page.close();
  });
});
