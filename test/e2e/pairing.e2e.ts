import { describe, expect, it } from 'vitest';
import { login, useBrowser, visible } from './browser.js';

/** school1 administers the lead school, which has one receiving classroom without a device yet (server/seed/demo-data.ts). */
const SCHOOL = '青山县实验小学';
const CLASSROOM = '四年级（1）班';

describe('pairing a receiving-classroom device', () => {
  const browser = useBrowser();

  it('pairs a classroom with the code its school admin was shown, signing the device in as that classroom', async () => {
    const admin = await browser.newUser();
    await login(admin.page, 'school1');
    await visible(admin.page.getByTestId('home-admin'));
    await admin.page.getByTestId('admin-nav-organisation').click();
    // The classroom table, once the school is chosen in the organisation tree (its link may carry a 龙头校
    // tag; the group's name only starts alike; a group page lists it twice) unless the page opened on the
    // admin's own school.
    const row = admin.page.getByRole('row').filter({ hasText: CLASSROOM });
    const schoolLink = admin.page.getByRole('link', { name: new RegExp(`^${SCHOOL}(\\s|$)`) });
    await row.or(schoolLink).first().waitFor();
    if (!(await row.isVisible())) await schoolLink.first().click();
    await row.getByRole('button', { name: '配对终端' }).click();
    const shown = await visible(admin.page.getByTestId('pairing-code'));
    const code = (await shown.innerText()).replace(/[^0-9A-Za-z]/g, '');
    expect(code).toMatch(/^[0-9A-Z]{8}$/);

    const device = await browser.newUser();
    await device.page.goto('/pair');
    await device.page.getByTestId('pair-code').fill(code);
    await device.page.getByTestId('pair-submit').click();
    await visible(device.page.getByTestId('home-classroom'));
    expect(await device.page.getByTestId('user-name').innerText()).toContain(CLASSROOM);
  });
});
