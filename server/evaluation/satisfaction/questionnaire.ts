import { randomInt } from 'node:crypto';
import type { SurveyQuestion } from '../../../shared/api/evaluation-satisfaction.js';

/** The title a new survey starts with. */
export const DEFAULT_SURVEY_TITLE = '义务教育优质均衡发展社会满意度调查';

/**
 * The questionnaire a region starts from (it may change any question before the survey opens): what the
 * 社会认可度 part of the evaluation asks the public about — the county's schools, teachers, teaching,
 * fairness, workload, safety and the sharing of quality lessons with village schools. Every question is
 * answered on the five levels 很满意 / 满意 / 基本满意 / 不满意 / 很不满意, and one optional comment follows.
 * Written so that students, parents, teachers and others can all answer it.
 */
export const DEFAULT_QUESTIONS: readonly SurveyQuestion[] = [
  { key: 'overall', text: '您对本县义务教育发展的总体情况是否满意？' },
  { key: 'conditions', text: '您对学校的办学条件（校舍、运动场地、教学设备、图书等）是否满意？' },
  { key: 'teachers', text: '您对学校教师的师德师风和业务水平是否满意？' },
  { key: 'curriculum', text: '您对学校开齐开足国家规定课程（含音乐、美术、体育、英语、科学等）的情况是否满意？' },
  { key: 'teaching', text: '您对学校的教育教学质量是否满意？' },
  { key: 'fairness', text: '您对招生入学、编班等方面的公平公正是否满意？' },
  { key: 'workload', text: '您对学生课业负担（作业量、在校时间）的控制是否满意？' },
  { key: 'safety', text: '您对学校的安全管理和校园环境是否满意？' },
  { key: 'activities', text: '您对学校开展的体育、艺术、劳动和课后服务活动是否满意？' },
  { key: 'sharing', text: '您对城乡学校之间共享优质课程（同步课堂、专递课堂等）的情况是否满意？' },
];

/** Letters and digits a person reads off paper without confusing them (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

/**
 * A new one-time code: 10 characters of a 31-letter alphabet (≈ 49 bits), drawn with the crypto generator, so
 * that guessing one of a county's few thousand codes takes billions of tries (the answer page is rate-limited).
 */
export function newSurveyCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}
