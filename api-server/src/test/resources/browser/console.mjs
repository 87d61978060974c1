// Drives the web console (argv[2], the admin port's "/") in Debian's headless chromium through playwright-core as a
// person would: signs in with an access key and secret, reads the bucket list, creates a bucket, switches the
// language, signs out, and tries a wrong secret. Prints the outcome as one line: RESULT {json}. Every wait is bounded.
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';

const [consoleUrl, accessKey, secret, newBucket, screenshotDir, browseBucket, bigSize, bigSeed] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const log = [];
const browser = await chromium.launch({
  executablePath,
  headless: true,
  timeout: 30000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync', '--disable-quic'],
});
let code = 1;
const buckets = async page => page.$$eval('#bucket-rows tr', rows => rows.map(r => r.dataset.bucket));
try {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  page.on('console', m => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', e => log.push(`pageerror: ${e}`));
  page.on('requestfailed', r => log.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', r => log.push(`response: ${r.request().method()} ${r.url().split('?')[0]} ${r.status()}`));
  const result = { log };
  const main = await page.goto(consoleUrl, { timeout: 15000 });
  result.csp = main.headers()['content-security-policy'];
  await page.waitForFunction(() => document.body.dataset.state === 'signed-out');
  result.accessKeyType = await page.getAttribute('#access-key', 'type');
  result.secretType = await page.getAttribute('#secret', 'type');
  result.title = await page.textContent('h1');

  await page.fill('#access-key', accessKey);
  await page.fill('#secret', secret);
  await page.click('#sign-in-button');
  await page.waitForFunction(() => document.body.dataset.state === 'signed-in' && document.body.dataset.buckets);
  result.secretAfterSignIn = await page.inputValue('#secret');
  result.user = await page.textContent('#user');
  result.bucketsAfterSignIn = await buckets(page);
  result.storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));

  await page.fill('#new-bucket', newBucket);
  await page.click('#create-bucket button[type=submit]');
  await page.waitForSelector(`#bucket-rows tr[data-bucket="${newBucket}"]`);
  result.bucketsAfterCreate = await buckets(page);
  if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/console-buckets.png`, fullPage: true });

  // A bucket browsed by prefix, a page of 1,000 at a time; a 30 MiB file dropped in (multipart, with progress),
  // downloaded, shared.
  await page.click(`#bucket-rows tr[data-bucket="${browseBucket}"] button.link`);
  await page.waitForFunction(() => document.body.dataset.objects !== undefined
    && !document.getElementById('objects-section').hidden);
  result.rootFolders = await page.$$eval('#object-rows tr[data-prefix]', rows => rows.map(r => r.dataset.prefix));
  result.rootKeys = await page.$$eval('#object-rows tr[data-key]', rows => rows.map(r => r.dataset.key));
  await page.click('#object-rows tr[data-prefix="many/"] button.link');
  await page.waitForFunction(() => document.body.dataset.page === '1' && document.body.dataset.objects === '1000');
  result.firstPage = Number(await page.evaluate(() => document.body.dataset.objects));
  result.nextVisible = await page.isVisible('#next-page');
  await page.click('#next-page');
  await page.waitForFunction(() => document.body.dataset.page === '2');
  result.secondPage = await page.$$eval('#object-rows tr[data-key]', rows => rows.map(r => r.dataset.key));
  await page.click('#breadcrumb button.link >> nth=0');
  await page.waitForSelector('#object-rows tr[data-prefix="many/"]');

  await page.evaluate(({size, seed}) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'big.bin', {type: 'application/octet-stream'}));
    const zone = document.getElementById('drop-zone');
    zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
    zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }, {size: Number(bigSize), seed: Number(bigSeed)});
  await page.waitForSelector('.upload[data-key="big.bin"][data-state="done"]', {timeout: 60000});
  result.uploadProgress = await page.$eval('.upload[data-key="big.bin"] progress', p => [p.value, p.max]);
  result.overallProgress = await page.$eval('#overall-progress', p => [p.value, p.max]);
  await page.waitForSelector('#object-rows tr[data-key="big.bin"]');
  if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/console-objects.png`, fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#object-rows tr[data-key="big.bin"] button >> text=Download'),
  ]);
  if (screenshotDir) await download.saveAs(`${screenshotDir}/downloaded.bin`);
  result.downloadName = download.suggestedFilename();
  await page.click('#object-rows tr[data-key="big.bin"] button >> text=Share');
  await page.waitForFunction(() => document.getElementById('share-url').value.startsWith('http'));
  result.shareUrl = await page.inputValue('#share-url');
  // The link fetched from a fresh context (no cookies, no page), while the session that signed it lives.
  const fresh = await browser.newContext();
  const shared = await fresh.request.get(result.shareUrl);
  result.shareStatus = shared.status();
  result.shareSha256 = createHash('sha256').update(await shared.body()).digest('hex');
  await fresh.close();
  // Versioning on, a file put twice, the old version restored from the object's details.
  await page.check('#versioning');
  await page.waitForFunction(() => document.body.dataset.versioning === 'Enabled');
  const doneCount = () => page.evaluate(
    () => document.querySelectorAll('.upload[data-key="doc.txt"][data-state="done"]').length);
  await page.setInputFiles('#file-picker', {name: 'doc.txt', mimeType: 'text/plain', buffer: Buffer.from('first version')});
  await page.waitForFunction(() => document.querySelectorAll('.upload[data-key="doc.txt"][data-state="done"]').length === 1);
  await page.setInputFiles('#file-picker', {name: 'doc.txt', mimeType: 'text/plain', buffer: Buffer.from('second version')});
  await page.waitForFunction(() => document.querySelectorAll('.upload[data-key="doc.txt"][data-state="done"]').length === 2);
  result.docUploads = await doneCount();
  await page.waitForSelector('#object-rows tr[data-key="doc.txt"]');
  await page.click('#object-rows tr[data-key="doc.txt"] button >> text=Details');
  await page.waitForFunction(() => document.body.dataset.versions === '2' && !document.getElementById('details').hidden);
  result.detailsText = await page.textContent('#details-meta');
  await page.click('#version-rows tr[data-latest="false"] button >> text=Restore');
  await page.waitForFunction(() => document.body.dataset.restored && document.body.dataset.versions === '3');
  result.versionsAfterRestore = Number(await page.evaluate(() => document.body.dataset.versions));
  if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/console-versions.png`, fullPage: true });
  await page.click('#back-to-buckets');
  await page.waitForFunction(() => !document.getElementById('buckets-section').hidden);

  await page.selectOption('#language', 'zh-CN');
  result.titleZh = await page.textContent('h1');
  await page.selectOption('#language', 'en');

  await page.click('#sign-out');
  await page.waitForFunction(() => document.body.dataset.state === 'signed-out');
  result.signedOut = await page.isVisible('#sign-in');
  result.rowsAfterSignOut = (await buckets(page)).length;

  await page.fill('#access-key', accessKey);
  await page.fill('#secret', secret + 'x');
  await page.click('#sign-in-button');
  await page.waitForSelector('#error:not([hidden])');
  result.wrongSecretError = await page.textContent('#error');
  result.stateAfterWrongSecret = await page.evaluate(() => document.body.dataset.state);
  if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/console-sign-in.png`, fullPage: true });
  console.log('RESULT ' + JSON.stringify(result));
  code = 0;
} catch (e) {
  console.error(`failed: ${e.stack || e}`);
  for (const line of log) console.error(line);
} finally {
  await browser.close();
}
process.exit(code);
