import i18next, { type i18n } from 'i18next';
import { LOCALES, SHARED_MESSAGES, type Locale } from '../../shared/i18n/index.js';

/** The server's own i18next instance over the shared catalogs (error messages in the caller's language). */
export function createTranslator(defaultLocale: Locale): (locale: Locale, key: string, params?: Record<string, unknown>) => string {
  const instance: i18n = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...LOCALES],
    defaultNS: 'shared',
    ns: ['shared'],
    resources: Object.fromEntries(LOCALES.map((locale) => [locale, { shared: SHARED_MESSAGES[locale] }])),
    interpolation: { escapeValue: false },
  });
  return (locale, key, params) => instance.t(key, { lng: locale, ...params });
}
