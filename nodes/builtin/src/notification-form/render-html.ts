import type { NotificationDocument, NotificationRow } from './document.js';

const escape = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const MARK = {
  'ai-confirmed': '<span class="mark ai" title="AIが下書きし医師が確認した値">AI下書き・医師確認</span>',
  physician: '<span class="mark md" title="医師が記入・修正した値">医師記入</span>',
  config: '',
  blank: '',
} as const;

function row(r: NotificationRow, number: number): string {
  const value = r.value === null || r.value === '' ? '<span class="empty">&nbsp;</span>' : escape(typeof r.value === 'boolean' ? (r.value ? 'あり' : 'なし') : r.value);
  return `<tr class="src-${r.source}"><th><span class="no">${number}</span>${escape(r.label)}</th><td>${value} ${MARK[r.source]}</td></tr>`;
}

/**
 * The notification as a printable A4 page laid out like the official form (届出様式): the addressee and
 * the legal basis, the reporting physician, then numbered items. Every AI-drafted value carries a mark.
 * Japanese fonts come from the system (Noto CJK in the container, Yu/Hiragino on desktops); print to
 * PDF from the browser.
 */
export function renderNotificationHtml(doc: NotificationDocument): string {
  const rows = doc.rows.map((r, i) => row(r, i + 1)).join('\n');
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>${escape(doc.title)}</title>
<style>
  @page { size: A4; margin: 14mm 12mm; }
  body { font-family: "Noto Serif CJK JP", "IPAexMincho", "Yu Mincho", "Hiragino Mincho ProN", serif; font-size: 10.5pt; color: #000; margin: 0 auto; max-width: 186mm; }
  h1 { font-size: 15pt; text-align: center; letter-spacing: 0.3em; margin: 4mm 0; }
  .addressee { margin: 2mm 0; }
  .basis { font-size: 9.5pt; margin: 2mm 0 4mm; }
  .reporter { width: 100%; border-collapse: collapse; margin-bottom: 4mm; font-size: 9.5pt; }
  .reporter td { padding: 1mm 2mm; }
  table.items { width: 100%; border-collapse: collapse; }
  table.items th, table.items td { border: 0.3mm solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
  table.items th { width: 34%; font-weight: normal; background: #f4f4f4; }
  .no { display: inline-block; min-width: 6mm; font-weight: bold; }
  .mark { font-family: "Noto Sans CJK JP", sans-serif; font-size: 7.5pt; border: 0.2mm solid; border-radius: 1mm; padding: 0 1mm; margin-left: 1mm; white-space: nowrap; }
  .mark.ai { color: #7a5200; border-color: #c99a2e; background: #fff6dc; }
  .mark.md { color: #1f4f99; border-color: #1f4f99; }
  span.empty { display: inline-block; min-width: 30mm; }
  .deadline { border: 0.5mm solid #a40e26; color: #a40e26; padding: 1.5mm 3mm; margin: 2mm 0; font-weight: bold; }
  .notes { font-size: 8.5pt; margin-top: 3mm; }
  @media print { .deadline { page-break-inside: avoid; } }
</style>
</head>
<body>
<p class="deadline">届出期限: ${escape(doc.deadline.label)}${doc.deadline.dueDate ? `（${escape(doc.deadline.dueDate)} まで）` : ''} — ${escape(doc.disease.categoryLabel)}</p>
${overdue(doc) ? `<p class="deadline overdue" role="alert">届出期限（${escape(doc.deadline.dueDate!)}）を過ぎています。直ちに届け出てください。</p>` : ''}
<h1>${escape(doc.title)}</h1>
<p class="addressee">都道府県知事（保健所設置市長・特別区長）殿</p>
<p class="basis">感染症の予防及び感染症の患者に対する医療に関する法律第12条第1項（同条第6項において準用する場合を含む。）の規定により、以下のとおり届け出る。</p>
<table class="reporter">
  <tr><td>報告年月日</td><td>${escape(doc.reportDate)}</td></tr>
  <tr><td>医師の氏名</td><td>${escape(doc.reporter.doctorName)}　（署名又は記名押印のこと）</td></tr>
  <tr><td>従事する病院・診療所の名称</td><td>${escape(doc.reporter.hospitalName)}</td></tr>
  <tr><td>上記病院・診療所の所在地</td><td>${escape(doc.reporter.hospitalAddress)}</td></tr>
  <tr><td>電話番号</td><td>${escape(doc.reporter.hospitalPhone)}</td></tr>
</table>
<table class="items">
${rows}
</table>
<div class="notes">
  <p>${escape(doc.identityNote)}</p>
  ${doc.aiFilled.length ? '<p>「AI下書き・医師確認」の値はAIが診療記録から下書きし、医師が確認したものです。提出前に全項目を確認してください。</p>' : ''}
</div>
</body>
</html>
`;
}

/** Past its deadline on the report date: 7-day diseases counted from diagnosis, 直ちに ones due the day of diagnosis. */
function overdue(doc: NotificationDocument): boolean {
  return !!doc.deadline.dueDate && doc.reportDate > doc.deadline.dueDate;
}
