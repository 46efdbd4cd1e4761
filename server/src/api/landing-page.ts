/** Shown at `/` when no built editor is present, so a fresh install says what it is and what is missing. */
export function landingPage(version: string): string {
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>MedFlow</title>
<style>body{font-family:system-ui,"Noto Sans CJK JP",sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;line-height:1.7}code{background:#f3f3f3;padding:0 .3em}</style></head>
<body>
<h1>MedFlow サーバー稼働中 <small>v${version}</small></h1>
<p>院内で動く臨床ワークフローの実行サーバーです。患者データは外部に送信されません。</p>
<p><strong>ビジュアルエディタはこのインストールには含まれていません</strong>（ビルド済みの <code>editor/dist</code> が見つかりません）。
API と CLI は利用できます。</p>
<ul>
<li><a href="/api/health">/api/health</a> — 稼働状態 / health</li>
<li><a href="/api/node-types">/api/node-types</a> — ノード一覧 / node catalogue</li>
<li><a href="/api/workflows">/api/workflows</a> — ワークフロー / workflows</li>
<li><a href="/api/runs">/api/runs</a> — 実行履歴 / runs</li>
</ul>
<p lang="en">MedFlow server is running. The visual editor is not part of this installation yet (no built <code>editor/dist</code>); the HTTP API and the CLI are available.</p>
</body></html>`;
}
