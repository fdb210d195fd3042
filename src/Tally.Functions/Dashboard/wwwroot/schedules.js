// Tally dashboard: the schedules page (#/schedules, #/schedules/{name}). It registers a view that app.js routes to,
// and builds the page with app.js's own helpers, so values from the API stay text nodes here too.
'use strict';

(() => {
  const views = (window.TallyViews = window.TallyViews || {});

  views.schedules = (parts, query, kit) => (parts[1] ? scheduleView(decodeURIComponent(parts[1]), kit) : schedulesView(kit));

  const when = (kit, instant) => (instant ? kit.dateTime.format(new Date(instant)) : '–');

  function schedulesView(kit) {
    const { h, api, region, heading, main } = kit;
    const list = region('Schedules');
    main.append(heading('Schedules'), list);
    return async function refresh() {
      const { body } = await api('GET', '/api/schedules?limit=100');
      list.show(body.schedules, (schedules) => (schedules.length === 0
        ? h('p', { class: 'empty' }, 'No schedules. Create one with PUT /api/schedules/{name}.')
        : h('table', {},
          h('caption', {}, 'Schedules, by name'),
          h('thead', {}, h('tr', {}, ['Name', 'Cron', 'Time zone', 'Mode', 'URLs', 'State', 'Next run'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, schedules.map((s) => h('tr', {},
            h('td', {}, h('a', { href: `#/schedules/${encodeURIComponent(s.name)}` }, s.name)),
            h('td', {}, h('code', {}, s.cron)),
            h('td', {}, s.timeZone),
            h('td', {}, s.mode),
            h('td', {}, String(s.urlCount)),
            h('td', {}, s.paused ? 'paused' : 'active'),
            h('td', {}, when(kit, s.nextRuns[0]))))))));
    };
  }

  function scheduleView(name, kit) {
    const { h, api, region, heading, main, problemMessage, safely } = kit;
    const details = region('Schedule');
    const runs = region('Recent runs');
    const message = h('div', { 'aria-live': 'polite' });
    const path = `/api/schedules/${encodeURIComponent(name)}`;
    const button = (label, action, done) => h('button', {
      type: 'button',
      onclick: () => safely(async () => {
        const response = await api('POST', `${path}/${action}`);
        message.replaceChildren(response.ok ? h('p', { class: 'message ok', role: 'status' }, done) : problemMessage(response));
        await refresh();
      }),
    }, label);
    const pause = button('Pause', 'pause', 'Paused: its occurrences are skipped.');
    const resume = button('Resume', 'resume', 'Resumed: occurrences count from now.');
    const trigger = button('Run now', 'trigger', 'A run was created.');
    main.append(heading(`Schedule ${name}`), h('div', { class: 'actions' }, pause, resume, trigger), message, details, runs);

    async function refresh() {
      const response = await api('GET', path);
      if (!response.ok) {
        details.show(response.body, () => problemMessage(response));
        return;
      }
      const s = response.body;
      pause.disabled = s.paused;
      resume.disabled = !s.paused;
      details.show(s, () => h('div', {},
        h('dl', { class: 'details' }, [['Cron', s.cron], ['Time zone', s.timeZone], ['Mode', s.mode], ['URLs', String(s.urlCount)], ['State', s.paused ? 'paused' : 'active']]
          .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))),
        h('h2', {}, 'Next occurrences'),
        s.nextRuns.length === 0 ? h('p', { class: 'empty' }, 'None while paused.') : h('ol', { class: 'next-runs' }, s.nextRuns.map((at) => h('li', {}, when(kit, at))))));
      runs.show(s.runs, (items) => h('div', {},
        h('h2', {}, 'Recent runs'),
        items.length === 0 ? h('p', { class: 'empty' }, 'No runs yet.') : h('table', {},
          h('caption', {}, 'Recent runs, newest first'),
          h('thead', {}, h('tr', {}, ['Due', 'Started', 'Status', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, items.map((run) => h('tr', {},
            h('td', {}, when(kit, run.dueAt), run.triggered ? ' (run now)' : ''),
            h('td', {}, when(kit, run.startedAt)),
            h('td', {}, kit.statusBadge(run.status)),
            h('td', {}, run.batch
              ? h('a', { href: `#/batches/${encodeURIComponent(run.batch)}` }, run.batch)
              : (run.jobs || []).map((id, i) => [i > 0 ? ' ' : '', h('a', { href: `#/jobs/${encodeURIComponent(id)}` }, id)]).flat())))))));
    }
    return refresh;
  }
})();
