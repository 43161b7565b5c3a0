import { EXCHANGE_REQUIREMENTS } from '../../../shared/api/evaluation-checklist.js';
import type { EvaluationSection } from '../../../shared/api/evaluation.js';
import type { SectionBuilder } from '../section.js';
import type { ExchangeService } from './service.js';

const pct = (share: number) => `≥ ${Math.round(share * 100)} %`;

/**
 * The teacher-exchange register (交流轮岗) as a section of the evaluation file: the eligible and exchanged
 * teachers, both shares against their requirements (unrounded), the register itself, and — beside it, not
 * counted in it — the lead teachers who taught other schools' classes online.
 */
export function buildExchangeSection(service: ExchangeService): SectionBuilder {
  return async (scope): Promise<EvaluationSection> => {
    const register = await service.register(scope);
    const { shares } = register;
    const online = register.online.figures.find((f) => f.key === 'onlineTeachers');
    return {
      key: 'exchange',
      title: `教师交流轮岗 — ${register.term.name}`,
      figures: [
        { key: 'eligibleTeachers', label: '符合交流条件的教师', value: shares.eligibleTeachers, unit: '人' },
        { key: 'exchanged', label: '交流轮岗教师', value: shares.exchanged, unit: '人' },
        { key: 'exchangedShare', label: '交流轮岗教师占符合条件教师的比例', value: shares.exchangedShare, requirement: pct(EXCHANGE_REQUIREMENTS.exchangedShare), met: shares.exchangedMet },
        { key: 'keyTeachers', label: '其中骨干教师', value: shares.keyTeachers, unit: '人' },
        { key: 'keyShare', label: '骨干教师占交流轮岗教师的比例', value: shares.keyShare, requirement: pct(EXCHANGE_REQUIREMENTS.keyShare), met: shares.keyMet },
        { key: 'onlineTeachers', label: '在线为其他学校授课的主讲教师（另列，不计入交流轮岗）', value: online?.value ?? null, unit: '人' },
      ],
      tables: [
        {
          key: 'register',
          title: '交流轮岗登记',
          columns: ['教师', '原学校', '交流到', '开始日期', '结束日期', '骨干教师', '备注'],
          rows: register.entries.map((e) => [e.teacherName, e.fromSchool.name, e.toSchool.name, e.fromDate, e.toDate, e.keyTeacher ? '是' : '否', e.note]),
        },
        register.online.table,
      ],
      attachments: [],
    };
  };
}
