/* graphdyn staff overview: staff in team discs, the accounts to look at first, and one click
 * into any staff member's or customer's neighbourhood, drawn from the ties in the page.
 *
 * All user text (names, ids, teams, segments) reaches the DOM through textContent or
 * option.value, never through innerHTML; vis-network and the team discs draw it on the canvas.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("graphdyn-data").textContent);
  const style = data.style;
  const S = data.staff;
  const C = data.customers;
  const T = data.ties;
  const L = data.links;
  const A = data.accounts;
  const teams = data.teams;
  const STATUSES = data.statuses;
  const byValue = data.basis === "value";
  const nStaff = S.id.length;
  const nCustomers = C.id.length;
  const nTies = T.customer.length;
  const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
  const LINK_COLOUR = "#8c959f";
  const LABELS_PER_RING = 25;
  const RING_SPACING = 56;
  const SINGLE_COLOUR = "#6639ba"; // the border of whatever is, or carries, single-threaded

  /* ---------- the ties, both ways ---------- */

  // T lists each staff member's ties (T.offsets[i] to T.offsets[i + 1], strongest first);
  // tieStaff and the customer index below give the other direction.
  const tieStaff = new Int32Array(nTies);
  for (let i = 0; i < nStaff; i++) tieStaff.fill(i, T.offsets[i], T.offsets[i + 1]);
  const customerOffsets = new Int32Array(nCustomers + 1);
  for (const c of T.customer) customerOffsets[c + 1]++;
  for (let c = 0; c < nCustomers; c++) customerOffsets[c + 1] += customerOffsets[c];
  const customerTies = new Int32Array(nTies);
  const fill = customerOffsets.slice(0, nCustomers);
  for (let k = 0; k < nTies; k++) customerTies[fill[T.customer[k]]++] = k;

  function tiesOf(kind, index) {
    const ties = [];
    if (kind === "staff") {
      for (let k = T.offsets[index]; k < T.offsets[index + 1]; k++) ties.push(k);
    } else {
      for (let p = customerOffsets[index]; p < customerOffsets[index + 1]; p++) {
        ties.push(customerTies[p]);
      }
      ties.sort((a, b) => T.strength[b] - T.strength[a] || tieStaff[a] - tieStaff[b]);
    }
    return ties;
  }

  /* ---------- text ---------- */

  const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat("en");
  const NA = "n/a";

  function maxOf(values) {
    let most = 1e-9;
    for (const v of values) if (v > most) most = v;
    return most;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function amount(v) {
    return v === null ? NA : compact.format(v);
  }
  function count(v) {
    return v === null ? NA : whole.format(v);
  }
  function percent(v) {
    return v === null ? NA : (100 * v).toFixed(1) + "%";
  }
  function score(v) {
    return v === null ? NA : v.toFixed(2);
  }
  function statusText(code) {
    return code === null ? NA : STATUSES[code].replace("_", " ");
  }
  function staffName(i) {
    return S.name[i] === null ? S.id[i] : S.name[i];
  }
  function customerName(c) {
    return C.name[c] === null ? C.id[c] : C.name[c];
  }
  function teamName(t) {
    return teams === null ? null : teams.name[t];
  }
  const atStakeLabel = byValue ? "value at risk" : "strength at risk";
  function atStake(c) {
    return byValue ? C.value_at_risk[c] : C.strength_at_risk[c];
  }

  /* ---------- looks ---------- */

  function riskShare(i) {
    if (byValue) {
      const carried = S.carried_value[i];
      return carried > 0 ? S.carried_value_at_risk[i] / carried : null;
    }
    return S.carried[i] > 0 ? S.carried_at_risk[i] / S.carried[i] : null;
  }
  function riskColour(share) {
    const colours = style.risk_colours;
    if (share === null) return colours[colours.length - 1];
    let step = 0;
    while (step < style.risk_steps.length && share >= style.risk_steps[step]) step++;
    return colours[step];
  }
  const singleMax = maxOf(S.carried_single_threaded);

  function staffNode(i, x, y, size, labelled = true) {
    const single = S.carried_single_threaded[i];
    const fillColour = riskColour(riskShare(i));
    return {
      id: "s" + i,
      x: x,
      y: y,
      label: labelled ? staffName(i) + (S.left[i] === null ? "" : " (left)") : undefined,
      shape: "diamond",
      size: size === undefined ? S.size[i] : size,
      borderWidth: single > 0 ? 1.5 + 3.5 * Math.sqrt(single / singleMax) : 1,
      borderWidthSelected: 5,
      shapeProperties: { borderDashes: S.left[i] === null ? false : [5, 4] },
      color: {
        background: fillColour,
        border: single > 0 ? SINGLE_COLOUR : "#6e7781",
        highlight: { background: fillColour, border: "#0969da" },
        hover: { background: fillColour, border: "#0969da" },
      },
    };
  }

  function customerNode(c, x, y, size, labelled = true) {
    const fillColour = style.status_colours[STATUSES[C.status[c]]] || style.status_colours.none;
    const single = C.single_threaded[c] === 1;
    return {
      id: "c" + c,
      x: x,
      y: y,
      label: labelled ? customerName(c) : undefined,
      shape: "dot",
      size: size,
      borderWidth: single ? 3 : 1,
      borderWidthSelected: 4,
      color: {
        background: fillColour,
        border: single ? SINGLE_COLOUR : "#ffffff",
        highlight: { background: fillColour, border: "#0969da" },
        hover: { background: fillColour, border: "#0969da" },
      },
    };
  }

  function tieEdge(k, strong) {
    const colour = style.status_colours[STATUSES[T.status[k]]] || style.status_colours.none;
    const customer = "c" + T.customer[k];
    return {
      id: "t" + k,
      from: "s" + tieStaff[k],
      to: customer,
      width: 0.5 + 4 * (T.strength[k] / 1000),
      color: { color: colour, highlight: colour, hover: colour, opacity: strong ? 0.9 : 0.3 },
    };
  }

  /* ---------- the overview ---------- */

  function overviewData() {
    const nodes = [];
    for (let i = 0; i < nStaff; i++) nodes.push(staffNode(i, S.x[i], S.y[i]));
    const edges = [];
    const linkBasis = byValue ? L.shared_value : L.shared_customers;
    const linkMax = maxOf(linkBasis);
    for (let l = 0; l < L.a.length; l++) {
      edges.push({
        id: "l" + l,
        from: "s" + L.a[l],
        to: "s" + L.b[l],
        width: 0.5 + 5 * ((linkBasis[l] || 0) / linkMax),
        color: { color: LINK_COLOUR, highlight: "#0969da", hover: "#0969da", opacity: 0.35 },
      });
    }
    // Each picked account beside the person who carries it, away from the disc's centre.
    const fanned = new Map();
    for (let a = 0; a < A.customer.length; a++) {
      const c = A.customer[a];
      const carrier = C.carrier[c];
      if (carrier < 0) continue;
      if (!fanned.has(carrier)) fanned.set(carrier, []);
      fanned.get(carrier).push(c);
    }
    for (const [i, accounts] of fanned) {
      const centre =
        teams === null ? { x: 0, y: 0 } : { x: teams.x[S.team[i]], y: teams.y[S.team[i]] };
      const dx = S.x[i] - centre.x;
      const dy = S.y[i] - centre.y;
      const outward = dx === 0 && dy === 0 ? -Math.PI / 2 : Math.atan2(dy, dx);
      const distance = staffNode(i).size + 26;
      accounts.forEach((c, j) => {
        const angle = outward + (j - (accounts.length - 1) / 2) * 0.45;
        const x = S.x[i] + distance * Math.cos(angle);
        const y = S.y[i] + distance * Math.sin(angle);
        nodes.push(customerNode(c, x, y, 12));
        for (let p = customerOffsets[c]; p < customerOffsets[c + 1]; p++) {
          const k = customerTies[p];
          if (tieStaff[k] === i) edges.push(tieEdge(k, true));
        }
      });
    }
    return { nodes: nodes, edges: edges };
  }

  /* ---------- a neighbourhood ---------- */

  // Members on a sunflower spiral in a ring from `inner` outwards, in order: k-th at radius
  // sqrt(inner^2 + (k + 1/2) spacing^2 / pi), each with about spacing^2 of room.
  function ring(members, inner, spacing, place) {
    members.forEach((member, k) => {
      const r = Math.sqrt(inner * inner + ((k + 0.5) * spacing * spacing) / Math.PI);
      place(member, r * Math.cos(k * GOLDEN_ANGLE), r * Math.sin(k * GOLDEN_ANGLE));
    });
    return Math.sqrt(inner * inner + (members.length * spacing * spacing) / Math.PI);
  }

  function neighbourhood(kind, index, depth) {
    const other = (k) => (k === "staff" ? "customer" : "staff");
    const keyOf = (k, i) => (k === "staff" ? "s" : "c") + i;
    const hops = new Map([[keyOf(kind, index), 0]]);
    let frontier = [index];
    let frontierKind = kind;
    const rings = [];
    for (let hop = 1; hop <= depth; hop++) {
      const next = new Map(); // member -> ties to the hop before
      for (const i of frontier) {
        for (const k of tiesOf(frontierKind, i)) {
          const j = frontierKind === "staff" ? T.customer[k] : tieStaff[k];
          const key = keyOf(other(frontierKind), j);
          if (hops.has(key) && hops.get(key) < hop) continue;
          hops.set(key, hop);
          next.set(j, (next.get(j) || 0) + 1);
        }
      }
      // the first ring in the order of its ties to the centre (strongest first), the second
      // by how many ties it has to the first
      const members = [...next.keys()];
      if (hop > 1) members.sort((a, b) => next.get(b) - next.get(a) || a - b);
      rings.push({ kind: other(frontierKind), members: members });
      frontier = members;
      frontierKind = other(frontierKind);
    }
    const values = [];
    for (const r of rings) {
      if (r.kind === "customer") for (const c of r.members) values.push(C.value[c] || 0);
    }
    if (kind === "customer") values.push(C.value[index] || 0);
    const valueMax = maxOf(values);
    const customerSize = (c) =>
      byValue
        ? 6 + 16 * Math.sqrt((C.value[c] || 0) / valueMax)
        : 6 + 16 * (C.strength[c] === null ? 0 : C.strength[c]);
    const nodes = [
      kind === "staff"
        ? staffNode(index, 0, 0, 30)
        : customerNode(index, 0, 0, Math.max(18, customerSize(index))),
    ];
    // Labels for the few a reader looks for (the rest show their name on hover): customers
    // at risk, then the most valuable; the staff with most ties into the first ring.
    const labelled = new Set();
    for (const r of rings) {
      const ranked = [...r.members];
      if (r.kind === "customer") {
        const atRisk = (c) => (STATUSES[C.status[c]] === "at_risk" ? 1 : 0);
        const worth = (c) => (byValue ? C.value[c] || 0 : C.strength[c] || 0);
        ranked.sort((a, b) => atRisk(b) - atRisk(a) || worth(b) - worth(a) || a - b);
      }
      for (const m of ranked.slice(0, LABELS_PER_RING)) labelled.add(r.kind[0] + m);
    }
    let inner = 110;
    for (const r of rings) {
      const place =
        r.kind === "staff"
          ? (i, x, y) => nodes.push(staffNode(i, x, y, 14, labelled.has("s" + i)))
          : (c, x, y) => nodes.push(customerNode(c, x, y, customerSize(c), labelled.has("c" + c)));
      inner = ring(r.members, inner, RING_SPACING, place) + 140;
    }
    // every tie between two members: each member staff member's ties to member customers
    const edges = [];
    for (const [key, hop] of hops) {
      if (key[0] !== "s") continue;
      const i = Number(key.slice(1));
      for (let k = T.offsets[i]; k < T.offsets[i + 1]; k++) {
        const customerHop = hops.get("c" + T.customer[k]);
        if (customerHop !== undefined) edges.push(tieEdge(k, Math.min(hop, customerHop) === 0));
      }
    }
    return { nodes: nodes, edges: edges, rings: rings };
  }

  /* ---------- the network ---------- */

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const container = document.getElementById("graphdyn-network");
  const network = new vis.Network(
    container,
    { nodes: nodes, edges: edges },
    {
      autoResize: true,
      width: "100%",
      height: "100%",
      layout: { improvedLayout: false },
      physics: { enabled: false },
      nodes: {
        font: {
          size: 13,
          face: "system-ui, sans-serif",
          color: "#1f2328",
          strokeWidth: 3,
          strokeColor: "#ffffff",
        },
      },
      edges: { smooth: false, selectionWidth: 2, hoverWidth: 1 },
      interaction: { hover: true, multiselect: false, keyboard: false, hideEdgesOnDrag: true },
    },
  );

  let view = { mode: "overview", kind: null, index: null, depth: 1 };
  const counts = document.getElementById("graphdyn-counts");
  const notes = document.getElementById("graphdyn-notes");

  function draw(content) {
    hideTooltip();
    nodes.clear();
    edges.clear();
    nodes.add(content.nodes);
    edges.add(content.edges);
    network.fit({ animation: false });
  }

  function showOverview() {
    view = { mode: "overview", kind: null, index: null, depth: 1 };
    draw(overviewData());
    // The overview's counts are the page's own (data.counts, made with the Page in Python).
    counts.textContent = Object.values(data.counts)
      .map((c) => `${count(c.shown)} of ${count(c.total)} ${c.what}`)
      .join(", ");
    notes.replaceChildren(el("div", "gd-note", data.note));
    details.hidden = true;
  }

  function showEgo(kind, index, depth) {
    view = { mode: "ego", kind: kind, index: index, depth: depth };
    const content = neighbourhood(kind, index, depth);
    draw(content);
    network.selectNodes([(kind === "staff" ? "s" : "c") + index]);
    const name = kind === "staff" ? staffName(index) : customerName(index);
    const ringText = content.rings
      .map((r) => `${count(r.members.length)} ${r.kind === "staff" ? "staff" : "customers"}`)
      .join(", ");
    counts.textContent = `${count(nodes.length)} nodes, ${count(edges.length)} ties`;
    notes.replaceChildren(
      el(
        "div",
        "gd-note",
        `Neighbourhood of ${name} (${kind}), ${depth} ${depth === 1 ? "hop" : "hops"}: ` +
          (ringText || "no ties") +
          (data.ties_per_staff === null
            ? ""
            : `; of each staff member's ties, the ${count(data.ties_per_staff)} strongest ` +
              "are in the page"),
      ),
    );
    showDetails(kind, index);
  }

  /* ---------- cards: tooltip and details ---------- */

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
      if (value === NA) cell.className = "gd-na";
    }
    box.appendChild(table);
    return box;
  }

  // A count of ties, and how many of them the page holds when it holds fewer.
  function tieCount(total, inPage) {
    return inPage < total ? `${count(total)} (${count(inPage)} in the page)` : count(total);
  }

  function staffCard(i) {
    const rows = [
      ["Id", S.id[i]],
      ["Team", teams === null ? NA : teamName(S.team[i])],
      ["Role", S.role[i] === null ? NA : S.role[i].replaceAll("_", " ")],
      ["Customers (ties)", tieCount(S.customers[i], T.offsets[i + 1] - T.offsets[i])],
      ["Customers carried", count(S.carried[i])],
      ["Value carried", amount(S.carried_value[i])],
      ["Value at risk", amount(S.carried_value_at_risk[i])],
      ["Share at risk", percent(riskShare(i))],
      ["Carried at risk", count(S.carried_at_risk[i])],
      ["Single-threaded on them", count(S.carried_single_threaded[i])],
    ];
    if (S.left[i] !== null) rows.push(["Left", S.left[i].slice(0, 10)]);
    return card(staffName(i), "Staff", rows);
  }

  function customerCard(c) {
    const carrier = C.carrier[c];
    return card(customerName(c), "Customer", [
      ["Id", C.id[c]],
      ["Segment", C.segment[c] === null ? NA : C.segment[c]],
      ["Status", statusText(C.status[c])],
      ["Strength", score(C.strength[c])],
      ["Value", amount(C.value[c])],
      ["Value at risk", amount(C.value_at_risk[c])],
      ["Single-threaded", C.single_threaded[c] === 1 ? "yes" : "no"],
      ["Staff ties", tieCount(C.ties[c], customerOffsets[c + 1] - customerOffsets[c])],
      ["Carried by", carrier < 0 ? NA : staffName(carrier)],
    ]);
  }

  function edgeCard(id) {
    const k = Number(id.slice(1));
    if (id[0] === "l") {
      return card(`${staffName(L.a[k])} \u2013 ${staffName(L.b[k])}`, "Shared customers", [
        ["Customers", count(L.shared_customers[k])],
        ["Their value", amount(L.shared_value[k])],
      ]);
    }
    return card(`${customerName(T.customer[k])} \u2013 ${staffName(tieStaff[k])}`, "Tie", [
      ["Strength", score(T.strength[k] / 1000)],
      ["Status", statusText(T.status[k])],
    ]);
  }

  function nodeCard(id) {
    const index = Number(id.slice(1));
    return id[0] === "s" ? staffCard(index) : customerCard(index);
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
  function showDetails(kind, index) {
    const actions = el("div", "gd-actions");
    const hops = el("select");
    hops.setAttribute("aria-label", "Hops");
    for (const n of [1, 2]) {
      const option = el("option", "", n + (n === 1 ? " hop" : " hops"));
      option.value = String(n);
      option.selected = n === view.depth;
      hops.appendChild(option);
    }
    hops.addEventListener("change", () => showEgo(kind, index, Number(hops.value)));
    const back = el("button", "", "Back to overview");
    back.type = "button";
    back.addEventListener("click", showOverview);
    actions.append(hops, back);
    details.replaceChildren(kind === "staff" ? staffCard(index) : customerCard(index), actions);
    details.hidden = false;
  }

  // One click into a neighbourhood: a node of the overview, or another node of one.
  network.on("click", (p) => {
    if (p.nodes.length === 0) return;
    const id = p.nodes[0];
    const kind = id[0] === "s" ? "staff" : "customer";
    const index = Number(id.slice(1));
    if (view.mode === "ego" && view.kind === kind && view.index === index) return;
    showEgo(kind, index, view.mode === "ego" ? view.depth : 1);
  });

  /* ---------- team discs ---------- */

  network.on("beforeDrawing", (ctx) => {
    if (view.mode !== "overview" || teams === null) return;
    const fontSize = 14 / network.getScale();
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.font = `600 ${fontSize}px system-ui, sans-serif`;
    for (let t = 0; t < teams.name.length; t++) {
      ctx.beginPath();
      ctx.arc(teams.x[t], teams.y[t], teams.r[t], 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(9, 105, 218, 0.05)";
      ctx.fill();
      ctx.strokeStyle = "rgba(9, 105, 218, 0.35)";
      ctx.lineWidth = 1.5 / network.getScale();
      ctx.stroke();
      ctx.fillStyle = "#1f2328";
      ctx.fillText(teams.name[t], teams.x[t], teams.y[t] - teams.r[t] - 6 / network.getScale());
    }
    ctx.restore();
  });

  /* ---------- side panel: legend, teams, accounts ---------- */

  function swatch(className, colour, border) {
    const box = el("span", "gd-swatch " + className);
    if (colour) box.style.background = colour;
    if (border) box.style.border = border;
    return box;
  }
  function legendItem(box, text) {
    const item = el("li");
    item.append(box, el("span", "", text));
    return item;
  }

  function buildLegend() {
    const legend = document.getElementById("graphdyn-legend");
    const staffList = el("ul");
    const steps = style.risk_steps.map((s) => (100 * s).toFixed(0) + "%");
    const bands = [`under ${steps[0]}`];
    for (let s = 1; s < steps.length; s++) bands.push(`${steps[s - 1]} to ${steps[s]}`);
    bands.push(`${steps[steps.length - 1]} or more`, "carries no customer");
    bands.forEach((text, b) => {
      staffList.appendChild(legendItem(swatch("gd-swatch-diamond", style.risk_colours[b]), text));
    });
    const basisText = byValue ? "the value they carry" : "the customers they carry";
    legend.append(
      el("h3", "", "Staff"),
      el("p", "", `Size: ${basisText}. Fill: the share of it at risk.`),
      staffList,
      el(
        "p",
        "",
        "Purple border: carries single-threaded accounts (thicker: more). Dashed: has left.",
      ),
    );
    const customerList = el("ul");
    for (const status of STATUSES) {
      customerList.appendChild(
        legendItem(swatch("gd-swatch-dot", style.status_colours[status]), status.replace("_", " ")),
      );
    }
    legend.append(
      el("h3", "", "Customers and ties"),
      customerList,
      el("p", "", "Purple border: single-threaded. A tie's width is its strength."),
      el("h3", "", "Staff links"),
      el(
        "p",
        "",
        "Grey: staff sharing customers, each one's strongest by shared " +
          (byValue ? "value." : "customers."),
      ),
      el("p", "", "Click a staff member or customer to see their neighbourhood."),
    );
  }

  function listButton(title, subtitle, onClick) {
    const button = el("button", "gd-list-item");
    button.type = "button";
    button.append(el("span", "gd-list-title", title), el("span", "gd-list-subtitle", subtitle));
    button.addEventListener("click", onClick);
    return button;
  }

  function showTeam(t) {
    if (view.mode !== "overview") showOverview();
    const ids = [];
    for (let i = 0; i < nStaff; i++) if (S.team[i] === t) ids.push("s" + i);
    network.fit({ nodes: ids, animation: false });
    network.selectNodes(ids);
  }

  function buildPanel() {
    const panel = document.getElementById("graphdyn-filters");
    panel.replaceChildren();
    if (teams !== null) {
      const list = el("div", "gd-list");
      list.dataset.list = "teams";
      for (let t = 0; t < teams.name.length; t++) {
        const subtitle =
          `${count(teams.staff[t])} staff carrying ${count(teams.carried[t])} customers, ` +
          (byValue
            ? `${amount(teams.carried_value_at_risk[t])} value at risk`
            : `${count(teams.carried_at_risk[t])} at risk`);
        list.appendChild(listButton(teams.name[t], subtitle, () => showTeam(t)));
      }
      panel.append(el("h2", "", "Teams"), list);
    }
    const carriedBy = (c) =>
      C.carrier[c] < 0 ? "no staff member" : `carried by ${staffName(C.carrier[c])}`;
    const atRiskText = (c) =>
      `${byValue ? amount(atStake(c)) : score(atStake(c))} ${atStakeLabel}; ${carriedBy(c)}`;
    const singleText = (c) =>
      (byValue ? `${amount(C.value[c])} value, ` : "") +
      `${statusText(C.status[c])}; ${carriedBy(c)}`;
    const picked = [
      ["at-risk", "At risk", A.top_at_risk, `The ${data.top} with most ${atStakeLabel}.`],
      [
        "single-threaded",
        "Single-threaded",
        A.top_single_threaded,
        byValue ? `The ${data.top} of most value.` : `The ${data.top} weakest.`,
      ],
    ];
    const subtitles = { "at-risk": atRiskText, "single-threaded": singleText };
    for (const [name, title, chosen, explanation] of picked) {
      const list = el("div", "gd-list");
      list.dataset.list = name;
      for (let a = 0; a < A.customer.length; a++) {
        if (!chosen[a]) continue;
        const c = A.customer[a];
        const open = () => showEgo("customer", c, 1);
        list.appendChild(listButton(customerName(c), subtitles[name](c), open));
      }
      if (list.children.length === 0) list.appendChild(el("p", "gd-muted", "None."));
      panel.append(el("h2", "", title), el("p", "gd-muted gd-list-note", explanation), list);
    }
  }

  /* ---------- search ---------- */

  const searchInput = document.getElementById("graphdyn-search");
  const searchStatus = document.getElementById("graphdyn-search-status");
  searchInput.placeholder = "Find a staff member, team or customer  ( / )";
  const names = document.getElementById("graphdyn-names");
  const suggested = new Set();
  function suggest(text) {
    if (suggested.has(text)) return;
    suggested.add(text);
    const option = el("option");
    option.value = text;
    names.appendChild(option);
  }
  for (let i = 0; i < nStaff; i++) suggest(staffName(i));
  if (teams !== null) teams.name.forEach(suggest);
  for (const c of A.customer) suggest(customerName(c));

  const candidates = [];
  for (let i = 0; i < nStaff; i++) candidates.push(["staff", i, [S.name[i], S.id[i]]]);
  if (teams !== null) teams.name.forEach((name, t) => candidates.push(["team", t, [name]]));
  for (let c = 0; c < nCustomers; c++) candidates.push(["customer", c, [C.name[c], C.id[c]]]);
  let lastQuery = null;
  let matchIndex = 0;

  function search(query) {
    const q = query.trim().toLowerCase();
    if (!q) {
      searchStatus.textContent = "";
      return null;
    }
    const exact = [];
    const partial = [];
    for (const candidate of candidates) {
      const texts = candidate[2].filter((t) => t !== null).map((t) => t.toLowerCase());
      if (texts.includes(q)) exact.push(candidate);
      else if (texts.some((t) => t.includes(q))) partial.push(candidate);
    }
    const matches = exact.concat(partial);
    if (matches.length === 0) {
      searchStatus.textContent = "no match";
      return null;
    }
    matchIndex = q === lastQuery ? (matchIndex + 1) % matches.length : 0;
    lastQuery = q;
    const [kind, index] = matches[matchIndex];
    if (kind === "team") showTeam(index);
    else showEgo(kind, index, 1);
    searchStatus.textContent = matchIndex + 1 + " of " + matches.length;
    return kind + ":" + index;
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
      if (view.mode === "ego") showOverview();
    }
  });

  /* ---------- start-up ---------- */

  buildLegend();
  buildPanel();
  if (data.focus === null) showOverview();
  else showEgo(data.focus.kind, data.focus.index, data.focus.depth);
  network.once("afterDrawing", () => {
    window.graphdynReadyMs = performance.now();
    window.graphdynReady = true;
    document.body.dataset.ready = "true";
  });

  window.graphdyn = {
    network: network,
    nodes: nodes,
    edges: edges,
    search: search,
    showEgo: showEgo,
    showOverview: showOverview,
    showTeam: showTeam,
    view: () => Object.assign({}, view),
    staffIndex: (id) => S.id.indexOf(id),
    customerIndex: (id) => C.id.indexOf(id),
  };
})();
