import type { CopiedMaterials, LessonMaterials, MaterialCreate, MaterialFigures, MaterialOpened, MaterialView, MyLessonMaterials, MyMaterials } from '../../../shared/api/materials.js';
import type { ApiClient } from '../api.js';

/** The calls the materials managers make (the app's ApiClient; tests give a stand-in server). */
export type MaterialsHttp = Pick<ApiClient, 'get' | 'post' | 'put' | 'delete'>;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One scheduled lesson's materials, as the lead teacher plans them in the 课件与资料 dialog: attach a document
 * of the course or a link, move one up or down, remove one, copy them all to the next lesson. Each change
 * goes to the server first; the list shown is always the server's answer.
 */
export class LessonMaterialsManager {
  #items = $state<MaterialFigures[]>([]);
  #loaded = $state(false);
  #busy = $state(false);
  #error = $state<string | null>(null);

  constructor(
    private readonly http: MaterialsHttp,
    readonly lessonId: number,
  ) {}

  get items(): MaterialFigures[] {
    return this.#items;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get busy(): boolean {
    return this.#busy;
  }
  /** The last failure, in the user's language (the server's message). */
  get error(): string | null {
    return this.#error;
  }

  load(): Promise<boolean> {
    return this.#run(async () => this.#show(await this.http.get<LessonMaterials>(`/api/scheduled-lessons/${this.lessonId}/materials`)));
  }

  /** Attaches one, then shows the list again with it at the end. */
  attach(body: MaterialCreate): Promise<boolean> {
    return this.#run(async () => {
      await this.http.post<MaterialView>(`/api/scheduled-lessons/${this.lessonId}/materials`, body);
      this.#show(await this.http.get<LessonMaterials>(`/api/scheduled-lessons/${this.lessonId}/materials`));
    });
  }

  remove(materialId: number): Promise<boolean> {
    return this.#run(async () => {
      await this.http.delete<null>(`/api/materials/${materialId}`);
      this.#items = this.#items.filter((i) => i.material.id !== materialId);
    });
  }

  /** Moves one a place up (-1) or down (+1); nothing at either end. */
  move(materialId: number, by: -1 | 1): Promise<boolean> {
    const ids = this.#items.map((i) => i.material.id);
    const from = ids.indexOf(materialId);
    const to = from + by;
    if (from === -1 || to < 0 || to >= ids.length) return Promise.resolve(false);
    [ids[from], ids[to]] = [ids[to]!, ids[from]!];
    return this.#run(async () => this.#show(await this.http.put<LessonMaterials>(`/api/scheduled-lessons/${this.lessonId}/materials/order`, { ids })));
  }

  /** Copies them to the course's next lesson; answers how many were copied (null on failure). */
  async copyToNext(): Promise<CopiedMaterials | null> {
    let copied: CopiedMaterials | null = null;
    await this.#run(async () => {
      copied = await this.http.post<CopiedMaterials>(`/api/scheduled-lessons/${this.lessonId}/materials/copy-to-next`);
    });
    return copied;
  }

  #show(list: LessonMaterials): void {
    this.#items = list.items;
    this.#loaded = true;
  }

  async #run(work: () => Promise<void>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    try {
      await work();
      return true;
    } catch (error) {
      this.#error = message(error);
      return false;
    } finally {
      this.#busy = false;
    }
  }
}

/**
 * The materials a receiving classroom, its assistant teacher or a student may open now, per lesson of the
 * last and next 7 days (the server decides what is visible). Opening asks the server to record it first,
 * then hands back where to go.
 */
export class MyMaterialsManager {
  #lessons = $state<MyLessonMaterials[]>([]);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #opening = $state<number | null>(null);

  constructor(private readonly http: MaterialsHttp) {}

  get lessons(): MyLessonMaterials[] {
    return this.#lessons;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The material being opened (its button waits). */
  get opening(): number | null {
    return this.#opening;
  }

  async load(): Promise<void> {
    try {
      this.#lessons = (await this.http.get<MyMaterials>('/api/me/materials')).lessons;
      this.#loaded = true;
      this.#error = null;
    } catch (error) {
      this.#error = message(error);
    }
  }

  /** Records the opening and answers the address to go to (null when refused: the list is reloaded). */
  async open(materialId: number): Promise<string | null> {
    this.#opening = materialId;
    try {
      return (await this.http.post<MaterialOpened>(`/api/materials/${materialId}/open`)).href;
    } catch (error) {
      // The item may have left its window meanwhile: show the list as it is now, and say why it did not open.
      await this.load();
      this.#error = message(error);
      return null;
    } finally {
      this.#opening = null;
    }
  }
}
