/**
 * What every page with charts must pass in a browser test (issue #17 item 4), read from the page's own
 * ECharts instances: every chart's canvas has something drawn on it, no two visible axis labels of one axis
 * overlap, and clicking a legend entry hides and shows its series.
 */
import type { Page } from 'playwright-core';

export interface ChartReport {
  /** Chart element ids whose canvas has (almost) nothing drawn. */
  readonly empty: string[];
  /** `chart: "label A" overlaps "label B"` for visible axis labels of one axis. */
  readonly overlaps: string[];
  readonly charts: number;
  /** Visible axis labels looked at (so a check that found none cannot pass unnoticed). */
  readonly labels: number;
}

export async function checkCharts(page: Page): Promise<ChartReport> {
  return page.evaluate(() => {
    type Rect = { x: number; y: number; width: number; height: number; applyTransform(m: unknown): void };
    type El = {
      anid?: string;
      type?: string;
      ignore?: boolean;
      invisible?: boolean;
      parent?: unknown;
      style?: { text?: string; opacity?: number; font?: string };
      transform?: unknown;
      getBoundingRect(): Rect & { clone(): Rect };
    };
    type Inst = { getZr(): { storage: { getDisplayList(update: boolean): El[] } } };
    const g = globalThis as unknown as {
      echarts: { getInstanceByDom(el: unknown): Inst | undefined };
      document: { querySelectorAll(s: string): ArrayLike<{ id: string; querySelector(s: string): unknown }> };
    };
    const empty: string[] = [];
    const overlaps: string[] = [];
    let labels = 0;
    const hosts = Array.from(g.document.querySelectorAll('[_echarts_instance_]'));
    for (const host of hosts) {
      const canvas = host.querySelector('canvas') as {
        width: number;
        height: number;
        getContext(k: string): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      } | null;
      if (canvas === null || canvas.width === 0 || canvas.height === 0) {
        empty.push(host.id);
        continue;
      }
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) drawn++;
      if (drawn < (canvas.width * canvas.height) / 500) empty.push(host.id);
      const inst = g.echarts.getInstanceByDom(host);
      if (inst === undefined) continue;
      // Labels are ZRText elements with anid `label_<tick>` (ECharts' AxisBuilder); what is drawn are their
      // tspans. Labels that hideOverlap dropped are ignored, with their tspans.
      const byAxis = new Map<unknown, { label: unknown; text: string; r: Rect }[]>();
      for (const el of inst.getZr().storage.getDisplayList(true)) {
        const label = el.parent as El | undefined;
        if (!label?.anid?.startsWith('label_') || label.ignore || label.invisible) continue;
        if (el.ignore || el.invisible || el.style?.opacity === 0) continue;
        const r = el.getBoundingRect().clone();
        if (el.transform) r.applyTransform(el.transform);
        // A tspan's rect is its run's width but not its glyphs' height: take the font size as the height,
        // centred on the rect (tested: a 60px font on 45px-spaced labels is caught).
        const px = Number(/(\d+(?:\.\d+)?)px/.exec(el.style?.font ?? '')?.[1] ?? r.height);
        r.y = r.y + r.height / 2 - px / 2;
        r.height = px;
        labels++;
        const list = byAxis.get(label.parent) ?? [];
        list.push({ label, text: el.style?.text ?? '?', r });
        byAxis.set(label.parent, list);
      }
      for (const list of byAxis.values())
        for (let a = 0; a < list.length; a++)
          for (let b = a + 1; b < list.length; b++) {
            if (list[a]!.label === list[b]!.label) continue;
            const p = list[a]!.r;
            const q = list[b]!.r;
            const w = Math.min(p.x + p.width, q.x + q.width) - Math.max(p.x, q.x);
            const h = Math.min(p.y + p.height, q.y + q.height) - Math.max(p.y, q.y);
            if (w > 1 && h > 1) overlaps.push(`${host.id}: "${list[a]!.text}" overlaps "${list[b]!.text}"`);
          }
    }
    return { empty, overlaps, charts: hosts.length, labels };
  });
}

/** Clicks the legend entry of `series` on chart `id` twice: hidden, then shown again (read from the chart). */
export async function legendToggles(page: Page, id: string, series: string): Promise<[boolean, boolean]> {
  const selected = () =>
    page.evaluate(
      ([chartId, name]) => {
        const g = globalThis as unknown as {
          echarts: {
            getInstanceByDom(el: unknown): { getOption(): { legend: { selected?: Record<string, boolean> }[] } };
          };
          document: { getElementById(i: string): unknown };
        };
        const opt = g.echarts.getInstanceByDom(g.document.getElementById(chartId)).getOption();
        return opt.legend[0]?.selected?.[name] !== false;
      },
      [id, series] as const,
    );
  const toggle = () =>
    page.evaluate(
      ([chartId, name]) => {
        const g = globalThis as unknown as {
          echarts: { getInstanceByDom(el: unknown): { dispatchAction(a: unknown): void } };
          document: { getElementById(i: string): unknown };
        };
        g.echarts
          .getInstanceByDom(g.document.getElementById(chartId))
          .dispatchAction({ type: 'legendToggleSelect', name });
      },
      [id, series] as const,
    );
  await toggle();
  const afterFirst = await selected();
  // Two clicks within 400 ms show a line alone in the report (a double click): these are two single clicks.
  await page.waitForTimeout(450);
  await toggle();
  return [afterFirst, await selected()];
}
