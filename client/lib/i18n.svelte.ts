import i18next, { type i18n as I18next } from 'i18next';
import { DEFAULT_LOCALE, LOCALES, SHARED_MESSAGES, type Locale, type SharedMessages } from '../../shared/i18n/index.js';
import { TIME_ZONE } from '../../shared/time.js';
import type { LessonKind, Subject } from '../../shared/subjects.js';
import type { Role } from '../../shared/roles.js';
import { CLIENT_MESSAGES, type ClientMessages } from './i18n/index.js';

/** Dotted paths to the string leaves of a catalog: 'login.title'. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = Leaves<ClientMessages>;
export type SharedKey = Leaves<SharedMessages>;
export type MessageParams = Record<string, string | number>;

const LOCALE_COOKIE = 'tongke_locale';
const WEEKDAY_KEYS = ['weekday.1', 'weekday.2', 'weekday.3', 'weekday.4', 'weekday.5', 'weekday.6', 'weekday.7'] as const satisfies readonly SharedKey[];

/**
 * The one i18n layer: i18next with the shared catalogs (namespace `shared`) and the client's own
 * (namespace `client`). Reading `locale` inside `t()` makes every translated text in a template follow
 * a language switch at once. Dates and times are always shown in Asia/Shanghai.
 */
export class I18n {
  #locale = $state<Locale>(DEFAULT_LOCALE);
  readonly #i18next: I18next;
  #formats = new Map<string, Intl.DateTimeFormat>();

  constructor(locale: Locale) {
    this.#locale = locale;
    this.#i18next = i18next.createInstance();
    void this.#i18next.init({
      lng: locale,
      fallbackLng: DEFAULT_LOCALE,
      supportedLngs: [...LOCALES],
      ns: ['client', 'shared'],
      defaultNS: 'client',
      initAsync: false,
      interpolation: { escapeValue: false },
      resources: Object.fromEntries(LOCALES.map((l) => [l, { client: CLIENT_MESSAGES[l], shared: SHARED_MESSAGES[l] }])),
    });
    document.documentElement.lang = locale;
  }

  /** The language to start in: the one the server remembers in its cookie, else the default. */
  static initialLocale(): Locale {
    const cookie = document.cookie
      .split(';')
      .map((part) => part.trim().split('='))
      .find(([name]) => name === LOCALE_COOKIE)?.[1];
    return LOCALES.find((locale) => locale === decodeURIComponent(cookie ?? '')) ?? DEFAULT_LOCALE;
  }

  get locale(): Locale {
    return this.#locale;
  }

  /** Switches the language now; the server is told separately (SessionManager.setLocale). */
  setLocale(locale: Locale): void {
    if (locale === this.#locale) return;
    void this.#i18next.changeLanguage(locale);
    this.#locale = locale;
    document.documentElement.lang = locale;
  }

  /** A client text. */
  t = (key: MessageKey, params?: MessageParams): string => {
    return this.#i18next.t(key, { ns: 'client', lng: this.#locale, ...params });
  };

  /** A shared text (roles, subjects, errors…). */
  s = (key: SharedKey, params?: MessageParams): string => {
    return this.#i18next.t(key, { ns: 'shared', lng: this.#locale, ...params });
  };

  role = (role: Role): string => this.s(`role.${role}`);
  subject = (subject: Subject): string => this.s(`subject.${subject}`);
  lessonKind = (kind: LessonKind): string => this.s(`lessonKind.${kind}`);
  /** 1 = Monday … 7 = Sunday. */
  weekday = (weekday: number): string => this.s(WEEKDAY_KEYS[weekday - 1] ?? 'weekday.1');

  /** "09:30" */
  time = (instant: string | Date): string => this.#format('time', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
  /** "6月4日 周三" / "Wed, Jun 4" */
  day = (instant: string | Date): string => this.#format('day', { month: 'short', day: 'numeric', weekday: 'short' }).format(new Date(instant));
  /** "2025年6月4日 09:30" */
  dateTime = (instant: string | Date): string =>
    this.#format('dateTime', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
  number = (value: number): string => new Intl.NumberFormat(this.#locale).format(value);
  /** "A、B、C" / "A, B, C" */
  list = (items: string[]): string => items.join(this.t('common.listSeparator'));

  #format(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    const key = `${this.#locale}:${name}`;
    let format = this.#formats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(this.#locale, { ...options, timeZone: TIME_ZONE });
      this.#formats.set(key, format);
    }
    return format;
  }
}
