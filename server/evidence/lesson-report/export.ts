import ExcelJS from 'exceljs';
import type { AttendanceSpell, ClassroomFigures, LessonReport, ParticipantFigures } from '../../../shared/api/evidence-lesson.js';
import type { Locale } from '../../../shared/i18n/index.js';
import { CSV_CONTENT_TYPE, writeCsv, type ExportTitle } from '../../core/csv.js';
import { describeWorkbook, printHeader } from '../../core/xlsx-title.js';
import { EXPORT_LABELS, type ExportLabels } from './export-labels.js';
import { lessonMaterialsTable } from '../../materials/export.js';

/** A report ready to download. */
export interface ExportedReport {
  /** The file name in the caller's language (e.g. 课堂报告_三年级音乐_2025-06-04.xlsx). */
  fileName: string;
  /** An ASCII-only name for clients that do not read RFC 5987 `filename*`. */
  asciiFileName: string;
  contentType: string;
  body: Buffer | string;
}

type Cell = string | number | null;
interface Column<T> {
  header: string;
  width: number;
  value: (row: T) => Cell;
}

/** "2025-06-04T09:30:00+08:00" → "2025-06-04 09:30:00": Shanghai wall clock, as Excel users read it. */
const wallClock = (iso: string | null): string | null => (iso === null ? null : iso.slice(0, 19).replace('T', ' '));
const clock = (iso: string) => iso.slice(11, 16);

/** The participant table; the last column repeats on every row whether the lesson's evidence is complete. */
function participantColumns(labels: ExportLabels, evidenceIncomplete: boolean): Array<Column<ParticipantFigures>> {
  const l = labels.participant;
  const spell = (s: AttendanceSpell) =>
    `${clock(s.joinedAt)}–${s.leftAt ? clock(s.leftAt) : ''} (${s.leaveReason ? labels.reasons[s.leaveReason] : labels.stillPresent})`;
  return [
    { header: l.name, width: 20, value: (p) => p.displayName },
    { header: l.kind, width: 14, value: (p) => labels.kinds[p.kind] },
    { header: l.school, width: 20, value: (p) => p.schoolName },
    { header: l.classroom, width: 16, value: (p) => p.classroomName },
    { header: l.onlineMinutes, width: 12, value: (p) => p.onlineMinutes },
    { header: l.talkMinutes, width: 12, value: (p) => p.talkMinutes },
    { header: l.webcamMinutes, width: 12, value: (p) => p.webcamMinutes },
    { header: l.messages, width: 10, value: (p) => p.messages },
    { header: l.handRaises, width: 10, value: (p) => p.handRaises },
    { header: l.stageInvitations, width: 10, value: (p) => p.stageInvitations },
    { header: l.pollAnswers, width: 10, value: (p) => p.pollAnswers },
    { header: l.boardPenTurns, width: 10, value: (p) => p.boardPenTurns },
    { header: l.pollCorrect, width: 10, value: (p) => p.pollCorrect },
    { header: l.activityScore, width: 10, value: (p) => p.activityScore },
    { header: l.firstJoined, width: 20, value: (p) => wallClock(p.spells[0]?.joinedAt ?? null) },
    { header: l.lastLeft, width: 20, value: (p) => wallClock(p.spells.at(-1)?.leftAt ?? null) },
    { header: l.spells, width: 40, value: (p) => p.spells.map(spell).join(labels.spellSeparator) },
    { header: l.evidence, width: 20, value: () => (evidenceIncomplete ? labels.evidenceIncomplete : labels.evidenceComplete) },
  ];
}

function classroomColumns(labels: ExportLabels): Array<Column<ClassroomFigures>> {
  const l = labels.classroom;
  return [
    { header: l.classroom, width: 20, value: (c) => c.classroomName },
    { header: l.school, width: 20, value: (c) => c.schoolName },
    { header: l.expected, width: 10, value: (c) => c.expectedStudents },
    { header: l.present, width: 10, value: (c) => c.presentStudents },
    { header: l.connectedMinutes, width: 12, value: (c) => c.connectedMinutes },
    { header: l.avgRtt, width: 16, value: (c) => c.quality.avgRttMs },
    { header: l.avgLoss, width: 16, value: (c) => c.quality.avgPacketLossPct },
    { header: l.poorPct, width: 16, value: (c) => c.quality.poorPct },
  ];
}

/** The participant table as XLSX (with the receiving classrooms as a second sheet) or as CSV. */
export async function exportLessonReport(report: LessonReport, format: 'xlsx' | 'csv', locale: Locale): Promise<ExportedReport> {
  const labels = EXPORT_LABELS[locale];
  const people = participantColumns(labels, report.header.evidenceIncomplete);
  const names = fileNames(report, labels, format);
  const title = lessonTitle(report, labels);
  if (format === 'csv') {
    return { ...names, contentType: CSV_CONTENT_TYPE, body: writeCsv(people.map((c) => c.header), report.participants.map((p) => people.map((c) => c.value(p))), title) };
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '同课 Tongke';
  workbook.created = new Date();
  describeWorkbook(workbook, title);
  addSheet(workbook, labels.participantsSheet, people, report.participants, title);
  addSheet(workbook, labels.classroomsSheet, classroomColumns(labels), report.classrooms, title);
  if (report.materials && report.materials.length > 0) {
    const materials = lessonMaterialsTable(report.materials, locale);
    addSheet(workbook, materials.sheet, materials.columns.map((c, i) => ({ header: c.header, width: c.kind === 'text' ? 20 : 12, value: (row: Cell[]) => row[i] ?? null })), materials.rows, title);
  }
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  return { ...names, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body };
}

/** What the download is: the lesson (course, teacher, when), whose figures it covers, and when it was made. */
function lessonTitle(report: LessonReport, labels: ExportLabels): ExportTitle {
  const h = report.header;
  const l = labels.title;
  return {
    title: `${l.heading} — ${h.courseName}`,
    lines: [
      [l.course, h.courseName],
      [l.teacher, `${h.leadTeacherName} · ${h.hostSchoolName}`],
      [l.time, `${wallClock(h.startedAt)} — ${wallClock(h.endedAt) ?? ''}`],
      [l.scope, report.scope === 'own' ? l.scopeOwn : l.scopeFull],
      [l.generated, wallClock(report.generatedAt) ?? ''],
    ],
  };
}

function addSheet<T>(workbook: ExcelJS.Workbook, name: string, columns: ReadonlyArray<Column<T>>, rows: readonly T[], title: ExportTitle): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }], headerFooter: printHeader(title) });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((c) => c.value(row)));
}

function fileNames(report: LessonReport, labels: ExportLabels, extension: string): Pick<ExportedReport, 'fileName' | 'asciiFileName'> {
  const date = report.header.startedAt.slice(0, 10);
  const course = report.header.courseName.replace(/[\\/:*?"<>|\s]+/g, '_');
  return {
    fileName: `${labels.fileStem}_${course}_${date}.${extension}`,
    asciiFileName: `lesson-report-${report.header.lessonSessionId}-${date}.${extension}`,
  };
}

