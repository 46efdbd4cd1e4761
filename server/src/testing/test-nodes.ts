import { defineNode, MedflowError, port, PortKinds, t, z, type AnyNodeDefinition } from '@medflow/sdk';

/** Nodes with controllable behaviour for engine tests; never registered by the server. */
export function testNodes(calls: Map<string, number> = new Map()): AnyNodeDefinition[] {
  const count = (id: string) => calls.set(id, (calls.get(id) ?? 0) + 1);
  const sleepNode = defineNode({
    type: 'test/sleep', version: 1,
    display: { title: t('待機', 'Sleep'), category: 'utility', description: t('', '') },
    inputs: { in: port(PortKinds.any, { optional: true, multiple: true }) },
    outputs: { out: port(PortKinds.any) },
    config: z.object({ ms: z.number().default(0), value: z.unknown().optional(), ignoreAbort: z.boolean().default(false) }),
    async execute(ctx, { in: incoming }) {
      count(ctx.nodeId);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ctx.config.ms);
        if (!ctx.config.ignoreAbort) ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason); }, { once: true });
      });
      return { out: ctx.config.value ?? incoming.map((i) => i.value) };
    },
  });
  const flaky = defineNode({
    type: 'test/flaky', version: 1,
    display: { title: t('不安定', 'Flaky'), category: 'utility', description: t('', '') },
    inputs: {},
    outputs: { out: port(PortKinds.text) },
    config: z.object({ failTimes: z.number(), category: z.enum(['USER', 'SYSTEM', 'THIRD_PARTY']).default('THIRD_PARTY') }),
    limits: { retries: 3, retryBackoffMs: 10 },
    async execute(ctx) {
      count(ctx.nodeId);
      if (ctx.attempt <= ctx.config.failTimes) throw new MedflowError({ code: 'FLAKY', category: ctx.config.category, message: `failure ${ctx.attempt}` });
      return { out: `ok after ${ctx.attempt}` };
    },
  });
  const gate = defineNode({
    type: 'test/gate', version: 1,
    display: { title: t('承認', 'Gate'), category: 'review', description: t('', '') },
    inputs: { in: port(PortKinds.any) },
    outputs: { approved: port(PortKinds.any), rejected: port(PortKinds.any) },
    config: z.object({}),
    async execute(ctx, { in: value }) {
      count(ctx.nodeId);
      if (!ctx.resume) ctx.suspend({ reason: 'review', payload: { draft: value } });
      const decision = ctx.resume!.data as { approve: boolean; value?: unknown };
      return decision.approve ? { approved: decision.value ?? value } : { rejected: value };
    },
  });
  const gpu = defineNode({
    type: 'test/gpu', version: 1,
    display: { title: t('GPU', 'GPU'), category: 'ai', description: t('', '') },
    inputs: {},
    outputs: { out: port(PortKinds.number) },
    config: z.object({ ms: z.number() }),
    limits: { pool: 'gpu' },
    async execute(ctx) {
      count(ctx.nodeId);
      await new Promise((r) => setTimeout(r, ctx.config.ms));
      return { out: Date.now() };
    },
  });
  const liar = defineNode({
    type: 'test/liar', version: 1,
    display: { title: t('嘘', 'Liar'), category: 'utility', description: t('', '') },
    inputs: {},
    outputs: { text: port(PortKinds.text) },
    config: z.object({}),
    async execute() { return { text: 42 as unknown as string }; },
  });
  const ocr = defineNode({
    type: 'test/ocr', version: 1,
    display: { title: t('OCR', 'OCR'), category: 'ai', description: t('', '') },
    inputs: { image: port(PortKinds.image), hint: port(PortKinds.text, { optional: true }) },
    outputs: { text: port(PortKinds.text) },
    config: z.object({ lang: z.enum(['jpn', 'eng']) }),
    async execute() { return { text: '' }; },
  });
  return [sleepNode, flaky, gate, gpu, liar, ocr] as unknown as AnyNodeDefinition[];
}
