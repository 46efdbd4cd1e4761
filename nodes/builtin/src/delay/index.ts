import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';

/** Waits, then passes its value on: for pacing calls to a busy system, and for testing flows. */
export default defineNode({
  type: 'core/delay',
  version: 1,
  display: {
    title: t('待機', 'Delay'),
    category: 'utility',
    icon: '◔',
    description: t('指定時間待ってから値を渡します', 'Waits, then passes the value on'),
  },
  inputs: { value: port(PortKinds.any, { optional: true, title: t('値', 'Value') }) },
  outputs: { value: port(PortKinds.any, { title: t('値', 'Value') }) },
  config: z.object({ ms: z.number().int().min(0).max(3_600_000).default(1000).describe('Milliseconds to wait').meta(field('待機時間（ミリ秒）', 'Wait (ms)')) }),
  limits: { timeoutMs: 3_700_000 },
  async execute(ctx, { value }) {
    const steps = Math.max(1, Math.min(20, Math.floor(ctx.config.ms / 100)));
    for (let i = 1; i <= steps; i++) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ctx.config.ms / steps);
        ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason); }, { once: true });
      });
      ctx.progress(i / steps);
    }
    return { value: value ?? null };
  },
});
