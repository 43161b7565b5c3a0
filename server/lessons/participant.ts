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
  readonly id = randomUUID();
  readonly resumeToken = randomBytes(24).toString('base64url');
  connection: 'connected' | 'reconnecting' = 'connected';
  readonly media: Record<MediaSource, boolean> = { camera: false, mic: false, screen: false };
  onStage = false;
  handRaisedAt: Date | null = null;
  audioOnly = false;
  quality: QualityLevel = 'unknown';
  headcount: number | null = null;
  /** Running while the link is down; when it fires, the participant has left. */
  graceTimer: NodeJS.Timeout | null = null;

  constructor(readonly identity: ParticipantIdentity) {}

  get kind(): ParticipantKind {
    return this.identity.kind;
  }

  get isLeadTeacher(): boolean {
    return this.identity.kind === 'lead_teacher';
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

/**
 * Who may see and hear whom. The lead teacher and observers receive every site; every site receives the
 * lead teacher and whoever is on stage; a site's own screen share follows the same rule.
 */
export function mayConsume(viewer: LessonParticipant, owner: LessonParticipant): boolean {
  if (viewer.id === owner.id) return false;
  if (viewer.isLeadTeacher || viewer.kind === 'observer') return true;
  return owner.isLeadTeacher || owner.onStage;
}
