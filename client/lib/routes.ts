import type { RouteDefinition } from './router.svelte.js';

/** Every page of the SPA. */
export const ROUTES = [
  { name: 'login', path: '/login' },
  { name: 'pair', path: '/pair' },
  { name: 'setup', path: '/setup' },
  // The link's token is in the fragment (#t=…), which never reaches the server or its logs.
  { name: 'join', path: '/join' },
  { name: 'home', path: '/' },
  { name: 'admin_organisation', path: '/admin/organisation' },
  { name: 'admin_users', path: '/admin/users' },
  { name: 'admin_courses', path: '/admin/courses' },
  { name: 'admin_course', path: '/admin/courses/:id' },
  { name: 'lesson', path: '/lesson/:courseId' },
  { name: 'lesson_reports', path: '/reports/lessons' },
  { name: 'lesson_report', path: '/reports/lessons/:id' },
  { name: 'reports_usage', path: '/reports/usage' },
  { name: 'reports_evidence', path: '/reports/evidence/:regionId' },
  // A one-time satisfaction-survey code: anyone who holds it answers, without signing in.
  { name: 'survey', path: '/survey/:code' },
  { name: 'evaluation_satisfaction', path: '/evaluation/satisfaction' },
  { name: 'evaluation_resources', path: '/evaluation/:regionId/resources' },
  { name: 'evaluation_checklist', path: '/evaluation/:regionId/checklist' },
  { name: 'evaluation_exchange', path: '/evaluation/:regionId/exchange' },
  { name: 'evaluation', path: '/evaluation/:regionId' },
  { name: 'review_list', path: '/review' },
  { name: 'review_submission', path: '/review/:submissionId' },
  // A lead teacher's courseware (文档课件): her courses, then one course's documents.
  { name: 'courseware', path: '/courseware' },
  { name: 'courseware_course', path: '/courseware/:courseId' },
  // 名校网络课堂 点播: the library, the teacher's own recordings, and one recording's replay.
  { name: 'library', path: '/library' },
  { name: 'library_mine', path: '/library/mine' },
  { name: 'recording', path: '/recordings/:id' },
  // 名师课堂 评课: a lesson's review (the lead teacher; admins' aggregates) and a region's rubric and settings.
  { name: 'lesson_review', path: '/reviews/:lessonSessionId' },
  { name: 'research_rubric', path: '/research/:regionId/rubric' },
  // 名师课堂: observing a live lesson (receive only, with the note pad) and the observer's own list (我的听课).
  { name: 'observe', path: '/observe/:courseId' },
  { name: 'observations', path: '/observations' },
  // 名校网络课堂 直播: the light page of a broadcast lesson's viewers (receive only, a hand to be called on stage).
  { name: 'live', path: '/live/:courseId' },
  // Issue #15: which teaching points have bad links, over the term.
  { name: 'reports_link_health', path: '/reports/link-health' },
] as const satisfies readonly RouteDefinition<string>[];

export type RouteName = (typeof ROUTES)[number]['name'];

/** Who may open a page: anyone, anyone signed in, or administrators. Unknown paths are public (not found). */
export const ROUTE_ACCESS: Record<RouteName, 'public' | 'signed_in' | 'admin'> = {
  login: 'public',
  pair: 'public',
  setup: 'public',
  join: 'public',
  home: 'signed_in',
  admin_organisation: 'admin',
  admin_users: 'admin',
  admin_courses: 'admin',
  admin_course: 'admin',
  lesson: 'signed_in',
  // Teachers see their own lessons, sites that took part their own figures: the server decides.
  lesson_reports: 'signed_in',
  lesson_report: 'signed_in',
  // Teachers see their own courses' figures there; the page says so.
  reports_usage: 'signed_in',
  reports_evidence: 'admin',
  // The county's file; reviewers (not administrators) read submissions: the server decides who sees which.
  evaluation: 'admin',
  review_list: 'signed_in',
  review_submission: 'signed_in',
  survey: 'public',
  evaluation_satisfaction: 'admin',
  evaluation_resources: 'admin',
  evaluation_checklist: 'admin',
  evaluation_exchange: 'admin',
  // Teachers and the admins over a course: the server decides which courses and documents each may change.
  courseware: 'signed_in',
  courseware_course: 'signed_in',
  // Everyone signed in has a library (what each may watch is the server's); the teacher's own list likewise.
  library: 'signed_in',
  library_mine: 'signed_in',
  recording: 'signed_in',
  // The lead teacher is no administrator: the server decides who reads which review.
  lesson_review: 'signed_in',
  research_rubric: 'admin',
  // Whoever may observe the course (course.observe): the server decides.
  observe: 'signed_in',
  observations: 'signed_in',
  // Anyone signed in whom the course's broadcast reaches (course.watch_broadcast): the server decides.
  live: 'signed_in',
  // School, group and county administrators: the server decides which units each may see.
  reports_link_health: 'admin',
};

/** The replay page of a recording. */
export const recordingPath = (id: number) => `/recordings/${id}`;

/** The path of the page a course is edited on; `new` creates one. */
export const coursePath = (id: number | 'new') => `/admin/courses/${id}`;
export const lessonPath = (courseId: number) => `/lesson/${courseId}`;
/** The observer's view of a course's live lesson (听课). */
export const observePath = (courseId: number) => `/observe/${courseId}`;
/** The viewers' page of a course's broadcast lesson (直播). */
export const livePath = (courseId: number) => `/live/${courseId}`;
