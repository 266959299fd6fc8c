// Collects, in the page, what the browser checks judge (see visit.py). Returns plain data; the
// verdicts are made in Python. Evaluated by playwright as a function of no argument.
async () => {
  await document.fonts.ready;
  // Material switches the palette after the first paint, with CSS transitions: let them end, or
  // the colours read are somewhere between the two palettes
  await Promise.all(
    document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => null)),
  );

  // --- raw TeX: text a reader would see that still holds TeX delimiters -------------------------
  // MathML annotations keep the TeX source on purpose; code shows code; neither is prose.
  const NOT_PROSE = "pre, code, script, style, textarea, noscript, .katex-mathml, annotation, svg";
  const RAW_TEX = /\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\$[^$\s][^$]*[\\^_{][^$]*\$/;
  const rawTex = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(NOT_PROSE)) continue;
    const m = RAW_TEX.exec(node.data);
    if (m) rawTex.push(node.data.slice(Math.max(0, m.index - 30), m.index + 50).trim());
  }
  const untypeset = Array.from(document.querySelectorAll(".arithmatex"))
    .filter((el) => !el.querySelector(".katex"))
    .map((el) => el.textContent.trim().slice(0, 80));
  const katex = document.querySelectorAll(".katex").length;
  // a formula laid out in KaTeX's fonts: its main font family as computed
  const sample = document.querySelector(".katex .mathnormal, .katex .mord");
  const katexFamily = sample ? getComputedStyle(sample).fontFamily : null;
  const fonts = Array.from(document.fonts)
    .filter((f) => f.family.replace(/["']/g, "").startsWith("KaTeX"))
    .filter((f) => f.status !== "unloaded")
    .map((f) => ({ family: f.family.replace(/["']/g, ""), style: f.style, weight: f.weight, status: f.status }));

  // --- figures ------------------------------------------------------------------------------------
  const figures = Array.from(document.querySelectorAll("svg.nn-figure")).map((svg) => {
    const box = svg.getBoundingClientRect();
    const title = svg.querySelector(":scope > title");
    // the size on screen of the figure's body text (its most common font size, times the scale)
    const natural = svg.viewBox && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
    const counts = new Map();
    svg.querySelectorAll("text").forEach((t) => {
      const size = parseFloat(getComputedStyle(t).fontSize);
      counts.set(size, (counts.get(size) || 0) + 1);
    });
    const body = Array.from(counts).sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
    return {
      label: (svg.getAttribute("aria-label") || "").trim(),
      title: title ? title.textContent.trim() : "",
      role: svg.getAttribute("role"),
      width: box.width,
      height: box.height,
      visible: svg.checkVisibility({ visibilityProperty: true, opacityProperty: true }),
      texts: svg.querySelectorAll("text").length,
      textPx: body && natural > 0 ? body[0] * (box.width / natural) : null,
    };
  });

  // --- colours of the text of figures and tables --------------------------------------------------
  const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  const RGB = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/;
  const rgba = (css) => {
    const m = RGB.exec(css);
    if (m) {
      let a = m[4] === undefined ? 1 : parseFloat(m[4]);
      if (m[5] === "%") a /= 100;
      return [parseFloat(m[1]), parseFloat(m[2]), parseFloat(m[3]), a];
    }
    // any other syntax (color(srgb ...), oklch(...)): let the canvas convert it
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "#000";
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const samples = new Map();
  const addSample = (el, where, text) => {
    const style = getComputedStyle(el);
    const svgText = el instanceof SVGElement;
    const paint = svgText ? style.fill : style.color;
    if (!paint || paint === "none" || paint.startsWith("url(")) return;
    const fg = rgba(paint);
    if (svgText) fg[3] *= parseFloat(style.fillOpacity);
    let opacity = 1;
    const layers = [];
    let bgImage = false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      opacity *= parseFloat(s.opacity);
      if (!(e instanceof SVGElement) || e instanceof SVGSVGElement) {
        const bg = rgba(s.backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (s.backgroundImage !== "none") bgImage = true;
      }
    }
    const key = JSON.stringify([where, fg, opacity, layers, bgImage]);
    const known = samples.get(key);
    if (known) known.count += 1;
    else samples.set(key, { where, text: text.slice(0, 40), fg, opacity, layers, bgImage, count: 1 });
  };
  const inspectText = (root, where) => {
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = w.nextNode(); node; node = w.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.data.trim() || el.closest(".katex-mathml, title, desc, style")) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      addSample(el, where, node.data.trim());
    }
  };
  document.querySelectorAll("svg.nn-figure").forEach((svg) => inspectText(svg, "figure"));
  // one sample per formula (axe-core sees only a few formulas): the colour it is set in
  document.querySelectorAll(".katex-html").forEach((k) => {
    const box = k.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) addSample(k, "math", k.textContent.trim());
  });
  document.querySelectorAll("article table").forEach((t) => inspectText(t, "table"));
  // what the page is painted on when every background is transparent
  const rootStyle = getComputedStyle(document.documentElement);
  const canvas = rootStyle.colorScheme.includes("dark") ? [18, 18, 18] : [255, 255, 255];

  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    width: window.innerWidth,
    title: document.title,
    rawTex,
    untypeset,
    katex,
    arithmatex: document.querySelectorAll(".arithmatex").length,
    katexFamily,
    fonts,
    figures,
    samples: Array.from(samples.values()),
    canvas,
  };
}
