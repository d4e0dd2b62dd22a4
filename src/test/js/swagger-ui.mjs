// Swagger UI in a real browser, used as a person would: Authorize through the OAuth2 dialog (prefilled in the
// local run), then try the purchase eligibility of the documented blocked customer and read the answer.
// Usage: node swagger-ui.mjs <baseUrl> <screenshotPath>. Exits 0 when every step passed, 1 otherwise.
import { CHROMIUM, check, finish, launch } from './browser.mjs';

const [baseUrl, screenshotPath] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error('Usage: node swagger-ui.mjs <baseUrl> <screenshotPath>');
  process.exit(2);
}
const CUSTOMER = 'c0ffee00-0000-4000-8000-000000000002'; // UnderReview in the local run
const PATH = '/api/v1/customers/{customerId}/purchase-eligibility';

let step = 'launching Chromium at ' + CHROMIUM;
const log = (message) => console.log(`swagger-ui: ${message}`);

let browser;
let page;
let failure;
try {
  ({ browser, page } = await launch(log));

  step = 'opening Swagger UI';
  await page.goto(`${baseUrl}/swagger-ui/index.html`);
  const authorizeButton = page.locator('.scheme-container .btn.authorize');
  await authorizeButton.waitFor();

  step = 'authorizing with the OAuth2 scheme';
  await authorizeButton.click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  const oauth2 = dialog.locator('.auth-container').filter({ has: page.locator('h4', { hasText: 'OAuth2' }) });
  await oauth2.waitFor();
  const clientId = await oauth2.locator('input[data-name="clientId"]').inputValue();
  check(clientId !== '', 'The OAuth2 dialog has no prefilled client_id');
  check((await oauth2.locator('input[data-name="clientSecret"]').inputValue()) !== '', 'The OAuth2 dialog has no prefilled client_secret');
  log(`the OAuth2 dialog is prefilled with client_id ${clientId}`);
  const tokenAnswer = page.waitForResponse((response) => response.request().method() === 'POST' && /\/token$/.test(new URL(response.url()).pathname));
  await oauth2.locator('button.authorize').click();
  const token = await tokenAnswer;
  check(token.status() === 200, `The token endpoint answered ${token.status()}: ${await token.text()}`);
  // Authorized: the dialog offers Logout instead of Authorize, and shows no error.
  await oauth2.locator('button', { hasText: 'Logout' }).waitFor();
  const errors = await oauth2.locator('.errors').allInnerTexts();
  check(errors.join('').trim() === '', `The OAuth2 dialog shows errors: ${errors.join(' ')}`);
  log(`authorized: ${token.url()} answered ${token.status()}`);
  await oauth2.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'detached' });

  step = 'opening GET ' + PATH;
  const tag = page.locator('.opblock-tag-section').filter({ has: page.locator('.opblock-tag[data-tag="purchase eligibility"]') });
  // Swagger UI may show the tag open already (docExpansion "list"); pressing it then would close it.
  if ((await tag.locator('.opblock-tag').getAttribute('data-is-open')) !== 'true') {
    await tag.locator('.opblock-tag').click();
  }
  const operation = tag.locator('.opblock.opblock-get').filter({ has: page.locator(`.opblock-summary-path[data-path="${PATH}"]`) });
  await operation.locator('.opblock-summary-control').click();
  await operation.locator('.opblock-body').waitFor();

  step = 'trying it out with the UnderReview customer';
  await operation.locator('.try-out__btn').click();
  await operation.locator('tr[data-param-name="customerId"] input').fill(CUSTOMER);
  const apiAnswer = page.waitForResponse((response) => response.url().includes(`/customers/${CUSTOMER}/purchase-eligibility`));
  await operation.locator('.execute').click();
  const answer = await apiAnswer;
  check(answer.request().headers()['authorization']?.startsWith('Bearer '), 'The call carried no bearer token');

  step = 'reading the server response on the page';
  // The live answer, not the documented examples of the same operation.
  const live = operation.locator('.responses-inner .live-responses-table .response');
  const responseBody = live.locator('.response-col_description .highlight-code .microlight');
  await responseBody.waitFor();
  const status = (await live.locator('.response-col_status').innerText()).trim();
  const body = await responseBody.innerText();
  log(`the page shows status ${status} and body ${body.replace(/\s+/g, ' ')}`);
  check(status === '200', `The page shows status ${status}, not 200`);
  check(body.includes('"eligible": false'), 'The response body does not say "eligible": false');
  check(body.includes('UnderReview'), 'The response body does not name UnderReview');
  step = 'looking for errors Swagger UI found in the OpenAPI document';
  // Swagger UI resolves references as operations open; one it cannot resolve shows in a red box at the top.
  const documentErrors = await page.locator('.swagger-ui .errors-wrapper').allInnerTexts();
  check(documentErrors.length === 0, `Swagger UI reports errors in the document: ${documentErrors.join(' ')}`);
  // The screenshot shows the answer as a person sees it.
  await live.evaluate((row) => row.scrollIntoView({ block: 'center' }));
  log('passed');
} catch (error) {
  failure = error;
  console.error(`swagger-ui: FAILED while ${step}: ${error.message}`);
} finally {
  await finish(browser, page, screenshotPath, failure, log);
}
process.exit(failure ? 1 : 0);
