/* graphdyn network view: legend, search, filters, tooltips and ego view over vis-network.
 *
 * All user text (names, ids, segments, teams) reaches the DOM through textContent, input.value
 * or option.value, never through innerHTML, and vis-network only ever draws it on the canvas
 * (node labels) — node and edge `title`s are not used; the tooltip is this file's own element.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("graphdyn-data").textContent);
  const kinds = data.style.kinds;
  const statusColours = data.style.status_colours;
  const STATUS_ORDER = ["new", "active", "cooling", "at_risk", "dormant"];
  const KIND_ORDER = ["customer", "staff", "product", "other"];
  const NONE_LABEL = "(none)";

  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const neighbours = new Map(data.nodes.map((n) => [n.id, []]));
  for (const e of data.edges) {
    neighbours.get(e.from).push(e.to);
    neighbours.get(e.to).push(e.from);
  }
  // Edges the overview does not draw (each node keeps its strongest few): they count as
  // connections, widen the ego view, and are drawn once an ego view includes both ends.
  const hiddenData = data.hidden;
  const hiddenByNode = new Map();
  for (let i = 0; i < hiddenData.from.length; i++) {
    const a = hiddenData.from[i];
    const b = hiddenData.to[i];
    neighbours.get(a).push(b);
    neighbours.get(b).push(a);
    if (!hiddenByNode.has(a)) hiddenByNode.set(a, []);
    hiddenByNode.get(a).push(i);
  }
  const hiddenAdded = new Set();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---------- vis-network data ---------- */

  function visNode(n) {
    const style = kinds[n.kind];
    const border = n.status === null ? style.colour : statusColours[n.status] || statusColours.none;
    const node = {
      id: n.id,
      label: n.label,
      shape: style.shape,
      size: n.size,
      borderWidth: n.status === null ? 1 : 2,
      borderWidthSelected: 4,
      color: {
        background: style.colour,
        border: border,
        highlight: { background: style.colour, border: "#111111" },
        hover: { background: style.colour, border: "#111111" },
      },
    };
    if (n.x !== undefined) {
      node.x = n.x;
      node.y = n.y;
    }
    return node;
  }

  function visEdge(e) {
    const colour =
      e.kind === "product" ? statusColours.product : statusColours[e.status] || statusColours.none;
    return {
      id: e.id,
      from: e.from,
      to: e.to,
      width: e.width,
      dashes: e.dashed,
      color: { color: colour, highlight: colour, hover: colour, opacity: 0.9 },
    };
  }

  const nodes = new vis.DataSet(data.nodes.map(visNode));
  const edges = new vis.DataSet(data.edges.map(visEdge));

  /* ---------- filters and ego view ---------- */

  const hidden = { kind: new Set(), status: new Set(), segment: new Set(), team: new Set() };
  let ego = null;

  function key(value) {
    return value === null ? "" : "v:" + value;
  }

  function nodeVisible(id) {
    const n = nodeById.get(id);
    if (hidden.kind.has(key(n.kind))) return false;
    if (
      n.kind === "customer" &&
      (hidden.status.has(key(n.status)) || hidden.segment.has(key(n.segment)))
    ) {
      return false;
    }
    if (n.kind === "staff" && hidden.team.has(key(n.team))) return false;
    return ego === null || ego.has(id);
  }

  function edgeVisible(id) {
    const e = edgeById.get(id);
    if (e.hidden && ego === null) return false;
    if (e.kind === "tie" && hidden.status.has(key(e.status))) return false;
    return nodeVisible(e.from) && nodeVisible(e.to);
  }

  function addHiddenEdges(members) {
    const added = [];
    for (const id of members) {
      for (const i of hiddenByNode.get(id) || []) {
        if (hiddenAdded.has(i) || !members.has(hiddenData.to[i])) continue;
        hiddenAdded.add(i);
        const [kind, status, trend] = hiddenData.looks[hiddenData.look[i]];
        const e = {
          id: data.edges.length + i,
          from: id,
          to: hiddenData.to[i],
          kind: kind,
          status: status,
          trend: trend,
          width: hiddenData.width[i],
          dashed: trend === "weakening",
          values: null,
          hidden: true,
        };
        edgeById.set(e.id, e);
        added.push(visEdge(e));
      }
    }
    if (added.length > 0) edges.add(added);
  }

  const nodesView = new vis.DataView(nodes, { filter: (n) => nodeVisible(n.id) });
  const edgesView = new vis.DataView(edges, { filter: (e) => edgeVisible(e.id) });

  // Every count on the page is one of data.counts, as the page's Python side made it: "shown
  // of total what". The header counts what the filters and the ego view leave visible of the
  // same totals, so before any filter it reads exactly as the note.
  function countText(count, shown) {
    return `${shown.toLocaleString("en")} of ${count.total.toLocaleString("en")} ${count.what}`;
  }
  const counts = document.getElementById("graphdyn-counts");
  function refresh() {
    nodesView.refresh();
    edgesView.refresh();
    counts.textContent =
      countText(data.counts.nodes, nodesView.length) +
      ", " +
      countText(data.counts.edges, edgesView.length);
  }

  function setFilter(dimension, value, shown) {
    if (shown) hidden[dimension].delete(key(value));
    else hidden[dimension].add(key(value));
    refresh();
  }

  function showEgo(rootId, depth) {
    const seen = new Set([rootId]);
    let frontier = [rootId];
    for (let hop = 0; hop < depth; hop++) {
      const next = [];
      for (const id of frontier) {
        for (const other of neighbours.get(id)) {
          if (!seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    ego = seen;
    addHiddenEdges(seen);
    refresh();
    network.fit({ nodes: nodesView.getIds(), animation: false });
  }

  function showAll() {
    ego = null;
    refresh();
    network.fit({ animation: false });
  }

  /* ---------- the network ---------- */

  const physics = data.physics;
  const options = {
    autoResize: true,
    width: "100%",
    height: "100%",
    layout: { randomSeed: data.seed, improvedLayout: physics && data.nodes.length <= 150 },
    nodes: {
      font: {
        size: 12,
        face: "system-ui, sans-serif",
        color: "#1f2328",
        strokeWidth: 3,
        strokeColor: "#ffffff",
      },
    },
    edges: { smooth: physics ? { type: "continuous" } : false, selectionWidth: 2, hoverWidth: 1 },
    physics: physics
      ? {
          enabled: true,
          solver: "barnesHut",
          barnesHut: { gravitationalConstant: -6000, springLength: 110, springConstant: 0.03 },
          stabilization: { enabled: true, iterations: 400, updateInterval: 50, fit: true },
        }
      : { enabled: false },
    interaction: {
      hover: true,
      hideEdgesOnDrag: !physics,
      hideEdgesOnZoom: !physics,
      multiselect: false,
      keyboard: false,
    },
  };
  const container = document.getElementById("graphdyn-network");
  const network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);

  /* ---------- cards: tooltip and details ---------- */

  function kindTitle(kind) {
    return kind.charAt(0).toUpperCase() + kind.slice(1);
  }

  function statusTitle(status) {
    return status.replace("_", " ");
  }

  function rowsOf(labels, values) {
    return labels.map((label, i) => [label, values[i]]);
  }

  function card(title, subtitle, rows) {
    const box = el("div", "gd-card");
    box.appendChild(el("div", "gd-card-title", title));
    box.appendChild(el("div", "gd-card-subtitle", subtitle));
    const table = el("table");
    for (const [label, value] of rows) {
      const row = table.insertRow();
      row.appendChild(el("th", "", label));
      const cell = row.insertCell();
      cell.textContent = value;
      if (value === "n/a") cell.className = "gd-na";
    }
    box.appendChild(table);
    return box;
  }

  function nodeCard(id) {
    const n = nodeById.get(id);
    const degree = neighbours.get(id).length;
    const rows = [["Id", n.ident]].concat(rowsOf(data.fields.node[n.kind], n.values), [
      ["Connections", degree.toLocaleString("en")],
    ]);
    return card(n.name === null ? n.ident : n.name, kindTitle(n.kind), rows);
  }

  function edgeCard(id) {
    const e = edgeById.get(id);
    const title = nodeById.get(e.from).label + " \u2013 " + nodeById.get(e.to).label;
    const subtitle = e.kind === "tie" ? "Tie" : kindTitle(e.kind) + " link";
    if (e.hidden) {
      const rows = [];
      if (e.kind === "tie") {
        rows.push(["Status", e.status === null ? "n/a" : statusTitle(e.status)]);
        rows.push(["Trend", e.trend === null ? "n/a" : e.trend]);
      }
      rows.push(["Metrics", "not in this page (weaker than the ties drawn in the overview)"]);
      return card(title, subtitle, rows);
    }
    return card(title, subtitle, rowsOf(data.fields.edge[e.kind], e.values));
  }

  const tooltip = document.getElementById("graphdyn-tooltip");
  function showTooltip(content, pointer) {
    tooltip.replaceChildren(content);
    tooltip.hidden = false;
    const box = container.getBoundingClientRect();
    const x = Math.min(box.left + pointer.x + 14, window.innerWidth - tooltip.offsetWidth - 8);
    const y = Math.min(box.top + pointer.y + 14, window.innerHeight - tooltip.offsetHeight - 8);
    tooltip.style.left = Math.max(0, x) + "px";
    tooltip.style.top = Math.max(0, y) + "px";
  }
  function hideTooltip() {
    tooltip.hidden = true;
  }
  network.on("hoverNode", (p) => showTooltip(nodeCard(p.node), p.pointer.DOM));
  network.on("hoverEdge", (p) => showTooltip(edgeCard(p.edge), p.pointer.DOM));
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  const details = document.getElementById("graphdyn-details");
  function showDetails(id) {
    const actions = el("div", "gd-actions");
    const depth = el("select");
    depth.setAttribute("aria-label", "Hops");
    for (const hops of [1, 2, 3]) {
      const option = el("option", "", hops + (hops === 1 ? " hop" : " hops"));
      option.value = String(hops);
      depth.appendChild(option);
    }
    const egoButton = el("button", "", "Show neighbourhood");
    egoButton.type = "button";
    egoButton.addEventListener("click", () => showEgo(id, Number(depth.value)));
    const allButton = el("button", "", "Show all");
    allButton.type = "button";
    allButton.addEventListener("click", showAll);
    actions.append(egoButton, depth, allButton);
    details.replaceChildren(nodeCard(id), actions);
    details.hidden = false;
  }
  network.on("selectNode", (p) => showDetails(p.nodes[0]));
  network.on("deselectNode", (p) => {
    if (p.nodes.length === 0) details.hidden = true;
  });

  /* ---------- search ---------- */

  const searchInput = document.getElementById("graphdyn-search");
  const searchStatus = document.getElementById("graphdyn-search-status");
  const names = document.getElementById("graphdyn-names");
  const seenNames = new Set();
  for (const n of data.nodes) {
    const name = n.name === null ? n.ident : n.name;
    if (!seenNames.has(name)) {
      seenNames.add(name);
      const option = el("option");
      option.value = name;
      names.appendChild(option);
    }
  }
  let lastQuery = null;
  let matchIndex = 0;

  function search(query) {
    const q = query.trim().toLowerCase();
    if (!q) {
      searchStatus.textContent = "";
      return null;
    }
    const visible = new Set(nodesView.getIds());
    const exact = [];
    const partial = [];
    for (const n of data.nodes) {
      if (!visible.has(n.id)) continue;
      const texts = [n.name || "", n.label, n.ident, n.key].map((t) => t.toLowerCase());
      if (texts.includes(q)) exact.push(n.id);
      else if (texts.some((t) => t.includes(q))) partial.push(n.id);
    }
    const matches = exact.concat(partial);
    if (matches.length === 0) {
      searchStatus.textContent = "no visible match";
      return null;
    }
    matchIndex = q === lastQuery ? (matchIndex + 1) % matches.length : 0;
    lastQuery = q;
    const id = matches[matchIndex];
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showDetails(id);
    searchStatus.textContent = matchIndex + 1 + " of " + matches.length;
    return id;
  }

  document.getElementById("graphdyn-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    search(searchInput.value);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== searchInput) {
      event.preventDefault();
      searchInput.focus();
    } else if (event.key === "Escape") {
      hideTooltip();
      network.unselectAll();
      details.hidden = true;
    }
  });

  /* ---------- legend ---------- */

  function legendItem(swatch, text) {
    const item = el("li");
    item.append(swatch, el("span", "", text));
    return item;
  }

  function buildLegend() {
    const legend = document.getElementById("graphdyn-legend");
    const presentKinds = new Set(data.nodes.map((n) => n.kind));
    const nodeList = el("ul");
    for (const kind of KIND_ORDER) {
      if (kind === "other" && !presentKinds.has(kind)) continue;
      const swatch = el("span", "gd-swatch gd-swatch-" + kinds[kind].shape);
      swatch.style.background = kinds[kind].colour;
      const sizeBy = data.size_by[kind];
      const text = sizeBy === undefined ? kindTitle(kind) : `${kindTitle(kind)} (size: ${sizeBy})`;
      nodeList.appendChild(legendItem(swatch, text));
    }
    legend.append(el("h3", "", "Nodes"), nodeList);
    legend.appendChild(el("p", "", "A customer's border shows its status."));
    const edgeList = el("ul");
    for (const status of STATUS_ORDER) {
      const swatch = el("span", "gd-swatch gd-swatch-line");
      swatch.style.borderTopColor = statusColours[status];
      edgeList.appendChild(legendItem(swatch, statusTitle(status)));
    }
    const noStatus = el("span", "gd-swatch gd-swatch-line");
    noStatus.style.borderTopColor = statusColours.none;
    edgeList.appendChild(legendItem(noStatus, "no status"));
    const product = el("span", "gd-swatch gd-swatch-line");
    product.style.borderTopColor = statusColours.product;
    edgeList.appendChild(legendItem(product, "customer\u2013product"));
    const dashed = el("span", "gd-swatch gd-swatch-line gd-swatch-dashed");
    dashed.style.borderTopColor = statusColours.none;
    edgeList.appendChild(legendItem(dashed, "weakening tie"));
    legend.append(el("h3", "", "Ties"), edgeList);
    legend.appendChild(el("p", "", "Width: tie strength. Hover for metrics; click for details."));
  }

  /* ---------- filter controls ---------- */

  function distinct(values, order = []) {
    const set = new Set(values);
    const known = order.filter((v) => set.has(v));
    const rest = [...set]
      .filter((v) => v !== null && !order.includes(v))
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    return known.concat(rest, set.has(null) ? [null] : []);
  }

  function filterGroup(dimension, title, values, labelOf) {
    const group = el("fieldset");
    group.dataset.filter = dimension;
    group.appendChild(el("legend", "", title));
    for (const value of values) {
      const label = el("label");
      const box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = value === null ? "" : value;
      box.dataset.none = value === null ? "true" : "false";
      box.addEventListener("change", () => setFilter(dimension, value, box.checked));
      label.append(box, el("span", "", value === null ? NONE_LABEL : labelOf(value)));
      group.appendChild(label);
    }
    return group;
  }

  function buildFilters() {
    const filters = document.getElementById("graphdyn-filters");
    const customers = data.nodes.filter((n) => n.kind === "customer");
    const staff = data.nodes.filter((n) => n.kind === "staff");
    const ties = data.edges.filter((e) => e.kind === "tie");
    const kindsPresent = data.nodes.map((n) => n.kind);
    const hiddenTies = hiddenData.looks.filter((look) => look[0] === "tie");
    const statuses = customers
      .map((n) => n.status)
      .concat(
        ties.map((e) => e.status),
        hiddenTies.map((look) => look[1]),
      );
    const segments = customers.map((n) => n.segment);
    const teams = staff.map((n) => n.team);
    const groups = [
      ["kind", "Type", distinct(kindsPresent, KIND_ORDER), kindTitle],
      ["status", "Status (customers and ties)", distinct(statuses, STATUS_ORDER), statusTitle],
      ["segment", "Segment", distinct(segments), String],
      ["team", "Team", distinct(teams), String],
    ];
    for (const [dimension, title, values, labelOf] of groups) {
      if (values.length > 0) filters.appendChild(filterGroup(dimension, title, values, labelOf));
    }
  }

  /* ---------- notes, start-up ---------- */

  const notes = document.getElementById("graphdyn-notes");
  if (data.focus !== null) {
    const focus = nodeById.get(data.focus.id);
    const hops = data.focus.depth === 1 ? " hop" : " hops";
    const name = focus.name === null ? focus.ident : focus.name;
    const kind = focus.kind === "other" ? "node" : focus.kind;
    notes.appendChild(
      el("div", "gd-note", `Ego view of ${name} (${kind}), ${data.focus.depth}${hops}`),
    );
  }
  if (data.note !== null) {
    const shown = Object.values(data.counts).map((c) => countText(c, c.shown));
    const note = shown.join(", ") + ": " + data.note + ".";
    notes.appendChild(el("div", "gd-note", note));
  }

  buildLegend();
  buildFilters();
  refresh();

  function markReady() {
    network.once("afterDrawing", () => {
      window.graphdynReadyMs = performance.now();
      window.graphdynReady = true;
      document.body.dataset.ready = "true";
    });
  }
  if (physics && data.nodes.length > 0) network.once("stabilizationIterationsDone", markReady);
  else markReady();
  if (!physics) network.fit({ animation: false });

  window.graphdyn = {
    network: network,
    nodes: nodes,
    edges: edges,
    nodesView: nodesView,
    edgesView: edgesView,
    search: search,
    setFilter: setFilter,
    showEgo: showEgo,
    showAll: showAll,
    nodeIdOfKey: (k) => {
      const n = data.nodes.find((m) => m.key === k);
      return n === undefined ? null : n.id;
    },
  };
})();
