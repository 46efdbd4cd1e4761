import { describe, expect, it } from 'vitest';
import { incoming, runNode } from '../testing/run-node.js';
import template from './index.js';
import { parseTemplate, templateVariables } from './render.js';

describe('core/template', () => {
  it('fills variables named after upstream nodes, with nested paths and filters', async () => {
    const labs = { CRP: 12.3, WBC: '１２０００', 所見: ['発熱', '咳嗽'] };
    const out = await runNode(template, { template: '{{note | trim}} / CRP {{labs.CRP}} / 所見: {{labs.所見 | join:"、"}} / {{labs["WBC"] | nfkc}}' }, { vars: [incoming('note', '  肺炎疑い  '), incoming('labs', labs)] });
    expect(out).toEqual({ text: '肺炎疑い / CRP 12.3 / 所見: 発熱、咳嗽 / 12000' });
  });

  it('exposes the first value as {{input}} and nests by port when one node feeds several ports', async () => {
    const out = await runNode(template, { template: '{{input}}|{{ocr.text}}|{{ocr.pages}}' }, { vars: [incoming('ocr', '本文', 'text'), incoming('ocr', 2, 'pages')] });
    expect(out).toEqual({ text: '本文|本文|2' });
  });

  it('fails listing every missing variable, unless a default is given or onMissing is empty', async () => {
    await expect(runNode(template, { template: '{{a}} {{b.c}} {{d | default:"未記載"}}' }, { vars: [] })).rejects.toMatchObject({
      code: 'TEMPLATE_VARIABLE_MISSING', category: 'USER', details: { missing: ['a', 'b.c'] },
    });
    expect(await runNode(template, { template: '[{{a}}]{{d | default:"未記載"}}', onMissing: 'empty' }, { vars: [] })).toEqual({ text: '[]未記載' });
  });

  it('cannot reach prototypes or run code', async () => {
    const res = await runNode(template, { template: '{{constructor}}{{note.constructor}}{{note.__proto__}}{{note.length}}', onMissing: 'empty' }, { vars: [incoming('note', 'abc')] });
    expect(res).toEqual({ text: '3' });
  });

  it('rejects malformed templates at validation time with the position', () => {
    expect(template.config.safeParse({ template: 'a {{ b' }).error?.issues[0]?.message).toContain('never closed');
    expect(template.config.safeParse({ template: '{{ a | shout }}' }).error?.issues[0]?.message).toContain('unknown filter "shout"');
    expect(template.config.safeParse({ template: '{{ a | default:nope }}' }).error?.issues[0]?.message).toContain('one quoted string or number');
  });

  it('lists the variables a template uses (for the editor)', () => {
    expect(templateVariables(parseTemplate('{{note}} {{labs.CRP}} {{note | upper}}'))).toEqual(['note', 'labs']);
  });

  it('enforces the output length limit', async () => {
    await expect(runNode(template, { template: '{{x}}{{x}}', maxLength: 10 }, { vars: [incoming('x', '123456')] })).rejects.toThrow(/exceeds 10/);
  });
});
