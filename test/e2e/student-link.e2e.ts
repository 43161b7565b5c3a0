import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-logins.js';
import { HttpClient } from '../support/server-process.js';
import { baseUrl, useBrowser, visible } from './browser.js';

describe('a student link', () => {
  const browser = useBrowser();

  it('opens the course for the student from the fragment, then drops the token from the address bar', async () => {
    const admin = new HttpClient(baseUrl());
    expect((await admin.request('POST', '/api/auth/login', { username: 'admin', password: DEMO_PASSWORD })).status).toBe(200);
    const { users } = (await admin.request('GET', '/api/users?q=student.chen')).json as { users: Array<{ id: number; username: string }> };
    const studentId = users.find((u) => u.username === 'student.chen')!.id;
    const courses = (await admin.request('GET', '/api/courses')).json as Array<{ id: number; studentIds: number[] }>;
    const courseId = courses.find((c) => c.studentIds.includes(studentId))!.id;
    const issued = await admin.request('POST', `/api/courses/${courseId}/student-links`, { studentId, validDays: 7 });
    const { url } = issued.json as { url: string };
    expect(url).toMatch(/\/join#t=/);

    const { page } = await browser.newUser();
    await page.goto(new URL(url).pathname + new URL(url).hash);
    await visible(page.getByTestId('home-student'));
    expect(page.url()).not.toContain('#t=');
  });
});
