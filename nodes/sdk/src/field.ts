/**
 * Labels for a config field, carried into its JSON Schema (`title` in Japanese, `x-title-en` in English)
 * so the editor's generated form speaks the physician's language.
 *
 * @example
 * config: z.object({ template: z.string().meta(field('テンプレート本文', 'Template', '{{変数}} を差し込めます')) })
 */
export function field(ja: string, en: string, descriptionJa?: string): Record<string, string> {
  return { title: ja, 'x-title-en': en, ...(descriptionJa ? { 'x-description-ja': descriptionJa } : {}) };
}
