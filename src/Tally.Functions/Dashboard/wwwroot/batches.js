// Tally dashboard: the Batches section: recent batches a page at a time, with the progress of those still running, and
// one batch with its per-page results and Terminate. It registers its view for app.js, which loads after it, and builds
// the page with app.js's kit: elements and text nodes only, no innerHTML.
'use strict';

window.TallyViews = Object.assign(window.TallyViews || {}, {
  batches(parts, query, kit) {
    const { main, h, api, append, region, table, scroll, heading, statusBadge, count, when, problemMessage, safely, cursorPager, numbers } = kit;
    const BATCH_STATUSES = ['running', 'pending', 'completed', 'failed', 'terminated'];
    return parts[1] ? batchView(parts[1]) : batchesView(query);

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
  },
});
