// The consent page in a real browser, used as a partner admin would in the local run: open the page, press Renew,
// sign in on the token issuer's login page (Entra ID's stand-in) with the claims the local run prints, and read
// what the service answers back. Usage: node consent.mjs <baseUrl> <username> <claims> <screenshotPath>.
// Exits 0 when every step passed, 1 otherwise.
import { CHROMIUM, check, finish, launch } from './browser.mjs';

const [baseUrl, username, claims, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !username || !claims || !screenshotPath) {
  console.error('Usage: node consent.mjs <baseUrl> <username> <claims> <screenshotPath>');
  process.exit(2);
}

let step = 'launching Chromium at ' + CHROMIUM;
const log = (message) => console.log(`consent: ${message}`);

let browser;
let page;
let failure;
try {
  ({ browser, page } = await launch(log));

  step = 'opening the consent page';
  const opened = await page.goto(`${baseUrl}/consent`);
  check(opened.status() === 200, `The consent page answered ${opened.status()}`);
  log(`the consent page says: ${(await page.locator('body').innerText()).replace(/\s+/g, ' ')}`);

  step = 'pressing Renew';
  await page.getByRole('link', { name: 'Renew the consent' }).click();
  await page.locator('input[name="username"]').waitFor();
  const login = new URL(page.url());
  check(login.searchParams.get('prompt') === 'login', `The sign-in was not asked with prompt=login: ${page.url()}`);
  check(login.searchParams.get('code_challenge_method') === 'S256', 'The sign-in was not asked with PKCE (S256)');
  log(`the issuer's login page is at ${login.origin}${login.pathname}`);

  step = 'signing in as the partner admin';
  await page.locator('input[name="username"]').fill(username);
  await page.locator('textarea[name="claims"]').fill(claims);
  const callback = page.waitForResponse((response) => new URL(response.url()).pathname === '/consent/callback');
  await page.locator('input[type="submit"]').click();
  const answer = await callback;

  step = 'reading the callback page';
  await page.waitForLoadState();
  const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
  log(`the callback answered ${answer.status()}: ${text}`);
  check(answer.status() === 200, `The callback answered ${answer.status()}`);
  check(text.includes(`renewed by ${username}`), 'The page does not say who renewed the consent');
  check(!page.url().includes('code=') || !text.includes(new URL(page.url()).searchParams.get('code')), 'The page shows the code');

  step = 'back on the consent page';
  await page.getByRole('link', { name: 'Back to the consent page' }).click();
  const after = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
  check(after.includes('The consent works'), `The consent page does not say it works: ${after}`);
  check(after.includes('Last renewed here: 20'), 'The consent page does not say when it was renewed');
  log('passed');
} catch (error) {
  failure = error;
  console.error(`consent: FAILED while ${step}: ${error.message}`);
} finally {
  await finish(browser, page, screenshotPath, failure, log);
}
process.exit(failure ? 1 : 0);
