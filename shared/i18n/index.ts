import { en } from './en.js';
import { zhCN, type SharedMessages } from './zh-CN.js';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Shared catalogs (namespace `shared` in i18next on server and client). */
export const SHARED_MESSAGES: Record<Locale, SharedMessages> = { 'zh-CN': zhCN, en };
export type { SharedMessages };

/** Picks a supported locale from an explicit choice or an Accept-Language header. */
export function pickLocale(...candidates: Array<string | undefined | null>): Locale {
  for (const candidate of candidates) {
    if (!candidate) continue;
    for (const part of candidate.split(',')) {
      const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
      if (tag.startsWith('zh')) return 'zh-CN';
      if (tag.startsWith('en')) return 'en';
    }
  }
  return DEFAULT_LOCALE;
}
