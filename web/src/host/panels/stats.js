// Audience statistics of the current session: chat.getRoomStats(groupID, {orderBy, top: 10}),
// refreshed every 10 s and on demand; totals and the top users (by nickname, as the chat
// shows them; the user id on hover).
import { busy, formatNumber, h, replace } from '../../shared/dom.js';
import { showError } from '../feedback.js';
import { card } from './card.js';

const REFRESH_MS = 10_000;

/** @param {number} secs */
function duration(secs) {
  if (!secs) return '0s';
  const hh = Math.floor(secs / 3600);
  const mm = Math.floor((secs % 3600) / 60);
  const ss = Math.floor(secs % 60);
  return hh ? `${hh}h ${mm}m` : mm ? `${mm}m ${ss}s` : `${ss}s`;
}

const TOTALS = /** @type {const} */ ([
  ['OnlineNum', 'Online now', formatNumber],
  ['PeakOnline', 'Peak online', formatNumber],
  ['Viewers', 'Viewers', formatNumber],
  ['Joins', 'Joins', formatNumber],
  ['AvgOnlineSecs', 'Avg. watch time', duration],
  ['Messages', 'Messages', formatNumber],
  ['Likes', 'Likes', formatNumber],
  ['Gifts', 'Gifts', formatNumber],
  ['GiftValue', 'Gift value', formatNumber],
  ['Popularity', 'Popularity', formatNumber],
]);

/** @param {import('./card.js').PanelContext} ctx */
export function statsPanel({ chat, groupID }) {
  const orderBy = h('select', { class: 'hp-input hp-select', 'data-host': 'stats-order', 'aria-label': 'Rank top users by' },
    [['GiftValue', 'by gift value'], ['Gifts', 'by gifts'], ['Messages', 'by messages'], ['Likes', 'by likes'], ['OnlineTime', 'by watch time']]
      .map(([v, t]) => h('option', { value: v, text: t })));
  const refresh = h('button', { type: 'button', class: 'hp-btn hp-btn-small', 'data-host': 'stats-refresh', text: 'Refresh' });
  const totals = h('div', { class: 'hp-stat-grid', 'data-host': 'stats-totals' });
  const top = h('tbody');
  const updated = h('span', { class: 'hp-muted' });
  const table = h('table', { class: 'hp-table', 'data-host': 'stats-top' },
    h('thead', {}, h('tr', {},
      h('th', { text: '#' }), h('th', { text: 'User' }), h('th', { class: 'hp-num', text: 'Lv' }),
      h('th', { class: 'hp-num', text: 'Gift value' }), h('th', { class: 'hp-num', text: 'Gifts' }),
      h('th', { class: 'hp-num', text: 'Msgs' }), h('th', { class: 'hp-num', text: 'Likes' }), h('th', { class: 'hp-num', text: 'Watched' }),
    )),
    top,
  );

  let failed = false;
  /** Counts requests: only the reply of the latest one is shown. */
  let latest = 0;
  /** The latest request has not answered yet. */
  let inFlight = false;
  let stopped = false;

  /**
   * Asks for the statistics. A periodic poll is skipped while a request is out; a refresh the
   * host asked for (or a new ranking, or a new session) asks again, and the replies of older
   * requests are then dropped, so an answer never replaces a newer one.
   * @param {boolean} poll
   */
  async function load(poll) {
    if (stopped || (poll && inFlight)) return;
    const mine = ++latest;
    inFlight = true;
    try {
      const res = await chat.getRoomStats(groupID, { orderBy: orderBy.value, top: 10 });
      if (mine !== latest || stopped) return;
      render(res.data || {});
      failed = false;
    } catch (err) {
      if (mine !== latest || stopped) return;
      // A periodic refresh reports a failure once, not every 10 s.
      if (!failed) showError(err, 'Reading the statistics');
      failed = true;
    } finally {
      if (mine === latest) inFlight = false;
    }
  }
  const refreshNow = () => load(false);

  /** @param {Record<string, any>} d */
  function render(d) {
    replace(totals, TOTALS.map(([key, name, fmt]) => h('div', { class: 'hp-stat', 'data-stat': key },
      h('div', { class: 'hp-stat-value', text: fmt(d[key] ?? 0) }),
      h('div', { class: 'hp-stat-label', text: name }),
    )));
    const users = Array.isArray(d.TopUsers) ? d.TopUsers : [];
    replace(top, users.length
      ? users.map((u, i) => h('tr', { 'data-user': String(u.User_Account) },
        h('td', { class: 'hp-rank', text: String(i + 1) }),
        h('td', { class: 'hp-user-cell', title: String(u.User_Account) },
          h('span', { class: 'hp-nick', 'data-host': 'stats-nick', text: String(u.NickName || u.User_Account) })),
        h('td', { class: 'hp-num' }, h('span', { class: 'hp-level', text: String(u.Level ?? '') })),
        h('td', { class: 'hp-num', text: formatNumber(u.GiftValue) }),
        h('td', { class: 'hp-num', text: formatNumber(u.Gifts) }),
        h('td', { class: 'hp-num', text: formatNumber(u.Messages) }),
        h('td', { class: 'hp-num', text: formatNumber(u.Likes) }),
        h('td', { class: 'hp-num', text: duration(u.OnlineSecs || 0) }),
      ))
      : h('tr', {}, h('td', { colSpan: 8, class: 'hp-empty', text: 'No activity yet this session.' })));
    updated.textContent = `Session ${d.Session ?? '?'} · updated ${new Date().toLocaleTimeString()}`;
  }

  refresh.addEventListener('click', () => busy(refresh, refreshNow));
  orderBy.addEventListener('change', refreshNow);
  const timer = setInterval(() => load(true), REFRESH_MS);
  refreshNow();

  const element = card('Statistics', { id: 'stats', dataHost: 'stats', subtitle: updated, aside: h('div', { class: 'hp-row hp-row-tight' }, orderBy, refresh) },
    totals,
    h('div', { class: 'hp-table-wrap' }, table),
  );
  return {
    element,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    load: refreshNow,
  };
}
