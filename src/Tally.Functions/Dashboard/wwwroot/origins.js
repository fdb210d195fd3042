// Tally dashboard: the Origins view (GET /api/origins). The origins with fetches in flight or paused, across every
// instance, with their current limit and any pause and its reason. It registers its view for app.js, which loads after it,
// and builds the page with app.js's kit: text nodes only.
'use strict';

window.TallyViews = Object.assign(window.TallyViews || {}, {
  origins(parts, query, kit) {
    const { h, api, heading, region, scroll, table, count, when, main } = kit;
    const list = region('Origins');
    main.append(
      heading('Origins'),
      list,
      h('p', { class: 'note' },
        'Origins with fetches in flight or paused, across every instance, as of their last renewal (every 2 s). ',
        'The limit adapts: a 429, a 5xx or a failed connection halves it, successes raise it again.'));

    return async () => {
      const { body } = await api('GET', '/api/origins');
      list.show(body.origins, (origins) => (origins.length === 0
        ? h('p', {}, 'No origin has fetches in flight or is paused.')
        : scroll('Origins', table('Origins with fetches in flight or paused',
          [['Origin'], ['In flight', 'num'], ['Limit', 'num'], ['Paused until'], ['Reason']],
          origins.map((o) => h('tr', {},
            h('td', {}, o.origin),
            h('td', { class: 'num' }, count(o.inFlight)),
            h('td', { class: 'num' }, count(o.limit)),
            h('td', {}, when(o.pausedUntil)),
            h('td', {}, o.reason || '–')))))));
    };
  },
});
