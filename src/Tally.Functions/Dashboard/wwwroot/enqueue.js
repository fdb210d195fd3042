// Tally dashboard: the Enqueue form: URLs as jobs, or as one batch with its parallelism. It registers its view for
// app.js, which loads after it, and builds the page with app.js's kit: elements and text nodes only, no innerHTML.
'use strict';

window.TallyViews = Object.assign(window.TallyViews || {}, {
  enqueue(parts, query, kit) {
    const { main, h, api, append, heading, problemMessage, safely, numbers } = kit;
    return enqueueView();

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
  },
});
