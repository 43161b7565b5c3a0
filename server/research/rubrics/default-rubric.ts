import type { RubricBody } from '../../../shared/api/research.js';

const LEVELS = [
  { label: '优秀', score: 100 },
  { label: '良好', score: 80 },
  { label: '合格', score: 60 },
  { label: '待改进', score: 40 },
];

/**
 * The rubric a region rates on until it saves its own: a 课堂教学评价表 of the kind county teaching-research
 * offices use, with one dimension for what a shared (专递) lesson adds — whether the remote classrooms
 * really take part. Weights add up to 100.
 */
export const DEFAULT_RUBRIC: RubricBody = {
  name: '同步课堂课堂教学评价表',
  dimensions: [
    { key: 'goals', name: '教学目标', description: '目标明确、具体，符合课程标准和学情（含教学点学生）', weight: 15, levels: LEVELS },
    { key: 'content', name: '教学内容', description: '内容准确，重点突出，难点突破，容量适当', weight: 20, levels: LEVELS },
    { key: 'methods', name: '教学方法', description: '方法得当，信息技术与教学融合，板书与课件清晰', weight: 15, levels: LEVELS },
    { key: 'interaction', name: '师生互动', description: '提问、讨论、练习面向全体，学生参与充分', weight: 20, levels: LEVELS },
    { key: 'remote', name: '远端关注', description: '关注接收教室：点名提问、邀请上台、及时反馈，远端学生参与不少于本端', weight: 20, levels: LEVELS },
    { key: 'effect', name: '教学效果', description: '目标达成，学生掌握良好，课堂气氛积极', weight: 10, levels: LEVELS },
  ],
};
