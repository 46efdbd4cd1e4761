import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import node from './index.js';

const redact = async (text: string) => ((await runNode(node, {}, { text })) as { text: string }).text;

// Development cases written by the team from real records (../shared/realtext-dev) and the gaps the injected-PHI
// check found: clinical words must stay readable, and these identifiers must not.
describe('PHI redaction on real clinical prose', () => {
  it('keeps findings written with 様 ("-like"), 殿 (buttock) and nursing prose readable', async () => {
    const text = '水様便の便失禁あり。右肺下葉にすりガラス様陰影、辺縁にスピクラ様の毛羽立ち。満月様顔貌。炎症瘢痕様の索状影。'
      + '前回同様。同様の陰影。左殿部を打撲、大殿筋に血腫。苦痛様表情あり。その後様子観察とする。胃液様嘔吐。'
      + '主治医報告し内服開始。Dr指示にて投与。Drコールにて報告。当直医師に報告。以前医師に相談。看護婦さんも大変。'
      + '赤ちゃんの頃から。薬を聞くんですね。ちゃんと飲んでいる。たくさんもらえた。どうも様子がおかしい。ＡＤＬ病棟内フリー。'
      + 'このまま病院での看取りを希望。気が付いたら病院でした。自宅と病院での生活。調剤薬局で受け取り。';
    expect(await redact(text)).toBe(text);
  });

  it('masks names written in hiragana, after Dr., after a relation, and in a case report\'s opening', async () => {
    const out = await redact('はなこさんに説明。Dr. 佐藤に相談。妻 花子（68）が来院。症例は鈴木一郎、65歳男性。');
    for (const name of ['はなこ', '佐藤', '花子', '鈴木一郎']) expect(out).not.toContain(name);
    expect(out).toContain('65歳男性');
  });

  it('masks names that a PDF or OCR broke across lines or spaced out', async () => {
    const out = await redact('本日、紹介元の担当医より連絡があり、患者の釘宮\n幸子様は明日来院予定。\n担当：山 田 太 郎 様より紹介\n主治医：東海林\n左上葉に結節\n#1 肺炎\n#2 高血圧');
    for (const part of ['釘宮', '幸子', '山 田 太 郎', '東海林']) expect(out).not.toContain(part);
    // A short line ends where the writer ended it: the next line is not joined to the name.
    expect(out).toContain('\n左上葉に結節\n#1 肺炎\n#2 高血圧');
  });

  it('masks birth years by era, beds, combined insurance symbol and number, bracketed phone numbers and care services', async () => {
    const out = await redact('住所：東京都文京区本郷3丁目5-12 ハイツ本郷203。S23年生まれ。ICU 7番ベッド。記号・番号：88-595・5415。電話０３（３４１２）５６７８。訪問看護ステーションひまわり、あおば薬局、ひかりデイサービス。');
    for (const value of ['本郷3丁目', 'ハイツ本郷203', 'S23年', '7番ベッド', '88-595', '5415', '３４１２', 'ひまわり', 'あおば薬局', 'ひかりデイサービス']) expect(out).not.toContain(value);
  });
});
