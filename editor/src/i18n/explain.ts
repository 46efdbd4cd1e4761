import type { Lang } from './messages';

/**
 * Server problems and run errors are English sentences with a stable code. For the Japanese interface the
 * common ones are rewritten, keeping their specifics (node, port, variable); anything else is shown as sent.
 */
const JA: Array<[code: string, pattern: RegExp, ja: (m: RegExpExecArray) => string]> = [
  ['INPUT_NOT_CONNECTED', /required input "(.+)" of (.+) is not connected/, (m) => `${m[2]} の必須入力「${m[1]}」が接続されていません。上流のノードから線をつないでください`],
  ['INCOMPATIBLE_PORTS', /cannot connect (\S+) \((.+)\) to (\S+) \((.+)\)/, (m) => `${m[1]}（${m[2]}）は ${m[3]}（${m[4]}）に接続できません。型が合いません`],
  ['CYCLE', /cycle through: (.+)/, (m) => `ワークフローが循環しています（${m[1]}）。どこかの線を外してください`],
  ['UNKNOWN_NODE_TYPE', /unknown node type "(.+)"/, (m) => `ノードの種類「${m[1]}」がこのサーバーにありません`],
  ['INPUT_ALREADY_CONNECTED', /(\S+) accepts one connection/, (m) => `${m[1]} には1本しか接続できません。分岐をまとめるには「合流」ノードを使ってください`],
  ['DUPLICATE_RUN_INPUT', /two input nodes are named "(.+)"/, (m) => `入力名「${m[1]}」が重複しています`],
  ['TEMPLATE_VARIABLE_MISSING', /no value for (.+?);/, (m) => `${m[1]} に値がありません。値を出すノードを接続するか、| default:"…" を付けてください`],
  ['INPUT_MISSING', /input "(.+)" is required/, (m) => `入力「${m[1]}」は必須です`],
  ['FILE_TYPE_REJECTED', /file "(.+?)" is (.+?); this input accepts (.+)/, (m) => `ファイル「${m[1]}」は受け付けられません（${m[2]}）。受け付ける種類: ${m[3]}`],
  ['FILE_TOO_LARGE', /(.+)/, () => 'ファイルが大きすぎます。上限を確認してください'],
  ['NODE_TIMEOUT', /node "(.+)" did not finish within (\d+) ms/, (m) => `ノード ${m[1]} が ${m[2]} ミリ秒以内に終わりませんでした。時間制限を延ばすか入力を小さくしてください`],
  ['WORKFLOW_NOT_PUBLISHED', /(.+)/, () => 'まだ公開されていません。公開するか、下書きを実行してください'],
  ['SCHEMA_TOO_SMALL', /(.+)/, () => '必要な項目が足りません（空欄または件数不足）'],
  ['SCHEMA_INVALID_TYPE', /expected (\w+)/, (m) => `値の形式が違います（${m[1]} が必要です）`],
  ['SCHEMA_INVALID_VALUE', /(.+)/, () => '選べない値です。一覧から選んでください'],
];

/** "English / 日本語": sign-in and account messages come in both languages; show the one in use. */
const BILINGUAL = /^([\s\S]*?) \/ ([^/]*[\u3040-\u30ff\u4e00-\u9fff][^/]*)$/;

export function explain(lang: Lang, problem: { code: string; message: string }): string {
  const both = BILINGUAL.exec(problem.message);
  if (both) return lang === 'ja' ? both[2]! : both[1]!;
  if (lang !== 'ja') return problem.message;
  for (const [code, pattern, ja] of JA) {
    if (code !== problem.code) continue;
    const m = pattern.exec(problem.message);
    if (m) return ja(m);
  }
  return problem.message;
}
