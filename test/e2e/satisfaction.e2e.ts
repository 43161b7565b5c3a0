import { describe, expect, it } from 'vitest';
import type { SatisfactionResults, SurveyCodeList, SurveyView } from '../../shared/api/evaluation-satisfaction.js';
import type { Term } from '../../shared/api/teaching.js';
import { shanghaiDate } from '../../shared/time.js';
import { DEMO_PASSWORD } from '../../server/seed/demo-logins.js';
import { HttpClient } from '../support/server-process.js';
import { baseUrl, login, useBrowser, visible } from './browser.js';

describe('the demo county’s satisfaction survey', () => {
  const browser = useBrowser();

  it('is answered once from a printed code’s page without signing in, and the county sees the answer in its results', async () => {
    // The county bureau's view of its survey: the survey of the current term and one of its unused codes.
    const county = new HttpClient(baseUrl());
    expect((await county.request('POST', '/api/auth/login', { username: 'county', password: DEMO_PASSWORD })).status).toBe(200);
    const [region] = (await county.request('GET', '/api/regions')).json as Array<{ id: number }>;
    const terms = (await county.request('GET', `/api/terms?regionId=${region!.id}`)).json as Term[];
    const today = shanghaiDate(new Date());
    const term = terms.find((x) => x.startsOn <= today && today <= x.endsOn)!;
    const { survey } = (await county.request('GET', `/api/evaluation/satisfaction?regionId=${region!.id}&termId=${term.id}`)).json as SurveyView;
    const before = (await county.request('GET', `/api/evaluation/satisfaction/${survey!.id}/results`)).json as SatisfactionResults;
    const { codes } = (await county.request('GET', `/api/evaluation/satisfaction/${survey!.id}/codes?unusedOnly=true`)).json as SurveyCodeList;
    const code = codes[0]!;
    expect(code.url).toMatch(/\/survey\/[A-Z2-9]{10}$/);

    // A parent opens the link on her phone: no sign-in, every question on five levels, then the thanks.
    const parent = await browser.newUser();
    await parent.page.goto(new URL(code.url).pathname);
    await visible(parent.page.getByTestId('survey-form'));
    for (let i = 0; i < survey!.questions.length; i++) await parent.page.getByTestId(`survey-level-${i}-${i === 0 ? 4 : 1}`).check();
    await parent.page.getByTestId('survey-submit').click();
    await visible(parent.page.getByTestId('survey-thanks'));

    // The same code again: refused, and said so plainly.
    await parent.page.goto(new URL(code.url).pathname);
    const refused = await visible(parent.page.getByTestId('survey-refused'));
    expect(await refused.getAttribute('data-reason')).toBe('used');

    // The county's results page counts the new response.
    const { page } = await browser.newUser();
    await login(page, 'county');
    await visible(page.getByTestId('home-admin'));
    await page.getByTestId('admin-nav-satisfaction').click();
    await visible(page.getByTestId('satisfaction-results'));
    expect(await page.getByTestId('satisfaction-responses').innerText()).toContain(`${before.overall.responses + 1}`);
    const after = (await county.request('GET', `/api/evaluation/satisfaction/${survey!.id}/results`)).json as SatisfactionResults;
    expect(after.overall.responses).toBe(before.overall.responses + 1);
    expect(after.questions[0]!.levels[3]).toBe(before.questions[0]!.levels[3]! + 1);
  });
});
