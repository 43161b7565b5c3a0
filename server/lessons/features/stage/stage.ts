import { ApiError } from '../../../core/errors.js';
import type { LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';
import type { LessonHands } from '../hands/hands.js';

/**
 * The stage: the lead teacher calls a site on (two-way audio and video seen by every site) and sends it
 * back; a site may step down by itself. Being on stage is the participant's `onStage` flag, which decides
 * who may consume whose media (mayConsume): the host tells the media side through `stageChanged`.
 */
export class LessonStage implements LessonFeature {
  readonly name = 'stage';
  readonly #host: FeatureHost;
  readonly #hands: LessonHands;

  constructor(host: FeatureHost, hands: LessonHands) {
    this.#host = host;
    this.#hands = hands;
  }

  /** Lead teacher: call a site on stage; the hand it raised to ask for it is answered. */
  invite(participantId: string): void {
    this.#set(this.#host.lesson.participant(participantId), true);
  }

  /** The lead teacher sends anyone back; a site may step down by itself. */
  return(by: LessonParticipant, participantId: string): void {
    if (participantId !== by.id && !by.isLeadTeacher) throw new ApiError('forbidden');
    this.#set(this.#host.lesson.participant(participantId), false);
  }

  #set(participant: LessonParticipant, onStage: boolean): void {
    // The lead teacher is always seen and heard: she is never on or off the stage; nor is a member of a
    // teaching-research meeting (协同教研), where everyone is seen and heard from the start.
    if (participant.isLeadTeacher || participant.kind === 'research_member' || participant.onStage === onStage) return;
    participant.onStage = onStage;
    if (onStage) this.#hands.answered(participant);
    this.#host.stageChanged(participant);
    this.#host.participation(participant, onStage ? 'stage_invited' : 'stage_returned');
    this.#host.participantChanged(participant);
  }
}
