import { stagePartsOf, type ResourcePartInput, type ResourceStage } from '../../shared/api/evaluation-resources.js';
import type { TongkeDb } from '../db/store.js';
import { ResourceRepository, partKey } from '../evaluation/resources/repository.js';

type Inputs = Omit<ResourcePartInput, 'stage'>;
const part = (
  students: number,
  degreeTeachers: number,
  keyTeachers: number,
  peArtTeachers: number,
  floorArea: number,
  sportsArea: number,
  equipmentValue: number,
  networkedClassrooms: number,
): Inputs => ({ students, degreeTeachers, keyTeachers, peArtTeachers, floorArea, sportsArea, equipmentValue, networkedClassrooms });

/**
 * The demo county's resource inputs for its term, by school and stage part (the nine-year school's 780 pupils
 * split 480 primary / 300 junior). Plausible for a county close to 优质均衡: the town schools a little above the
 * standards; the teaching points, with one or two teachers for a handful of pupils, far above them per 100
 * students — which is why key and PE/art teachers have the largest 差异系数 (still within 0.50).
 *
 * Exactly one school misses one indicator: 青石岭村小's sports ground is 81 m² for 12 pupils, 6.75 m² each,
 * 90 % of the 7.5 m² standard. With the other six met and that one above 85 %, its verdict still PASSES —
 * the demo shows the "6 of 7, the rest ≥ 85 %" rule at work rather than a failing school.
 */
export const DEMO_RESOURCE_INPUTS: Readonly<Record<string, Partial<Record<ResourceStage, Inputs>>>> = {
  青山县实验小学: { primary: part(2180, 120, 40, 34, 11200, 17500, 5_600_000, 56) },
  青山县城关第二小学: { primary: part(860, 40, 14, 13, 4300, 6900, 1_980_000, 21) },
  青山县白沙镇中心小学: { primary: part(640, 29, 10, 9, 3100, 5200, 1_400_000, 15) },
  石桥村教学点: { primary: part(23, 1, 1, 1, 160, 400, 60_000, 1) },
  杨柳村教学点: { primary: part(15, 1, 1, 1, 120, 300, 45_000, 1) },
  柏树坪村小: { primary: part(38, 2, 1, 1, 240, 500, 90_000, 1) },
  龙溪村教学点: { primary: part(9, 1, 1, 1, 90, 200, 30_000, 1) },
  青山县第一中学: { junior: part(1860, 110, 24, 19, 11500, 19800, 5_200_000, 48) },
  青山县龙潭镇中学: { junior: part(520, 29, 6, 5, 3100, 5400, 1_400_000, 13) },
  青山县马鞍镇九年一贯制学校: { primary: part(480, 22, 8, 7, 2300, 3700, 1_000_000, 12), junior: part(300, 17, 3, 3, 1800, 3100, 800_000, 8) },
  桃园村教学点: { primary: part(31, 2, 1, 1, 200, 450, 75_000, 1) },
  青石岭村小: { primary: part(12, 1, 1, 1, 80, 81, 30_000, 1) },
};

/**
 * Enters the demo inputs for the region's term (by name) for every school of the region listed above, through
 * the resource repository. Idempotent like the rest of the demo: a part already entered is left as it is.
 * Returns the number of parts created.
 */
export async function seedDemoResources(db: TongkeDb, regionId: number, termName: string): Promise<number> {
  const repo = new ResourceRepository(db);
  const termId = await repo.termByName(regionId, termName);
  if (termId === undefined) throw new Error(`the demo term ${termName} is missing`);
  const schools = await repo.schools(regionId);
  const entered = await repo.enteredParts(termId, schools.map((s) => s.id));
  const parts = schools.flatMap((school) =>
    stagePartsOf(school.stage).flatMap((stage) => {
      const inputs = DEMO_RESOURCE_INPUTS[school.name]?.[stage];
      return inputs && !entered.has(partKey(school.id, stage)) ? [{ ...inputs, stage, schoolId: school.id }] : [];
    }),
  );
  await repo.upsertParts(regionId, termId, parts, null);
  return parts.length;
}
