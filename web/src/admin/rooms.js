// The app's rooms with their live state, online count and popularity:
// group_open_http_svc/get_appid_group_list, then liveroom_ext/get_live_states in batches of 100.
import { attemptLoad } from './feedback.js';
import { busy, formatNumber, formatTime, h, replace } from '../shared/dom.js';

/** @typedef {import('./api.js').RestClient} RestClient */

/** Rooms listed at most (ids beyond are counted, not shown). */
const MAX_ROOMS = 2000;
const BATCH = 100;

/**
 * @typedef {Object} RoomRow
 * @property {string} GroupId
 * @property {number} ErrorCode
 * @property {string} [ErrorInfo]
 * @property {string} [Name]
 * @property {{State: string, Session: number, Since: number}|null} [LiveState]
 * @property {number} [MemberNum]
 * @property {number} [Popularity]
 */

/**
 * The rooms panel.
 * @returns {{element: HTMLElement, load: (rest: RestClient) => Promise<void>, reset: () => void}}
 */
export function roomsPanel() {
  /** The app picked last, which Refresh reads. @type {RestClient|null} */
  let client = null;
  /** Counts loads and resets: the reply of a load that is no longer the latest is dropped. */
  let generation = 0;
  /** @type {RoomRow[]} */
  let rows = [];
  let total = 0;

  const body = h('tbody');
  const table = h('table', { class: 'ad-table ad-rooms', 'data-admin': 'rooms' },
    h('thead', {}, h('tr', {},
      h('th', { text: 'Room' }), h('th', { text: 'State' }), h('th', { class: 'ad-num', text: 'Session' }),
      h('th', { class: 'ad-num', text: 'Online' }), h('th', { class: 'ad-num', text: 'Popularity' }),
      h('th', { text: 'Since' }), h('th', { text: '' }),
    )),
    body,
  );
  const summary = h('span', { class: 'ad-muted', 'data-admin': 'rooms-summary' });
  const filter = h('input', { class: 'ad-input ad-input-small', type: 'search', placeholder: 'Filter by id or name', 'data-admin': 'rooms-filter', 'aria-label': 'Filter rooms' });
  filter.addEventListener('input', render);
  const refresh = h('button', { type: 'button', class: 'ad-btn', 'data-admin': 'rooms-refresh', text: 'Refresh' });
  refresh.addEventListener('click', () => {
    const rest = client;
    if (rest) busy(refresh, () => load(rest));
  });

  const element = h('section', { class: 'ad-card', id: 'rooms' },
    h('header', { class: 'ad-card-head' },
      h('div', {}, h('h2', { text: 'Rooms' }), summary),
      h('div', { class: 'ad-actions' }, filter, refresh),
    ),
    h('div', { class: 'ad-table-wrap' }, table),
  );

  function render() {
    const q = filter.value.trim().toLowerCase();
    const shown = q ? rows.filter((r) => r.GroupId.toLowerCase().includes(q) || String(r.Name ?? '').toLowerCase().includes(q)) : rows;
    replace(body, shown.map(roomRow));
    if (!shown.length) {
      body.appendChild(h('tr', {}, h('td', { colSpan: 7, class: 'ad-empty', text: rows.length ? 'No room matches the filter.' : 'No rooms yet.' })));
    }
    const live = rows.filter((r) => r.LiveState?.State === 'Live').length;
    const online = rows.reduce((n, r) => n + (r.MemberNum || 0), 0);
    summary.textContent = `${total} room${total === 1 ? '' : 's'} · ${live} live · ${online.toLocaleString()} online`
      + (total > rows.length ? ` · first ${rows.length} shown` : '')
      + ` · updated ${new Date().toLocaleTimeString()}`;
  }

  /** @param {RestClient} rest */
  async function load(rest) {
    const mine = ++generation;
    const current = () => mine === generation;
    client = rest;
    await attemptLoad('Loading the rooms', current, async () => {
      /** @type {string[]} */
      const ids = [];
      let next = 0;
      let count = 0;
      for (;;) {
        const page = await rest.call('group_open_http_svc', 'get_appid_group_list', { Limit: 1000, Next: next });
        if (!current()) return;
        count = Number(page.TotalCount) || 0;
        for (const g of page.GroupIdList || []) if (ids.length < MAX_ROOMS) ids.push(String(g.GroupId));
        next = Number(page.Next) || 0;
        if (!next || ids.length >= MAX_ROOMS || !(page.GroupIdList || []).length) break;
      }
      count = Math.max(count, ids.length);
      /** @type {RoomRow[]} */
      const out = [];
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH);
        const res = await rest.call('liveroom_ext', 'get_live_states', { GroupIdList: batch });
        if (!current()) return;
        /** @type {Map<string, RoomRow>} */
        const byId = new Map((res.Rooms || []).map((/** @type {RoomRow} */ r) => [String(r.GroupId), r]));
        for (const id of batch) out.push(byId.get(id) || { GroupId: id, ErrorCode: -1, ErrorInfo: 'no answer' });
      }
      rows = out;
      total = count;
      render();
    });
  }

  /** Forgets the app shown, until the next load. */
  function reset() {
    generation += 1;
    client = null;
    rows = [];
    total = 0;
    replace(body);
    summary.textContent = '…';
  }

  return { element, load, reset };
}

/** @param {RoomRow} r */
function roomRow(r) {
  const state = r.ErrorCode ? 'Error' : r.LiveState?.State || 'Upcoming';
  const id = encodeURIComponent(r.GroupId);
  return h('tr', { 'data-room-id': r.GroupId, 'data-state': state },
    h('td', {},
      h('div', { class: 'ad-room-id ad-mono', text: r.GroupId }),
      r.ErrorCode ? h('div', { class: 'ad-hint ad-danger', text: `${r.ErrorCode}: ${r.ErrorInfo || ''}` })
        : r.Name ? h('div', { class: 'ad-hint', text: r.Name }) : null,
    ),
    h('td', {}, h('span', { class: `ad-badge ad-state-${state.toLowerCase()}`, text: state })),
    h('td', { class: 'ad-num', text: r.LiveState ? String(r.LiveState.Session) : '—' }),
    h('td', { class: 'ad-num', 'data-admin': 'room-online', text: formatNumber(r.MemberNum) }),
    h('td', { class: 'ad-num', text: formatNumber(r.Popularity) }),
    h('td', { class: 'ad-nowrap', text: r.LiveState ? formatTime(r.LiveState.Since) : '—' }),
    h('td', { class: 'ad-links' },
      h('a', { class: 'ad-link', href: `/room/${id}`, target: '_blank', rel: 'noopener', text: 'Watch' }),
      h('a', { class: 'ad-link', href: `/host/${id}`, target: '_blank', rel: 'noopener', text: 'Host' }),
    ),
  );
}
