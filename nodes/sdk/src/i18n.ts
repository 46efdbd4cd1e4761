import { z } from 'zod';

/** Text shown to people: Japanese first, English second. */
export interface LocalizedText {
  ja: string;
  en: string;
}

export const LocalizedTextSchema = z.object({ ja: z.string(), en: z.string() });

/**
 * Shorthand for a LocalizedText.
 *
 * @example
 * const title = t('テキスト入力', 'Text input');
 */
export function t(ja: string, en: string): LocalizedText {
  return { ja, en };
}
