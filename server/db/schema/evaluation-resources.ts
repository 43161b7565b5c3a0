import { table, id, int, real, instant, text, index, uniqueIndex } from './columns.js';
import { RESOURCE_STAGES } from '../../../shared/api/evaluation-resources.js';
import { regions, schools } from './organisation.js';
import { users } from './people.js';
import { terms } from './teaching.js';

/**
 * The inputs of the seven resource indicators (资源配置) of one school's stage part in one term: a nine-year or
 * twelve-year school has a primary and a junior row, as the evaluation splits it. `regionId` is the school's
 * region when entered, kept so a region's term is read without a join.
 */
export const evaluationResourceInputs = table(
  'evaluation_resource_inputs',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    termId: int('term_id').notNull().references(() => terms.id),
    schoolId: int('school_id').notNull().references(() => schools.id),
    stage: text('stage', { enum: RESOURCE_STAGES }).notNull(),
    students: int('students').notNull(),
    degreeTeachers: int('degree_teachers').notNull(),
    keyTeachers: int('key_teachers').notNull(),
    peArtTeachers: int('pe_art_teachers').notNull(),
    /** m² */
    floorArea: real('floor_area').notNull(),
    /** m² */
    sportsArea: real('sports_area').notNull(),
    /** yuan */
    equipmentValue: real('equipment_value').notNull(),
    networkedClassrooms: int('networked_classrooms').notNull(),
    updatedAt: instant('updated_at').notNull(),
    updatedBy: int('updated_by').references(() => users.id),
  },
  (t) => [uniqueIndex('evaluation_resource_inputs_part_uq').on(t.schoolId, t.termId, t.stage), index('evaluation_resource_inputs_region_term_idx').on(t.regionId, t.termId)],
);
