import type { ResourceImportError, ResourceImportResult, ResourcesReport, ResourceStage, SchoolResources } from '../../../../shared/api/evaluation-resources.js';
import type { Term } from '../../../../shared/api/teaching.js';
import { ApiError } from '../../../lib/api.js';
import type { ResourcesApi } from './resources-api.js';
import { bodyOf, defaultTermId, formOf, importProblems, type FormProblem, type PartForm } from './resources-view.js';

/** One import in the dialog: the chosen file, the check, the upload's progress and the outcome. */
export class ResourceImport {
  file = $state<string | null>(null);
  busy = $state<'check' | 'import' | null>(null);
  progress = $state(0);
  problems = $state<ResourceImportError[]>([]);
  checked = $state<ResourceImportResult | null>(null);
  imported = $state<ResourceImportResult | null>(null);
  error = $state<ApiError | null>(null);

  choose(file: string | null): void {
    this.file = file;
    this.problems = [];
    this.checked = null;
    this.imported = null;
    this.error = null;
  }
}

/** The school being edited: its parts as form texts, and what keeps them from being saved. */
export class SchoolEdit {
  forms = $state<Record<ResourceStage, PartForm>>({ primary: { entered: false, values: {} as PartForm['values'] }, junior: { entered: false, values: {} as PartForm['values'] } });
  problems = $state<FormProblem[]>([]);
  saving = $state(false);
  error = $state<ApiError | null>(null);

  constructor(readonly school: SchoolResources) {
    this.forms = formOf(school);
  }
}

/**
 * The resource-indicator page of a region: its terms, the chosen term's report, the import dialog and the
 * per-school edit form. A newer report load wins over an older one still in flight.
 */
export class ResourcesPageState {
  #terms = $state<Term[]>([]);
  #termId = $state<number | null>(null);
  #report = $state<ResourcesReport | null>(null);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  #latest = 0;
  importing = $state<ResourceImport | null>(null);
  /** The school whose inputs were saved last (a school admin sees no table change: she is told instead). */
  saved = $state<string | null>(null);
  editing = $state<SchoolEdit | null>(null);

  constructor(
    readonly api: ResourcesApi,
    private readonly loadTerms: () => Promise<Term[]>,
  ) {}

  get terms(): Term[] {
    return this.#terms;
  }
  get termId(): number | null {
    return this.#termId;
  }
  get report(): ResourcesReport | null {
    return this.#report;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  /** Loads the region's terms and opens the asked-for one (else the current one). */
  async start(termId: number | null, today: string): Promise<void> {
    try {
      this.#terms = (await this.loadTerms()).filter((t) => t.regionId === this.api.regionId);
    } catch (error) {
      this.#error = asApiError(error, 'loading the terms failed');
      return;
    }
    const chosen = termId !== null && this.#terms.some((t) => t.id === termId) ? termId : defaultTermId(this.#terms, today);
    if (chosen !== null) await this.chooseTerm(chosen);
  }

  async chooseTerm(termId: number): Promise<void> {
    this.#termId = termId;
    await this.reload();
  }

  async reload(): Promise<void> {
    const termId = this.#termId;
    if (termId === null) return;
    const load = ++this.#latest;
    this.#loading = true;
    this.#error = null;
    try {
      const report = await this.api.report(termId);
      if (load === this.#latest) this.#report = report;
    } catch (error) {
      if (load === this.#latest) this.#error = asApiError(error, 'loading the resource indicators failed');
    } finally {
      if (load === this.#latest) this.#loading = false;
    }
  }

  openImport(): void {
    this.importing = new ResourceImport();
  }

  /** Checks (dryRun) or imports the chosen file; a refused file leaves its problems, row by row. */
  async sendImport(dryRun: boolean): Promise<void> {
    const run = this.importing;
    if (!run || run.file === null || this.#termId === null) return;
    run.busy = dryRun ? 'check' : 'import';
    run.progress = 0;
    run.problems = [];
    run.error = null;
    try {
      const result = await this.api.importFile(this.#termId, run.file, dryRun, (fraction) => (run.progress = fraction));
      if (dryRun) run.checked = result;
      else {
        run.imported = result;
        await this.reload();
      }
    } catch (error) {
      run.problems = importProblems(error);
      run.error = asApiError(error, 'importing resource inputs failed');
    } finally {
      run.busy = null;
    }
  }

  async openSchool(schoolId: number): Promise<void> {
    if (this.#termId === null) return;
    try {
      this.editing = new SchoolEdit(await this.api.school(this.#termId, schoolId));
    } catch (error) {
      this.#error = asApiError(error, 'loading a school’s resource inputs failed');
    }
  }

  /** Saves the edited school when the form is complete; returns whether it was saved. */
  async saveSchool(): Promise<boolean> {
    const edit = this.editing;
    if (!edit || this.#termId === null) return false;
    const body = bodyOf(edit.school.stages, edit.forms);
    if ('problems' in body) {
      edit.problems = body.problems;
      return false;
    }
    edit.problems = [];
    edit.saving = true;
    edit.error = null;
    try {
      await this.api.saveSchool(this.#termId, edit.school.school.id, body);
      this.editing = null;
      this.saved = edit.school.school.name;
      await this.reload();
      return true;
    } catch (error) {
      edit.error = asApiError(error, 'saving a school’s resource inputs failed');
      return false;
    } finally {
      edit.saving = false;
    }
  }
}

function asApiError(error: unknown, what: string): ApiError {
  if (error instanceof ApiError) return error;
  console.error(what, error);
  return new ApiError(0, 'internal', String(error));
}
