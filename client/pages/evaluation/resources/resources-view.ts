import {
  COUNT_INPUTS,
  INDICATOR_STANDARDS,
  RESOURCE_INPUTS,
  type ResourceImportError,
  type ResourceIndicator,
  type ResourceInput,
  type ResourcePartInput,
  type ResourcesReport,
  type ResourceStage,
  type SchoolResources,
} from '../../../../shared/api/evaluation-resources.js';
import { ApiError } from '../../../lib/api.js';

/*
 * What the resource-indicator page derives from the server's answers, as plain functions (tested beside).
 */

/** The import's problems, when the server refused the file (every row and column it names); else none. */
export function importProblems(error: unknown): ResourceImportError[] {
  if (!(error instanceof ApiError) || error.code !== 'import_invalid' || !Array.isArray(error.details)) return [];
  return error.details.filter(
    (d): d is ResourceImportError => typeof d === 'object' && d !== null && typeof d.line === 'number' && typeof d.column === 'string' && typeof d.message === 'string',
  );
}

/** One bar per part of the stage, lowest first (the parts short of the standard stand out at the left), and the standard. */
export function chartData(report: ResourcesReport, stage: ResourceStage, indicator: ResourceIndicator): { names: string[]; values: number[]; standard: number } {
  const bars = report.parts
    .filter((p) => p.stage === stage)
    .map((p) => ({ name: p.schoolName, value: p.indicators.find((i) => i.indicator === indicator)?.value ?? 0 }))
    .sort((a, b) => a.value - b.value);
  return { names: bars.map((b) => b.name), values: bars.map((b) => b.value), standard: INDICATOR_STANDARDS[indicator][stage] };
}

/** A part as the edit form holds it: the texts typed, and whether the part is entered at all. */
export interface PartForm {
  entered: boolean;
  values: Record<ResourceInput, string>;
}

/** The form of a school's parts: what is entered, blank where nothing is. */
export function formOf(school: SchoolResources): Record<ResourceStage, PartForm> {
  const form = (stage: ResourceStage): PartForm => {
    const part = school.parts.find((p) => p.stage === stage);
    return { entered: part !== undefined, values: Object.fromEntries(RESOURCE_INPUTS.map((input) => [input, part ? String(part[input]) : ''])) as Record<ResourceInput, string> };
  };
  return { primary: form('primary'), junior: form('junior') };
}

/** A problem with one field of the form, as a key of `evalResources.import` (the import's wording). */
export interface FormProblem {
  stage: ResourceStage;
  input: ResourceInput;
  key: 'required' | 'notNumber' | 'notInteger' | 'studentsZero';
}

/** The PUT body from the form, or the problems that keep it from being sent (the server checks again). */
export function bodyOf(stages: readonly ResourceStage[], forms: Record<ResourceStage, PartForm>): { parts: ResourcePartInput[] } | { problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const parts: ResourcePartInput[] = [];
  for (const stage of stages) {
    const form = forms[stage];
    if (!form.entered) continue;
    const values: Partial<Record<ResourceInput, number>> = {};
    for (const input of RESOURCE_INPUTS) {
      const text = form.values[input].trim().replace(/,/g, '');
      if (text === '') problems.push({ stage, input, key: 'required' });
      else if (!/^\d+(\.\d+)?$/.test(text)) problems.push({ stage, input, key: COUNT_INPUTS.has(input) ? 'notInteger' : 'notNumber' });
      else if (COUNT_INPUTS.has(input) && !/^\d+$/.test(text)) problems.push({ stage, input, key: 'notInteger' });
      else values[input] = Number(text);
    }
    if (values.students === 0) problems.push({ stage, input: 'students', key: 'studentsZero' });
    parts.push({ stage, ...(values as Record<ResourceInput, number>) });
  }
  return problems.length > 0 ? { problems } : { parts };
}

/** Bytes as base64 (the import's body). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its bytes as arguments, and arguments are bounded.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The term a page opens on: the one covering today, else the latest that started, else the first. */
export function defaultTermId(terms: ReadonlyArray<{ id: number; startsOn: string; endsOn: string }>, today: string): number | null {
  const current = terms.find((t) => t.startsOn <= today && today <= t.endsOn);
  if (current) return current.id;
  const started = terms.filter((t) => t.startsOn <= today).sort((a, b) => b.startsOn.localeCompare(a.startsOn));
  return started[0]?.id ?? terms[0]?.id ?? null;
}
