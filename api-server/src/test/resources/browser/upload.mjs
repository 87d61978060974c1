// Opens BrowserIT's page (argv[2]) in Debian's headless chromium through playwright-core, waits for the page's
// uploads and downloads, and prints their outcome as one line: RESULT {json}. Exits non-zero on any failure to
// get there. Every wait is bounded.
import { chromium } from 'playwright-core';

const pageUrl = process.argv[2];
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const log = [];
// An HTTPS server's certificate from the tests' own CA: trusted by its public key's hash, as a pinned key.
const spki = process.env.GRANARY_SPKI || '';

const browser = await chromium.launch({
  executablePath,
  headless: true,
  timeout: 30000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync', '--disable-quic',
         ...(spki ? [`--ignore-certificate-errors-spki-list=${spki}`] : [])],
});
let code = 1;
try {
  console.error(`browser: ${browser.version()}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(45000);
  page.on('console', m => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', e => log.push(`pageerror: ${e}`));
  page.on('requestfailed', r => log.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', r => log.push(`response: ${r.request().method()} ${r.url().split('?')[0]} ${r.status()}`));
  await page.goto(pageUrl, { timeout: 15000 });
  await page.waitForFunction(() => window.granaryResult !== undefined, null, { timeout: 45000 });
  const result = await page.evaluate(() => window.granaryResult);
  result.log = log;
  console.log('RESULT ' + JSON.stringify(result));
  code = 0;
} catch (e) {
  console.error(`failed: ${e.stack || e}`);
  for (const line of log) console.error(line);
} finally {
  await browser.close();
}
process.exit(code);
