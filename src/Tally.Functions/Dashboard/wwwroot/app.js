// Tally dashboard. No framework, no dependencies, no innerHTML: every value from the API becomes a text
// node, so a URL or an error message holding markup stays text. The function key (from ?code= once) is kept
// in sessionStorage for this tab only and sent as x-functions-key; it is never written into the page.
'use strict';

(() => {
  const KEY = 'tally.functionKey';
  const REFRESH_MS = 3000;
  const JOB_STATUSES = ['scheduled', 'queued', 'running', 'succeeded', 'failed', 'canceled'];
  const BATCH_STATUSES = ['running', 'pending', 'completed', 'failed', 'terminated'];
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

  function jobView(id) {
    const detail = region('Job');
    const message = h('div', { 'aria-live': 'polite' });
    const retry = h('button', { type: 'button', onclick: () => safely(() => act('POST', `/api/jobs/${id}/retry`, 'Retried: the job is queued again.')) }, 'Retry');
    const cancel = h('button', { type: 'button', class: 'danger', onclick: () => safely(() => act('DELETE', `/api/jobs/${id}`, 'Canceled.')) }, 'Cancel');
    append(main, [heading('Job'), h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')), detail, h('div', { class: 'actions' }, retry, cancel), message]);

    async function act(method, path, done) {
      const response = await api(method, path);
      message.replaceChildren(response.ok ? h('p', { class: 'message ok', role: 'status' }, done) : problemMessage(response));
      await refresh();
    }

    async function refresh() {
      const response = await api('GET', `/api/jobs/${encodeURIComponent(id)}`);
      if (!response.ok) {
        detail.show(response.body, () => problemMessage(response));
        retry.disabled = cancel.disabled = true;
        return;
      }
      const job = response.body;
      retry.disabled = !(job.status === 'failed' || job.status === 'canceled');
      cancel.disabled = job.status !== 'queued' && job.status !== 'scheduled';
      detail.show(job, (j) => h('div', { class: 'card' }, h('dl', { class: 'detail' },
        [['Id', j.id], ['Request', h('a', { href: `#/jobs?request=${j.requestId}` }, j.requestId)], ['URL', j.url], ['Status', statusBadge(j.status)], ['Attempts', count(j.attempts)],
          ['Words', count(j.words)], ['Bytes', count(j.bytes)], ['Content type', j.contentType || '–'], ['HTTP status', j.httpStatus ?? '–'],
          ['Error', j.error || '–'], ['Enqueued', when(j.enqueuedAt)], ['Started', when(j.startedAt)], ['Finished', when(j.finishedAt)],
          ['Kept until', when(j.expiresAt)]]
          .map(([term, value]) => [h('dt', {}, term), h('dd', { 'data-field': term.toLowerCase() }, value)]))));
    }
    return refresh;
  }

  function enqueueView() {
    const urls = h('textarea', { id: 'urls', name: 'urls', required: true, spellcheck: 'false', 'aria-describedby': 'urls-help' });
    const asBatch = h('input', { type: 'checkbox', id: 'as-batch' });
    const parallelism = h('input', { type: 'number', id: 'parallelism', min: 1, value: 16, disabled: true });
    const outcome = h('div', { 'aria-live': 'polite' });
    asBatch.addEventListener('change', () => { parallelism.disabled = !asBatch.checked; });
    const form = h('form', { class: 'card', novalidate: true },
      h('label', { for: 'urls' }, 'URLs'),
      h('p', { id: 'urls-help', class: 'note' }, 'One http:// or https:// address per line.'),
      urls,
      h('label', { class: 'inline', for: 'as-batch' }, asBatch, 'Run them as one batch (a Durable fan-out, with a total)'),
      h('label', { for: 'parallelism' }, 'Batch parallelism'),
      parallelism,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Enqueue')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      safely(send);
    });
    async function send() {
      const list = urls.value.split(/\r?\n/).map((u) => u.trim()).filter((u) => u.length > 0);
      const body = asBatch.checked ? { urls: list, maxParallelism: Number(parallelism.value) } : list.length === 1 ? { url: list[0] } : { urls: list };
      const response = await api('POST', asBatch.checked ? '/api/batches' : '/api/jobs', body);
      if (!response.ok) {
        outcome.replaceChildren(problemMessage(response));
        return;
      }
      const created = asBatch.checked ? [] : response.body.jobs || [response.body];
      outcome.replaceChildren(h('div', { class: 'message ok', role: 'status' },
        asBatch.checked
          ? h('p', {}, 'Batch started: ', h('a', { href: `#/batches/${response.body.id}` }, response.body.id))
          : [h('p', {}, `${numbers.format(created.length)} job${created.length === 1 ? '' : 's'} enqueued:`),
            h('ul', {}, created.map((job) => h('li', {}, h('a', { href: `#/jobs/${job.id}` }, job.id), ' ', job.url)))]));
      urls.value = '';
    }
    append(main, [heading('Enqueue'), form, outcome]);
    return null;
  }

  function batchesView(query) {
    const status = BATCH_STATUSES.includes(query.get('status')) ? query.get('status') : null;
    const list = region('Batches');
    const pager = cursorPager(refresh);
    append(main, [
      heading('Batches'),
      h('ul', { class: 'tabs', 'aria-label': 'Status' },
        h('li', {}, h('a', { href: '#/batches', 'aria-current': status === null ? 'page' : false }, 'all')),
        BATCH_STATUSES.map((s) => h('li', {}, h('a', { href: `#/batches?status=${s}`, 'aria-current': s === status ? 'page' : false }, s)))),
      list,
      pager.element,
    ]);

    async function refresh() {
      const { body } = await api('GET', `/api/batches?limit=20${status ? `&status=${status}` : ''}${pager.query()}`);
      pager.update(body.continuation);
      // A listing carries no progress; read it for the batches on screen that have not finished.
      const rows = await Promise.all(body.batches.map(async (b) => {
        if (b.status !== 'running' && b.status !== 'pending') return { ...b, progress: null };
        const detail = await api('GET', `/api/batches/${b.id}`);
        return { ...b, progress: detail.ok ? detail.body.progress : null };
      }));
      list.show(rows, (batches) => batches.length === 0
        ? h('p', { class: 'empty' }, status ? `No ${status} batches.` : 'No batches yet.')
        : scroll('Batches', table('Batches, newest first',
          [['Batch'], ['Status'], ['Progress'], ['Started', 'hide-narrow'], ['Updated', 'hide-narrow']],
          batches.map((b) => h('tr', { 'data-batch': b.id },
            h('td', {}, h('a', { href: `#/batches/${b.id}` }, b.id.slice(0, 13) + '…')),
            h('td', {}, statusBadge(b.status)),
            h('td', {}, b.progress ? progress(b.progress, `Progress of batch ${b.id}`) : '–'),
            h('td', { class: 'hide-narrow' }, when(b.createdAt)),
            h('td', { class: 'hide-narrow' }, when(b.lastUpdatedAt)))))));
    }
    return refresh;
  }

  function progress(p, label) {
    return [
      h('progress', { max: Math.max(1, p.total), value: p.done, 'aria-label': label }),
      h('span', { class: 'progress-text' }, `${numbers.format(p.done)} of ${numbers.format(p.total)}${p.failed ? `, ${numbers.format(p.failed)} failed` : ''}`),
    ];
  }

  function batchView(id) {
    const PAGE = 20;
    let offset = 0;
    const summary = region('Batch');
    const results = region('Pages');
    const message = h('div', { 'aria-live': 'polite' });
    const terminate = h('button', { type: 'button', class: 'danger', onclick: () => safely(async () => {
      const response = await api('DELETE', `/api/batches/${id}`);
      message.replaceChildren(response.ok ? h('p', { class: 'message ok', role: 'status' }, 'Terminating: running pages stop, nothing more is fetched.') : problemMessage(response));
      await refresh();
    }) }, 'Terminate');
    const previous = h('button', { type: 'button', class: 'secondary', onclick: () => safely(() => { offset = Math.max(0, offset - PAGE); return refresh(); }) }, 'Previous pages');
    const next = h('button', { type: 'button', class: 'secondary', onclick: () => safely(() => { offset += PAGE; return refresh(); }) }, 'Next pages');
    append(main, [
      heading('Batch'), h('p', {}, h('a', { href: '#/batches' }, '← All batches')),
      summary, h('div', { class: 'actions' }, terminate), message,
      h('h2', {}, 'Pages'), results, h('div', { class: 'pager' }, previous, next),
    ]);

    async function refresh() {
      const response = await api('GET', `/api/batches/${encodeURIComponent(id)}/pages?offset=${offset}&limit=${PAGE}`);
      const batch = await api('GET', `/api/batches/${encodeURIComponent(id)}`);
      if (!batch.ok || !response.ok) {
        summary.show(batch.body, () => problemMessage(batch.ok ? response : batch));
        terminate.disabled = previous.disabled = next.disabled = true;
        return;
      }
      const b = batch.body;
      terminate.disabled = !(b.status === 'running' || b.status === 'pending');
      summary.show([b.status, b.progress, b.result && b.result.totalWords, b.error], () => h('div', { class: 'card' }, h('dl', { class: 'detail' },
        h('dt', {}, 'Id'), h('dd', {}, b.id),
        h('dt', {}, 'Status'), h('dd', { 'data-field': 'status' }, statusBadge(b.status)),
        h('dt', {}, 'Progress'), h('dd', { 'data-field': 'progress' }, progress(b.progress, 'Pages done')),
        h('dt', {}, 'Words'), h('dd', {}, b.result ? count(b.result.totalWords) : '–'),
        h('dt', {}, 'Started'), h('dd', {}, when(b.createdAt)),
        b.error ? [h('dt', {}, 'Error'), h('dd', {}, b.error)] : null)));
      const p = response.body;
      previous.disabled = offset === 0;
      next.disabled = offset + p.pages.length >= p.total || p.pages.length === 0;
      results.show([p.offset, p.pages], () => p.pages.length === 0
        ? h('p', { class: 'empty' }, b.status === 'completed' ? 'No pages.' : 'Per-page results appear when the batch completes.')
        : [h('p', { class: 'note' }, `Pages ${numbers.format(p.offset + 1)}–${numbers.format(p.offset + p.pages.length)} of ${numbers.format(p.total)}`),
          scroll('Per-page results', table('Per-page results', [['#', 'num'], ['URL'], ['Words', 'num'], ['Bytes', 'num hide-narrow'], ['Error']],
            p.pages.map((page, i) => h('tr', {},
              h('td', { class: 'num' }, numbers.format(p.offset + i + 1)),
              h('td', { class: 'url' }, page.url),
              h('td', { class: 'num' }, count(page.words)),
              h('td', { class: 'num hide-narrow' }, count(page.bytes)),
              h('td', { class: 'error' }, page.error || '')))))]);
    }
    return refresh;
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
    if (section === 'jobs' && parts[1]) refresh = jobView(parts[1]);
    else if (section === 'batches' && parts[1]) refresh = batchView(parts[1]);
    else if (section === 'batches') refresh = batchesView(query);
    else if (section === 'enqueue') refresh = enqueueView();
    else if (window.TallyViews && Object.hasOwn(window.TallyViews, section)) { // views in files of their own (jobs.js, schedules.js, deliveries.js, origins.js)
      refresh = window.TallyViews[section](parts, query, { main, h, api, append, region, table, scroll, heading, statusBadge, count, when, problemMessage, safely, cursorPager, dateTime });
    }
    else refresh = overviewView();
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
