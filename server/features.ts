import type { TongkeApp } from './core/app-types.js';
import accountsRoutes from './accounts/routes.js';
import organisationRoutes from './organisation/routes.js';
import peopleRoutes from './people/routes.js';
import teachingRoutes from './teaching/routes.js';
import lessonReportRoutes from './evidence/lesson-report/routes.js';
import usageReportRoutes from './evidence/usage/routes.js';
import linkHealthRoutes from './evidence/link-health/routes.js';
import evaluationReviewRoutes from './evaluation/review/routes.js';
import evaluationResourceRoutes from './evaluation/resources/routes.js';
import checklistRoutes from './evaluation/checklist/routes.js';
import coursewareRoutes from './courseware/routes.js';
import satisfactionRoutes, { surveyAnswerRoutes } from './evaluation/satisfaction/routes.js';
import materialsRoutes from './materials/routes.js';
import boardRoutes from './lessons/features/board/routes.js';
import recordingRendering from './recordings/render/plugin.js';
import recordingLibraryRoutes from './recordings/library/routes.js';
import recordingViewingRoutes from './recordings/viewing/routes.js';
import observingRoutes from './research/observing/routes.js';
import researchRubricRoutes from './research/rubrics/routes.js';
import researchReviewRoutes from './research/review/routes.js';
import observationNotesRoutes from './research/observations/routes.js';
import researchSessionRoutes from './research/sessions/routes.js';
import netcheckRoutes from './netcheck/routes.js';

/** Every feature's route plugin, registered by buildApp in this order. */
export const FEATURE_ROUTES: ReadonlyArray<(app: TongkeApp) => Promise<void>> = [
  accountsRoutes,
  organisationRoutes,
  peopleRoutes,
  teachingRoutes,
  lessonReportRoutes,
  usageReportRoutes,
  evaluationReviewRoutes,
  satisfactionRoutes,
  surveyAnswerRoutes,
  evaluationResourceRoutes,
  checklistRoutes,
  materialsRoutes,
  coursewareRoutes,
  boardRoutes,
  // Issue #10 (render): the recordings' render jobs and retention — no routes; decorates app.recordingJobs.
  recordingRendering,
  recordingLibraryRoutes,
  recordingViewingRoutes,
  // Issue #12 (observing): 开放听课 per course, and the live lessons one may observe.
  observingRoutes,
  // Issue #12 (rating and review): region rubrics and settings, observation forms, the lead teacher's review.
  researchRubricRoutes,
  researchReviewRoutes,
  // Issue #12 (notes): 听课笔记 — observations opened by observers and their notes on the lesson timeline.
  observationNotesRoutes,
  // Issue #12 (协同教研): teaching-research sessions; their start is registered with the live lessons.
  researchSessionRoutes,
  // Issue #15 (health): link health per teaching point over the term.
  linkHealthRoutes,
  // Issue #15 (netcheck): the pre-join network check — probe transports, round-trip and throughput samples.
  netcheckRoutes,
];
