import { defineNode, field, MedflowError, port, PortKinds, t, z } from '@medflow/sdk';
import { buildScope } from '../shared/scope.js';
import { parseTemplate, renderTemplate, TemplateSyntaxError } from '../template/render.js';

const FORBIDDEN_HEADERS = new Set(['host', 'cookie', 'content-length', 'transfer-encoding', 'connection', 'proxy-authorization']);

const config = z.object({
  // A fixed URL, never built from run data: where data goes must be known before the workflow runs,
  // so the egress policy can judge it at publish time.
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2000).meta(field('送信先URL', 'URL', '管理者が許可したホストのみ（MEDFLOW_HTTP_ALLOWED_HOSTS）')),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST').meta(field('メソッド', 'Method')),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name'), z.string().max(2000)).default({})
    .refine((h) => Object.keys(h).every((k) => !FORBIDDEN_HEADERS.has(k.toLowerCase())), 'Host, Cookie and hop-by-hop headers cannot be set')
    .meta(field('ヘッダー', 'Headers')),
  body: z.string().max(1_000_000).default('{{input}}').superRefine((value, ctx) => {
    try { parseTemplate(value); } catch (e) { if (e instanceof TemplateSyntaxError) ctx.addIssue({ code: 'custom', message: e.message }); else throw e; }
  }).meta(field('本文テンプレート', 'Body template', '{{ノードID}} で上流の値を差し込めます')),
  failOnStatus: z.boolean().default(true).meta(field('エラー応答で失敗', 'Fail on HTTP error', '4xx/5xx の応答でノードを失敗させます')),
});

/**
 * Sends upstream values to another system (the hospital's HIS, a document server). Its destination is
 * fixed in the config, so the egress policy decides at publish time whether patient data may go there.
 */
export default defineNode({
  type: 'core/http-request',
  version: 1,
  display: {
    title: t('HTTP送信', 'HTTP request'),
    category: 'utility',
    icon: '⇄',
    description: t('院内システムへ値を送信します（送信先は管理者が許可したホストのみ）', 'Sends values to another system (allowed hosts only)'),
  },
  inputs: { vars: port(PortKinds.any, { multiple: true, optional: true, title: t('送る値', 'Values') }) },
  outputs: {
    body: port(PortKinds.text, { title: t('応答本文', 'Response body') }),
    status: port(PortKinds.number, { title: t('ステータス', 'Status') }),
  },
  config,
  capabilities: { egress: 'external', phi: 'passes' },
  egressTargets: (c) => [c.url],
  limits: { timeoutMs: 60_000, retries: 1, retryBackoffMs: 1000 },
  async execute(ctx, { vars }) {
    const scope = buildScope(vars ?? []);
    const rendered = ctx.config.method === 'GET' ? undefined : renderTemplate(parseTemplate(ctx.config.body), scope, 1_000_000);
    if (rendered?.missing.length) {
      throw new MedflowError({ code: 'TEMPLATE_VARIABLE_MISSING', category: 'USER', message: `no value for ${rendered.missing.map((m) => `{{${m}}}`).join(', ')}`, details: { missing: rendered.missing } });
    }
    const response = await ctx.services.http.request({
      url: ctx.config.url, method: ctx.config.method, headers: { 'content-type': 'application/json; charset=utf-8', ...ctx.config.headers },
      ...(rendered ? { body: rendered.text } : {}), signal: ctx.signal,
    });
    if (ctx.config.failOnStatus && response.status >= 400) {
      throw new MedflowError({ code: 'HTTP_STATUS', category: response.status >= 500 ? 'THIRD_PARTY' : 'USER', message: `${new URL(ctx.config.url).host} answered ${response.status}`, details: { status: response.status, body: response.body.slice(0, 500) } });
    }
    return { body: response.body, status: response.status };
  },
});
