import { describe, expect, it } from 'vitest';
import { ApiError } from '../api.js';
import { CourseSetting } from './course-setting.svelte.js';

describe('CourseSetting', () => {
  it('loads the value, and keeps a choice the server saved', async () => {
    const setting = new CourseSetting(async () => 'teacher_choice', async (value: string) => value);
    await setting.read();
    expect(setting.value).toBe('teacher_choice');
    await setting.choose('always');
    expect([setting.value, setting.saved, setting.error]).toEqual(['always', true, null]);
  });

  it('puts the value back with the server’s message when the save is refused', async () => {
    const setting = new CourseSetting(async () => true, async () => {
      throw new ApiError(403, 'forbidden', '没有权限');
    });
    await setting.read();
    await setting.choose(false);
    expect([setting.value, setting.saved, setting.error]).toEqual([true, false, '没有权限']);
  });

  it('shows why it could not be read, and lets other failures through', async () => {
    const refused = new CourseSetting(async () => {
      throw new ApiError(404, 'not_found', '找不到课程');
    }, async (value: boolean) => value);
    await refused.read();
    expect([refused.value, refused.error]).toEqual([null, '找不到课程']);
    const broken = new CourseSetting(async () => {
      throw new TypeError('bug');
    }, async (value: boolean) => value);
    await expect(broken.read()).rejects.toThrow('bug');
  });
});
