// A small SVG line chart of samples over time: one series, gaps where a sample carries an error.
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, String(v));
  }
  return el;
}

/**
 * samples: [{at, error?, ...}], value: sample → number, fmt: number → label,
 * windowMs: the x axis spans [now - windowMs, now].
 */
export function lineChart({ samples, value, fmt, windowMs, now = Date.now(), width = 420, height = 120, title }) {
  const pad = { l: 48, r: 8, t: 18, b: 18 };
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  const ok = samples.filter(s => !s.error && value(s) != null);
  const max = Math.max(1, ...ok.map(value));
  const x = t => pad.l + (width - pad.l - pad.r) * (1 - (now - t) / windowMs);
  const y = v => height - pad.b - (height - pad.t - pad.b) * (v / max);
  root.appendChild(svg('line', { x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b, class: 'axis' }));
  root.appendChild(svg('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: height - pad.b, class: 'axis' }));
  const label = (text, lx, ly, anchor) => {
    const t = svg('text', { x: lx, y: ly, 'text-anchor': anchor, class: 'label' });
    t.textContent = text;
    root.appendChild(t);
  };
  label(title, pad.l, 12, 'start');
  label(fmt(max), pad.l - 4, pad.t + 4, 'end');
  label('0', pad.l - 4, height - pad.b, 'end');
  label('-' + Math.round(windowMs / 60000) + ' min', pad.l, height - 4, 'start');
  label('now', width - pad.r, height - 4, 'end');
  let path = '';
  let pen = false;
  for (const s of samples) {
    const t = Date.parse(s.at);
    if (s.error || value(s) == null) {
      pen = false;
      root.appendChild(svg('line', { x1: x(t), y1: pad.t, x2: x(t), y2: height - pad.b, class: 'gap' }));
      continue;
    }
    path += (pen ? 'L' : 'M') + x(t).toFixed(1) + ',' + y(value(s)).toFixed(1);
    pen = true;
  }
  if (path) {
    root.appendChild(svg('path', { d: path, class: 'series' }));
  }
  for (const s of ok.slice(-1)) {
    root.appendChild(svg('circle', { cx: x(Date.parse(s.at)), cy: y(value(s)), r: 2.5, class: 'series-dot' }));
    label(fmt(value(s)), width - pad.r, pad.t + 4, 'end');
  }
  return root;
}
