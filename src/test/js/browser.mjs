// Chromium as the browser tests drive it: Debian's chromium (CI installs it), headless, nothing it does on its own.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launch(log) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(20_000);
  // Tests talk to 127.0.0.1 only: whatever a page asks of the internet (the issuer's login page wants Google Fonts)
  // is refused here, not attempted.
  await page.route((url) => !['localhost', '127.0.0.1'].includes(url.hostname), (route) => route.abort());
  page.on('console', (message) => {
    if (message.type() === 'error') log(`browser console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => log(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`));
  return { browser, page };
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

// The screenshot (the whole page when something failed, so whatever went wrong is in it), then the browser closed.
export async function finish(browser, page, screenshotPath, failure, log) {
  if (page) {
    try {
      mkdirSync(dirname(screenshotPath), { recursive: true });
      await page.screenshot({ path: screenshotPath, fullPage: Boolean(failure) });
      log(`screenshot: ${screenshotPath}`);
    } catch (error) {
      log(`no screenshot: ${error.message}`);
    }
  }
  await browser?.close();
}
