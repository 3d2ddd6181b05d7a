// Reading a rendered report page as text, for the unit tests beside the renderers: its chart
// specs, whether anything in it would reach the network, and a string that breaks naive escaping.
import { expect } from 'vitest';
import type { ChartSpec } from '../../runner/report/html/charts';

/** Closes a script element, opens an element with a handler, breaks out of an attribute. */
export const HOSTILE = `</script><img src=x onerror="alert(1)">'`;

/** The chart specs the page carries for its client. */
export function chartSpecsOf(html: string): ChartSpec[] {
  const m = /<script type="application\/json" id="fleetload-charts">([^]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no chart data in the page');
  return JSON.parse(m[1]!) as ChartSpec[];
}

/** No element loads anything: no src or href to a URL, no stylesheet import, no CSS url(). */
export function expectOffline(html: string): void {
  expect(html).not.toMatch(/<script[^>]*\ssrc\s*=/i);
  expect(html).not.toMatch(/<link[^>]*\shref\s*=/i);
  expect(html).not.toMatch(/\s(src|href|action|poster|data)\s*=\s*["']?\s*(https?:)?\/\//i);
  expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
  expect(html).not.toMatch(/@import/i);
  expect(html).not.toMatch(/<(iframe|object|embed|img|link|base)\b/i);
  // Where http(s):// occurs at all, it is only inside text, never where the browser would fetch it.
  for (const m of html.matchAll(/https?:\/\/[^\s"'<)]*/g)) {
    const before = html.slice(Math.max(0, m.index - 12), m.index);
    expect(before, `URL ${m[0]}`).not.toMatch(/(src|href)\s*=\s*["']?$/i);
  }
}
