import type { LessonSnapshot, PollView } from '../../../../shared/lesson/model.js';
import type { LessonRequestPayload } from '../../../../shared/lesson/protocol.js';
import type { FeatureClientHost, FeatureEvents } from './feature-client.js';

/** The lesson's polls and quizzes as this site may see them (its own answers; the teacher every site's). */
export class PollsManager {
  #list = $state.raw<PollView[]>([]);
  readonly #host: FeatureClientHost;
  readonly #isModerator: () => boolean;

  /** `isModerator`: this page is the lead teacher's, who asked the question and needs no notice of it. */
  constructor(host: FeatureClientHost, isModerator: () => boolean) {
    this.#host = host;
    this.#isModerator = isModerator;
  }

  /** Oldest first. */
  get list(): PollView[] {
    return this.#list;
  }

  fromSnapshot(snapshot: Pick<LessonSnapshot, 'polls'>): void {
    this.#list = snapshot.polls;
  }

  readonly events: FeatureEvents<'poll:updated'> = {
    'poll:updated': (poll) => {
      const known = this.#list.some((p) => p.id === poll.id);
      this.#list = known ? this.#list.map((p) => (p.id === poll.id ? poll : p)) : [...this.#list, poll];
      if (!known && !this.#isModerator()) this.#host.notify('info', poll.quiz ? 'live.notice.newQuiz' : 'live.notice.newPoll');
    },
  };

  create = (payload: LessonRequestPayload<'poll:create'>) => this.#host.request('poll:create', payload);
  answer = (pollId: string, choices: number[]) => this.#host.request('poll:answer', { pollId, choices });
  close = (pollId: string) => this.#host.request('poll:close', { pollId });
}
