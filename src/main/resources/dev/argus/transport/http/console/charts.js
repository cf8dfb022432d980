// Small SVG time-series charts for the Argus console, without a library. Values come from the
// server; every text is set with textContent, never parsed as markup.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const W = 300;
  const H = 56;

  function node(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) {
      e.setAttribute(k, String(v));
    }
    return e;
  }

  /**
   * Draws values (numbers, null for a gap) as a line with its area, scaled from 0 to a little
   * above the largest value, into a fresh <svg>, with the largest value as a label.
   */
  function sparkline(values, opts) {
    const svg = node('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img' });
    const finite = values.filter((v) => typeof v === 'number' && isFinite(v));
    const max = finite.length ? Math.max(...finite) : 0;
    const top = max > 0 ? max * 1.15 : 1;
    const n = Math.max(values.length - 1, 1);
    const x = (i) => (i / n) * W;
    const y = (v) => H - 2 - (v / top) * (H - 6);
    let line = '';
    let area = '';
    let open = false;
    let runStart = 0;
    values.forEach((v, i) => {
      if (typeof v !== 'number' || !isFinite(v)) {
        if (open) {
          area += `L${x(i - 1).toFixed(1)},${H}L${x(runStart).toFixed(1)},${H}Z`;
        }
        open = false;
        return;
      }
      const p = `${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      if (!open) {
        line += `M${p}`;
        area += `M${p}`;
        runStart = i;
        open = true;
      } else {
        line += `L${p}`;
        area += `L${p}`;
      }
    });
    if (open) {
      area += `L${x(values.length - 1).toFixed(1)},${H}L${x(runStart).toFixed(1)},${H}Z`;
    }
    const color = opts.color || '#0b5cad';
    svg.append(node('path', { d: area || 'M0,0', fill: color, 'fill-opacity': 0.12, stroke: 'none' }));
    svg.append(
      node('path', {
        d: line || 'M0,0',
        fill: 'none',
        stroke: color,
        'stroke-width': 1.5,
        'vector-effect': 'non-scaling-stroke',
      })
    );
    const title = node('title', {});
    title.textContent = `${opts.title}: largest ${opts.format(max)} over the last ${values.length} s`;
    svg.append(title);
    return svg;
  }

  window.ArgusCharts = { sparkline };
})();
