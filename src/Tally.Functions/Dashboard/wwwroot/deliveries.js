// Tally dashboard: the Deliveries section, the callback delivery log with redeliver. It registers its view for app.js,
// which loads after it, and builds the page with app.js's kit: elements and text nodes only, no innerHTML.
'use strict';

window.TallyViews = Object.assign(window.TallyViews || {}, {
  deliveries(parts, query, kit) {
    const { h, api, append, region, table, scroll, heading, statusBadge, count, when, problemMessage, safely, cursorPager } = kit;
    const STATES = ['failed', 'pending', 'delivered'];
    const state = STATES.includes(query.get('status')) ? query.get('status') : 'failed';
    const list = region(`Deliveries ${state}`);
    const message = h('div', { 'aria-live': 'polite' });
    const pager = cursorPager(refresh);
    append(kit.main, [
      heading('Deliveries'),
      h('p', {}, 'Callback calls, newest first. Redeliver calls a delivered or failed one again, under the same webhook-id.'),
      h('ul', { class: 'tabs', 'aria-label': 'State' }, STATES.map((s) =>
        h('li', {}, h('a', { href: `#/deliveries?status=${s}`, 'aria-current': s === state ? 'page' : false }, s)))),
      message,
      list,
      pager.element,
    ]);

    // A job (32 digits) or a batch (b…) links to its page; a request (callbackMode "request") has none.
    function resourceLink(id) {
      const short = id.slice(0, 12) + '…';
      if (id.startsWith('b')) return h('a', { href: `#/batches/${id}` }, short);
      return id.length === 32 ? h('a', { href: `#/jobs/${id}` }, short) : h('span', { title: id }, short);
    }

    async function redeliver(id) {
      const response = await api('POST', `/api/deliveries/${encodeURIComponent(id)}/redeliver`);
      message.replaceChildren(response.ok
        ? h('p', { class: 'message ok', role: 'status' }, `Redelivering ${id}.`)
        : problemMessage(response));
      await refresh();
    }

    async function refresh() {
      const { body } = await api('GET', `/api/deliveries?status=${state}&limit=20${pager.query()}`);
      pager.update(body.continuation);
      list.show(body.deliveries, (deliveries) => deliveries.length === 0
        ? h('p', { class: 'empty' }, `No ${state} deliveries on this page.`)
        : scroll(`${state} deliveries`, table(`${state} deliveries, newest first`,
          [['Event'], ['For'], ['URL'], ['State'], ['Attempts', 'num'], ['Last answer', 'hide-narrow'], ['Created', 'hide-narrow'], ['']],
          deliveries.map((d) => h('tr', { 'data-delivery': d.id },
            h('td', {}, d.type),
            h('td', {}, resourceLink(d.resourceId)),
            h('td', { class: 'url' }, d.url),
            h('td', {}, statusBadge(d.state)),
            h('td', { class: 'num' }, count(d.attempts)),
            h('td', { class: 'hide-narrow' }, d.lastError || (d.lastStatus ? `HTTP ${d.lastStatus}` : '–')),
            h('td', { class: 'hide-narrow' }, when(d.createdAt)),
            h('td', {}, d.state === 'pending' ? '' : h('button', {
              type: 'button', class: 'secondary', 'aria-label': `Redeliver ${d.type} for ${d.resourceId}`, onclick: () => safely(() => redeliver(d.id)),
            }, 'Redeliver')))))));
    }
    return refresh;
  },
});
