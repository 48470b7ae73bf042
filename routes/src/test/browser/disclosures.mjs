// A privacy officer answers a data access request: logs in with the console login, opens the
// patient's disclosure report, reads it in English and in Traditional Chinese, and prints it.
// Environment: HARBOUR_URL, HARBOUR_CONSOLE_USER, HARBOUR_CONSOLE_PASSWORD, HARBOUR_PATIENT,
// HARBOUR_MASKED_HKID, HARBOUR_PDF (where to print), HARBOUR_SCREENSHOTS.
import { launch, check, screenshotOnFailure } from './browser.mjs';

const base = process.env.HARBOUR_URL;
const report = `${base}/console/patients/${process.env.HARBOUR_PATIENT}/disclosures`;

const { browser, page, refusals } = await launch();
await screenshotOnFailure(page, 'disclosures', async () => {
  await page.goto(report);
  check(new URL(page.url()).pathname === '/login', `the report asks a browser to log in first, not ${page.url()}`);
  await page.fill('#username', process.env.HARBOUR_CONSOLE_USER);
  await page.fill('#password', process.env.HARBOUR_CONSOLE_PASSWORD);
  await Promise.all([page.waitForURL(url => url.pathname.endsWith('/disclosures')), page.click('button[type=submit]')]);

  const english = await page.innerText('body');
  check(english.includes('Record of disclosures of your health records'), 'the English report opens after the login');
  check(english.includes(process.env.HARBOUR_MASKED_HKID), 'the patient is named by the masked HKID');
  check(await page.locator('table.disclosed td', { hasText: /^Laboratory result: Potassium/ }).count() === 1,
    'the disclosed record is in words');
  check(await page.locator('table.withheld td', { hasText: 'you had withdrawn the consent that allowed it' }).count() === 1,
    'the withheld record cites the withdrawn consent');
  check(english.includes('1 further supporting records'), 'the visit nobody could receive is counted, not listed');

  await Promise.all([page.waitForURL(/lang=zh-HK/), page.click('a[lang="zh-HK"]')]);
  check(await page.getAttribute('html', 'lang') === 'zh-HK', 'the Chinese page says its language');
  const chinese = await page.innerText('body');
  for (const words of ['個人資料披露記錄', '化驗結果', '您已撤回准許披露的同意書']) {
    check(chinese.includes(words), `the Chinese report says ${words}`);
  }

  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('nav').isVisible()), 'the links and the language switch are not printed');
  await page.pdf({ path: process.env.HARBOUR_PDF, format: 'A4', printBackground: true });
  check(refusals.length === 0, `no request was refused: ${refusals.join(', ')}`);
});
await browser.close();
console.log('disclosure report: login, English, 繁體中文, print: all passed');
