import { COMMENT_MAX, weightedTotal, type ObservationForm } from '../../../shared/api/research-review.js';
import type { RubricScores } from '../../../shared/api/research.js';
import { ApiError } from '../../lib/api.js';
import type { ResearchApi } from './research-api.js';

/**
 * One observer's form (评价表) on a lesson: the ratings she is choosing, the weighted total as she chooses,
 * and saving as a draft or submitting. The server decides what counts (every dimension on submit, nothing
 * after the review closes); this keeps her choices until it answers.
 */
export class ObservationFormState {
  #form = $state<ObservationForm | null>(null);
  #scores = $state<RubricScores>({});
  #comment = $state('');
  #busy = $state(false);
  #error = $state<string | null>(null);
  #saved = $state<'draft' | 'submitted' | null>(null);

  constructor(
    private readonly api: Pick<ResearchApi, 'form' | 'saveForm' | 'submitForm'>,
    readonly lessonSessionId: number,
    private readonly unknownError: string,
  ) {}

  get form() {
    return this.#form;
  }
  get scores(): Readonly<RubricScores> {
    return this.#scores;
  }
  get comment() {
    return this.#comment;
  }
  set comment(value: string) {
    this.#comment = value.slice(0, COMMENT_MAX);
    this.#saved = null;
  }
  get busy() {
    return this.#busy;
  }
  get error() {
    return this.#error;
  }
  /** What the last successful save was (cleared by the next change). */
  get saved() {
    return this.#saved;
  }
  /** The weighted total of what she has chosen so far (0–100), live. */
  get total(): number | null {
    return this.#form ? weightedTotal(this.#form.rubric.body, this.#scores) : null;
  }
  /** Every dimension rated: she may submit. */
  get complete(): boolean {
    return this.#form !== null && this.#form.rubric.body.dimensions.every((d) => this.#scores[d.key] !== undefined);
  }
  get editable(): boolean {
    return this.#form !== null && !this.#form.closed;
  }

  async load(): Promise<void> {
    await this.#run(() => this.api.form(this.lessonSessionId));
  }

  rate(key: string, level: number): void {
    if (!this.editable) return;
    this.#scores = { ...this.#scores, [key]: level };
    this.#saved = null;
  }

  saveDraft(): Promise<void> {
    return this.#run(() => this.api.saveForm(this.lessonSessionId, this.#body()), 'draft');
  }

  submit(): Promise<void> {
    return this.#run(() => this.api.submitForm(this.lessonSessionId, this.#body()), 'submitted');
  }

  #body() {
    return { scores: { ...this.#scores }, comment: this.#comment.trim() || null };
  }

  async #run(call: () => Promise<ObservationForm>, saved: 'draft' | 'submitted' | null = null): Promise<void> {
    this.#busy = true;
    this.#error = null;
    try {
      const form = await call();
      this.#form = form;
      this.#scores = { ...form.scores };
      this.#comment = form.comment ?? '';
      this.#saved = saved;
    } catch (cause) {
      this.#error = cause instanceof ApiError ? cause.message : this.unknownError;
    } finally {
      this.#busy = false;
    }
  }
}
