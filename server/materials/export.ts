import type { MaterialFigures, MaterialsUsage } from '../../shared/api/materials.js';
import type { Locale } from '../../shared/i18n/index.js';

/** A text in both languages (the downloads are written in the caller's). */
type Bilingual = Record<Locale, string>;
type Cell = string | number | null;

/** One table of materials figures, its texts in the caller's language; the usage and lesson downloads write it with their own writers. */
export interface MaterialsTable {
  sheet: string;
  columns: Array<{ header: string; kind: 'text' | 'integer' | 'percent' }>;
  rows: Cell[][];
}

const LABELS = {
  sheet: { 'zh-CN': '课件与资料', en: 'Materials' },
  school: { 'zh-CN': '学校', en: 'School' },
  classroom: { 'zh-CN': '接收教室', en: 'Receiving classroom' },
  delivered: { 'zh-CN': '推送资料数', en: 'Materials delivered' },
  opened: { 'zh-CN': '已打开', en: 'Opened' },
  openedPct: { 'zh-CN': '打开率(%)', en: 'Opened (%)' },
  total: { 'zh-CN': '合计', en: 'Total' },
  material: { 'zh-CN': '资料', en: 'Material' },
  kind: { 'zh-CN': '类型', en: 'Type' },
  note: { 'zh-CN': '说明', en: 'Note' },
  deliveredSites: { 'zh-CN': '推送到(个接收端)', en: 'Delivered to (sites)' },
  openedSites: { 'zh-CN': '打开的接收端', en: 'Sites opened' },
  site: { 'zh-CN': '接收端', en: 'Site' },
  firstOpened: { 'zh-CN': '首次打开', en: 'First opened' },
  openings: { 'zh-CN': '打开次数', en: 'Openings' },
  document: { 'zh-CN': '文档课件', en: 'Document' },
  link: { 'zh-CN': '链接', en: 'Link' },
  notOpened: { 'zh-CN': '未打开', en: 'Not opened' },
} satisfies Record<string, Bilingual>;

const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 10000) / 100);
/** "2025-06-04T01:30:00Z" → "2025-06-04 09:30", Shanghai wall clock. */
const wallClock = (iso: string): string => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** Per receiving classroom over the usage report's period: delivered, opened, opened %; a total row last. */
export function materialsUsageTable(usage: MaterialsUsage | undefined, locale: Locale): MaterialsTable {
  const l = (key: keyof typeof LABELS) => LABELS[key][locale];
  const rows = usage?.rows ?? [];
  return {
    sheet: l('sheet'),
    columns: [
      { header: l('school'), kind: 'text' },
      { header: l('classroom'), kind: 'text' },
      { header: l('delivered'), kind: 'integer' },
      { header: l('opened'), kind: 'integer' },
      { header: l('openedPct'), kind: 'percent' },
    ],
    rows: [
      ...rows.map((r): Cell[] => [r.schoolName, r.classroomName, r.delivered, r.opened, percent(r.openedRate)]),
      [l('total'), '', usage?.delivered ?? 0, usage?.opened ?? 0, percent(usage?.openedRate ?? null)],
    ],
  };
}

/** A lesson's materials, a row per material and receiving site: whether and when it opened it. */
export function lessonMaterialsTable(items: readonly MaterialFigures[], locale: Locale): MaterialsTable {
  const l = (key: keyof typeof LABELS) => LABELS[key][locale];
  return {
    sheet: l('sheet'),
    columns: [
      { header: l('material'), kind: 'text' },
      { header: l('kind'), kind: 'text' },
      { header: l('note'), kind: 'text' },
      { header: l('deliveredSites'), kind: 'integer' },
      { header: l('openedSites'), kind: 'integer' },
      { header: l('site'), kind: 'text' },
      { header: l('school'), kind: 'text' },
      { header: l('firstOpened'), kind: 'text' },
      { header: l('openings'), kind: 'integer' },
    ],
    rows: items.flatMap(({ material, delivered, opened, sites }) => {
      const lead: Cell[] = [material.title, l(material.kind), material.note, delivered, opened];
      if (sites.length === 0) return [[...lead, '', '', '', 0]];
      return sites.map((s): Cell[] => [...lead, s.name, s.schoolName, s.firstOpenedAt ? wallClock(s.firstOpenedAt) : l('notOpened'), s.openings]);
    }),
  };
}
