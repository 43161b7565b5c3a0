/**
 * The national compulsory-education curriculum subjects (义务教育课程方案, 2022), as codes.
 * `shortage` marks the subjects teaching points most often lack a teacher for (DOMAIN.md).
 */
export const SUBJECTS = [
  'chinese',
  'mathematics',
  'english',
  'ideology',
  'history',
  'geography',
  'science',
  'physics',
  'chemistry',
  'biology',
  'it',
  'pe',
  'music',
  'art',
  'labour',
  'comprehensive_practice',
] as const;
export type Subject = (typeof SUBJECTS)[number];

/** 音体美英科思政 — the subjects whose delivery to teaching points the evidence highlights. */
export const SHORTAGE_SUBJECTS: readonly Subject[] = ['music', 'art', 'pe', 'english', 'science', 'ideology'];

export const LESSON_KINDS = ['delivered', 'master_teacher', 'open_school'] as const;
/** 专递课堂 / 名师课堂 / 名校网络课堂 */
export type LessonKind = (typeof LESSON_KINDS)[number];

export const SCHOOL_GROUP_ROLES = ['lead', 'member', 'teaching_point'] as const;
export type SchoolGroupRole = (typeof SCHOOL_GROUP_ROLES)[number];
export const SCHOOL_LOCALITIES = ['urban', 'township', 'rural'] as const;
export type SchoolLocality = (typeof SCHOOL_LOCALITIES)[number];
/** A twelve-year school (十二年一贯制) runs primary through senior secondary; only its compulsory parts are evaluated. */
export const SCHOOL_STAGES = ['primary', 'junior', 'nine_year', 'twelve_year'] as const;
export type SchoolStage = (typeof SCHOOL_STAGES)[number];
