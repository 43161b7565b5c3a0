import type { ReportLeaveReason } from '../../../shared/api/evidence-lesson.js';
import type { Locale } from '../../../shared/i18n/index.js';
import type { ParticipantKind } from '../../../shared/lesson/model.js';

/** The words of an exported lesson report (sheet names, column headings, kinds and reasons). */
export interface ExportLabels {
  fileStem: string;
  participantsSheet: string;
  classroomsSheet: string;
  /** The title block above the table (CSV) or in the workbook's properties (XLSX). */
  title: { heading: string; course: string; teacher: string; time: string; scope: string; scopeFull: string; scopeOwn: string; generated: string };
  participant: {
    name: string;
    kind: string;
    school: string;
    classroom: string;
    onlineMinutes: string;
    talkMinutes: string;
    webcamMinutes: string;
    messages: string;
    handRaises: string;
    stageInvitations: string;
    pollAnswers: string;
    boardPenTurns: string;
    pollCorrect: string;
    activityScore: string;
    firstJoined: string;
    lastLeft: string;
    spells: string;
    /** Whether the lesson's evidence is complete (some writes may have been lost). */
    evidence: string;
  };
  classroom: {
    classroom: string;
    school: string;
    expected: string;
    present: string;
    connectedMinutes: string;
    avgRtt: string;
    avgLoss: string;
    poorPct: string;
  };
  kinds: Record<ParticipantKind, string>;
  reasons: Record<ReportLeaveReason, string>;
  stillPresent: string;
  evidenceComplete: string;
  evidenceIncomplete: string;
  spellSeparator: string;
}

export const EXPORT_LABELS: Record<Locale, ExportLabels> = {
  'zh-CN': {
    fileStem: '课堂报告',
    participantsSheet: '参与者',
    classroomsSheet: '接收教室',
    title: { heading: '课堂报告', course: '课程', teacher: '主讲', time: '上课时间', scope: '范围', scopeFull: '全部参与者', scopeOwn: '仅本人', generated: '生成时间（北京时间）' },
    participant: {
      name: '姓名',
      kind: '参与方式',
      school: '学校',
      classroom: '教室',
      onlineMinutes: '在线分钟',
      talkMinutes: '发言分钟',
      webcamMinutes: '摄像头分钟',
      messages: '消息数',
      handRaises: '举手次数',
      stageInvitations: '上台次数',
      pollAnswers: '答题数',
      boardPenTurns: '白板执笔次数',
      pollCorrect: '答对数',
      activityScore: '活跃度',
      firstJoined: '首次进入',
      lastLeft: '最后离开',
      spells: '进出记录',
      evidence: '记录完整性',
    },
    classroom: {
      classroom: '教室',
      school: '学校',
      expected: '应到人数',
      present: '实到人数',
      connectedMinutes: '连接分钟',
      avgRtt: '平均往返时延(ms)',
      avgLoss: '平均丢包率(%)',
      poorPct: '较差样本占比(%)',
    },
    kinds: { lead_teacher: '主讲教师', receiving_classroom: '接收教室', assistant_teacher: '辅导教师', student: '学生', observer: '旁听', research_member: '教研成员', viewer: '直播观众' },
    reasons: { left: '离开', removed: '被移出', lesson_ended: '课堂结束', connection_lost: '网络断开', server_restart: '服务器重启' },
    stillPresent: '仍在课堂',
    evidenceComplete: '完整',
    evidenceIncomplete: '不完整：部分记录未能保存，数字偏低',
    spellSeparator: '；',
  },
  en: {
    fileStem: 'lesson-report',
    participantsSheet: 'Participants',
    classroomsSheet: 'Receiving classrooms',
    title: { heading: 'Lesson report', course: 'Course', teacher: 'Taught by', time: 'Held', scope: 'Covers', scopeFull: 'all participants', scopeOwn: 'your own figures only', generated: 'Generated (Beijing time)' },
    participant: {
      name: 'Name',
      kind: 'Taking part as',
      school: 'School',
      classroom: 'Classroom',
      onlineMinutes: 'Online minutes',
      talkMinutes: 'Talk minutes',
      webcamMinutes: 'Webcam minutes',
      messages: 'Messages',
      handRaises: 'Hand raises',
      stageInvitations: 'On stage',
      pollAnswers: 'Poll answers',
      boardPenTurns: 'Board pen turns',
      pollCorrect: 'Correct answers',
      activityScore: 'Activity score',
      firstJoined: 'First joined',
      lastLeft: 'Last left',
      spells: 'Joins and leaves',
      evidence: 'Evidence',
    },
    classroom: {
      classroom: 'Classroom',
      school: 'School',
      expected: 'Expected students',
      present: 'Present students',
      connectedMinutes: 'Connected minutes',
      avgRtt: 'Average round trip (ms)',
      avgLoss: 'Average packet loss (%)',
      poorPct: 'Poor samples (%)',
    },
    kinds: { lead_teacher: 'Lead teacher', receiving_classroom: 'Receiving classroom', assistant_teacher: 'Assistant teacher', student: 'Student', observer: 'Observer', research_member: 'Research member', viewer: 'Live viewer' },
    reasons: { left: 'left', removed: 'removed', lesson_ended: 'lesson ended', connection_lost: 'connection lost', server_restart: 'server restart' },
    stillPresent: 'still present',
    evidenceComplete: 'complete',
    evidenceIncomplete: 'incomplete: some records could not be saved, figures are too low',
    spellSeparator: '; ',
  },
};
