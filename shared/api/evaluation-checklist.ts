import { Type, type Static } from 'typebox';
import { RowId } from './common.js';
import { SectionFigure, SectionTable } from './evaluation.js';

/*
 * The government-guarantee and quality checklist (政府保障程度 / 教育质量) and the teacher-exchange register
 * (交流轮岗) of a region's self-evaluation, per term, under /api/evaluation/regions/:regionId/terms/:termId/.
 * The items are a fixed catalogue (stable keys); a region sets each one's status and note and attaches
 * files. Where Tongke has the data, an item shows a figure filled in from it with the page it comes from.
 */

const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const CHECKLIST_STATUSES = ['not_started', 'in_progress', 'met', 'not_met'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];
export const CHECKLIST_ASPECTS = ['government', 'quality'] as const;
export type ChecklistAspect = (typeof CHECKLIST_ASPECTS)[number];
export const AUTO_FIGURE_KINDS = ['classroom_usage', 'subject_coverage', 'online_exchange'] as const;
export type AutoFigureKind = (typeof AUTO_FIGURE_KINDS)[number];

/** The largest attachment accepted, in bytes (10 MiB). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Accepted attachments: PDF, PNG, JPEG, XLSX, DOCX — told by their bytes, not their names. */
export const ATTACHMENT_EXTENSIONS = ['.pdf', '.png', '.jpg', '.jpeg', '.xlsx', '.docx'] as const;

export const EvaluationTermParams = Type.Object({ regionId: RowId, termId: RowId });
export type EvaluationTermParams = Static<typeof EvaluationTermParams>;
export const ChecklistItemParams = Type.Object({ regionId: RowId, termId: RowId, itemKey: Type.String({ minLength: 1, maxLength: 80 }) });
export type ChecklistItemParams = Static<typeof ChecklistItemParams>;
export const ChecklistAttachmentParams = Type.Object({ regionId: RowId, termId: RowId, attachmentId: RowId });
export type ChecklistAttachmentParams = Static<typeof ChecklistAttachmentParams>;
export const ExchangeEntryParams = Type.Object({ regionId: RowId, termId: RowId, entryId: RowId });
export type ExchangeEntryParams = Static<typeof ExchangeEntryParams>;

/** `format=xlsx` downloads the part as a workbook (its section's tables); default JSON. */
export const EvaluationPartQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('xlsx')])) });
export type EvaluationPartQuery = Static<typeof EvaluationPartQuery>;

/** A figure Tongke filled in for an item, with the page (client path) it comes from and its detail rows. */
export const AutoFigure = Type.Object({
  kind: Type.Enum(AUTO_FIGURE_KINDS),
  figures: Type.Array(SectionFigure),
  table: SectionTable,
  sourcePath: Type.String(),
});
export type AutoFigure = Static<typeof AutoFigure>;

export const ChecklistAttachment = Type.Object({
  id: Type.Integer(),
  itemKey: Type.String(),
  name: Type.String(),
  sha256: Type.String(),
  bytes: Type.Integer(),
  contentType: Type.String(),
  uploadedAt: Type.String(),
});
export type ChecklistAttachment = Static<typeof ChecklistAttachment>;

export const ChecklistItem = Type.Object({
  key: Type.String(),
  aspect: Type.Enum(CHECKLIST_ASPECTS),
  title: Type.String(),
  requirement: Type.String(),
  status: Type.Enum(CHECKLIST_STATUSES),
  note: Type.String(),
  updatedAt: NullableString,
  attachments: Type.Array(ChecklistAttachment),
  auto: Type.Union([AutoFigure, Type.Null()]),
});
export type ChecklistItem = Static<typeof ChecklistItem>;

const TermSummary = Type.Object({ id: Type.Integer(), name: Type.String(), startsOn: DateOnly, endsOn: DateOnly });

export const Checklist = Type.Object({
  regionId: Type.Integer(),
  term: TermSummary,
  items: Type.Array(ChecklistItem),
  maxAttachmentBytes: Type.Integer(),
});
export type Checklist = Static<typeof Checklist>;

export const ChecklistItemBody = Type.Object(
  { status: Type.Optional(Type.Enum(CHECKLIST_STATUSES)), note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type ChecklistItemBody = Static<typeof ChecklistItemBody>;

/**
 * An upload: the file's name and its bytes as base64. The schema admits a little more than the limit so that
 * an oversized file gets its own clear error (file_too_large), not a generic one.
 */
export const AttachmentUploadBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    data: Type.String({ minLength: 1, maxLength: Math.ceil(((MAX_ATTACHMENT_BYTES + 1024 * 1024) * 4) / 3) }),
  },
  { additionalProperties: false },
);
export type AttachmentUploadBody = Static<typeof AttachmentUploadBody>;

// ---- Teacher exchange (交流轮岗) ----

const SchoolRef = Type.Object({ id: Type.Integer(), name: Type.String() });

export const ExchangeEntry = Type.Object({
  id: Type.Integer(),
  teacherId: Type.Union([Type.Integer(), Type.Null()]),
  teacherName: Type.String(),
  fromSchool: SchoolRef,
  toSchool: SchoolRef,
  fromDate: DateOnly,
  toDate: Type.Union([DateOnly, Type.Null()]),
  keyTeacher: Type.Boolean(),
  note: Type.String(),
});
export type ExchangeEntry = Static<typeof ExchangeEntry>;

/** A rotation: a teacher of the region (`teacherId`) or, when she has no account, her name. */
export const ExchangeEntryBody = Type.Object(
  {
    teacherId: Type.Optional(Type.Union([RowId, Type.Null()])),
    teacherName: Type.Optional(Type.String({ maxLength: 50 })),
    fromSchoolId: RowId,
    toSchoolId: RowId,
    fromDate: DateOnly,
    toDate: Type.Optional(Type.Union([DateOnly, Type.Null()])),
    keyTeacher: Type.Boolean(),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ExchangeEntryBody = Static<typeof ExchangeEntryBody>;

export const ExchangeEligibleBody = Type.Object({ eligibleTeachers: Type.Integer({ minimum: 0, maximum: 1_000_000 }) }, { additionalProperties: false });
export type ExchangeEligibleBody = Static<typeof ExchangeEligibleBody>;

/** The requirements: exchanged ≥ 10 % of eligible teachers, key teachers ≥ 20 % of those exchanged. */
export const EXCHANGE_REQUIREMENTS = { exchangedShare: 0.1, keyShare: 0.2 } as const;

export const ExchangeShares = Type.Object({
  /** Distinct teachers in the register, and the key teachers among them. */
  exchanged: Type.Integer(),
  keyTeachers: Type.Integer(),
  eligibleTeachers: Type.Union([Type.Integer(), Type.Null()]),
  /** exchanged / eligible (unrounded); null until the eligible count is entered (or it is 0). */
  exchangedShare: Type.Union([Type.Number(), Type.Null()]),
  exchangedMet: Type.Union([Type.Boolean(), Type.Null()]),
  /** key / exchanged (unrounded); null with nobody exchanged. */
  keyShare: Type.Union([Type.Number(), Type.Null()]),
  keyMet: Type.Union([Type.Boolean(), Type.Null()]),
});
export type ExchangeShares = Static<typeof ExchangeShares>;

export const ExchangeRegister = Type.Object({
  regionId: Type.Integer(),
  term: TermSummary,
  entries: Type.Array(ExchangeEntry),
  shares: ExchangeShares,
  /** Teachers who taught other schools' classes online: shown beside the register, never added to it. */
  online: AutoFigure,
  /** Schools of the region, and its teachers' accounts (for the form). */
  schools: Type.Array(SchoolRef),
  teachers: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), schoolId: Type.Integer() })),
});
export type ExchangeRegister = Static<typeof ExchangeRegister>;
