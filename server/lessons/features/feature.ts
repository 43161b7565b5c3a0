import type { LessonEventName, LessonEventPayload } from '../../../shared/lesson/protocol.js';
import type { PARTICIPATION_KINDS } from '../../db/schema/evidence.js';
import type { LeaveReason, LiveLesson } from '../live-lesson.js';
import type { LessonParticipant } from '../participant.js';

/*
 * In-lesson features (hands, stage, chat, polls, the board …) are modules: each owns its state, its rules,
 * its request handlers (handlers.ts beside it) and the events it sends, and is registered once in ./index.ts.
 * A feature knows nothing of sockets or media: it decides, and tells its host whom to send what. The lesson
 * (LiveLesson) is the host; RunningLesson delivers what a feature sends (a lesson-wide event to the lesson's
 * Socket.IO room, encoded once; a per-site event to that site) and the evidence recorder records what a
 * feature reports as participation.
 */

export type ParticipationKind = (typeof PARTICIPATION_KINDS)[number];

/** What a poll answer adds to its participation record. */
export interface ParticipationDetail {
  pollId: string;
  correct: boolean | null;
}

/**
 * An event a feature sends: to every site of the lesson (`to: null`), to the lead teacher and observers only
 * (`to: 'followers'`, the lesson's followers room), or to one participant (her id).
 */
export type OutboundLessonEvent = {
  [K in LessonEventName]: { to: string | null | { part: 'followers' }; event: K; payload: LessonEventPayload<K> };
}[LessonEventName];

/** What a feature may use of the lesson it runs in. */
export interface FeatureHost {
  /** Who is in the lesson (participants, `participant(id)` that throws not_found, `find`). */
  readonly lesson: LiveLesson;
  /** An event for every site of the lesson (one encode, the lesson's room). */
  broadcast<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>): void;
  /** An event for the lead teacher and observers only (one encode, the lesson's followers room). */
  toFollowers<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>): void;
  /** An event for one site (a view of its own: its answers, its pen). */
  toSite<K extends LessonEventName>(participantId: string, event: K, payload: LessonEventPayload<K>): void;
  /** This participant took part (a hand, a chat message, an answer, a pen turn): evidence for the report. */
  participation(participant: LessonParticipant, kind: ParticipationKind, detail?: ParticipationDetail | null): void;
  /** A participant's view changed (hand, stage): it goes out with the next `participants:changed`. */
  participantChanged(participant: LessonParticipant): void;
  /** A participant went on or off stage: who may consume whose media changed (the media side follows). */
  stageChanged(participant: LessonParticipant): void;
}

/** A courseware document as a feature needs it: whose course it is, and its pages once it is ready. */
export interface FeatureDocument {
  courseId: number;
  /** Null while it is converting, or when its conversion failed. */
  pageCount: number | null;
}

/**
 * What the features' request handlers may ask of the rest of Tongke (the gateway supplies it): the one way
 * a handler reads the store, so that what a client claims (a document, its pages) is checked, not taken.
 */
export interface FeatureServices {
  /** A courseware document that has not been removed, or null. */
  coursewareDocument(coursewareId: number): Promise<FeatureDocument | null>;
  /** An observer (听课) joined the lesson: her observation of it is opened (once per lesson and person). */
  observationOpened(lessonSessionId: number, observerId: number): Promise<void>;
}

/** The hooks a feature may implement; the lesson calls them for every registered feature. */
export interface LessonFeature {
  /** The feature's name (its key in ./index.ts), for logs. */
  readonly name: string;
  /** A participant joined the lesson (not a site taking over its own participant again). */
  participantJoined?(participant: LessonParticipant): void;
  /** The participant has left the lesson (release what she held: a pen, a hand). */
  participantLeft?(participant: LessonParticipant, reason: LeaveReason): void;
  /** The lesson ended (stop timers; keep what the report or an export still reads). */
  end?(): void;
}
