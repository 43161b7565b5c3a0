import { describe, expect, it } from 'vitest';
import { ApiError } from '../api.js';
import { ConsumerResumes } from './consumer-resumes.js';

type Sent = { name: string; payload: unknown };

/** A server stand-in that refuses what `gone` names, as the real one answers a consumer it has closed. */
function resumesAgainst(gone: ReadonlySet<string> = new Set(), holds: (id: string) => boolean = () => true) {
  const sent: Sent[] = [];
  const request = async (name: string, payload: unknown) => {
    sent.push({ name, payload });
    const ids = name === 'consumers:resume' ? (payload as { consumerIds: string[] }).consumerIds : [(payload as { consumerId: string }).consumerId];
    if (ids.some((id) => gone.has(id))) throw new ApiError(404, 'not_found', 'gone');
    return {};
  };
  return { sent, resumes: new ConsumerResumes(request, holds) };
}

describe('resuming consumers the page got ready for', () => {
  it('sends the consumers made ready in one task as one consumers:resume', async () => {
    const { sent, resumes } = resumesAgainst();
    await Promise.all(['a', 'b', 'c', 'b'].map((id) => resumes.resume(id)));
    expect(sent).toEqual([{ name: 'consumers:resume', payload: { consumerIds: ['a', 'b', 'c'] } }]);
  });

  it('sends a lone consumer (a producer that appeared later) as consumer:resume, and a later one separately', async () => {
    const { sent, resumes } = resumesAgainst();
    await resumes.resume('a');
    await resumes.resume('b');
    expect(sent).toEqual([
      { name: 'consumer:resume', payload: { consumerId: 'a' } },
      { name: 'consumer:resume', payload: { consumerId: 'b' } },
    ]);
  });

  it('leaves out consumers closed meanwhile, and splits more than a request takes', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `c${i}`);
    const { sent, resumes } = resumesAgainst(new Set(), (id) => id !== 'c7');
    await Promise.all(ids.map((id) => resumes.resume(id)));
    const batches = sent.map((s) => (s.payload as { consumerIds: string[] }).consumerIds);
    expect(batches.map((b) => b.length)).toEqual([100, 49]);
    expect(batches.flat()).not.toContain('c7');
  });

  it('falls back to one request each when the server refuses the batch for a consumer it closed, letting that one go', async () => {
    const { sent, resumes } = resumesAgainst(new Set(['b']));
    await Promise.all(['a', 'b', 'c'].map((id) => resumes.resume(id)));
    expect(sent.map((s) => s.name)).toEqual(['consumers:resume', 'consumer:resume', 'consumer:resume', 'consumer:resume']);
    expect(sent.slice(1).map((s) => (s.payload as { consumerId: string }).consumerId)).toEqual(['a', 'b', 'c']);
  });

  it('passes on any other refusal to the caller', async () => {
    const resumes = new ConsumerResumes(async () => {
      throw new ApiError(429, 'rate_limited', 'slow down');
    }, () => true);
    await expect(Promise.all([resumes.resume('a'), resumes.resume('b')])).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
