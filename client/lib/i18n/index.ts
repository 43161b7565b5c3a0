import type { Locale } from '../../../shared/i18n/index.js';
import { en } from './en.js';
import { zhCN, type ClientMessages } from './zh-CN.js';

/** The client's catalogs (namespace `client` in i18next). */
export const CLIENT_MESSAGES: Record<Locale, ClientMessages> = { 'zh-CN': zhCN, en };
export type { ClientMessages };
