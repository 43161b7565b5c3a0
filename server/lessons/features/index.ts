import type { LessonSnapshot } from '../../../shared/lesson/model.js';
import type { LessonHandlerTable } from '../handlers.js';
import type { LessonParticipant } from '../participant.js';
import type { FeatureHost, LessonFeature } from './feature.js';
import { LessonChat } from './chat/chat.js';
import { CHAT_HANDLERS } from './chat/handlers.js';
import { LessonHands } from './hands/hands.js';
import { HAND_HANDLERS } from './hands/handlers.js';
import { LessonPolls } from './polls/polls.js';
import { POLL_HANDLERS } from './polls/handlers.js';
import { LessonStage } from './stage/stage.js';
import { STAGE_HANDLERS } from './stage/handlers.js';
import { LessonBoard } from './board/board.js';
import { BOARD_HANDLERS } from './board/handlers.js';
import { LessonRecording } from './recording/recording.js';
import { RECORDING_HANDLERS } from './recording/handlers.js';
import { LessonObserving } from './observing/observing.js';
import { OBSERVING_HANDLERS } from './observing/handlers.js';
import { LessonBroadcast } from './broadcast/broadcast.js';

/*
 * The registry of in-lesson features: adding one is a folder beside these, its requests and events in
 * shared/lesson/features/, and one line in each of the three tables below.
 */

/** Every feature of one live lesson, by name. */
export function createLessonFeatures(host: FeatureHost) {
  const hands = new LessonHands(host);
  const observing = new LessonObserving(host);
  return {
    // Observers write only while the lead teacher lets them.
    chat: new LessonChat(host, observing),
    hands,
    // Calling a site on stage answers its raised hand.
    stage: new LessonStage(host, hands),
    polls: new LessonPolls(host),
    board: new LessonBoard(host),
    recording: new LessonRecording(host),
    observing,
    broadcast: new LessonBroadcast(host),
  };
}
export type LessonFeatures = ReturnType<typeof createLessonFeatures>;

/** The features' parts of the snapshot a participant gets when she joins. */
export function featureSnapshot(features: LessonFeatures, viewer: LessonParticipant): Pick<LessonSnapshot, 'chat' | 'chatEnabled' | 'polls' | 'board' | 'recording' | 'observing' | 'broadcast'> {
  return {
    ...features.chat.snapshotFor(viewer),
    ...features.polls.snapshotFor(viewer),
    ...features.board.snapshotFor(viewer),
    ...features.recording.snapshotFor(),
    ...features.observing.snapshot(),
    ...features.broadcast.snapshotFor(viewer),
  };
}

/** The features' request handlers (the gateway validates, checks access and rate limits before each). */
export const FEATURE_HANDLERS = {
  ...CHAT_HANDLERS,
  ...HAND_HANDLERS,
  ...STAGE_HANDLERS,
  ...POLL_HANDLERS,
  ...BOARD_HANDLERS,
  ...RECORDING_HANDLERS,
  ...OBSERVING_HANDLERS,
} satisfies Partial<LessonHandlerTable>;

export const featureList = (features: LessonFeatures): LessonFeature[] => Object.values(features);
