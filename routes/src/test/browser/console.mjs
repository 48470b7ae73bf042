// The operations console in a real browser (Debian's Chromium driven by playwright-core):
// log in through the hub's login page, see the Camel routes with their counts, open the
// harbour.inbound queue in Hawtio's JMX tree and on the queues page, log out.
// Environment: HARBOUR_URL, HARBOUR_CONSOLE_USER, HARBOUR_CONSOLE_PASSWORD,
// HARBOUR_STORE_COMPLETED (messages the store route has completed), HARBOUR_SCREENSHOTS (folder).
import { launch, check, waitFor, screenshotOnFailure } from './browser.mjs';

const base = process.env.HARBOUR_URL;
const user = process.env.HARBOUR_CONSOLE_USER;
const password = process.env.HARBOUR_CONSOLE_PASSWORD;
const completed = Number(process.env.HARBOUR_STORE_COMPLETED);

const { browser, page, refusals } = await launch();
await screenshotOnFailure(page, 'console', async () => {
  await page.goto(base + '/hawtio/');
  check(new URL(page.url()).pathname === '/login', `the console sends a browser to /login, not ${page.url()}`);

  await page.fill('#username', user);
  await page.fill('#password', 'not-the-password');
  await Promise.all([page.waitForURL(/\/login\?error/), page.click('button[type=submit]')]);
  check((await page.innerText('main')).includes('not accepted'), 'a wrong password is refused with a message');

  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/hawtio\//), page.click('button[type=submit]')]);
  const cookies = (await page.context().cookies()).map(c => c.name);
  check(cookies.includes('XSRF-TOKEN'), `the console has its CSRF cookie for Jolokia (cookies: ${cookies})`);

  // the routes and their counts, as Hawtio shows them (it refreshes every 5 s)
  await page.goto(base + '/hawtio/camel/routes');
  await page.getByText('routes', { exact: true }).first().click();
  const storeRow = page.locator('tr', { has: page.locator('td', { hasText: /^store$/ }) });
  await waitFor(async () => {
    const headers = await page.locator('thead th').allInnerTexts();
    const at = headers.findIndex(h => h.trim() === 'Completed');
    if (at < 0 || await storeRow.count() === 0) return false;
    const cells = await storeRow.first().locator('td').allInnerTexts();
    return Number(cells[at].trim()) === completed;
  }, `the store route shows ${completed} completed exchanges`);
  for (const route of ['ingest-mllp', 'disclose']) {
    check(await page.locator('td', { hasText: new RegExp(`^${route}$`) }).count() === 1, `route ${route} is listed`);
  }

  // the inbound queue in Hawtio's JMX tree: its attributes read through Jolokia
  await page.goto(base + '/hawtio/jmx');
  await page.locator('input[type=search], input[placeholder*="earch"]').first().fill('harbour.inbound');
  const queueNode = page.locator('[role=treeitem]:has-text("anycast") [role=treeitem]:has-text("harbour.inbound")');
  await waitFor(async () => await queueNode.count() > 0, 'harbour.inbound appears under anycast in the JMX tree');
  await queueNode.last().locator('button, span').first().click();
  await waitFor(async () => (await page.innerText('main')).includes('MessageCount'),
    'the queue opens with its attributes (MessageCount)');

  // the queues page: the same queue as a queue, beside the dead-letter queues
  await page.goto(base + '/console/queues');
  for (const queue of ['harbour.inbound', 'harbour.dlq', 'harbour.outbound.dlq']) {
    check(await page.locator(`tr[data-queue="${queue}"]`).count() === 1, `the queues page lists ${queue}`);
  }
  const consumers = await page.locator('tr[data-queue="harbour.inbound"] td.consumers').innerText();
  check(Number(consumers) > 0, `harbour.inbound has its consumers (${consumers})`);

  // log out through Hawtio's own menu
  await page.goto(base + '/hawtio/camel/routes');
  await page.getByText(user, { exact: true }).first().click();
  await Promise.all([page.waitForURL(/\/login\?logout/), page.getByText('Log out', { exact: true }).click()]);
  await page.goto(base + '/hawtio/');
  check(new URL(page.url()).pathname === '/login', 'after logging out the console asks for the login again');
  check(refusals.length === 0, `no console request was refused while logged in: ${refusals.join(', ')}`);
});
await browser.close();
console.log('console: login, routes with counts, harbour.inbound queue, logout: all passed');
