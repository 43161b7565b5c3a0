import type { TongkeConfig } from '../config.js';
import type { TongkeDb } from '../db/store.js';
import { shanghaiDate } from '../../shared/time.js';
import type { ChecklistStatus } from '../../shared/api/evaluation-checklist.js';
import { Places } from '../organisation/places.js';
import { MINIMAL_PDF } from '../evaluation/attachments/sample-files.js';
import { checklistParts } from '../evaluation/checklist/parts.js';
import { ChecklistRepository } from '../evaluation/checklist/repository.js';
import { DEMO_REGION } from './demo-data.js';

/** Items the demo county has worked on this term: status and the note a clerk would write. */
const DEMO_ITEMS: ReadonlyArray<{ key: string; status: ChecklistStatus; note: string }> = [
  { key: 'gov.unified_standards', status: 'met', note: '《青山县义务教育学校办学标准》已印发（青教〔2025〕12 号），13 所学校逐校核验达标。' },
  { key: 'gov.class_size', status: 'met', note: '全县最大班额：小学 45 人、初中 50 人，无超标班级。' },
  { key: 'gov.music_art_rooms', status: 'in_progress', note: '白沙镇中心小学美术教室改造中，预计 12 月底完工。' },
  { key: 'gov.small_school_funding', status: 'met', note: '5 个教学点和村小均按 100 名学生核拨公用经费。' },
  { key: 'gov.teacher_exchange', status: 'met', note: '交流轮岗方案见附件；登记见“交流轮岗”页。' },
  { key: 'quality.equipment_use', status: 'met', note: '同步课堂常态化开课，使用情况见 Tongke 使用报告。' },
  { key: 'quality.curriculum', status: 'in_progress', note: '杨柳村教学点音乐、美术课常有缺课，已要求集团补课。' },
  { key: 'quality.workload', status: 'met', note: '作业公示制度覆盖全部学校。' },
];

/** Rotations of the term: 5 of 40 eligible teachers (12.5 % ≥ 10 %), 2 of them key teachers (40 % ≥ 20 %). */
const DEMO_ROTATIONS = [
  { username: 'teacher.zhou', name: '周老师', from: '青山县实验小学', to: '青山县白沙镇中心小学', keyTeacher: true, note: '骨干教师支教一年' },
  { username: 'teacher.hu', name: '胡老师', from: '青山县第一中学', to: '青山县龙潭镇中学', keyTeacher: true, note: '' },
  { username: null, name: '陈老师', from: '青山县城关第二小学', to: '杨柳村教学点', keyTeacher: false, note: '音乐教师，走教' },
  { username: null, name: '冯老师', from: '青山县白沙镇中心小学', to: '柏树坪村小', keyTeacher: false, note: '' },
  { username: null, name: '宋老师', from: '青山县龙潭镇中学', to: '青山县马鞍镇九年一贯制学校', keyTeacher: false, note: '' },
] as const;
const DEMO_ELIGIBLE_TEACHERS = 40;

/**
 * The demo county's checklist and exchange register for the current term: some items done with notes, the
 * exchange plan attached as a real (small) PDF, and a register that meets both shares. Only into a term
 * the county has not worked on yet, so it is safe to call again. Returns whether it wrote anything.
 */
export async function seedDemoChecklist(db: TongkeDb, config: Pick<TongkeConfig, 'attachmentsDir' | 'deliveredMinMinutes'>, today = shanghaiDate(new Date())): Promise<boolean> {
  const repo = new ChecklistRepository(db);
  const parts = checklistParts(db, new Places(db), config);
  const regionId = await repo.regionIdByCode(DEMO_REGION.code);
  const term = regionId === undefined ? undefined : await parts.usage.repo.terms.termCovering(regionId, today);
  if (regionId === undefined || !term) return false;
  const scope = { regionId, termId: term.id };
  if ((await repo.items(scope)).length > 0 || (await repo.files(scope)).length > 0) return false;

  const users = await repo.userIdsByUsername(['county', ...DEMO_ROTATIONS.flatMap((r) => (r.username ? [r.username] : []))]);
  const clerk = users.get('county');
  if (clerk === undefined) return false;
  for (const item of DEMO_ITEMS) await parts.checklist.saveItem(scope, item.key, { status: item.status, note: item.note }, clerk);
  await parts.checklist.attach(scope, 'gov.teacher_exchange', { name: '青山县教师交流轮岗实施方案.pdf', data: MINIMAL_PDF.toString('base64') }, clerk);

  const register = await parts.exchange.saveEligible(scope, DEMO_ELIGIBLE_TEACHERS, clerk);
  if (register.entries.length > 0) return true;
  const schoolId = new Map(register.schools.map((s) => [s.name, s.id]));
  for (const rotation of DEMO_ROTATIONS) {
    const teacherId = rotation.username ? (users.get(rotation.username) ?? null) : null;
    await parts.exchange.addEntry(
      scope,
      { teacherId, teacherName: rotation.name, fromSchoolId: schoolId.get(rotation.from)!, toSchoolId: schoolId.get(rotation.to)!, fromDate: term.startsOn, toDate: term.endsOn, keyTeacher: rotation.keyTeacher, note: rotation.note },
      clerk,
    );
  }
  return true;
}
