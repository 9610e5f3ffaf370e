// The operator page (/admin/) in a real headless browser (the system's Chromium, driven by
// playwright-core): it asks for the admin key and refuses a wrong one, lists every source and
// client, and shows a failing backend within a few seconds. Skipped where no browser is installed,
// except in CI (CI=true), whose .ci/run installs it. The screenshot goes to test-output/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { asUser, repoRoot, startStack, type Stack } from '../helpers/gateway.js';

const browserPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const skip =
  !browserPath && process.env['CI'] !== 'true' ? 'no Chromium installed (apt-get install -y chromium)' : false;
const ADMIN_KEY = 'operator-page-test-key';

let stack: Stack;
let browser: Browser;

describe('the operator page', { skip }, () => {
  before(async () => {
    assert.ok(browserPath, 'CI installs Chromium (.ci/run)');
    stack = await startStack({ env: { REDIS_URL: '', FACET_ADMIN_KEY: ADMIN_KEY } });
    browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the status API refuses a caller without the admin key', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-key-wrong-key' }] as Record<string, string>[]) {
      const res = await fetch(`${stack.url}/admin/api/status`, { headers });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
      assert.equal(body.errors[0]!.extensions.code, 'UNAUTHENTICATED');
    }
  });

  it('refuses a wrong key; with the key lists every source and client and shows a failing backend within seconds', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${stack.url}/admin`);
    await page.fill('#key', 'not-the-admin-key');
    await page.click('button[type=submit]');
    await page.waitForSelector('#refused', { state: 'visible', timeout: 5000 });
    assert.equal(await page.isVisible('#dashboard'), false, 'no data without the key');

    await page.fill('#key', ADMIN_KEY);
    await page.click('button[type=submit]');
    await page.waitForSelector('#dashboard', { state: 'visible', timeout: 5000 });
    const shown = async (attribute: string) =>
      (
        await page.$$eval(`tr[data-${attribute}]`, (rows, a) => rows.map((r) => r.getAttribute(`data-${a}`)), attribute)
      ).sort();
    assert.deepEqual(await shown('source'), ['catalog', 'orders', 'ratings', 'recommendations', 'users']);
    assert.deepEqual(await shown('client'), ['mobile', 'partner', 'web']);
    assert.equal(await page.textContent('tr[data-source="catalog"] .health'), 'up');

    // the catalog fails: the page says so within a few seconds of the traffic that meets it
    stack.demo.catalog.setFault('error');
    const user = await asUser('u1');
    for (let i = 0; i < 5; i++) await stack.gql('web', `{ product(id: "p${i + 1}") { id name } }`, { headers: user });
    await page.waitForFunction(
      () => {
        const health = document.querySelector('tr[data-source="catalog"] .health')?.textContent;
        return health === 'degraded' || health === 'down';
      },
      undefined,
      { timeout: 6000 },
    );
    assert.match((await page.textContent('tr[data-source="catalog"] td:nth-child(5)')) ?? '', /[1-9]\d*%/);
    assert.equal(await page.textContent('tr[data-source="users"] .health'), 'up', 'the others stay up');
    // the web answers were 200s carrying field errors: counted by their code
    await page.waitForFunction(
      () =>
        /[A-Z_]{4,}: [1-9]/.test(document.querySelector('tr[data-client="web"] td:nth-child(4)')?.textContent ?? ''),
      undefined,
      { timeout: 6000 },
    );
    const outDir = join(repoRoot, 'test-output');
    mkdirSync(outDir, { recursive: true });
    const screenshot = join(outDir, 'operator-page.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`operator page screenshot: ${screenshot}`);
    assert.deepEqual(problems, [], 'no script error on the page');
    stack.demo.catalog.setFault(null);
  });
});
