/**
 * Error codes of the wire contract. Every error the server returns (HTTP body or socket ack) carries one
 * of these codes plus a message in the caller's language; the client may re-translate by code
 * (i18n key `error.<code>`).
 */
export const ERROR_CODES = [
  'bad_request',
  'unauthenticated',
  'forbidden',
  /** A classroom or person named in the body is outside what the caller administers (403). */
  'out_of_reach',
  'not_found',
  'conflict',
  'csrf_invalid',
  'rate_limited',
  'login_invalid',
  'login_locked',
  'account_inactive',
  'pairing_code_invalid',
  'link_invalid',
  'link_expired',
  'setup_token_invalid',
  'username_reserved',
  /** The user name asked for belongs to an existing account (409); the message names it. */
  'username_taken',
  'import_invalid',
  /** A report or list asked for a longer date range than the server answers at once. */
  'range_too_long',
  /** A list matched more than the server returns at once: narrow it with its filters. */
  'too_many_results',
  /** 调课/停课 of a lesson already held (or running): the record of what happened stays as it is. */
  /** An uploaded file is larger than the limit the message names (413). */
  'file_too_large',
  /** An uploaded file's bytes are not one of the accepted kinds, or not the kind its name claims (415). */
  'file_type_not_allowed',
  /** An uploaded file has no bytes at all (400). */
  'file_empty',
  /** An uploaded courseware file is not a PDF, PPT, PPTX, DOC or DOCX by its bytes (415). */
  'courseware_type_not_allowed',
  /** An uploaded document cannot be opened (a PDF cut short, damaged or password-protected) (422). */
  'broken_file',
  /** An uploaded document has more pages than a lesson shows (422; the message names the limit). */
  'too_many_pages',
  'lesson_already_held',
  /** A moved or ad hoc lesson would overlap another lesson of the same course. */
  'lesson_clash',
  'lesson_not_live',
  /** The course is closed to observation (听课) by teachers and research staff (its 开放听课 is off). */
  'observation_closed',
  'lesson_locked',
  /** Someone who is none of the course's own would watch its lesson as a viewer, but it is not broadcast (直播). */
  'not_broadcast',
  /** The course's live session is a teaching-research meeting (协同教研): no lesson starts meanwhile. */
  'research_session_running',
  /** The course has a lesson live: its teaching-research meeting cannot start meanwhile. */
  'lesson_running',
  /**
   * Several nodes: the course's live lesson runs on another node (its id in the ack's `node`); the page
   * connects there (through the proxy, which routes by it) and asks again. Never shown to people.
   */
  'lesson_elsewhere',
  /** A teaching-research meeting already has the most members sending video allowed (the stage limit). */
  'stage_full',
  'removed_from_lesson',
  'too_many_streams',
  /** The lesson's whiteboard is full: too many pages, or too much on one page or in one stroke. */
  'board_full',
  'origin_not_allowed',
  /** A viewing report claims more watched seconds than could have been played since the last one (422). */
  'viewing_implausible',
  /** The course's recording policy is `never`: this lesson is not recorded. */
  'recording_not_allowed',
  /** The course's recording policy is `always`: the recording cannot be stopped. */
  'recording_required',
  /** Too little free disk where recordings are kept: no recording starts. */
  'recording_disk_low',
  /** The recorder cannot run here (FFmpeg is missing, or recording is not set up on this server). */
  'recording_unavailable',
  /** A rubric's weights do not add up to 100 (400; the message gives the total). */
  'rubric_weights',
  /** Two dimensions of a rubric share a key (400; the message names the dimension). */
  'rubric_duplicate_key',
  /** A dimension's levels are not best-first with falling scores (400; the message names the dimension). */
  'rubric_levels',
  /** Ratings name a dimension or level the rubric does not have, or a submitted form leaves one unrated (400). */
  'rubric_scores',
  /** The lesson's review (评课) has closed: observation forms no longer change (409). */
  'review_closed',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Body of every failed HTTP response and of every failed socket ack. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** HTTP status that goes with each code. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  out_of_reach: 403,
  observation_closed: 403,
  not_found: 404,
  conflict: 409,
  csrf_invalid: 403,
  rate_limited: 429,
  login_invalid: 401,
  login_locked: 423,
  account_inactive: 403,
  pairing_code_invalid: 400,
  link_invalid: 400,
  link_expired: 410,
  setup_token_invalid: 403,
  username_reserved: 400,
  username_taken: 409,
  import_invalid: 400,
  range_too_long: 400,
  too_many_results: 400,
  file_too_large: 413,
  file_type_not_allowed: 415,
  file_empty: 400,
  courseware_type_not_allowed: 415,
  broken_file: 422,
  too_many_pages: 422,
  lesson_already_held: 409,
  lesson_clash: 409,
  lesson_not_live: 409,
  lesson_locked: 403,
  not_broadcast: 403,
  research_session_running: 409,
  lesson_running: 409,
  lesson_elsewhere: 409,
  stage_full: 409,
  board_full: 409,
  removed_from_lesson: 403,
  too_many_streams: 429,
  origin_not_allowed: 403,
  viewing_implausible: 422,
  recording_not_allowed: 409,
  recording_required: 409,
  recording_disk_low: 507,
  recording_unavailable: 503,
  rubric_weights: 400,
  rubric_duplicate_key: 400,
  rubric_levels: 400,
  rubric_scores: 400,
  review_closed: 409,
  internal: 500,
};
