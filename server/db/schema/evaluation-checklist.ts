import { table, id, int, bool, instant, text, index, uniqueIndex, NOW_MS } from './columns.js';
import { regions, schools } from './organisation.js';
import { users } from './people.js';
import { terms } from './teaching.js';
import { CHECKLIST_STATUSES } from '../../../shared/api/evaluation-checklist.js';

/*
 * The government-guarantee and quality checklist (政府保障程度 / 教育质量) and the teacher-exchange register
 * (交流轮岗) of a region's self-evaluation, per term. The items themselves are data in code
 * (server/evaluation/checklist/catalogue.ts); rows here exist only for items a region has worked on.
 */


/** A region's status and note for one catalogue item in one term. */
export const evaluationChecklistItems = table(
  'evaluation_checklist_items',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    termId: int('term_id').notNull().references(() => terms.id),
    itemKey: text('item_key').notNull(),
    status: text('status', { enum: CHECKLIST_STATUSES }).notNull(),
    note: text('note').notNull().default(''),
    updatedAt: instant('updated_at').notNull().default(NOW_MS),
    updatedBy: int('updated_by').references(() => users.id),
  },
  (t) => [uniqueIndex('evaluation_checklist_items_key_uq').on(t.regionId, t.termId, t.itemKey)],
);

/**
 * A file attached to an item. The bytes live in the attachment store under their SHA-256; this row only
 * links them. Removing an attachment deletes this row, never the stored file: a submitted snapshot may
 * name the same sha256.
 */
export const evaluationChecklistFiles = table(
  'evaluation_checklist_files',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    termId: int('term_id').notNull().references(() => terms.id),
    itemKey: text('item_key').notNull(),
    name: text('name').notNull(),
    sha256: text('sha256').notNull(),
    bytes: int('bytes').notNull(),
    contentType: text('content_type').notNull(),
    uploadedAt: instant('uploaded_at').notNull().default(NOW_MS),
    uploadedBy: int('uploaded_by').references(() => users.id),
  },
  (t) => [index('evaluation_checklist_files_scope_idx').on(t.regionId, t.termId)],
);

/** One teacher's rotation (交流轮岗) recorded in a region's term: a user of the region, or only a name. */
export const evaluationExchangeEntries = table(
  'evaluation_exchange_entries',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    termId: int('term_id').notNull().references(() => terms.id),
    teacherId: int('teacher_id').references(() => users.id),
    teacherName: text('teacher_name').notNull(),
    fromSchoolId: int('from_school_id').notNull().references(() => schools.id),
    toSchoolId: int('to_school_id').notNull().references(() => schools.id),
    fromDate: text('from_date').notNull(),
    toDate: text('to_date'),
    keyTeacher: bool('key_teacher').notNull(),
    note: text('note').notNull().default(''),
    updatedAt: instant('updated_at').notNull().default(NOW_MS),
    updatedBy: int('updated_by').references(() => users.id),
  },
  (t) => [index('evaluation_exchange_entries_scope_idx').on(t.regionId, t.termId)],
);

/** How many of the region's teachers were eligible for exchange in the term (entered by the region). */
export const evaluationExchangeEligible = table(
  'evaluation_exchange_eligible',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    termId: int('term_id').notNull().references(() => terms.id),
    eligibleTeachers: int('eligible_teachers').notNull(),
    updatedAt: instant('updated_at').notNull().default(NOW_MS),
    updatedBy: int('updated_by').references(() => users.id),
  },
  (t) => [uniqueIndex('evaluation_exchange_eligible_scope_uq').on(t.regionId, t.termId)],
);
