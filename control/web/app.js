// vigil's page. It polls GET /api/v1/programs, posts to /api/v1/control
// and follows a program's log; it is the API's client and nothing more, so
// whatever it shows, `init ctl` can show too. Text goes into the page as
// text (textContent), never as HTML: program names and output are data.
"use strict";

const POLL_MS = 1000;
const HIDDEN_POLL_MS = 5000; // a background tab need not keep init busy
const LOG_TAIL_BYTES = 16384;
const LOG_KEEP_CHARS = 256 * 1024; // a chatty program must not fill the tab's memory
const RECONNECT_MS = 2000;

const $ = (id) => document.getElementById(id);
const rows = new Map(); // program name -> {tr, cells}
const pastTense = { start: "started", stop: "stopped", restart: "restarted" };
const signalNames = { 1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 6: "ABRT", 8: "FPE", 9: "KILL", 10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM" };

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// setText and setClass touch the DOM only on change: rows are updated in
// place every second, and rewriting them would reset a screen reader's
// position and the keyboard focus.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setClass(node, className) {
  if (node.className !== className) node.className = className;
}

async function errorText(res) {
  try {
    const body = await res.json();
    if (body.error) return `${body.error.message} (${body.error.code})`;
  } catch (_) {
    // not JSON: the status says enough
  }
  return `HTTP ${res.status} ${res.statusText}`;
}

function duration(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
  const s = String(seconds % 60).padStart(2, "0");
  return `${h}:${m}:${s}`;
}

// lastExit reads init's 128+N convention for a death by signal N.
function lastExit(code) {
  if (code < 0) return "–";
  const sig = signalNames[code - 128];
  return sig ? `${code} (SIG${sig})` : String(code);
}

// ---- programs table

function actionButton(verb, names, label, text) {
  const b = el("button", "", text);
  b.type = "button";
  b.dataset.verb = verb;
  b.dataset.names = names;
  b.setAttribute("aria-label", label);
  return b;
}

function makeRow(name) {
  const tr = el("tr");
  tr.dataset.name = name;
  const cells = {};
  const nameCell = el("th", "name", name);
  nameCell.scope = "row";
  tr.append(nameCell);
  for (const key of ["group", "state", "pid", "uptime", "restarts", "exit", "health", "ready", "desc"]) {
    cells[key] = el("td", key);
    tr.append(cells[key]);
  }
  for (const key of ["pid", "uptime", "restarts", "exit"]) cells[key].classList.add("num");
  cells.stateBadge = el("span");
  cells.state.append(cells.stateBadge);
  cells.healthBadge = el("span");
  cells.health.append(cells.healthBadge);
  cells.readyBadge = el("span");
  cells.readyWhy = el("small");
  cells.ready.append(cells.readyBadge, cells.readyWhy);
  const actions = el("td");
  const box = el("div", "actions-cell");
  for (const verb of ["start", "stop", "restart"]) {
    const text = verb[0].toUpperCase() + verb.slice(1);
    box.append(actionButton(verb, name, `${text} ${name}`, text));
  }
  const logButton = el("button", "", "Log");
  logButton.type = "button";
  logButton.dataset.log = name;
  logButton.setAttribute("aria-label", `Show the log of ${name}`);
  box.append(logButton);
  actions.append(box);
  tr.append(actions);
  return { tr, cells };
}

function updateRow({ cells }, p) {
  setText(cells.group, p.group === p.name ? "–" : p.group);
  setText(cells.stateBadge, p.state);
  setClass(cells.stateBadge, `badge state-${p.state}`);
  setText(cells.pid, p.pid ? String(p.pid) : "–");
  setText(cells.uptime, p.uptime > 0 ? duration(p.uptime) : "–");
  setText(cells.restarts, String(p.restarts));
  setText(cells.exit, lastExit(p.exitcode));
  setText(cells.healthBadge, p.health === "none" ? "–" : p.health);
  setClass(cells.healthBadge, p.health === "none" ? "" : `badge health-${p.health}`);
  setText(cells.readyBadge, p.ready ? "ready" : "not ready");
  setClass(cells.readyBadge, `badge ready-${p.ready ? "yes" : "no"}`);
  // "state FATAL" only repeats the state column; "waiting for db" tells more.
  const why = p.ready || !p.why || p.why === `state ${p.state}` ? "" : p.why;
  setText(cells.readyWhy, why);
  setText(cells.desc, p.description);
}

function renderPrograms(programs) {
  const body = $("program-rows");
  const names = new Set(programs.map((p) => p.name));
  for (const [name, row] of rows) {
    if (!names.has(name)) {
      row.tr.remove();
      rows.delete(name);
    }
  }
  for (const p of programs) {
    if (!rows.has(p.name)) rows.set(p.name, makeRow(p.name));
    updateRow(rows.get(p.name), p);
  }
  // Rows move only when the order changed: moving a row blurs its buttons.
  const order = programs.map((p) => rows.get(p.name).tr);
  if (order.some((tr, i) => body.children[i] !== tr) || body.children.length !== order.length) {
    body.replaceChildren(...order);
  }
  if (programs.length === 0) {
    const td = el("td", "", "No programs are configured.");
    td.colSpan = 11;
    const tr = el("tr", "empty");
    tr.append(td);
    body.replaceChildren(tr);
  }
}

function renderCounts(programs) {
  const running = programs.filter((p) => p.state === "RUNNING").length;
  const fatal = programs.filter((p) => p.state === "FATAL").length;
  setText($("count-running"), String(running));
  setText($("count-fatal"), String(fatal));
  setText($("count-not-running"), String(programs.length - running - fatal));
}

// renderGroups lists only real groups: a program alone in a group of its
// own name already has its buttons in the table.
function renderGroups(programs) {
  const groups = new Map();
  for (const p of programs) {
    if (!groups.has(p.group)) groups.set(p.group, []);
    groups.get(p.group).push(p.name);
  }
  const real = [...groups].filter(([g, members]) => members.length > 1 || members[0] !== g);
  const key = JSON.stringify(real);
  const list = $("group-list");
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...real.map(([g, members]) => {
    const li = el("li");
    li.append(el("strong", "", g), el("span", "members", members.join(", ")));
    const box = el("div", "actions");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", `Group ${g}`);
    for (const verb of ["start", "stop", "restart"]) {
      const text = verb[0].toUpperCase() + verb.slice(1);
      box.append(actionButton(verb, `${g}:*`, `${text} group ${g}`, text));
    }
    li.append(box);
    return li;
  }));
  $("groups").hidden = real.length === 0;
}

function render(programs) {
  renderPrograms(programs);
  renderCounts(programs);
  renderGroups(programs);
  syncLogPrograms(programs.map((p) => p.name));
}

function setConnection(message) {
  const c = $("connection");
  setText(c, message);
  c.hidden = message === "";
}

// An action's refresh runs beside the polling one; an older answer that
// arrives last must not undo a newer one.
let asked = 0;
let shown = 0;

async function refresh() {
  const seq = ++asked;
  try {
    const res = await fetch("/api/v1/programs", { cache: "no-store" });
    if (!res.ok) throw new Error(await errorText(res));
    const programs = await res.json();
    if (seq < shown) return;
    shown = seq;
    render(programs);
    setConnection("");
  } catch (e) {
    setConnection(`Cannot get the programs from init: ${e.message}`);
  }
}

async function pollLoop() {
  await refresh();
  setTimeout(pollLoop, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
}

async function showInit() {
  try {
    const res = await fetch("/api/v1/init", { cache: "no-store" });
    if (!res.ok) return;
    const info = await res.json();
    const since = info.started ? new Date(info.started * 1000).toLocaleString() : "?";
    setText($("init-info"), `init pid ${info.pid}, started ${since}${info.shutting_down ? ", shutting down" : ""}`);
  } catch (_) {
    // the table's connection message already tells
  }
}

// ---- actions

function setStatus(message, isError) {
  const s = $("status");
  s.classList.toggle("error", Boolean(isError));
  s.textContent = message;
}

function describeResults(verb, results) {
  if (results.length === 0) return "nothing to do";
  const done = results.filter((r) => !r.error).map((r) => r.name);
  const parts = done.length ? [`${done.join(", ")}: ${pastTense[verb] || verb}`] : [];
  for (const r of results.filter((x) => x.error)) parts.push(`${r.name}: ${r.error.message} (${r.error.code})`);
  return parts.join("; ");
}

// act waits for the programs to get there (wait: true), so the status
// line tells the outcome, not merely that init took the request. The
// button is marked busy with aria-disabled: disabling it would throw the
// keyboard focus out of it.
async function act(button) {
  if (button.getAttribute("aria-disabled") === "true") return;
  const verb = button.dataset.verb;
  const label = button.getAttribute("aria-label");
  const row = button.closest("tr");
  button.setAttribute("aria-disabled", "true");
  if (row) row.setAttribute("aria-busy", "true");
  setStatus(`${label}…`);
  try {
    const res = await fetch("/api/v1/control", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ verb, names: [button.dataset.names], wait: true }),
    });
    if (!res.ok) {
      setStatus(`${label}: ${await errorText(res)}`, true);
      return;
    }
    const { results } = await res.json();
    setStatus(describeResults(verb, results), results.some((r) => r.error));
  } catch (e) {
    setStatus(`${label}: ${e.message}`, true);
  } finally {
    button.removeAttribute("aria-disabled");
    if (row) row.removeAttribute("aria-busy");
    refresh();
  }
}

// ---- log

const log = { name: "", stream: "stdout", ctrl: null, paused: false, pending: "", carry: "", chars: 0 };

// ANSI matches CSI (colours, cursor moves), OSC (titles, links) and the
// two-byte escapes; a log shows their text, not their effects.
const ANSI = /\x1b(?:\[[0-?]*[ -\/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

// clean strips escapes and control characters. An escape cut in two by
// the stream's chunks is held back until its end arrives.
function clean(text) {
  let s = (log.carry + text).replace(ANSI, "");
  log.carry = "";
  const esc = s.lastIndexOf("\x1b");
  if (esc >= 0 && s.length - esc < 64 && !s.includes("\n", esc)) {
    log.carry = s.slice(esc);
    s = s.slice(0, esc);
  }
  return s.replace(/\r\n?/g, "\n").replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}

function setLogState(message) {
  setText($("log-state"), message);
}

function appendLog(text) {
  if (!text) return;
  const pre = $("log-text");
  const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 32;
  pre.append(text);
  log.chars += text.length;
  while (log.chars > LOG_KEEP_CHARS && pre.firstChild) {
    log.chars -= pre.firstChild.textContent.length;
    pre.firstChild.remove();
  }
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}

function addLog(text) {
  const s = clean(text);
  if (!log.paused) {
    appendLog(s);
    return;
  }
  log.pending = (log.pending + s).slice(-LOG_KEEP_CHARS);
  setLogState(`paused, ${log.pending.length} characters held`);
}

function clearLog() {
  $("log-text").replaceChildren();
  log.chars = 0;
  log.pending = "";
  log.carry = "";
}

// follow (re)starts the tail of the chosen log. A stream that ends (init
// restarted its listener, the network dropped) is picked up again from a
// fresh tail after a pause.
function follow() {
  if (log.ctrl) log.ctrl.abort();
  log.ctrl = null;
  clearLog();
  if (!log.name) {
    setLogState("");
    return;
  }
  const ctrl = new AbortController();
  log.ctrl = ctrl;
  readLog(ctrl).then((retry) => {
    if (retry && log.ctrl === ctrl) setTimeout(() => log.ctrl === ctrl && follow(), RECONNECT_MS);
  });
}

// readLog returns whether to try again.
async function readLog(ctrl) {
  const url = `/api/v1/programs/${encodeURIComponent(log.name)}/log/${log.stream}?bytes=${LOG_TAIL_BYTES}&follow=1`;
  setLogState("connecting…");
  try {
    const res = await fetch(url, { signal: ctrl.signal, cache: "no-store" });
    if (!res.ok) {
      setLogState(await errorText(res));
      return false;
    }
    setLogState(log.paused ? "paused" : `following ${log.name} ${log.stream}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      addLog(decoder.decode(value, { stream: true }));
    }
    setLogState("the log stream ended; reconnecting…");
  } catch (e) {
    if (ctrl.signal.aborted) return false;
    setLogState(`log stream lost (${e.message}); reconnecting…`);
  }
  return !ctrl.signal.aborted;
}

function togglePause() {
  const b = $("log-pause");
  log.paused = !log.paused;
  b.textContent = log.paused ? "Resume" : "Pause";
  b.classList.toggle("paused", log.paused);
  if (log.paused) {
    setLogState("paused");
    return;
  }
  appendLog(log.pending);
  log.pending = "";
  if (log.ctrl) setLogState(`following ${log.name} ${log.stream}`);
}

function syncLogPrograms(names) {
  const select = $("log-program");
  const have = [...select.options].map((o) => o.value);
  if (have.join("\n") !== names.join("\n")) {
    select.replaceChildren(...names.map((n) => new Option(n, n)));
  }
  const next = names.includes(log.name) ? log.name : names[0] || "";
  if (next !== log.name) {
    log.name = next;
    follow();
  }
  if (select.value !== log.name) select.value = log.name;
}

function showLog(name) {
  log.name = name;
  $("log-program").value = name;
  follow();
  $("log").scrollIntoView({ block: "start" });
  $("log-program").focus();
}

// ---- wiring

function init() {
  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    const actionBtn = target && target.closest("button[data-verb]");
    if (actionBtn) act(actionBtn);
    const logBtn = target && target.closest("button[data-log]");
    if (logBtn) showLog(logBtn.dataset.log);
  });
  $("log-program").addEventListener("change", (e) => {
    log.name = e.target.value;
    follow();
  });
  $("log-stream").addEventListener("change", (e) => {
    log.stream = e.target.value;
    follow();
  });
  $("log-pause").addEventListener("click", togglePause);
  $("log-clear").addEventListener("click", () => {
    $("log-text").replaceChildren();
    log.chars = 0;
    log.pending = "";
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  showInit();
  pollLoop();
}

init();
