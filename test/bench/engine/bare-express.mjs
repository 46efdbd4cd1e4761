// Baseline for the HTTP benchmark: a bare Express handler doing the same work as the 5-node workflow
// (text → template → condition → template → output) with no engine, no validation and no persistence.
import express from 'express';

const app = express();
app.use(express.json({ limit: '10mb' }));
app.post('/run', (req, res) => {
  const note = String(req.body?.inputs?.note ?? '');
  const summary = `主訴: ${note}`;
  const fever = summary.normalize('NFKC').toLowerCase().includes('発熱');
  const result = fever ? `【要確認】${summary}` : undefined;
  res.status(201).json({ run: { status: 'completed', outputs: result === undefined ? {} : { result } } });
});
// The 50-node chain of the peer benchmark: the same string work, 50 steps.
app.post('/chain', (req, res) => {
  let text = String(req.body?.inputs?.note ?? '');
  for (let i = 0; i < 50; i++) text = `${text}.`;
  res.status(201).json({ run: { status: 'completed', outputs: { result: text } } });
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`BARE http://127.0.0.1:${server.address().port}\n`));
