// The map page: every paper as a dot on a canvas (a few thousand SVG nodes would make the page
// slow), coloured by research area; pointing shows the title, clicking opens the paper. A tap (on
// a touch screen, where nothing hovers) shows the title and a link to the paper; a tap elsewhere
// hides it. From the keyboard, the arrow keys move from dot to dot and Enter opens the paper; the
// list under the map names every paper by area for those who do not see the canvas.
(function () {
  "use strict";
  const ROOT = new URL("..", document.currentScript.src);  // this file lives in <site>/assets/
  // A dot's radius: larger on a wide plot, smaller where thousands of dots would cover each other.
  const RADIUS = { many: 3.5, narrow: 5, wide: 6 };
  // Pixels from a dot's centre that still count as pointing at it: a fingertip is wider than a
  // mouse pointer (about 44 px across, so half of that).
  const PICK = { mouse: 12, touch: 22 };
  const CELL = 24;
  const STEPS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

  function colours() {
    const legend = document.querySelectorAll(".papers-map__legend .papers-map__swatch");
    const fill = Array.from(legend, swatch => getComputedStyle(swatch).backgroundColor);
    return { area: fill.slice(0, -1), other: fill[fill.length - 1] || "gray" };
  }

  function label(dot) {
    return dot.title + (dot.year ? " (" + dot.year + ")" : "");
  }

  // The dot to go to from `from` with an arrow key: the nearest one on that side, a dot straight
  // ahead counting as nearer than one as far off to the side.
  function step(dots, from, [dx, dy]) {
    let best = null, bestCost = Infinity;
    for (const dot of dots) {
      const ahead = (dot.px - from.px) * dx + (dot.py - from.py) * dy;
      if (dot === from || ahead <= 0) continue;
      const aside = Math.abs((dot.px - from.px) * dy - (dot.py - from.py) * dx);
      const cost = ahead + 2 * aside;
      if (cost < bestCost) { best = dot; bestCost = cost; }
    }
    return best;
  }

  // The tip beside a dot: its text, and for a tap a link to the paper (built as nodes: titles are
  // not markup); no dot, an empty tip.
  function showTip(tip, dot, text, url) {
    tip.replaceChildren(...(dot ? [text] : []));
    if (!dot) return;
    if (url) {
      const link = document.createElement("a");
      link.className = "papers-map__open";
      link.href = new URL(url, ROOT).href;
      link.textContent = "Open the paper";
      tip.append(" ", link);
    }
    // above the dot, or below it near the top; kept inside the plot
    const room = tip.offsetParent ? tip.offsetParent.clientWidth : tip.offsetWidth;
    const left = Math.max(0, Math.min(dot.px - tip.offsetWidth / 2, room - tip.offsetWidth));
    const above = dot.py - tip.offsetHeight - 14;
    tip.style.left = left + "px";
    tip.style.top = (above >= 0 ? above : dot.py + 14) + "px";
  }

  function draw(box, data, state) {
    const canvas = box.querySelector("canvas");
    const tip = box.querySelector(".papers-map__tip");
    const width = box.clientWidth;
    // square on a phone, where the width is scarce; never taller than most of the window
    const height = Math.round(Math.min(width * (width < 600 ? 1 : 0.75), 640,
                                       Math.max(window.innerHeight * 0.7, 240)));
    const scale = window.devicePixelRatio || 1;
    canvas.width = width * scale;
    canvas.height = height * scale;
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    const context = canvas.getContext("2d");
    context.scale(scale, scale);
    const palette = colours();
    const radius = data.papers.length > 2000 ? RADIUS.many
      : width < 600 ? RADIUS.narrow : RADIUS.wide;
    const margin = radius + 6;
    const ring = getComputedStyle(box).color;  // the text colour: it reads on both schemes
    const ground = getComputedStyle(document.body).backgroundColor;
    const grid = new Map();
    const dots = data.papers.map(([x, y, area, title, url, year], index) => {
      const dot = { px: margin + x * (width - 2 * margin), py: margin + (1 - y) * (height - 2 * margin), area, title, url, year, index };
      const key = Math.floor(dot.px / CELL) + "," + Math.floor(dot.py / CELL);
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(dot);
      return dot;
    });

    function paint() {
      context.clearRect(0, 0, width, height);
      context.globalAlpha = dots.length > 2000 ? 0.55 : 0.9;
      // an edge in the page's colour keeps overlapping dots apart
      context.lineWidth = dots.length > 2000 ? 0 : 1;
      context.strokeStyle = ground;
      for (const dot of dots) {
        context.fillStyle = dot.area >= 0 && dot.area < palette.area.length ? palette.area[dot.area] : palette.other;
        context.beginPath();
        context.arc(dot.px, dot.py, radius, 0, 2 * Math.PI);
        context.fill();
        if (context.lineWidth) context.stroke();
      }
      context.globalAlpha = 1;
      context.lineWidth = 2;
      context.strokeStyle = ring;
      for (const dot of [dots[state.hover], dots[state.chosen]]) {
        if (!dot) continue;
        context.beginPath();
        context.arc(dot.px, dot.py, radius + 4, 0, 2 * Math.PI);
        context.stroke();
      }
    }

    // how: "key" (the tip says Enter opens it), "tap" (the tip links to it)
    function choose(dot, how = "key") {
      state.chosen = dot ? dot.index : -1;
      if (!dot) showTip(tip, null);
      else if (how === "tap") showTip(tip, dot, label(dot), dot.url);
      else showTip(tip, dot, label(dot) + ": Enter opens it");
      paint();
    }

    function nearest(x, y, reach) {
      let best = null, bestDistance = reach * reach;
      const cx = Math.floor(x / CELL), cy = Math.floor(y / CELL);
      const cells = Math.ceil(reach / CELL);
      for (let i = cx - cells; i <= cx + cells; i++) {
        for (let j = cy - cells; j <= cy + cells; j++) {
          for (const dot of grid.get(i + "," + j) || []) {
            const distance = (dot.px - x) ** 2 + (dot.py - y) ** 2;
            if (distance < bestDistance) { best = dot; bestDistance = distance; }
          }
        }
      }
      return best;
    }

    function pointed(event, reach = PICK.mouse) {
      const rect = canvas.getBoundingClientRect();
      return nearest(event.clientX - rect.left, event.clientY - rect.top, reach);
    }

    function centre() {
      let best = null, bestDistance = Infinity;
      for (const dot of dots) {
        const distance = (dot.px - width / 2) ** 2 + (dot.py - height / 2) ** 2;
        if (distance < bestDistance) { best = dot; bestDistance = distance; }
      }
      return best;
    }

    canvas.onmousemove = event => {
      if (state.pointer === "touch") return;  // the mouse events a tap sends after it
      const dot = pointed(event);
      canvas.style.cursor = dot ? "pointer" : "default";
      const hover = dot ? dot.index : -1;
      if (hover !== state.hover) { state.hover = hover; paint(); }
      if (dot) showTip(tip, dot, label(dot));
      else if (!dots[state.chosen]) showTip(tip, null);
    };
    canvas.onmouseleave = () => { if (state.hover >= 0) { state.hover = -1; paint(); } };
    canvas.onclick = event => {
      if (state.pointer === "touch" || state.pointer === "pen") {
        choose(pointed(event, PICK.touch), "tap");
        return;
      }
      const dot = pointed(event);
      if (dot) window.location.href = new URL(dot.url, ROOT).href;
    };
    state.hide = () => choose(null);
    canvas.onfocus = () => { if (!dots[state.chosen]) choose(centre()); };
    canvas.onkeydown = event => {
      const chosen = dots[state.chosen];
      if (event.key in STEPS) {
        event.preventDefault();  // the arrows move on the map, not the page
        const next = chosen ? step(dots, chosen, STEPS[event.key]) : centre();
        if (next) choose(next);
      } else if (event.key === "Enter" && chosen) {
        window.location.href = new URL(chosen.url, ROOT).href;
      } else if (event.key === "Escape") {
        choose(null);
      }
    };
    paint();
    canvas.dataset.margin = String(margin);  // where the plot's corners are, for tests and tools
    box.dataset.drawn = String(dots.length);
  }

  // The text alternative: the papers under one heading per area, written when first opened.
  function fillList(holder, data) {
    const areas = data.areas || [];
    const groups = new Map();
    for (const [, , area, title, url, year] of data.papers) {
      const name = area >= 0 && area < areas.length ? areas[area] : "No topic";
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push({ title, url, year });
    }
    const names = [...areas.filter(name => groups.has(name)), ...(groups.has("No topic") ? ["No topic"] : [])];
    for (const name of names) {
      const papers = groups.get(name).sort((a, b) => a.title.localeCompare(b.title));
      const heading = document.createElement("h2");
      heading.textContent = name + " (" + papers.length + ")";
      const list = document.createElement("ul");
      for (const paper of papers) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = new URL(paper.url, ROOT).href;
        link.textContent = paper.title;
        item.append(link, paper.year ? " · " + paper.year : "");
        list.append(item);
      }
      holder.append(heading, list);
    }
  }

  async function start() {
    const box = document.querySelector(".papers-map[data-src]");
    if (!box || box.dataset.drawn) return;
    const response = await fetch(new URL(box.dataset.src, window.location.href));
    const data = await response.json();
    const state = { chosen: -1, hover: -1, pointer: "mouse" };
    draw(box, data, state);
    // what the last press was made with: a tap shows a title where a click opens the paper
    document.addEventListener("pointerdown", event => { state.pointer = event.pointerType; }, true);
    // a tap anywhere but the map and its tip hides the paper a tap chose
    document.addEventListener("click", event => {
      if (state.pointer === "mouse" || box.contains(event.target)) return;
      if (box.isConnected && state.chosen >= 0) state.hide();
    });
    const holder = document.querySelector(".papers-map__list");
    if (holder) {
      holder.hidden = false;
      holder.addEventListener("toggle", () => {
        if (holder.open && !holder.dataset.filled) { holder.dataset.filled = "1"; fillList(holder, data); }
      });
    }
    let width = box.clientWidth;
    window.addEventListener("resize", () => {
      if (box.isConnected && box.clientWidth !== width) { width = box.clientWidth; draw(box, data, state); }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
