// `msf plan --report` opened in Chromium (headless, playwright-core) as a user opens it: no table pushes
// the page sideways on a laptop or a narrow window, and the figures are named for what they count.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const RESNET8 = new URL('../../shared/models/mlperf_ic_resnet8_int8.tflite', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'msf-report-layout-'));
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}, 30_000);
afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function report(name: string, ...args: string[]): Promise<string> {
  const file = join(scratch, `${name}.html`);
  const r = await runCli('plan', ...args, '--report', file);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(file, 'utf8');
}

describe('msf plan --report in Chromium', () => {
  it('ResNet-8 (ordinary and streaming) and mbv2: the page never scrolls sideways at 1280 or 800 px; the wide tables scroll in their box', async () => {
    const pages = [await report('resnet8', RESNET8), await report('resnet8-stream', RESNET8, '--stream', '--max-overhead', '1.05'), await report('mbv2', 'mbv2-w0.35-r144')];
    for (const width of [1280, 800]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      for (const html of pages) {
        await page.setContent(html);
        const { scroll, inner, boxed } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
          boxed: [...document.querySelectorAll('table.data')].every((t) => t.parentElement!.classList.contains('wide')),
        }));
        expect([width, scroll]).toEqual([width, inner]);
        expect(boxed).toBe(true);
      }
      // At 1280 px the ordinary step table (13 columns) fits its column without scrolling.
      await page.setContent(pages[0]!);
      expect(await page.evaluate(() => { const w = document.querySelector('table.blocks')!.parentElement!; return w.scrollWidth <= w.clientWidth; })).toBe(width === 1280);
      await page.close();
    }
  }, 60_000);

  it('names the arena and the total SRAM apart: the saving is the arena\'s, the front table\'s column is the arena, counts agree in number', async () => {
    const html = await report('resnet8-labels', RESNET8, '--stream', '--max-overhead', '1.05');
    expect(html).toMatch(/in an arena of <strong>9,312 B<\/strong> — <strong class="good">81\.1% less<\/strong> than the arena of layer-by-layer execution \(49,152 B\)/);
    expect(html).toMatch(/total SRAM <strong>12,394 B<\/strong> with its input and output buffers\./);
    expect(html).toContain('<h2>Pareto front (1 point)</h2>');
    expect(html).not.toMatch(/class="tick"[^>]*>×0\.\d+</); // the front at x1.0 alone: no overhead below x1.0 on the axis
    expect(html).not.toMatch(/<th[^>]*>peak bytes<\/th>/);
    expect(html).toMatch(/<thead><tr><th class="num">#<\/th><th class="num">arena<\/th><th class="num">vs vanilla<\/th>/);
    const inArena = await report('resnet8-in-arena', RESNET8, '--stream', '--input-in-arena');
    expect(inArena).toContain('total SRAM adds the network&#39;s output buffer, which the caller owns (the input lives in the arena)');
    expect(inArena).not.toContain('input and output buffers');
    const plain = await report('resnet8-plain', RESNET8);
    expect(plain).toContain('The network&#39;s input and output buffers are the caller&#39;s, outside the arena: 0 here (the total SRAM adds them).');
  });
});
