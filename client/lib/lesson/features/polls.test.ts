import { describe, expect, it } from 'vitest';
import type { PollView } from '../../../../shared/lesson/model.js';
import { PollsManager } from './polls.svelte.js';
import { recordingHost } from './testing.js';

const poll = (id: string, change: Partial<PollView> = {}): PollView => ({
  id,
  question: '2+3=?',
  options: ['4', '5'],
  multiple: false,
  quiz: true,
  correct: null,
  open: true,
  tally: null,
  answered: 0,
  myAnswer: null,
  answers: null,
  ...change,
});

describe('the polls manager', () => {
  it('adds a new poll and replaces a known one in place, telling a site (not the teacher) of a new quiz', () => {
    const { host, notices } = recordingHost();
    let moderator = false;
    const polls = new PollsManager(host, () => moderator);
    polls.fromSnapshot({ polls: [poll('p1')] });
    polls.events['poll:updated'](poll('p2', { quiz: false }));
    polls.events['poll:updated'](poll('p1', { answered: 1, myAnswer: [1] }));
    expect(polls.list.map((p) => [p.id, p.answered])).toEqual([
      ['p1', 1],
      ['p2', 0],
    ]);
    expect(notices).toEqual(['info:live.notice.newPoll']);
    polls.events['poll:updated'](poll('p3'));
    moderator = true;
    polls.events['poll:updated'](poll('p4'));
    expect(notices).toEqual(['info:live.notice.newPoll', 'info:live.notice.newQuiz']);
  });

  it('asks, answers and closes through the lesson requests', async () => {
    const { host, requests } = recordingHost();
    const polls = new PollsManager(host, () => true);
    await polls.create({ question: 'Q', options: ['x', 'y'], multiple: false });
    await polls.answer('p1', [0]);
    await polls.close('p1');
    expect(requests.map((r) => r.name)).toEqual(['poll:create', 'poll:answer', 'poll:close']);
    expect(requests[1]?.payload).toEqual({ pollId: 'p1', choices: [0] });
  });
});
