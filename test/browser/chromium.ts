// Debian's Chromium driven by playwright-core, offline: pages open from disk (file://) and every
// other request is aborted and recorded, so a test can fail on any attempt to reach the network.
// The checks run in the page as strings: the project compiles without the DOM types.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OfflineBrowser {
  context: BrowserContext;
  /** Every request to something other than file: or data:, aborted. */
  attempted: string[];
  close(): Promise<void>;
}

const local = (url: string): boolean => url.startsWith('file:') || url.startsWith('data:') || url.startsWith('about:');

export async function launchOffline(executablePath: string): Promise<OfflineBrowser> {
  // A fresh profile each time: nothing cached or signed in from another run.
  const profile = mkdtempSync(join(tmpdir(), 'fleetload-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  const attempted: string[] = [];
  // Two nets: the route aborts what it sees, the request event records even what a route misses.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (local(url)) return route.continue();
    attempted.push(url);
    return route.abort('blockedbyclient');
  });
  context.on('request', (req) => {
    const url = req.url();
    if (!local(url) && !attempted.includes(url)) attempted.push(url);
  });
  return {
    context,
    attempted,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions, in the order they came. */
  errors: string[];
}

/** Opens a file and waits until the page's charts are built (or it failed trying). */
export async function openFile(browser: OfflineBrowser, file: string): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, errors };
}

export interface SeriesCheck {
  label: string;
  reference: boolean;
  /** Non-null values uPlot holds for the series. */
  points: number;
  /** Of those points, how many have a pixel of the series' colour around them on the canvas. */
  pointsInked: number;
  /** For a reference line: pixels of its colour along its row. */
  lineInked: number;
  lineWidth: number;
  value: number | null;
}

export interface ChartCheck {
  id: string;
  title: string;
  found: boolean;
  canvasWidth: number;
  canvasHeight: number;
  /** Non-transparent pixels on the canvas. */
  inked: number;
  legendRows: number;
  log: boolean;
  series: SeriesCheck[];
}

/** In the page: every chart spec, its uPlot instance, and what its canvas shows. */
const CHECK_CHARTS = String.raw`(() => {
  const specs = JSON.parse(document.getElementById('fleetload-charts').textContent);
  const plots = window.fleetloadCharts || {};
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const near = (img, w, h, x, y, c, r) => {
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const px = Math.round(x + dx), py = Math.round(y + dy);
      if (px < 0 || py < 0 || px >= w || py >= h) continue;
      const i = (py * w + px) * 4;
      if (img[i + 3] > 100 && Math.abs(img[i] - c[0]) < 60 && Math.abs(img[i + 1] - c[1]) < 60 && Math.abs(img[i + 2] - c[2]) < 60) return true;
    }
    return false;
  };
  return specs.map((spec) => {
    const u = plots[spec.id];
    const base = { id: spec.id, title: spec.title, log: spec.log };
    if (!u) return { ...base, found: false, canvasWidth: 0, canvasHeight: 0, inked: 0, legendRows: 0, series: [] };
    const canvas = u.root.querySelector('canvas');
    const w = canvas.width, h = canvas.height;
    const img = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    let inked = 0;
    for (let i = 3; i < img.length; i += 4) if (img[i] > 0) inked++;
    const box = u.bbox;
    const series = spec.series.map((s, k) => {
      const data = u.data[k + 1];
      const scale = s.right ? 'y2' : 'y';
      const c = rgb(s.color);
      let points = 0, pointsInked = 0, lineInked = 0;
      data.forEach((v, j) => {
        if (v == null) return;
        points++;
        if (!s.reference && near(img, w, h, u.valToPos(u.data[0][j], 'x', true), u.valToPos(v, scale, true), c, 3)) pointsInked++;
      });
      const value = s.reference ? s.values[0] : null;
      if (s.reference) {
        const y = u.valToPos(value, scale, true);
        for (let x = Math.ceil(box.left); x < box.left + box.width; x++) if (near(img, w, h, x, y, c, 1)) lineInked++;
      }
      return { label: s.label, reference: !!s.reference, points, pointsInked, lineInked, lineWidth: Math.floor(box.width), value };
    });
    const legendRows = u.root.querySelectorAll('.u-legend .u-series').length;
    return { ...base, found: true, canvasWidth: w, canvasHeight: h, inked, legendRows, series };
  });
})()`;

export async function checkCharts(page: Page): Promise<ChartCheck[]> {
  await page.waitForSelector('html[data-charts-ready]', { state: 'attached', timeout: 15_000 });
  return page.evaluate<ChartCheck[]>(CHECK_CHARTS);
}

export interface RowCheck {
  sli: string;
  verdict: string;
  /** The computed background colour of the row's badge, e.g. rgb(230, 244, 234). */
  badge: string;
}

/** The rows of a results table (the verdict table, the comparison table). */
export async function tableRows(page: Page, tableId: string): Promise<RowCheck[]> {
  return page.evaluate<RowCheck[]>(String.raw`[...document.querySelectorAll('#${tableId} tbody tr')].map((tr) => ({
    sli: tr.getAttribute('data-sli'),
    verdict: tr.getAttribute('data-verdict'),
    badge: getComputedStyle(tr.querySelector('.badge')).backgroundColor,
  }))`);
}
