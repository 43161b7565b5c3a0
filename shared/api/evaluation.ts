import { Type, type Static } from 'typebox';
import { RowId } from './common.js';

/**
 * The county self-evaluation file (优质均衡 县级自评) of one region and term is made of sections, one per part of
 * the evaluation (resource indicators, satisfaction, the government-guarantee and quality checklist, teacher
 * exchange, online-classroom usage). Each part's service renders its section in this one plain shape, so that
 * the frozen snapshot a county submits, the workbook it exports and the printed report are built by one
 * generic writer each, and a reviewer reads every part the same way.
 */

/** A cell: text, a number (kept as computed, not rounded), or empty. */
export const SectionCell = Type.Union([Type.String(), Type.Number(), Type.Null()]);
export type SectionCell = Static<typeof SectionCell>;

/** One table of a section: a workbook sheet and a printed table. */
export const SectionTable = Type.Object({
  /** Stable key within the section (a sheet name is derived from it and the title). */
  key: Type.String(),
  title: Type.String(),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(SectionCell)),
});
export type SectionTable = Static<typeof SectionTable>;

/** A headline figure of a section, with the requirement it is read against where there is one. */
export const SectionFigure = Type.Object({
  key: Type.String(),
  label: Type.String(),
  value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
  unit: Type.Optional(Type.String()),
  /** The requirement as a reader sees it, e.g. "≤ 0.50" or "≥ 85 %". */
  requirement: Type.Optional(Type.String()),
  /** Whether the requirement is met; null where it cannot be judged (no data). */
  met: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
});
export type SectionFigure = Static<typeof SectionFigure>;

/** A file kept with the evidence (content-addressed: the snapshot names it by its SHA-256). */
export const SectionAttachment = Type.Object({
  itemKey: Type.String(),
  name: Type.String(),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  bytes: Type.Integer({ minimum: 0 }),
  contentType: Type.String(),
});
export type SectionAttachment = Static<typeof SectionAttachment>;

export const EVALUATION_SECTION_KEYS = ['resources', 'satisfaction', 'checklist', 'exchange', 'usage'] as const;
export type EvaluationSectionKey = (typeof EVALUATION_SECTION_KEYS)[number];

export const EvaluationSection = Type.Object({
  key: Type.Enum(EVALUATION_SECTION_KEYS),
  title: Type.String(),
  figures: Type.Array(SectionFigure),
  tables: Type.Array(SectionTable),
  attachments: Type.Array(SectionAttachment),
});
export type EvaluationSection = Static<typeof EvaluationSection>;

/** Which region and term a part of the file is about. */
export const EvaluationScope = Type.Object({ regionId: RowId, termId: RowId });
export type EvaluationScope = Static<typeof EvaluationScope>;
