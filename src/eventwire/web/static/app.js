// eventwire dashboard: plain JavaScript over the JSON API, charts by plotly.js (served locally).
// Every text that comes from the store (article text, titles, actor and place names) is untrusted:
// it reaches the page only through textContent / text nodes, and plotly labels are entity-escaped.
"use strict";

(function () {
  const PAGE = 25;
  const GRAVITY = 3;
  const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
  const QUAD_COLORS = { 1: "#7fb77e", 2: "#2e7d32", 3: "#f0a35e", 4: "#c62828" };
  const PLOT_CONFIG = { displaylogo: false, responsive: true, topojsonURL: "/static/topojson/",
    modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"] };
  // Goldstein -10 (conflict, red) .. +10 (cooperation, green)
  const GOLDSTEIN_SCALE = [[0, "#b71c1c"], [0.35, "#ef8a62"], [0.5, "#f3f0d7"], [0.65, "#91c77f"], [1, "#1b7837"]];
  const state = { since: "", until: "", offset: 0, filters: {}, codebook: {} };

  // --- helpers ----------------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "className") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // Plotly renders a small HTML subset in labels: escape store text before handing it over.
  function plain(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  async function api(path, params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== "" && value !== null && value !== undefined && value !== false) query.set(key, value);
    }
    const url = query.toString() ? `${path}?${query}` : path;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const reason = body && body.detail ? body.detail : `${response.status} ${response.statusText}`;
      throw new Error(typeof reason === "string" ? reason : JSON.stringify(reason));
    }
    return body;
  }

  // The last day (YYYY-MM-DD) of the day, ISO week or month that starts on `start`.
  function periodEnd(start, by) {
    const [y, m, d] = start.split("-").map(Number);
    const end = by === "month" ? new Date(Date.UTC(y, m, 0)) : new Date(Date.UTC(y, m - 1, d + (by === "week" ? 6 : 0)));
    return end.toISOString().slice(0, 10);
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

  function period() {
    return { since: state.since, until: state.until };
  }

  function codeLabel(code) {
    const entry = state.codebook[code];
    return entry ? entry.name : "";
  }

  function actorCell(code, name, text) {
    const cell = el("td", { className: "code", title: [name, text].filter(Boolean).join(" — ") });
    cell.append(code || (text ? "" : "—"));
    if (!code && text) cell.append(el("span", { className: "muted", text: `“${text}”` }));
    return cell;
  }

  // --- header ------------------------------------------------------------------------------------
  async function loadStats() {
    const health = await api("/api/health");
    const span = health.first_date ? ` · ${health.first_date} – ${health.last_date}` : "";
    $("stats").textContent = `${health.articles} articles · ${health.events} events${span}`;
  }

  async function loadActors() {
    const actors = await api("/api/actors", { ...period(), limit: 200 });
    const list = $("actor-codes");
    list.replaceChildren(...actors.map((a) => {
      const option = document.createElement("option");
      option.value = a.code;
      option.label = `${a.name || a.code} (${a.events})`;
      return option;
    }));
    return actors;
  }

  // --- dyad timeline ------------------------------------------------------------------------------
  async function loadTimeline() {
    const a = $("dyad-a").value.trim().toUpperCase();
    const b = $("dyad-b").value.trim().toUpperCase();
    const status = $("timeline-status");
    const chart = $("timeline");
    if (!a || !b) return;
    status.textContent = "loading…";
    let series;
    try {
      series = await api(`/api/dyads/${encodeURIComponent(a)}/${encodeURIComponent(b)}/series`, {
        by: $("dyad-by").value, directed: $("dyad-directed").checked ? "true" : "", ...period(),
      });
    } catch (error) {
      status.textContent = error.message;
      chart.dataset.events = "0";
      Plotly.purge(chart);
      return;
    }
    const total = series.reduce((n, p) => n + p.events, 0);
    chart.dataset.events = String(total);
    chart.dataset.periods = String(series.filter((p) => p.events > 0).length);
    const arrow = $("dyad-directed").checked ? "→" : "↔";
    status.textContent = total ? `${total} events ${a} ${arrow} ${b}` : `no dated events between ${a} and ${b}`;
    const x = series.map((p) => p.start);
    const traces = [1, 2, 3, 4].map((q) => ({
      type: "bar", name: `${q} ${QUAD_NAMES[q]}`, x, y: series.map((p) => p[`quad${q}`]),
      customdata: series.map((p) => p.period), marker: { color: QUAD_COLORS[q] },
      hovertemplate: `%{customdata}: %{y} ${QUAD_NAMES[q]}<extra></extra>`,
    }));
    traces.push({
      type: "scatter", mode: "lines+markers", name: "Goldstein mean", x, yaxis: "y2",
      y: series.map((p) => p.goldstein_mean), customdata: series.map((p) => p.period),
      line: { color: "#1d2733", width: 1.5 }, marker: { size: 5 }, connectgaps: false,
      hovertemplate: "%{customdata}: Goldstein mean %{y:.2f}<extra></extra>",
    });
    const layout = {
      barmode: "stack", margin: { l: 45, r: 50, t: 10, b: 40 }, legend: { orientation: "h", y: -0.18 },
      xaxis: { type: "date" }, yaxis: { title: { text: "events" }, rangemode: "tozero" },
      yaxis2: { title: { text: "Goldstein mean" }, overlaying: "y", side: "right", range: [-10.5, 10.5],
        tickvals: [-10, -5, 0, 5, 10], zeroline: false, showgrid: false },
      hovermode: "closest",
    };
    await Plotly.react(chart, traces, layout, PLOT_CONFIG);
    chart.removeAllListeners && chart.removeAllListeners("plotly_click");
    const by = $("dyad-by").value;
    chart.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      const p = point && series[point.pointIndex];
      if (!p) return;  // a click on a period shows its events
      setFilters({ dyad: `${a},${b}` }, { since: p.start, until: periodEnd(p.start, by) });
    });
  }

  // --- actor network -------------------------------------------------------------------------------
  function layoutGraph(nodes, edges) {
    // Fruchterman-Reingold with gravity, from a seeded random start: the same picture every time.
    const n = nodes.length;
    let seed = 20240607;
    const rand = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
    const pos = nodes.map(() => ({ x: rand(), y: rand() }));
    const index = new Map(nodes.map((node, i) => [node.id, i]));
    const links = edges.map((e) => [index.get(e.source), index.get(e.target), 1 + Math.log(e.events)]);
    const k = Math.sqrt(1 / Math.max(n, 1));
    const steps = 400;
    for (let step = 0; step < steps; step++) {
      const temperature = 0.08 * (1 - step / steps) + 0.001;
      const disp = pos.map(() => ({ x: 0, y: 0 }));
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
          const d = Math.max(Math.hypot(dx, dy), 1e-4);
          const force = (k * k) / d;
          disp[i].x += (dx / d) * force; disp[i].y += (dy / d) * force;
          disp[j].x -= (dx / d) * force; disp[j].y -= (dy / d) * force;
        }
      }
      for (const [s, t, w] of links) {
        const dx = pos[s].x - pos[t].x, dy = pos[s].y - pos[t].y;
        const d = Math.max(Math.hypot(dx, dy), 1e-4);
        const force = ((d * d) / k) * w;
        disp[s].x -= (dx / d) * force; disp[s].y -= (dy / d) * force;
        disp[t].x += (dx / d) * force; disp[t].y += (dy / d) * force;
      }
      for (let i = 0; i < n; i++) {
        disp[i].x -= pos[i].x * GRAVITY; disp[i].y -= pos[i].y * GRAVITY;  // keeps loose pairs near the rest
        const d = Math.max(Math.hypot(disp[i].x, disp[i].y), 1e-9);
        const move = Math.min(d, temperature);
        pos[i].x += (disp[i].x / d) * move;
        pos[i].y += (disp[i].y / d) * move;
      }
    }
    return pos;
  }

  async function loadNetwork() {
    const status = $("network-status");
    const chart = $("network");
    let net;
    try {
      net = await api("/api/network", { ...period(), limit: 60 });
    } catch (error) {
      status.textContent = error.message;
      return;
    }
    status.textContent = `${net.nodes.length} actors, ${net.edges.length} links`;
    const pos = layoutGraph(net.nodes, net.edges);
    const at = new Map(net.nodes.map((node, i) => [node.id, pos[i]]));
    const maxEvents = Math.max(1, ...net.edges.map((e) => e.events));
    const traces = net.edges.map((e) => {
      const s = at.get(e.source), t = at.get(e.target);
      const conflict = e.conflict / Math.max(1, e.conflict + e.cooperation);
      return {
        type: "scatter", mode: "lines", x: [s.x, t.x], y: [s.y, t.y], hoverinfo: "skip", showlegend: false,
        line: { width: 1 + (5 * e.events) / maxEvents, color: conflict > 0.5 ? "rgba(198,40,40,.55)" : "rgba(46,125,50,.55)" },
      };
    });
    // Midpoints carry the links' hover text and clicks.
    traces.push({
      type: "scatter", mode: "markers", showlegend: false, marker: { size: 9, opacity: 0 },
      x: net.edges.map((e) => (at.get(e.source).x + at.get(e.target).x) / 2),
      y: net.edges.map((e) => (at.get(e.source).y + at.get(e.target).y) / 2),
      customdata: net.edges.map((e) => ["edge", e.source, e.target]),
      text: net.edges.map((e) => plain(`${e.source} → ${e.target}: ${e.events} events (${e.cooperation} cooperation, `
        + `${e.conflict} conflict), Goldstein mean ${e.goldstein_mean ?? "–"}`)),
      hovertemplate: "%{text}<extra></extra>",
    });
    const maxNode = Math.max(1, ...net.nodes.map((node) => node.events));
    traces.push({
      type: "scatter", mode: "markers+text", showlegend: false, textposition: "top center",
      x: net.nodes.map((_, i) => pos[i].x), y: net.nodes.map((_, i) => pos[i].y),
      text: net.nodes.map((node, i) => (i < 25 ? plain(node.id) : "")), customdata: net.nodes.map((node) => ["node", node.id]),
      hovertext: net.nodes.map((node) => plain(`${node.id} ${node.name || ""}: ${node.events} events`)),
      hovertemplate: "%{hovertext}<extra></extra>", textfont: { size: 10 },
      marker: { size: net.nodes.map((node) => 8 + 22 * Math.sqrt(node.events / maxNode)), color: "#2a5db0",
        line: { color: "#fff", width: 1 } },
    });
    const axis = { visible: false, zeroline: false, showgrid: false };
    await Plotly.react(chart, traces, { margin: { l: 5, r: 5, t: 5, b: 5 }, xaxis: axis, yaxis: { ...axis, scaleanchor: "x" },
      hovermode: "closest", dragmode: "pan" }, PLOT_CONFIG);
    chart.removeAllListeners && chart.removeAllListeners("plotly_click");
    chart.on("plotly_click", (event) => {
      const data = event.points && event.points[0] && event.points[0].customdata;
      if (!data) return;
      if (data[0] === "edge") {
        $("dyad-a").value = data[1];
        $("dyad-b").value = data[2];
        loadTimeline();
        setFilters({ dyad: `${data[1]},${data[2]}` });
      } else {
        setFilters({ source: data[1] });
      }
    });
  }

  // --- map -------------------------------------------------------------------------------------------
  async function loadMap() {
    const status = $("map-status");
    const chart = $("map");
    let page;
    try {
      page = await api("/api/events", { ...state.filters, ...period(), limit: 1000, sort: "-num_sources" });
    } catch (error) {
      status.textContent = error.message;
      return;
    }
    const places = new Map();
    for (const e of page.events) {
      if (e.place_lat === null || e.place_lon === null) continue;
      const key = `${e.place_lat.toFixed(3)},${e.place_lon.toFixed(3)}`;
      const place = places.get(key) || { lat: e.place_lat, lon: e.place_lon, name: e.place_name || e.place_text,
        country: e.place_country, events: 0, goldstein: 0 };
      place.events += 1;
      place.goldstein += e.goldstein || 0;
      places.set(key, place);
    }
    const list = [...places.values()];
    const located = list.reduce((n, p) => n + p.events, 0);
    status.textContent = page.total > page.events.length
      ? `${located} located of the ${page.events.length} most reported events (of ${page.total})`
      : `${located} of ${page.total} events located`;
    const maxEvents = Math.max(1, ...list.map((p) => p.events));
    const trace = {
      type: "scattergeo", mode: "markers", lat: list.map((p) => p.lat), lon: list.map((p) => p.lon),
      customdata: list.map((p) => [p.lat, p.lon]),
      text: list.map((p) => plain(`${p.name || "?"}${p.country ? ` (${p.country})` : ""}: ${p.events} events, `
        + `Goldstein mean ${(p.goldstein / p.events).toFixed(1)}`)),
      hovertemplate: "%{text}<extra></extra>",
      marker: { size: list.map((p) => 6 + 20 * Math.sqrt(p.events / maxEvents)),
        color: list.map((p) => p.goldstein / p.events), cmin: -10, cmax: 10, colorscale: GOLDSTEIN_SCALE,
        colorbar: { title: { text: "Goldstein" }, thickness: 10, len: 0.7 }, line: { color: "#333", width: 0.5 },
        opacity: 0.85 },
    };
    const layout = {
      margin: { l: 0, r: 0, t: 0, b: 0 },
      geo: { projection: { type: "natural earth", rotation: { lon: 0, lat: 0 } }, center: { lon: 0, lat: 0 },
        lonaxis: { range: [-180, 180] }, lataxis: { range: [-58, 85] }, showcountries: true, countrycolor: "#b9c0c8", showland: true,
        landcolor: "#eef0f2", showocean: true, oceancolor: "#f7fbff", coastlinecolor: "#9aa3ad", showframe: false,
        resolution: 110 },
    };
    await Plotly.react(chart, [trace], layout, PLOT_CONFIG);
    chart.removeAllListeners && chart.removeAllListeners("plotly_click");
    chart.on("plotly_click", (event) => {
      const data = event.points && event.points[0] && event.points[0].customdata;
      if (data) setFilters({ near: `${data[0].toFixed(4)},${data[1].toFixed(4)},25` });
    });
  }

  // --- event table -------------------------------------------------------------------------------------
  function readFilters() {
    const form = $("filters");
    const filters = {};
    for (const input of form.elements) {
      if (!input.name) continue;
      if (input.type === "checkbox") { if (input.checked) filters[input.name] = "true"; }
      else if (input.value.trim()) filters[input.name] = input.value.trim();
    }
    return filters;
  }

  function writeFilters(filters) {
    const form = $("filters");
    for (const input of form.elements) {
      if (!input.name) continue;
      if (input.type === "checkbox") input.checked = filters[input.name] === "true";
      else input.value = filters[input.name] || "";
    }
  }

  function setFilters(filters, range) {
    writeFilters(filters);
    state.filters = readFilters();
    if (range) {
      state.since = range.since; state.until = range.until;
      $("since").value = range.since;
      $("until").value = range.until;
    }
    state.offset = 0;
    loadEvents();
    $("events-card").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function loadEvents() {
    const error = $("events-error");
    const body = $("events").tBodies[0];
    let page;
    try {
      page = await api("/api/events", { ...state.filters, ...period(), limit: PAGE, offset: state.offset });
      error.hidden = true;
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      body.replaceChildren();
      $("page-info").textContent = "";
      return;
    }
    body.replaceChildren(...page.events.map(eventRow));
    const last = page.offset + page.events.length;
    $("page-info").textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : "no events";
    $("prev").disabled = page.offset === 0;
    $("next").disabled = last >= page.total;
    $("events").dataset.total = String(page.total);
  }

  function eventRow(e) {
    const flags = [e.negated && "negated", e.hypothetical && "hypothetical", e.reported && "reported"].filter(Boolean);
    const label = codeLabel(e.code);
    const row = el("tr", { tabindex: 0, dataset: { event: e.id }, title: e.sentence_text || "" },
      el("td", { text: e.date || "" }),
      actorCell(e.source_code, e.source_name, e.source_text),
      el("td", {}, el("span", { className: `quad quad-${e.quad}`, title: QUAD_NAMES[e.quad] || "" }),
        el("span", { className: "code", text: e.code || "" }), label ? ` ${label}` : ""),
      actorCell(e.target_code, e.target_name, e.target_text),
      el("td", { text: [e.place_name, e.place_country].filter(Boolean).join(", ") }),
      el("td", { text: e.goldstein === null ? "" : e.goldstein }),
      el("td", { text: e.num_sources }),
      el("td", { className: "muted", text: flags.join(" ") }));
    const open = () => openArticle(e.article_id, e.mention_n, e);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (k) => { if (k.key === "Enter") open(); });
    return row;
  }

  // --- article with evidence --------------------------------------------------------------------------------
  async function openArticle(articleId, mentionN, row) {
    if (!articleId) return;
    let doc;
    try {
      doc = await api(`/api/articles/${encodeURIComponent(articleId)}`);
    } catch (error) {
      $("events-error").textContent = error.message;
      $("events-error").hidden = false;
      return;
    }
    const art = doc.article;
    $("article-title").textContent = art.title || "(untitled)";
    const meta = $("article-meta");
    meta.replaceChildren(
      [art.published, art.outlet, doc.copies && doc.copies.length > 1 ? `${doc.copies.length} copies` : ""]
        .filter(Boolean).join(" · "));
    if (art.url && /^https?:\/\//i.test(art.url)) {
      meta.append(" · ", el("a", { href: art.url, target: "_blank", rel: "noopener noreferrer", text: art.url }));
    } else if (art.source) {
      meta.append(" · ", el("span", { text: art.source }));
    }
    const mention = doc.events.find((m) => m.n === mentionN) || doc.events[0] || null;
    showMention(doc, mention, row);
    $("article-overlay").hidden = false;
    $("article-close").focus();
    const trigger = document.querySelector("#article-text mark.hl-trigger");
    if (trigger) trigger.scrollIntoView({ block: "nearest" });
  }

  function showMention(doc, m, row) {
    const box = $("article-event");
    box.replaceChildren();
    if (m) {
      const flags = [m.negated && "negated", m.hypothetical && "hypothetical", m.reported && "reported"].filter(Boolean);
      const actor = (code, name, text) => [code, name && name !== code ? name : "", text ? `“${text}”` : ""]
        .filter(Boolean).join(" ");
      const items = [
        ["event", `${m.code} ${codeLabel(m.code)}`.trim() + (m.plover ? ` · PLOVER ${m.plover}` : "")],
        ["source", actor(m.source_code, m.source_name, m.source_text) || "—"],
        ["trigger", m.trigger_text ? `“${m.trigger_text}”` : "—"],
        ["target", actor(m.target_code, m.target_name, m.target_text) || "—"],
        ["date", [m.date, m.date_rule ? `(${m.date_rule})` : ""].filter(Boolean).join(" ") || "—"],
        ["place", [m.place_name || m.place_text, m.place_country].filter(Boolean).join(", ") || "—"],
        ["Goldstein · quad", `${m.goldstein ?? "–"} · ${m.quad} ${QUAD_NAMES[m.quad] || ""}`],
        ["rule", m.rule || "—"],
        ["confidence", m.confidence === null || m.confidence === undefined ? "—" : m.confidence.toFixed(2)],
        ["flags", flags.join(", ") || "none"],
      ];
      if (row && row.num_sources !== undefined) items.push(["reported by", `${plural(row.num_sources, "outlet")}, ${plural(row.num_mentions, "mention")}`]);
      const list = el("dl", {});
      for (const [name, value] of items) {
        list.append(el("dt", { text: name }), el("dd", { text: value, className: name === "rule" ? "rule" : "",
          dataset: { field: name } }));
      }
      box.append(list);
    }
    const others = doc.events.filter((x) => x !== m);
    if (others.length) {
      const select = el("select", { "aria-label": "other events of this article" },
        el("option", { value: "", text: `other events in this article (${others.length})` }),
        ...others.map((x) => el("option", { value: String(x.n),
          text: `${x.source_code || x.source_text || "?"} ${x.code} ${x.target_code || x.target_text || "?"} — ${x.trigger_text || ""}` })));
      select.addEventListener("change", () => {
        const next = doc.events.find((x) => String(x.n) === select.value);
        if (next) {
          showMention(doc, next, null);
          const trigger = document.querySelector("#article-text mark.hl-trigger");
          if (trigger) trigger.scrollIntoView({ block: "nearest" });
        }
      });
      box.append(el("p", {}, select));
    }
    renderText(doc.article.text || "", m);
  }

  // The article's text as text nodes, with the mention's source, trigger and target marked and
  // its sentence underlined. Offsets are character offsets (code points) into the text.
  function renderText(text, m) {
    const chars = Array.from(text);  // offsets count code points, as Python does
    const spans = [];
    if (m) {
      for (const kind of ["source", "target", "trigger"]) {  // later kinds win where spans overlap
        const start = m[`${kind}_start`], end = m[`${kind}_end`];
        if (Number.isInteger(start) && Number.isInteger(end) && end > start) spans.push({ kind, start, end });
      }
    }
    const sentence = m && Number.isInteger(m.sentence_start) ? [m.sentence_start, m.sentence_end] : null;
    const cuts = new Set([0, chars.length]);
    for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
    if (sentence) { cuts.add(sentence[0]); cuts.add(sentence[1]); }
    const points = [...cuts].filter((p) => p >= 0 && p <= chars.length).sort((x, y) => x - y);
    const container = $("article-text");
    const out = document.createDocumentFragment();
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const piece = chars.slice(a, b).join("");
      let kind = null;
      for (const s of spans) if (s.start <= a && b <= s.end) kind = s.kind;
      let node = kind ? el("mark", { className: `hl-${kind}`, text: piece, dataset: { kind } }) : document.createTextNode(piece);
      if (sentence && sentence[0] <= a && b <= sentence[1]) node = el("span", { className: "sentence" }, node);
      out.append(node);
    }
    container.replaceChildren(out);
  }

  function closeArticle() {
    $("article-overlay").hidden = true;
  }

  // --- wiring ------------------------------------------------------------------------------------------
  function fromLocation() {
    const params = new URLSearchParams(location.hash.replace(/^#/, "") || location.search);
    return { a: params.get("a"), b: params.get("b"), since: params.get("since"), until: params.get("until") };
  }

  async function refreshPeriod() {
    await Promise.allSettled([loadTimeline(), loadNetwork(), loadMap(), loadEvents(), loadActors()]);
  }

  async function init() {
    $("dyad-form").addEventListener("submit", (e) => { e.preventDefault(); loadTimeline(); });
    $("period").addEventListener("submit", (e) => {
      e.preventDefault();
      state.since = $("since").value; state.until = $("until").value; state.offset = 0;
      refreshPeriod();
    });
    $("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      state.filters = readFilters(); state.offset = 0;
      loadEvents(); loadMap();
    });
    $("filters").addEventListener("reset", () => {
      setTimeout(() => { state.filters = {}; state.offset = 0; loadEvents(); loadMap(); }, 0);
    });
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadEvents(); });
    $("next").addEventListener("click", () => { state.offset += PAGE; loadEvents(); });
    $("article-close").addEventListener("click", closeArticle);
    $("article-overlay").addEventListener("click", (e) => { if (e.target === $("article-overlay")) closeArticle(); });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeArticle(); });

    const wanted = fromLocation();
    if (wanted.since) { state.since = wanted.since; $("since").value = wanted.since; }
    if (wanted.until) { state.until = wanted.until; $("until").value = wanted.until; }
    try {
      state.codebook = await api("/api/codebook");
    } catch (e) {
      state.codebook = {};
    }
    await Promise.allSettled([loadStats(), loadActors()]);
    if (wanted.a && wanted.b) {
      $("dyad-a").value = wanted.a; $("dyad-b").value = wanted.b;
    } else {
      try {  // the period's busiest pair of countries
        const top = await api("/api/dyads", { ...period(), limit: 1 });
        if (top.length) { $("dyad-a").value = top[0].source.slice(0, 3); $("dyad-b").value = top[0].target.slice(0, 3); }
      } catch (e) { /* the form stays empty */ }
    }
    await Promise.allSettled([loadTimeline(), loadNetwork(), loadMap(), loadEvents()]);
    document.body.dataset.ready = "1";
  }

  init();
})();
