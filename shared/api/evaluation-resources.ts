import { Type, type Static } from 'typebox';
import { SCHOOL_STAGES, type SchoolStage } from '../subjects.js';
import { RowId } from './common.js';

/*
 * The seven resource indicators (资源配置) of the county evaluation (县域义务教育优质均衡发展督导评估办法, 2017),
 * entered per school, term and stage part. A nine-year or twelve-year school is split into its primary and junior
 * parts as the evaluation does; a twelve-year school's senior part is outside compulsory education and not entered.
 */

/** The stages the evaluation compares schools within (each with its own standards and 差异系数 limit). */
export const RESOURCE_STAGES = ['primary', 'junior'] as const;
export type ResourceStage = (typeof RESOURCE_STAGES)[number];

/** The stage parts a school of this stage has inputs for. */
export function stagePartsOf(stage: SchoolStage): readonly ResourceStage[] {
  switch (stage) {
    case 'primary':
      return ['primary'];
    case 'junior':
      return ['junior'];
    case 'nine_year':
    case 'twelve_year':
      return ['primary', 'junior'];
  }
}

/** What a school office enters per stage part. Counts are whole numbers; areas and the equipment value may have decimals. */
export const RESOURCE_INPUTS = [
  'students',
  'degreeTeachers',
  'keyTeachers',
  'peArtTeachers',
  'floorArea',
  'sportsArea',
  'equipmentValue',
  'networkedClassrooms',
] as const;
export type ResourceInput = (typeof RESOURCE_INPUTS)[number];
export const COUNT_INPUTS: ReadonlySet<ResourceInput> = new Set(['students', 'degreeTeachers', 'keyTeachers', 'peArtTeachers', 'networkedClassrooms']);

export const RESOURCE_INDICATORS = ['degreeTeachers', 'keyTeachers', 'peArtTeachers', 'floorArea', 'sportsArea', 'equipmentValue', 'networkedClassrooms'] as const;
/** An indicator is named after the input it divides by the students (indicator 1 … 7 in this order). */
export type ResourceIndicator = (typeof RESOURCE_INDICATORS)[number];

/**
 * The national standards (DOMAIN.md): per 100 students or per student, by stage. A part meets an indicator
 * when its value reaches the standard.
 */
export const INDICATOR_STANDARDS: Record<ResourceIndicator, { per: 100 | 1; primary: number; junior: number }> = {
  degreeTeachers: { per: 100, primary: 4.2, junior: 5.3 },
  keyTeachers: { per: 100, primary: 1, junior: 1 },
  peArtTeachers: { per: 100, primary: 0.9, junior: 0.9 },
  floorArea: { per: 1, primary: 4.5, junior: 5.8 },
  sportsArea: { per: 1, primary: 7.5, junior: 10.2 },
  equipmentValue: { per: 1, primary: 2000, junior: 2500 },
  networkedClassrooms: { per: 100, primary: 2.3, junior: 2.4 },
};
/** The highest acceptable student-weighted 差异系数 of every indicator, by stage. */
export const CV_LIMITS: Record<ResourceStage, number> = { primary: 0.5, junior: 0.45 };
/** A part passes with at least this many of the seven indicators met … */
export const MIN_INDICATORS_MET = 6;
/** … and every other at least this share of its standard. */
export const MIN_RATIO_OF_UNMET = 0.85;

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Amount = Type.Number({ minimum: 0, maximum: 1e13 });

/** One stage part's inputs (PUT body, and as stored). */
export const ResourcePartInput = Type.Object(
  {
    stage: Type.Enum(RESOURCE_STAGES),
    students: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    degreeTeachers: Count,
    keyTeachers: Count,
    peArtTeachers: Count,
    floorArea: Amount,
    sportsArea: Amount,
    equipmentValue: Amount,
    networkedClassrooms: Count,
  },
  { additionalProperties: false },
);
export type ResourcePartInput = Static<typeof ResourcePartInput>;

export const ResourceTermParams = Type.Object({ regionId: RowId, termId: RowId });
export type ResourceTermParams = Static<typeof ResourceTermParams>;
export const ResourceSchoolParams = Type.Object({ regionId: RowId, termId: RowId, schoolId: RowId });
export type ResourceSchoolParams = Static<typeof ResourceSchoolParams>;

/** PUT …/resources/schools/:schoolId — the school's parts for the term; parts left out are removed (not entered). */
export const SchoolResourcesBody = Type.Object({ parts: Type.Array(ResourcePartInput, { maxItems: 2 }) }, { additionalProperties: false });
export type SchoolResourcesBody = Static<typeof SchoolResourcesBody>;

/** A stored part: its inputs and who entered them when. */
export const ResourcePart = Type.Object({
  ...ResourcePartInput.properties,
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
export type ResourcePart = Static<typeof ResourcePart>;

/** GET/PUT …/resources/schools/:schoolId */
export const SchoolResources = Type.Object({
  school: Type.Object({ id: RowId, name: Type.String(), stage: Type.Enum(SCHOOL_STAGES) }),
  /** The parts this school has inputs for (by its stage). */
  stages: Type.Array(Type.Enum(RESOURCE_STAGES)),
  parts: Type.Array(ResourcePart),
});
export type SchoolResources = Static<typeof SchoolResources>;

/** One indicator of one part against its standard. */
export const IndicatorValue = Type.Object({
  indicator: Type.Enum(RESOURCE_INDICATORS),
  value: Type.Number(),
  standard: Type.Number(),
  /** value / standard */
  ratio: Type.Number(),
  met: Type.Boolean(),
});
export type IndicatorValue = Static<typeof IndicatorValue>;

export const PartResult = Type.Object({
  schoolId: RowId,
  schoolName: Type.String(),
  stage: Type.Enum(RESOURCE_STAGES),
  students: Type.Integer(),
  indicators: Type.Array(IndicatorValue),
  metCount: Type.Integer(),
  /** ≥ 6 of 7 met and the rest ≥ 85 % of the standard. */
  passed: Type.Boolean(),
});
export type PartResult = Static<typeof PartResult>;

/** A part's share of the weighted variance Σ Pᵢ(Xᵢ − X̄)² of one indicator (see disparity.ts for why this names them). */
export const DisparityContributor = Type.Object({
  schoolId: RowId,
  schoolName: Type.String(),
  value: Type.Number(),
  share: Type.Number(),
  /** Whether the part lies above the weighted mean (else below). */
  above: Type.Boolean(),
});
export type DisparityContributor = Static<typeof DisparityContributor>;

export const IndicatorDisparity = Type.Object({
  indicator: Type.Enum(RESOURCE_INDICATORS),
  stage: Type.Enum(RESOURCE_STAGES),
  parts: Type.Integer(),
  mean: Type.Number(),
  /** Student-weighted 差异系数; null when undefined (no parts, or a mean of 0). */
  cv: Type.Union([Type.Number(), Type.Null()]),
  limit: Type.Number(),
  met: Type.Union([Type.Boolean(), Type.Null()]),
  /** The parts that pull the 差异系数 up most, largest share first. */
  pullingUp: Type.Array(DisparityContributor),
});
export type IndicatorDisparity = Static<typeof IndicatorDisparity>;

/** Indicator 7 against Tongke's own registry and usage, per school. */
export const ClassroomCrossCheck = Type.Object({
  schoolId: RowId,
  schoolName: Type.String(),
  /** Networked multimedia classrooms declared (all parts). */
  declared: Type.Integer(),
  /** Active classrooms flagged multimedia in Tongke's registry. */
  registered: Type.Integer(),
  /** Registered multimedia classrooms that neither hosted nor received a lesson in the term, by name. */
  unused: Type.Array(Type.String()),
  /** Declared more than the registry knows of. */
  declaredMoreThanRegistered: Type.Boolean(),
});
export type ClassroomCrossCheck = Static<typeof ClassroomCrossCheck>;

/** GET …/resources — the region's seven indicators for the term. */
export const ResourcesReport = Type.Object({
  region: Type.Object({ id: RowId, name: Type.String() }),
  term: Type.Object({ id: RowId, name: Type.String(), startsOn: Type.String(), endsOn: Type.String() }),
  parts: Type.Array(PartResult),
  /** Stage parts of the region's active schools with nothing entered for the term. */
  missing: Type.Array(Type.Object({ schoolId: RowId, schoolName: Type.String(), stage: Type.Enum(RESOURCE_STAGES) })),
  disparities: Type.Array(IndicatorDisparity),
  classrooms: Type.Array(ClassroomCrossCheck),
});
export type ResourcesReport = Static<typeof ResourcesReport>;

/**
 * POST …/resources/import — the template filled in (an XLSX workbook, base64). Every row is checked first;
 * any error imports nothing (400 import_invalid, each problem in `error.details`). `dryRun` only checks.
 */
export const ResourceImportBody = Type.Object(
  {
    /** base64 of at most 1 MiB. */
    file: Type.String({ minLength: 1, maxLength: 1_400_000 }),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ResourceImportBody = Static<typeof ResourceImportBody>;
/** One problem: the sheet row (1 = header), the column's header text ('' for the whole row) and a message naming both. */
export const ResourceImportError = Type.Object({ line: Type.Integer(), column: Type.String(), message: Type.String() });
export type ResourceImportError = Static<typeof ResourceImportError>;
export const ResourceImportResult = Type.Object({
  /** Parts written (with dryRun: parts that would be written). */
  imported: Type.Integer(),
  /** Rows left blank (nothing entered): their parts are not changed. */
  skipped: Type.Integer(),
  dryRun: Type.Boolean(),
});
export type ResourceImportResult = Static<typeof ResourceImportResult>;
