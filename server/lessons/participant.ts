import { randomBytes, randomUUID } from 'node:crypto';
import type { MediaSource, ParticipantKind, ParticipantView, QualityLevel } from '../../shared/lesson/model.js';

/** Who a participant is: the account and the site (classroom/school/region) it joins from. */
export interface ParticipantIdentity {
  userId: number;
  displayName: string;
  kind: ParticipantKind;
  classroomId: number | null;
  schoolId: number | null;
  regionId: number | null;
  schoolName: string | null;
}

/** One site in a live lesson. A receiving classroom is one participant for the whole room. */
export class LessonParticipant {
  readonly id: string;
  readonly resumeToken = randomBytes(24).toString('base64url');
  connection: 'connected' | 'reconnecting' = 'connected';
  readonly media: Record<MediaSource, boolean> = { camera: false, mic: false, screen: false };
  #onStage = false;
  #beenOnStage = false;
  #handRaisedAt: Date | null = null;
  #raisedHand = false;
  audioOnly = false;
  quality: QualityLevel = 'unknown';
  headcount: number | null = null;
  /** Running while the link is down; when it fires, the participant has left. */
  graceTimer: NodeJS.Timeout | null = null;

  /**
   * She was in this lesson on a node that died, and comes back to it re-placed on this one: she is the same
   * participant (her id, her open attendance interval), not a new one.
   */
  readonly continued: boolean;

  constructor(
    readonly identity: ParticipantIdentity,
    continuing?: string,
  ) {
    this.id = continuing ?? randomUUID();
    this.continued = continuing !== undefined;
  }

  get kind(): ParticipantKind {
    return this.identity.kind;
  }

  get isLeadTeacher(): boolean {
    return this.identity.kind === 'lead_teacher';
  }

  /** ISO instant her hand went up, or null. */
  get handRaisedAt(): Date | null {
    return this.#handRaisedAt;
  }
  set handRaisedAt(raisedAt: Date | null) {
    this.#handRaisedAt = raisedAt;
    if (raisedAt) this.#raisedHand = true;
  }

  get isViewer(): boolean {
    return this.identity.kind === 'viewer';
  }

  get onStage(): boolean {
    return this.#onStage;
  }
  set onStage(onStage: boolean) {
    this.#onStage = onStage;
    if (onStage) this.#beenOnStage = true;
  }

  /**
   * Every site is shown her: the lead teacher, and whoever has been on stage in this lesson. Once shown, a
   * site keeps hearing of her until she leaves, so that no site's list holds someone it stopped hearing of.
   */
  get shownToEverySite(): boolean {
    return this.isLeadTeacher || this.#beenOnStage;
  }

  /**
   * The lead teacher and observers are shown her. Every site is, except a viewer of a broadcast (直播): of a
   * thousand viewers they are shown only those who have raised a hand (so that the teacher can call one on
   * stage) or been on stage, and keep hearing of them until they leave. The rest are a number.
   */
  get shownToFollowers(): boolean {
    return !this.isViewer || this.#raisedHand || this.#beenOnStage;
  }

  view(): ParticipantView {
    return {
      id: this.id,
      userId: this.identity.userId,
      displayName: this.identity.displayName,
      kind: this.identity.kind,
      classroomId: this.identity.classroomId,
      schoolName: this.identity.schoolName,
      connection: this.connection,
      micOn: this.media.mic,
      cameraOn: this.media.camera,
      screenOn: this.media.screen,
      onStage: this.onStage,
      handRaisedAt: this.handRaisedAt?.toISOString() ?? null,
      audioOnly: this.audioOnly,
      quality: this.quality,
      headcount: this.headcount,
    };
  }
}

/** The lead teacher and observers (听课) follow every site: they see, hear and are shown the whole lesson. */
export function followsEverySite(viewer: LessonParticipant): boolean {
  return viewer.isLeadTeacher || viewer.kind === 'observer';
}

/**
 * Who may see and hear whom. The lead teacher and observers receive every site; every site receives the
 * lead teacher and whoever is on stage; a site's own screen share follows the same rule.
 */
export function mayConsume(viewer: LessonParticipant, owner: LessonParticipant): boolean {
  if (viewer.id === owner.id) return false;
  if (followsEverySite(viewer)) return true;
  return owner.isLeadTeacher || owner.onStage;
}

/**
 * Whom a site's list of participants holds. The lead teacher and observers are shown every site; any other
 * site is shown itself and those shown to every site (the lead teacher, whoever has been on stage), not the
 * other classrooms and students: so a join costs the same in a lesson of 5 sites or of 500, and a burst of
 * K joins sends each of them a list of constant size instead of everyone (K² in all). Observers are no
 * site: they are in nobody's list but their own.
 */
export function shownTo(viewer: LessonParticipant, participant: LessonParticipant): boolean {
  if (participant.id === viewer.id) return true;
  if (participant.kind === 'observer') return false;
  return (followsEverySite(viewer) && participant.shownToFollowers) || participant.shownToEverySite;
}

/**
 * The one spatial layer above the lowest a broadcast viewer may receive: a thousand viewers pull the
 * teacher's small and middle layers, never the top one (the SFU forwards each layer to each of them).
 */
export const VIEWER_TOP_SPATIAL_LAYER = 1;

/** The highest spatial layer this participant may receive, or undefined for no cap beyond her tile and link. */
export function spatialLayerCap(receiver: LessonParticipant): number | undefined {
  return receiver.isViewer ? VIEWER_TOP_SPATIAL_LAYER : undefined;
}
