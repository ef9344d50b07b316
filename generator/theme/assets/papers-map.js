// The map page: every paper as a dot on a canvas (a few thousand SVG nodes would make the page
// slow), coloured by research area; pointing shows the title, clicking opens the paper.
(function () {
  "use strict";
  const ROOT = new URL("..", document.currentScript.src);  // this file lives in <site>/assets/
  const RADIUS = 3.5;
  const PICK = 9;  // pixels from a dot that still count as pointing at it
  const CELL = 24;

  function colours(box) {
    const legend = document.querySelectorAll(".papers-map__legend .papers-map__swatch");
    const fill = Array.from(legend, swatch => getComputedStyle(swatch).backgroundColor);
    return { area: fill.slice(0, -1), other: fill[fill.length - 1] || "gray" };
  }

  function draw(box, data) {
    const canvas = box.querySelector("canvas");
    const tip = box.querySelector(".papers-map__tip");
    const width = box.clientWidth;
    const height = Math.round(Math.min(width * 0.75, 640));
    const scale = window.devicePixelRatio || 1;
    canvas.width = width * scale;
    canvas.height = height * scale;
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    const context = canvas.getContext("2d");
    context.scale(scale, scale);
    const palette = colours(box);
    const margin = RADIUS + 4;
    const grid = new Map();
    const dots = data.papers.map(([x, y, area, title, url, year], index) => {
      const dot = { px: margin + x * (width - 2 * margin), py: margin + (1 - y) * (height - 2 * margin), area, title, url, year, index };
      const key = Math.floor(dot.px / CELL) + "," + Math.floor(dot.py / CELL);
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(dot);
      return dot;
    });
    context.globalAlpha = dots.length > 2000 ? 0.55 : 0.85;
    for (const dot of dots) {
      context.fillStyle = dot.area >= 0 && dot.area < palette.area.length ? palette.area[dot.area] : palette.other;
      context.beginPath();
      context.arc(dot.px, dot.py, RADIUS, 0, 2 * Math.PI);
      context.fill();
    }

    function nearest(event) {
      const rect = canvas.getBoundingClientRect();
      const x = event.clientX - rect.left, y = event.clientY - rect.top;
      let best = null, bestDistance = PICK * PICK;
      const cx = Math.floor(x / CELL), cy = Math.floor(y / CELL);
      for (let i = cx - 1; i <= cx + 1; i++) {
        for (let j = cy - 1; j <= cy + 1; j++) {
          for (const dot of grid.get(i + "," + j) || []) {
            const distance = (dot.px - x) ** 2 + (dot.py - y) ** 2;
            if (distance < bestDistance) { best = dot; bestDistance = distance; }
          }
        }
      }
      return best;
    }

    canvas.onmousemove = event => {
      const dot = nearest(event);
      canvas.style.cursor = dot ? "pointer" : "default";
      tip.textContent = dot ? dot.title + (dot.year ? " (" + dot.year + ")" : "") : "\u00a0";
    };
    canvas.onclick = event => {
      const dot = nearest(event);
      if (dot) window.location.href = new URL(dot.url, ROOT).href;
    };
    box.dataset.drawn = String(dots.length);
  }

  async function start() {
    const box = document.querySelector(".papers-map[data-src]");
    if (!box || box.dataset.drawn) return;
    const response = await fetch(new URL(box.dataset.src, window.location.href));
    const data = await response.json();
    draw(box, data);
    let width = box.clientWidth;
    window.addEventListener("resize", () => {
      if (box.isConnected && box.clientWidth !== width) { width = box.clientWidth; draw(box, data); }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
