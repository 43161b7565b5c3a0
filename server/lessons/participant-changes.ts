import type { ParticipantChanges as ParticipantChangesPayload } from '../../shared/lesson/protocol.js';
import type { LeaveReason } from './live-lesson.js';
import type { LessonParticipant } from './participant.js';

/**
 * How long a burst of participant changes is gathered into one `participants:changed`. A lone change goes
 * out on the next turn of the event loop; the next one waits until this long after it.
 */
export const PARTICIPANT_CHANGES_WINDOW_MS = 50;

/**
 * The window for a lesson of `sites` sites. Every message is a socket write to each site, so a big lesson
 * gathers for longer (½ ms per site: 100 ms at 200 sites): a burst then costs at most ~2 000 writes a
 * second whatever the lesson's size, where a fixed window would cost in proportion to it.
 */
export function participantChangesWindowMs(sites: number): number {
  return Math.max(PARTICIPANT_CHANGES_WINDOW_MS, sites / 2);
}

/**
 * Where a `participants:changed` goes. The lead teacher and observers hear of every site; every other site
 * hears of those shown to every site, and of itself (see `shownTo` in participant.ts).
 */
export interface ParticipantChangeRoutes {
  /** The lead teacher and observers: every change but those of broadcast viewers they are not shown (sent only when there are any). */
  followers(changes: ParticipantChangesPayload): void;
  /** Every other site: the changes of those shown to every site (sent only when there are any). */
  sites(changes: ParticipantChangesPayload): void;
  /** One site that no site is shown, her own join or change: the sites' message left it out. */
  own(participant: LessonParticipant, changes: ParticipantChangesPayload): void;
}

/**
 * Gathers who joined, changed and left a lesson and sends it as one `participants:changed` per audience:
 * K sites joining together would otherwise send K messages to each of K sites. Each participant is sent
 * once per message with her view at the moment it is sent, so a join followed by changes is one `joined`
 * entry with the latest state, and a join and leave in one window is a `left` only. In a burst of
 * classrooms or students joining, the followers get the batch and each joining site only its own entry.
 */
export class ParticipantChangeBatch {
  readonly #joined = new Map<string, LessonParticipant>();
  readonly #updated = new Map<string, LessonParticipant>();
  readonly #left = new Map<string, { participant: LessonParticipant; reason: LeaveReason }>();
  readonly #routes: ParticipantChangeRoutes;
  readonly #windowMs: () => number;
  #pending: { cancel(): void } | null = null;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  /** `windowMs` is asked at each message (a lesson's window grows with its sites). */
  constructor(routes: ParticipantChangeRoutes, windowMs: () => number = () => PARTICIPANT_CHANGES_WINDOW_MS) {
    this.#routes = routes;
    this.#windowMs = windowMs;
  }

  joined(participant: LessonParticipant): void {
    if (this.#closed) return;
    this.#joined.set(participant.id, participant);
    this.#schedule();
  }

  updated(participant: LessonParticipant): void {
    // A change of someone whose join is still unsent travels with the join; one who left has no changes.
    if (this.#closed || this.#joined.has(participant.id) || this.#left.has(participant.id)) return;
    this.#updated.set(participant.id, participant);
    this.#schedule();
  }

  left(participant: LessonParticipant, reason: LeaveReason): void {
    if (this.#closed) return;
    this.#joined.delete(participant.id);
    this.#updated.delete(participant.id);
    this.#left.set(participant.id, { participant, reason });
    this.#schedule();
  }

  /**
   * Sends what has gathered now. RunningLesson calls it before any other lesson event, so that sites never
   * hear of a participant (a chat line, a hand, a producer) before they have heard that she joined.
   */
  flush(): void {
    this.#pending?.cancel();
    this.#pending = null;
    if (this.#joined.size + this.#updated.size + this.#left.size === 0) return;
    // Each view once, at the moment it is sent, whichever messages carry it.
    const joined = [...this.#joined.values()].map((p) => ({ participant: p, view: p.view() }));
    const updated = [...this.#updated.values()].map((p) => ({ participant: p, view: p.view() }));
    const left = [...this.#left.values()];
    this.#joined.clear();
    this.#updated.clear();
    this.#left.clear();
    this.#lastSentAt = performance.now();
    const leftView = ({ participant, reason }: (typeof left)[number]) => ({ participantId: participant.id, reason });
    // Broadcast viewers are a number to the followers until a hand or the stage makes one of them someone.
    const known = (entry: { participant: LessonParticipant }) => entry.participant.shownToFollowers;
    const forFollowers: ParticipantChangesPayload = {
      joined: joined.filter(known).map((e) => e.view),
      updated: updated.filter(known).map((e) => e.view),
      left: left.filter(known).map(leftView),
    };
    if (forFollowers.joined.length + forFollowers.updated.length + forFollowers.left.length > 0) this.#routes.followers(forFollowers);
    const shown = (entry: { participant: LessonParticipant }) => entry.participant.shownToEverySite;
    const forSites: ParticipantChangesPayload = {
      joined: joined.filter(shown).map((e) => e.view),
      updated: updated.filter(shown).map((e) => e.view),
      left: left.filter(shown).map(leftView),
    };
    if (forSites.joined.length + forSites.updated.length + forSites.left.length > 0) this.#routes.sites(forSites);
    // A site no site is shown (observers never come here) hears of herself on her own.
    for (const [list, entries] of [['joined', joined], ['updated', updated]] as const) {
      for (const entry of entries) if (!shown(entry)) this.#routes.own(entry.participant, { joined: [], updated: [], left: [], [list]: [entry.view] });
    }
  }

  /** The lesson is over: nothing more is sent (its sites are told `lesson:ended` and disconnected). */
  close(): void {
    this.#closed = true;
    this.#pending?.cancel();
    this.#pending = null;
    this.#joined.clear();
    this.#updated.clear();
    this.#left.clear();
  }

  #schedule(): void {
    if (this.#pending) return;
    const wait = this.#lastSentAt + this.#windowMs() - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.flush());
      this.#pending = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(() => this.flush(), wait);
      this.#pending = { cancel: () => clearTimeout(timer) };
    }
  }
}
