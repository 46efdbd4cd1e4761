import type { NotificationTarget } from '../notifiable-disease/index.js';

export interface NotificationRow {
  key: string;
  label: string;
  value: string | number | boolean | null;
  /** ai-confirmed: drafted by the model and approved unchanged; physician: written or changed by the physician; config: the reporting hospital's settings. */
  source: 'ai-confirmed' | 'physician' | 'config' | 'blank';
  evidence?: { start: number; end: number; text: string } | null;
}

export interface NotificationDocument {
  form: '感染症発生届';
  title: string;
  reportDate: string;
  disease: NotificationTarget['disease'];
  type: string | null;
  deadline: { kind: string; label: string; dueDate: string | null };
  reporter: { doctorName: string; hospitalName: string; hospitalAddress: string; hospitalPhone: string };
  identityRequired: boolean;
  identityNote: string;
  rows: NotificationRow[];
  /** The same values by key, for electronic entry (blank = null). */
  values: Record<string, string | number | boolean | null>;
  /** Keys of the values an AI drafted (and a physician approved). */
  aiFilled: string[];
  /** Values the physician gave that the law does not ask for this disease (left off the form). */
  omitted: string[];
}
