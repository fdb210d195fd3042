// Tally dashboard. No framework, no dependencies, no innerHTML: every value from the API becomes a text
// node, so a URL or an error message holding markup stays text. The function key (from ?code= once) is kept
// in sessionStorage for this tab only and sent as x-functions-key; it is never written into the page.
'use strict';

(() => {
  const KEY = 'tally.functionKey';
  const REFRESH_MS = 3000;
  const JOB_STATUSES = ['scheduled', 'queued', 'running', 'succeeded', 'failed', 'canceled'];
  const main = document.getElementById('main');
  const connection = document.getElementById('connection');
  const numbers = new Intl.NumberFormat();
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

  // --- The function key: taken from the address once, before anything else runs, then kept for this tab only. ---
  const address = new URL(location.href);
  if (address.searchParams.has('code')) {
    const code = address.searchParams.get('code');
    address.searchParams.delete('code');
    history.replaceState(null, '', address.pathname + address.search + address.hash); // first: the key leaves the address bar
    sessionStorage.setItem(KEY, code);
  }

  // --- Building the page: elements and text nodes only. ---
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
    append(element, children);
    return element;
  }

  function append(element, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  const count = (n) => (n === null || n === undefined ? '–' : numbers.format(n));
  const when = (t) => (t ? dateTime.format(new Date(t)) : '–');
  const statusBadge = (status) => h('span', { class: `status ${status}` }, status);
  const scroll = (label, table) => h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': label }, table);

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let value = n;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
    return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
  }

  function table(caption, headings, rows) {
    return h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headings.map(([text, cls]) => h('th', { scope: 'col', class: cls }, text)))),
      h('tbody', {}, rows));
  }

  // --- Talking to the API. ---
  class Unreachable extends Error {}
  class NeedsKey extends Error {}

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const key = sessionStorage.getItem(KEY);
    if (key) headers['x-functions-key'] = key;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (error) {
      throw new Unreachable(`the app does not answer (${error.message})`);
    }
    if (response.status === 401 || response.status === 403) throw new NeedsKey();
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (response.status >= 500) {
      throw new Unreachable(json && json.detail ? json.detail : `the app answered ${response.status}`);
    }
    online();
    return { status: response.status, ok: response.ok, body: json };
  }

  function online() {
    connection.classList.remove('offline');
    connection.textContent = `Live · updated ${clock.format(new Date())}`;
  }

  function offline(reason) {
    connection.classList.add('offline');
    connection.textContent = `Cannot reach Tally: ${reason}. Retrying every ${REFRESH_MS / 1000} s.`;
  }

  function problemMessage(response) {
    const problem = response.body || {};
    const errors = Array.isArray(problem.errors) ? problem.errors : [];
    return h('div', { class: 'message error', role: 'alert' },
      h('p', {}, problem.detail || `The app answered ${response.status}.`),
      errors.length ? h('ul', {}, errors.map((e) => h('li', {}, e))) : null);
  }

  // --- Views. Each renders its frame once and returns a refresh() that redraws only what changed. ---
  function heading(text) {
    const title = h('h1', {}, text);
    document.title = `${text} · Tally`;
    return title;
  }

  // Redraws a region only when its data changed, so a refresh never moves the keyboard focus for nothing.
  function region(label) {
    const element = h('div', { class: 'region', 'data-region': label });
    let last = null;
    element.show = (data, draw) => {
      const fingerprint = JSON.stringify(data);
      if (fingerprint === last) return;
      last = fingerprint;
      element.replaceChildren();
      append(element, [draw(data)]);
    };
    return element;
  }

  function overviewView() {
    const figures = region('Jobs by status');
    const queues = region('Queues');
    const hour = region('The last hour');
    const freshness = h('p', { class: 'note' });
    append(main, [
      heading('Overview'),
      h('h2', {}, 'Jobs'), figures,
      h('h2', {}, 'Queues'), queues,
      h('h2', {}, 'The last hour'), hour,
      freshness,
    ]);

    return async () => {
      const { body: o } = await api('GET', '/api/overview');
      const capped = Object.values(o.jobs).some((c) => c.capped);
      figures.show(o.jobs, (jobs) => h('div', {},
        h('dl', { class: 'figures' }, JOB_STATUSES.map((status) => h('div', {},
          h('dt', {}, status),
          h('dd', { 'data-status': status },
            h('a', { href: `#/jobs?status=${status}` }, `${count(jobs[status].count)}${jobs[status].capped ? '+' : ''}`))))),
        h('p', { class: 'note' }, 'Jobs requested within the results window. ',
          capped ? 'A count with + stopped at its cap: at least that many.' : 'Each count stops at 1,000 and then reads “1,000+”.')));
      queues.show([o.queue, o.poisonQueue], ([depth, poison]) => h('div', {},
        h('dl', { class: 'figures' },
          h('div', {}, h('dt', {}, 'Waiting messages'), h('dd', { 'data-figure': 'queue' }, count(depth))),
          h('div', {}, h('dt', {}, 'Poison messages'), h('dd', { 'data-figure': 'poison' }, count(poison)))),
        h('p', { class: 'note' }, 'Approximate: the queue service’s own estimate.')));
      hour.show(o.lastHour, (minutes) => throughput(minutes));
      const delay = Math.round(parseTimeSpan(o.throughputDelay));
      freshness.textContent = `Read at ${clock.format(new Date(o.asOf))}. Each instance writes its per-minute figures every ${delay} s, so the last few seconds may be missing; an instance that stops abruptly loses its unwritten seconds.`;
    };
  }

  function parseTimeSpan(text) {
    const [hours, minutes, seconds] = String(text).split(':').map(Number);
    return (hours * 60 + minutes) * 60 + seconds;
  }

  function throughput(minutes) {
    const sum = (field) => minutes.reduce((total, m) => total + m[field], 0);
    const succeeded = sum('succeeded');
    const failed = sum('failed');
    return h('div', {},
      h('dl', { class: 'figures' },
        h('div', {}, h('dt', {}, 'Jobs succeeded'), h('dd', { 'data-figure': 'succeeded' }, count(succeeded))),
        h('div', {}, h('dt', {}, 'Jobs failed'), h('dd', { 'data-figure': 'failed' }, count(failed))),
        h('div', {}, h('dt', {}, 'Words counted'), h('dd', { 'data-figure': 'words' }, count(sum('words')))),
        h('div', {}, h('dt', {}, 'Bytes fetched'), h('dd', { 'data-figure': 'bytes' }, bytes(sum('bytes'))))),
      h('div', { class: 'card' }, chart(minutes, succeeded + failed),
        h('p', { class: 'axis-labels', 'aria-hidden': 'true' }, h('span', {}, '60 min ago'), h('span', {}, 'now')),
        h('ul', { class: 'legend' },
          h('li', {}, h('span', { class: 'swatch succeeded' }), 'succeeded'),
          h('li', {}, h('span', { class: 'swatch failed' }), 'failed'))));
  }

  // Jobs finished per minute as an SVG bar chart (attributes only, so the style policy holds).
  function chart(minutes, total) {
    const svgNs = 'http://www.w3.org/2000/svg';
    const width = 600;
    const height = 160;
    const peak = Math.max(1, ...minutes.map((m) => m.succeeded + m.failed));
    const busiest = minutes.reduce((best, m) => (m.succeeded + m.failed > best.succeeded + best.failed ? m : best), minutes[0]);
    const label = total === 0
      ? 'Jobs finished per minute over the last hour: none.'
      : `Jobs finished per minute over the last hour: ${numbers.format(total)} in all, at most ${numbers.format(busiest.succeeded + busiest.failed)} in the minute from ${clock.format(new Date(busiest.minute))}.`;
    const svg = document.createElementNS(svgNs, 'svg');
    const set = (element, attributes) => { for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, String(v)); return element; };
    set(svg, { class: 'chart', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label, 'data-total': total });
    const slot = width / minutes.length;
    minutes.forEach((m, i) => {
      let top = height;
      for (const field of ['succeeded', 'failed']) {
        const barHeight = (m[field] / peak) * (height - 4);
        if (barHeight <= 0) continue;
        top -= barHeight;
        svg.append(set(document.createElementNS(svgNs, 'rect'), { class: field, x: i * slot + 1, y: top, width: Math.max(1, slot - 2), height: barHeight }));
      }
    });
    svg.append(set(document.createElementNS(svgNs, 'line'), { class: 'axis', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5 }));
    return svg;
  }

  // Newer/Older over a listing's continuation tokens: a stack of the tokens of the pages seen, so Newer can go back.
  function cursorPager(refresh) {
    const tokens = [null];
    const newer = h('button', { type: 'button', class: 'secondary', onclick: () => safely(() => { tokens.pop(); return refresh(); }) }, 'Newer');
    const older = h('button', { type: 'button', class: 'secondary', onclick: () => safely(() => { tokens.push(older.dataset.token); return refresh(); }) }, 'Older');
    return {
      element: h('div', { class: 'pager' }, newer, older),
      // The query parameter for the page on screen ('' for the first).
      query: () => (tokens[tokens.length - 1] ? `&continuation=${encodeURIComponent(tokens[tokens.length - 1])}` : ''),
      // Records what the page just read says about the next one.
      update(continuation) {
        newer.disabled = tokens.length === 1;
        older.disabled = !continuation;
        older.dataset.token = continuation || '';
      },
    };
  }

  function keyView(retry) {
    const input = h('input', { type: 'password', id: 'key', autocomplete: 'off', required: true });
    const form = h('form', { class: 'card' },
      h('p', {}, 'This app asks for its function key. It is kept in this browser tab only, and sent with each request.'),
      h('label', { for: 'key' }, 'Function key'), input,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Use this key')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim());
      retry();
    });
    main.replaceChildren(heading('Function key needed'), form);
    input.focus();
  }

  // --- Routing (#/section/id?query) and the refresh loop. ---
  let refresh = null;
  let generation = 0;

  function route() {
    generation++;
    const [path, search] = location.hash.replace(/^#/, '').split('?');
    const parts = (path || '/').split('/').filter(Boolean);
    const query = new URLSearchParams(search || '');
    main.replaceChildren();
    const section = parts[0] || 'overview';
    for (const link of document.querySelectorAll('nav a')) {
      if (link.dataset.section === section) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
    const kit = { main, h, api, append, region, table, scroll, heading, statusBadge, count, when, problemMessage, safely, cursorPager, dateTime, numbers };
    refresh = Object.hasOwn(window.TallyViews || {}, section) ? window.TallyViews[section](parts, query, kit) : overviewView(); // every other view is in a file of its own
    poll();
  }

  // Runs work for the view on screen; trouble reaching the app shows in the banner, a missing key asks for one.
  async function safely(work) {
    const mine = generation;
    try {
      await work();
    } catch (error) {
      if (mine !== generation) return;
      if (error instanceof NeedsKey) { refresh = null; keyView(route); return; }
      if (error instanceof Unreachable) { offline(error.message); return; }
      offline(`an unexpected answer (${error.message})`);
    }
  }

  // One poll at a time: the next is scheduled only once the previous has ended, so a slow answer never piles up
  // requests. A view that changes during a poll is read as soon as that poll ends.
  let polling = false;
  let pollAgain = false;
  let nextPoll = null;

  async function poll() {
    clearTimeout(nextPoll);
    if (polling) { pollAgain = true; return; }
    polling = true;
    try {
      if (refresh) await safely(refresh);
    } finally {
      polling = false;
    }
    if (pollAgain) { pollAgain = false; poll(); return; }
    nextPoll = setTimeout(poll, REFRESH_MS);
  }

  window.addEventListener('hashchange', () => { route(); main.focus({ preventScroll: true }); });
  route();
})();
