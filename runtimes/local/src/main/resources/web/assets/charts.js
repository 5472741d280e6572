// Line charts drawn as SVG by hand: no chart library, nothing from another site, no inline style
// (colours come from classes in style.css, so the page's Content-Security-Policy holds).
const NS = 'http://www.w3.org/2000/svg';
const W = 420;
const H = 180;
const PAD = { left: 44, right: 10, top: 24, bottom: 22 };

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round upper bound for the y axis: four steps of 1, 2, 2.5 or 5 times a power of ten. */
function niceMax(value) {
  const raw = Math.max(1, value / 4);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (raw <= step * power) return 4 * step * power;
  }
  return 40 * power;
}

function label(value) {
  if (value >= 10000) return `${Math.round(value / 1000)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * Draws series over time into container (replacing what it held).
 *
 * @param points [{t: epoch ms, values: [number|null per series]}], oldest first
 * @param names the series' names (two at most: classes s0, s1)
 * @param windowMs how far back the x axis goes from the newest point
 */
export function lineChart(container, points, names, windowMs) {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const end = points.length ? points[points.length - 1].t : Date.now();
  const start = end - windowMs;
  const all = points.flatMap((p) => p.values).filter((v) => v !== null && v !== undefined);
  const max = niceMax(Math.max(0, ...all));
  const x = (t) => PAD.left + ((t - start) / windowMs) * plotW;
  const y = (v) => PAD.top + plotH - (v / max) * plotH;

  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    svg.append(el('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
    svg.append(el('text', { class: 'axis-label', x: PAD.left - 6, y: y(v) + 3, 'text-anchor': 'end' },
      label(v)));
  }
  const minutes = Math.round(windowMs / 60000);
  [[start, `-${minutes} min`, 'start'], [start + windowMs / 2, `-${minutes / 2} min`, 'middle'],
    [end, 'now', 'end']].forEach(([t, text, anchor]) => {
    svg.append(el('text', { class: 'axis-label', x: x(t), y: H - 6, 'text-anchor': anchor }, text));
  });

  names.forEach((name, i) => {
    const lx = PAD.left + i * 130;
    svg.append(el('rect', { class: `legend-swatch s${i}`, x: lx, y: 6, width: 10, height: 10, rx: 2 }));
    svg.append(el('text', { class: 'legend', x: lx + 15, y: 15 }, name));
    // a gap in the data (no value) breaks the line
    let run = [];
    const flush = () => {
      if (run.length > 1) {
        svg.append(el('polyline', { class: `series s${i}`, points: run.join(' ') }));
      } else if (run.length === 1) {
        const [cx, cy] = run[0].split(',');
        svg.append(el('circle', { class: `legend-swatch s${i}`, cx, cy, r: 2.5 }));
      }
      run = [];
    };
    for (const p of points) {
      const v = p.values[i];
      if (v === null || v === undefined || p.t < start) {
        flush();
      } else {
        run.push(`${x(p.t).toFixed(1)},${y(v).toFixed(1)}`);
      }
    }
    flush();
  });

  if (!points.length) {
    svg.append(el('text', { class: 'nodata', x: W / 2, y: H / 2, 'text-anchor': 'middle' },
      'Collecting samples…'));
  }
  const latest = points.length ? points[points.length - 1].values : [];
  svg.setAttribute('aria-label', names.map((n, i) =>
    `${n}: ${latest[i] === null || latest[i] === undefined ? 'no data' : label(latest[i])}`)
    .join(', '));
  container.replaceChildren(svg);
}
