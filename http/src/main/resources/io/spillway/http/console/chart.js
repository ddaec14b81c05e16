// A small SVG line chart of rates over a time window: no library, redrawn whole on every sample (a few hundred points).
import {h} from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 600, H = 160, PAD_LEFT = 60, PAD_BOTTOM = 18, PAD_TOP = 8;

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/**
 * A chart element with an update(samples, windowMs) method. series: [{key, label, color}] read from sample.rates;
 * format: how an axis or legend value reads. The newest value of each series is also kept in the legend's
 * data-value attribute and the window's highest in data-max (what tests read).
 */
export function lineChart(id, title, series, format) {
  const plot = svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title});
  const legend = h('div', {class: 'legend'});
  const el = h('div', {class: 'chart', id}, h('div', {}, h('strong', {}, title)), plot, legend);

  el.update = (samples, windowMs) => {
    el.dataset.samples = samples.length;
    const now = Date.now();
    const max = Math.max(1, ...samples.flatMap(s => series.map(x => s.rates[x.key])));
    // The x axis spans the history there is (at least 20 s), up to the window: a fresh tab's first samples are
    // spread out rather than squeezed against "now".
    const span = Math.min(windowMs, Math.max(20000, samples.length ? now - samples[0].t : 0));
    const x = t => PAD_LEFT + (W - PAD_LEFT) * (1 - (now - t) / span);
    const y = v => PAD_TOP + (H - PAD_TOP - PAD_BOTTOM) * (1 - v / max);
    plot.replaceChildren(
      svg('line', {x1: PAD_LEFT, y1: y(0), x2: W, y2: y(0), stroke: '#cbd5e1'}),
      svg('line', {x1: PAD_LEFT, y1: y(max), x2: W, y2: y(max), stroke: '#eef2f7'}),
      text(PAD_LEFT - 4, y(max) + 4, format(max), 'end'),
      text(PAD_LEFT - 4, y(0), '0', 'end'),
      text(PAD_LEFT, H - 2, span >= 60000 ? `−${(span / 60000).toFixed(1)} min` : `−${Math.round(span / 1000)} s`, 'start'),
      text(W, H - 2, 'now', 'end'));
    for (const s of series) {
      const points = samples.map(p => `${x(p.t).toFixed(1)},${y(p.rates[s.key]).toFixed(1)}`).join(' ');
      plot.append(svg('polyline', {points, fill: 'none', stroke: s.color, 'stroke-width': 2}));
      // The newest point as a dot: visible from the first sample on, before there is a line.
      const newest = samples[samples.length - 1];
      if (newest) plot.append(svg('circle', {cx: x(newest.t), cy: y(newest.rates[s.key]), r: 3, fill: s.color}));
    }
    legend.replaceChildren(...series.map(s => {
      const value = samples.length ? samples[samples.length - 1].rates[s.key] : 0;
      const peak = Math.max(0, ...samples.map(p => p.rates[s.key]));
      return h('span', {'data-series': s.key, 'data-value': value, 'data-max': peak},
        h('i', {class: 'swatch', style: `background:${s.color}`}), `${s.label} ${format(value)}/s`);
    }));
  };
  return el;
}

function text(x, y, content, anchor) {
  const t = svg('text', {x, y, 'text-anchor': anchor, 'font-size': 11, fill: '#6b7280'});
  t.textContent = content;
  return t;
}
