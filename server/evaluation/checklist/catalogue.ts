/*
 * The 政府保障程度 and 教育质量 items of the county evaluation (县域义务教育优质均衡发展督导评估办法, 2017, as its
 * published summaries list them), shipped as data: every region works through the same list. Keys are stable —
 * saved statuses, notes, attachments and submitted snapshots refer to them — so an item is never renamed
 * or re-keyed; a changed wording keeps its key.
 */

import type { AutoFigureKind, ChecklistAspect } from '../../../shared/api/evaluation-checklist.js';

export interface ChecklistItemDefinition {
  key: string;
  aspect: ChecklistAspect;
  /** Short Chinese title, as the file and the page show it. */
  title: string;
  /** The requirement, shortened from the method's wording. */
  requirement: string;
  /** A figure Tongke fills in from its own data (see auto-figures.ts). */
  auto?: AutoFigureKind;
}

const government = (key: string, title: string, requirement: string, auto?: AutoFigureKind): ChecklistItemDefinition => ({ key: `gov.${key}`, aspect: 'government', title, requirement, ...(auto ? { auto } : {}) });
const quality = (key: string, title: string, requirement: string, auto?: AutoFigureKind): ChecklistItemDefinition => ({ key: `quality.${key}`, aspect: 'quality', title, requirement, ...(auto ? { auto } : {}) });

export const CHECKLIST_ITEMS: readonly ChecklistItemDefinition[] = [
  government('layout', '学校规划布局', '县域内义务教育学校规划布局合理，符合国家规定要求。'),
  government('unified_standards', '统一办学标准', '县级人民政府制定本县域义务教育学校办学标准，所有学校达到要求。'),
  government('music_art_rooms', '音乐美术专用教室', '所有小学、初中每 12 个班级配备音乐、美术专用教室 1 间以上；音乐教室不小于 96 m²，美术教室不小于 90 m²。'),
  government('school_size', '学校规模', '小学、初中规模不超过 2000 人，九年一贯制、十二年一贯制学校义务教育阶段不超过 2500 人。'),
  government('class_size', '班额', '小学、初中所有班级学生数分别不超过 45 人、50 人。'),
  government('small_school_funding', '小规模学校经费', '不足 100 名学生的村小学和教学点按 100 名学生核定公用经费。'),
  government('special_education', '特殊教育经费', '特殊教育学校生均公用经费不低于 6000 元。'),
  government('teacher_pay', '教师工资', '教师平均工资收入水平不低于当地公务员平均工资收入水平，足额核定绩效工资总量。'),
  government('teacher_training', '教师培训', '教师 5 年 360 学时培训完成率达到 100%。'),
  government('staffing', '编制岗位统筹', '县级教育行政部门在核定的编制总额和岗位总量内统筹分配各校教职工编制和岗位。'),
  government('teacher_exchange', '教师交流轮岗', '每年交流轮岗教师不低于符合交流条件教师总数的 10%，其中骨干教师不低于交流轮岗教师总数的 20%。', 'online_exchange'),
  government('teacher_certification', '持证上岗', '专任教师持有教师资格证上岗率达到 100%。'),
  government('nearby_enrolment', '就近入学', '城区和镇区公办小学、初中就近划片入学比例分别达到 100%、95% 以上。'),
  government('quota_allocation', '优质高中名额分配', '优质高中招生名额分配比例不低于 50%，并向农村初中倾斜。'),
  government('left_behind_children', '留守儿童与随迁子女', '留守儿童关爱体系健全；随迁子女在公办学校和政府购买服务的民办学校就读比例不低于 85%。'),
  quality('retention', '初中巩固率', '全县初中三年巩固率达到 95% 以上。'),
  quality('disabled_enrolment', '残疾儿童入学', '全县残疾儿童少年入学率达到 95% 以上。'),
  quality('management_it', '章程与管理信息化', '所有学校制定章程，实现学校管理与教学信息化。'),
  quality('training_budget', '教师培训经费', '所有学校按不低于年度公用经费预算总额的 5% 安排教师培训经费。'),
  quality('equipment_use', '教学设备高效应用', '教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平。', 'classroom_usage'),
  quality('moral_education', '德育与校园文化', '所有学校德育工作、校园文化建设水平达到良好以上。'),
  quality('curriculum', '课程开齐开足', '课程开齐开足，教学秩序规范，综合实践活动有效开展。', 'subject_coverage'),
  quality('workload', '课业负担', '无过重课业负担。'),
  quality('quality_monitoring', '质量监测', '国家义务教育质量监测相关科目学生学业水平达到 Ⅲ 级以上，且校际差异率低于 0.15。'),
];

const BY_KEY = new Map(CHECKLIST_ITEMS.map((item) => [item.key, item]));

/** The item of a key, or undefined for a key not in the catalogue. */
export function checklistItem(key: string): ChecklistItemDefinition | undefined {
  return BY_KEY.get(key);
}

export const ASPECT_TITLES: Record<ChecklistAspect, string> = { government: '政府保障程度', quality: '教育质量' };
