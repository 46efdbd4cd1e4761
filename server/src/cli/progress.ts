import type { RunEvent } from '@medflow/sdk';

const SYMBOL: Record<string, string> = { pending: '·', running: '▶', completed: '✔', failed: '✖', skipped: '↷', waiting: '⏸', cancelled: '■' };
const STATUS_BY_EVENT: Record<string, string> = {
  'node.started': 'running', 'node.completed': 'completed', 'node.failed': 'failed', 'node.skipped': 'skipped', 'node.waiting': 'waiting', 'node.cancelled': 'cancelled',
};

interface Row { id: string; label: string; status: string; fraction: number | null; note?: string; ms?: number; error?: string }

/**
 * Shows one line per node. On a terminal the lines are redrawn in place with progress bars; elsewhere
 * (CI logs, pipes) each change is printed once.
 */
export class ProgressDisplay {
  private readonly rows: Row[];
  private drawn = 0;
  private readonly interactive: boolean;

  constructor(nodes: Array<{ id: string; label: string }>, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.rows = nodes.map((n) => ({ ...n, status: 'pending', fraction: null }));
    this.interactive = Boolean(out.isTTY) && !process.env.CI;
  }

  update(event: RunEvent): void {
    const row = this.rows.find((r) => r.id === event.nodeId);
    if (!row) return;
    const status = STATUS_BY_EVENT[event.type];
    if (event.type === 'node.progress') {
      row.fraction = (event.data?.fraction as number | null) ?? null;
      row.note = event.data?.note as string | undefined;
    } else if (status) {
      row.status = status;
      if (typeof event.data?.durationMs === 'number') row.ms = event.data.durationMs;
      if (status === 'failed') row.error = (event.data?.error as { message?: string } | undefined)?.message;
      if (status === 'completed') row.fraction = 1;
    } else return;
    if (this.interactive) this.redraw();
    else if (status) this.out.write(`${this.line(row)}\n`);
  }

  finish(): void {
    if (this.interactive) this.redraw();
  }

  private redraw(): void {
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A`);
    for (const row of this.rows) this.out.write(`\x1b[2K${this.line(row)}\n`);
    this.drawn = this.rows.length;
  }

  private line(row: Row): string {
    const bar = row.status === 'running' && row.fraction !== null ? ` [${'█'.repeat(Math.round(row.fraction * 20)).padEnd(20, ' ')}] ${Math.round(row.fraction * 100)}%` : '';
    const time = row.ms !== undefined ? ` ${row.ms} ms` : '';
    const note = row.note && row.status === 'running' ? ` ${row.note}` : '';
    const error = row.error ? ` — ${row.error}` : '';
    return `${SYMBOL[row.status] ?? '?'} ${row.label.padEnd(24)} ${row.status}${bar}${time}${note}${error}`;
  }
}
