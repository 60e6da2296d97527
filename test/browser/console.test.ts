import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startConsole } from '../admin/console.js';

const executablePath = '/usr/bin/chromium';
// The flags that proved to work with Debian's Chromium in a container (reference/toolchain.md §6f).
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const widths = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

/** Chromium is required in CI (a skipped browser test would hide a broken console); elsewhere its absence skips with a reason. */
function requireChromium(t: TestContext): boolean {
  if (existsSync(executablePath)) return true;
  const reason = `${executablePath} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
  if (process.env['CI']) assert.fail(reason);
  t.skip(reason);
  return false;
}

interface Screens {
  desktop: BrowserContext;
  phone: BrowserContext;
}

/** Opens the public page at both widths, checks it, and saves full-page screenshots named for the step. */
async function checkPublicPage(screens: Screens, baseUrl: string, step: string, expect: { banner: string; texts?: string[]; absent?: string[] }) {
  for (const [name, context] of Object.entries(screens) as Array<[keyof Screens, BrowserContext]>) {
    const page = await context.newPage();
    try {
      const res = await page.goto(`${baseUrl}/`);
      assert.equal(res?.status(), 200);
      const body = await page.locator('body').innerText();
      assert.ok(body.includes(expect.banner), `${step} (${name}): banner "${expect.banner}" in:\n${body}`);
      for (const text of expect.texts ?? []) assert.ok(body.includes(text), `${step} (${name}): "${text}" in:\n${body}`);
      for (const text of expect.absent ?? []) assert.ok(!body.includes(text), `${step} (${name}): no "${text}" in:\n${body}`);
      await page.screenshot({ path: `${artifacts}public-${step}-${name}.png`, fullPage: true });
    } finally {
      await page.close();
    }
  }
}

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
}

describe('admin console in a browser', () => {
  test('log in, run an incident from outage to resolved and schedule maintenance; the public page follows each step', async (t) => {
    if (!requireChromium(t)) return;
    mkdirSync(artifacts, { recursive: true });
    const c = await startConsole(t);
    const base = c.app.baseUrl;
    const browser: Browser = await chromium.launch({ executablePath, args, headless: true });
    t.after(() => browser.close());
    const screens: Screens = {
      desktop: await browser.newContext({ viewport: widths.desktop }),
      phone: await browser.newContext({ viewport: widths.phone, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }),
    };
    const admin = await (await browser.newContext({ viewport: widths.desktop })).newPage();
    admin.setDefaultTimeout(15_000);

    // Log in with the password printed on first start.
    await admin.goto(`${base}/admin`);
    assert.match(admin.url(), /\/admin\/login\?next=%2Fadmin$/);
    await admin.getByLabel('Username').fill('admin');
    await admin.getByLabel('Password').fill(c.password);
    await submit(admin, 'Log in');
    assert.equal(await admin.getByRole('heading', { level: 1 }).innerText(), 'Incidents');

    // Two components, through the console.
    await admin.getByRole('link', { name: 'Components' }).click();
    for (const name of ['API', 'Website']) {
      await admin.locator('#new-component-name').fill(name);
      await submit(admin, 'Add component');
    }
    await checkPublicPage(screens, base, '1-operational', { banner: 'All Systems Operational', texts: ['API', 'Website'] });

    // An incident with a component outage.
    await admin.getByRole('link', { name: 'Incidents' }).click();
    await admin.getByRole('link', { name: 'New incident' }).click();
    await admin.getByLabel('Name').fill('Checkout is failing');
    await admin.getByLabel('Message').fill('Payments fail for most customers. We are investigating.');
    await admin.getByLabel(/^API/).selectOption('major_outage');
    await submit(admin, 'Create incident');
    await admin.getByText('Incident created.').waitFor();
    const incidentUrl = admin.url().replace(/\?.*$/, '');
    await admin.screenshot({ path: `${artifacts}console-incident-desktop.png`, fullPage: true });
    await checkPublicPage(screens, base, '2-outage', { banner: 'Major Service Outage', texts: ['Checkout is failing', 'Payments fail for most customers'] });

    // A further update: identified, the outage eased to a partial one.
    await admin.locator('#update-status').selectOption('identified');
    await admin.locator('#update-message').fill('A faulty deploy was found and is being rolled back.');
    await admin.locator('#update-components').getByLabel(/^API/).selectOption('partial_outage');
    await submit(admin, 'Save and post update');
    await admin.getByText('Saved.').waitFor();
    // The banner follows the incident's peak impact until it is resolved; the component shows its new status.
    await checkPublicPage(screens, base, '3-identified', { banner: 'Major Service Outage', texts: ['A faulty deploy was found', 'Partial outage'] });

    // Resolved: components back to operational.
    await admin.locator('#resolve-message').fill('The rollback is complete; payments work again.');
    assert.equal(await admin.locator('#resolve-restore_components').isChecked(), true);
    await submit(admin, 'Resolve incident');
    await admin.getByText('Resolved.', { exact: true }).waitFor();
    assert.equal(admin.url(), `${incidentUrl}?notice=resolved`);
    await checkPublicPage(screens, base, '4-resolved', { banner: 'All Systems Operational' });

    // Scheduled maintenance, in the page's time zone, starting by itself.
    await admin.getByRole('link', { name: 'Maintenance' }).click();
    await admin.getByRole('link', { name: 'Schedule maintenance' }).click();
    await admin.getByLabel('Name').fill('Database upgrade');
    await admin.getByLabel('Message').fill('The database moves to new hardware.');
    await admin.getByLabel('Start', { exact: true }).fill('2026-03-02T14:00');
    await admin.getByLabel('End', { exact: true }).fill('2026-03-02T15:00');
    await admin.getByLabel(/^Website/).check();
    await submit(admin, 'Schedule maintenance');
    await admin.getByText('Maintenance scheduled.').waitFor();
    await admin.setViewportSize(widths.phone);
    await admin.screenshot({ path: `${artifacts}console-maintenance-phone.png`, fullPage: true });
    await checkPublicPage(screens, base, '5-maintenance-scheduled', { banner: 'All Systems Operational', texts: ['Database upgrade'] });

    c.app.clock.set('2026-03-02T14:00:00.000Z');
    assert.equal(c.app.herald.scheduler.runOnce(), 1);
    await checkPublicPage(screens, base, '6-maintenance-in-progress', { banner: 'Service Under Maintenance', texts: ['Database upgrade'] });

    // Every step is in the audit log, shown in the console.
    await admin.goto(`${base}/admin/audit`);
    const audit = await admin.locator('main').innerText();
    for (const action of ['session.login', 'component.create', 'incident.create', 'incident.update', 'incident.resolve', 'maintenance.schedule']) {
      assert.ok(audit.includes(action), `audit log shows ${action}`);
    }
  });
});
