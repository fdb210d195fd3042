// Tally dashboard: the Jobs section at scale. Find a job by id or a request by id; a status's jobs, narrowed to one
// origin host; a request's jobs; bulk retry and cancel run on the server (POST /api/jobs/actions/…, 1,000 jobs a
// call) after a dry run has counted them and a confirmation has stated the count; and one job, with Retry and Cancel.
// It registers its view for app.js, which loads after it, and builds the page with app.js's kit: elements and text
// nodes only, no innerHTML.
'use strict';

window.TallyViews = Object.assign(window.TallyViews || {}, {
  jobs(parts, query, kit) {
    const { main, h, api, append, region, table, scroll, heading, statusBadge, count, when, problemMessage, safely, cursorPager } = kit;
    if (parts[1]) return jobView(parts[1]);
    const STATUSES = ['scheduled', 'queued', 'running', 'succeeded', 'failed', 'canceled'];
    const JOB_ID = /^[0-9a-f]{32}$/;
    const REQUEST_ID = /^[0-9a-f]{28}$/;
    const request = REQUEST_ID.test(query.get('request') || '') ? query.get('request') : null;
    const status = STATUSES.includes(query.get('status')) ? query.get('status') : (request ? null : 'queued');
    const origin = (query.get('origin') || '').trim() || null;
    const list = region('Jobs');
    const message = h('div', { 'aria-live': 'polite' });
    const pager = cursorPager(refresh);

    // --- Find: a job id opens the job, a request id lists the request's jobs. ---
    const findInput = h('input', { type: 'search', id: 'find', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'find-help', value: request || '' });
    const findForm = h('form', { class: 'card search', role: 'search' },
      h('label', { for: 'find' }, 'Find a job or a request'),
      h('p', { id: 'find-help', class: 'note' }, 'A job id (32 hex digits) opens the job; a request id (28, a job’s requestId) lists its jobs.'),
      h('div', { class: 'inline-form' }, findInput, h('button', { type: 'submit' }, 'Find')));
    findForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const id = findInput.value.trim().toLowerCase();
      if (JOB_ID.test(id)) location.hash = `#/jobs/${id}`;
      else if (REQUEST_ID.test(id)) location.hash = `#/jobs?request=${id}`;
      else message.replaceChildren(h('p', { class: 'message error', role: 'alert' }, `“${id}” is neither a job id (32 hex digits) nor a request id (28).`));
    });

    const listing = (extra) => `#/jobs?${new URLSearchParams({ ...(status ? { status } : {}), ...(origin ? { origin } : {}), ...(request ? { request } : {}), ...extra })}`;

    if (request) {
      append(main, [
        heading('Request'), findForm,
        h('p', {}, h('a', { href: '#/jobs' }, '← All jobs')),
        h('p', {}, 'The jobs of request ', h('code', {}, request), ', in the order given.'),
        h('ul', { class: 'tabs', 'aria-label': 'Status' },
          h('li', {}, h('a', { href: `#/jobs?request=${request}`, 'aria-current': status === null ? 'page' : false }, 'all')),
          STATUSES.map((s) => h('li', {}, h('a', { href: `#/jobs?request=${request}&status=${s}`, 'aria-current': s === status ? 'page' : false }, s)))),
        h('div', { class: 'actions' },
          h('button', { type: 'button', onclick: () => safely(() => bulk('retry', { request }, 'failed jobs of this request')) }, 'Retry failed jobs…'),
          h('button', { type: 'button', class: 'danger', onclick: () => safely(() => bulk('cancel', { request }, 'queued jobs of this request')) }, 'Cancel queued jobs…')),
        message, list, pager.element,
      ]);
    } else {
      const originInput = h('input', { type: 'text', id: 'origin', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'origin-help', value: origin || '' });
      const originForm = h('form', { class: 'card' },
        h('label', { for: 'origin' }, 'Origin host'),
        h('p', { id: 'origin-help', class: 'note' }, 'example.com (any scheme and port), example.com:8080 or https://example.com; empty for every origin.'),
        h('div', { class: 'inline-form' }, originInput, h('button', { type: 'submit' }, 'Filter')));
      originForm.addEventListener('submit', (event) => {
        event.preventDefault();
        const value = originInput.value.trim();
        location.hash = `#/jobs?${new URLSearchParams({ status, ...(value ? { origin: value } : {}) })}`;
      });
      append(main, [
        heading('Jobs'), findForm,
        h('ul', { class: 'tabs', 'aria-label': 'Status' }, STATUSES.map((s) =>
          h('li', {}, h('a', { href: listing({ status: s }), 'aria-current': s === status ? 'page' : false }, s)))),
        originForm,
        status === 'failed' ? rangeForm() : null,
        message, list, pager.element,
      ]);
    }

    // Retry every failed job whose request was made in a time range (each end optional).
    function rangeForm() {
      const from = h('input', { type: 'datetime-local', id: 'range-from', step: 1 });
      const to = h('input', { type: 'datetime-local', id: 'range-to', step: 1 });
      const form = h('form', { class: 'card' },
        h('p', {}, 'Retry every failed job whose request was made in a time range (your local time; leave an end empty for no bound).'),
        h('div', { class: 'inline-form' },
          h('label', { for: 'range-from' }, 'From'), from,
          h('label', { for: 'range-to' }, 'To'), to,
          h('button', { type: 'submit' }, 'Retry failed jobs in range…')));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const filter = { status: 'failed' };
        if (from.value) filter.from = new Date(from.value).toISOString();
        if (to.value) filter.to = new Date(to.value).toISOString();
        safely(() => bulk('retry', filter, 'failed jobs requested in that range'));
      });
      return form;
    }

    // Counts with dry runs, states the count, and only then acts: both follow the server's continuations.
    async function bulk(action, filter, what) {
      const counted = await calls(action, { ...filter, dryRun: true });
      if (!counted) return;
      if (counted.matched === 0) {
        message.replaceChildren(h('p', { class: 'message ok', role: 'status' }, `No ${what} to ${action}.`));
        return;
      }
      const verb = action === 'retry' ? 'Retry' : 'Cancel';
      const noun = `${count(counted.matched)} ${counted.matched === 1 ? 'job' : 'jobs'}`;
      if (!await confirm(`${verb} ${noun}: the ${what}?`, `${verb} ${noun}`)) return;
      const done = await calls(action, filter);
      if (!done) return;
      message.replaceChildren(h('p', { class: 'message ok', role: 'status' },
        `${action === 'retry' ? 'Retried' : 'Canceled'} ${count(done.changed)} of ${count(done.matched)} matched${done.changed < done.matched ? ' (another caller changed the others first)' : ''}.`));
      await refresh();
    }

    async function calls(action, body) {
      const total = { matched: 0, changed: 0 };
      let continuation = null;
      do {
        const response = await api('POST', `/api/jobs/actions/${action}`, continuation ? { ...body, continuation } : body);
        if (!response.ok) {
          message.replaceChildren(problemMessage(response));
          return null;
        }
        total.matched += response.body.matched;
        total.changed += response.body.changed;
        continuation = response.body.continuation || null;
      } while (continuation);
      return total;
    }

    // A modal dialog that states what will happen; resolves true only when its action button is pressed.
    function confirm(text, yes) {
      return new Promise((resolve) => {
        const dialog = h('dialog', { 'aria-labelledby': 'confirm-text' },
          h('p', { id: 'confirm-text' }, text),
          h('form', { method: 'dialog', class: 'actions' },
            h('button', { type: 'submit', value: 'yes', class: 'danger' }, yes),
            h('button', { type: 'submit', value: 'no', class: 'secondary', autofocus: true }, 'Keep them')));
        dialog.addEventListener('close', () => { dialog.remove(); resolve(dialog.returnValue === 'yes'); });
        main.append(dialog);
        dialog.showModal();
      });
    }

    async function refresh() {
      const parameters = new URLSearchParams({ limit: '20', ...(status ? { status } : {}), ...(request ? { request } : {}), ...(origin && !request ? { origin } : {}) });
      const response = await api('GET', `/api/jobs?${parameters}${pager.query()}`);
      if (!response.ok) {
        list.show(response.body, () => problemMessage(response));
        pager.update(null);
        return;
      }
      const body = response.body;
      pager.update(body.continuation);
      const label = request ? `Jobs of request ${request}` : `${status} jobs${origin ? ` of ${origin}` : ''}`;
      list.show([body.jobs, Boolean(body.continuation)], ([jobs, more]) => jobs.length === 0
        ? h('p', { class: 'empty' }, `No ${label.charAt(0).toLowerCase()}${label.slice(1)}${more ? ' on this page: an origin search reads 1,000 jobs a page, so Older reads on.' : '.'}`)
        : scroll(label, table(request ? label : `${label}, newest first`,
          [['Job'], ['URL'], ['Status'], ['Attempts', 'num hide-narrow'], ['Words', 'num'], ['Enqueued', 'hide-narrow']],
          jobs.map((job) => h('tr', { 'data-job': job.id },
            h('td', {}, h('a', { href: `#/jobs/${job.id}` }, job.id.slice(0, 12) + '…')),
            h('td', { class: 'url' }, job.url),
            h('td', {}, statusBadge(job.status)),
            h('td', { class: 'num hide-narrow' }, count(job.attempts)),
            h('td', { class: 'num' }, count(job.words)),
            h('td', { class: 'hide-narrow' }, when(job.enqueuedAt)))))));
    }
    return refresh;

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
  },
});
