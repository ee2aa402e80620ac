// Liveroom host page (/host/<id>): the room's owner or an admin logs in, sees the live room
// as viewers do (the embeddable component over the same SDK instance) and runs the live from
// the control panel: state, notice, stream, pinned item, lucky draw, moderation, statistics.
import './host.css';
import LiveRoom from '../../../sdk/js/liveroom.js';
import { mountLiveRoom } from '../component/index.js';
import { busy, h, replace } from '../shared/dom.js';
import { clearError, feedbackElements, showError } from './feedback.js';
import { credentialsFromHash, fetchConfig, loginView } from './login.js';
import { drawPanel } from './panels/draw.js';
import { itemPanel } from './panels/item.js';
import { moderationPanel } from './panels/moderation.js';
import { noticePanel, streamPanel } from './panels/profile.js';
import { statePanel } from './panels/state.js';
import { statsPanel } from './panels/stats.js';
import { icon } from './icons.js';
import { createRoomState } from './room.js';

/** @typedef {import('./login.js').Credentials} Credentials */
/** @typedef {import('./login.js').WebConfig} WebConfig */

const EV = LiveRoom.EVENT;

/** The room id from /host/<id> (or ?room=<id>, or the server's demo room). @param {WebConfig|null} config */
function roomFromAddress(config) {
  const m = location.pathname.match(/^\/host\/([^/]+)\/?$/);
  if (m) {
    try {
      return decodeURIComponent(m[1]);
    } catch {
      return m[1];
    }
  }
  return new URLSearchParams(location.search).get('room') || config?.DemoRoom || 'demo';
}

function wsURL() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
root.classList.add('hp-root');
const topRight = h('div', { class: 'hp-top-right' });
const topTitle = h('div', { class: 'hp-top-title' });
const content = h('div', { class: 'hp-content' });
replace(root,
  h('header', { class: 'hp-top' },
    h('div', { class: 'hp-top-left' },
      h('a', { class: 'hp-brand', href: '/' }, h('span', { class: 'hp-logo', 'aria-hidden': 'true' }), 'Liveroom', h('span', { class: 'hp-brand-sub', text: 'studio' })),
      topTitle,
    ),
    topRight,
  ),
  h('div', { class: 'hp-page' }, feedbackElements(), content),
);

/** @type {WebConfig|null} */
let config = null;
let roomID = roomFromAddress(null);

async function boot() {
  replace(content, h('p', { class: 'hp-loading', text: 'Loading…' }));
  try {
    config = await fetchConfig();
  } catch (err) {
    showError(err, 'Reading /v1/web/config');
    replace(content, h('section', { class: 'hp-card hp-login' },
      h('h1', { class: 'hp-login-title', text: 'The server is unreachable' }),
      h('button', { type: 'button', class: 'hp-btn', text: 'Retry', onclick: boot }),
    ));
    return;
  }
  roomID = roomFromAddress(config);
  document.title = `Host ${roomID} — Liveroom`;
  replace(topTitle, h('span', { class: 'hp-room-id hp-mono', text: roomID }));
  const fromHash = credentialsFromHash(config.SDKAppID);
  if (fromHash) {
    history.replaceState(null, '', location.pathname + location.search);
    await start(fromHash);
  } else {
    showLogin();
  }
}

function showLogin() {
  if (!config) return;
  replace(topTitle, h('span', { class: 'hp-room-id hp-mono', text: roomID }));
  replace(topRight);
  replace(content, loginView({ config, roomID, onCredentials: (c) => start(c) }));
}

/** @param {Credentials} creds */
async function start(creds) {
  clearError();
  replace(content, h('p', { class: 'hp-loading', text: `Connecting as ${creds.userID}…` }));
  const chat = LiveRoom.create({ SDKAppID: creds.sdkAppID, url: wsURL() });
  try {
    await chat.login({ userID: creds.userID, userSig: creds.userSig });
  } catch (err) {
    chat.destroy();
    showError(err, `Logging in as ${creds.userID}`);
    showLogin();
    return;
  }
  studio(chat, creds);
}

/**
 * The logged-in page: preview and control panel.
 * @param {any} chat
 * @param {Credentials} creds
 */
function studio(chat, creds) {
  const groupID = roomID;
  const room = createRoomState(chat, groupID);
  /** The studio has ended (logged out or kicked out): late answers change nothing. */
  let ended = false;

  // Every join of this room (the live room's own, or ours) feeds the state.
  const join = chat.joinGroup.bind(chat);
  chat.joinGroup = async (/** @type {{groupID: string}} */ options) => {
    try {
      const res = await join(options);
      room.applyJoin(res.data);
      return res;
    } catch (err) {
      if (!ended && options && options.groupID === groupID) joinFailed(err);
      throw err;
    }
  };

  const ctx = { chat, groupID, room };
  const moderation = moderationPanel(ctx);
  const stats = statsPanel(ctx);

  const roleNote = h('div', { class: 'hp-warning', 'data-host': 'role-warning', hidden: true });
  const preview = h('div', { class: 'hp-preview-room', 'data-host': 'preview' });
  /** @param {unknown} err */
  function joinFailed(err) {
    const e = /** @type {{code?: number, message?: string}} */ (err || {});
    roleNote.hidden = false;
    roleNote.textContent = e.code === 10010
      ? `The room ${groupID} does not exist. Create it first with the REST API (group_open_http_svc/create_group).`
      : `Could not join ${groupID}: ${e.code ?? ''} ${e.message ?? String(err)}`.replace(/\s+/g, ' ');
    showError(err, `Joining ${groupID}`);
  }

  replace(content,
    roleNote,
    h('div', { class: 'hp-studio' },
      h('aside', { class: 'hp-preview' },
        h('div', { class: 'hp-preview-head' }, h('span', { class: 'hp-label', text: 'What viewers see' }),
          h('a', { class: 'hp-link', href: `/room/${encodeURIComponent(groupID)}`, target: '_blank', rel: 'noopener', text: 'Open viewer page ↗' })),
        preview,
      ),
      h('div', { class: 'hp-panels' },
        h('div', { class: 'hp-col' }, statePanel(ctx), noticePanel(ctx), streamPanel(ctx), itemPanel(ctx)),
        h('div', { class: 'hp-col' }, drawPanel(ctx), moderation.element),
        // The statistics table needs the width of both columns for all its columns.
        h('div', { class: 'hp-col hp-col-wide' }, stats.element),
      ),
    ),
  );

  // Top bar: room name, state, counts, connection, user.
  const stateBadge = h('span', { class: 'hp-state hp-state-small' });
  const online = h('span', { class: 'hp-count-value', 'data-host': 'online', text: '0' });
  const likes = h('span', { class: 'hp-count-value', 'data-host': 'likes', text: '0' });
  const net = h('span', { class: 'hp-net', 'data-host': 'net', title: 'Connection' });
  const logout = h('button', { type: 'button', class: 'hp-btn hp-btn-ghost hp-btn-small', 'data-host': 'logout', text: 'Log out' });
  const title = h('span', { class: 'hp-room-name' });
  replace(topTitle, title, h('span', { class: 'hp-room-id hp-mono', text: groupID }), stateBadge);
  replace(topRight,
    h('div', { class: 'hp-count', title: 'Online now' }, icon('eye', 'hp-count-icon hp-icon-eye'), online, h('span', { class: 'hp-count-label', text: 'online' })),
    h('div', { class: 'hp-count', title: 'Likes' }, icon('heart', 'hp-count-icon hp-icon-heart'), likes, h('span', { class: 'hp-count-label', text: 'likes' })),
    h('span', { class: 'hp-user' }, net, h('span', { class: 'hp-mono', text: creds.userID })),
    logout,
  );
  room.subscribe((s) => {
    title.textContent = s.name;
    // Until the join answers (or an event tells), the live state is not known.
    const known = s.joined || s.liveState !== null;
    const st = !known ? 'Unknown' : s.liveState ? s.liveState.state : 'Upcoming';
    stateBadge.textContent = known ? st : '…';
    stateBadge.dataset.state = st;
    online.textContent = String(s.memberCount);
    likes.textContent = String(s.likes ?? 0);
    net.dataset.state = s.net;
    net.title = `Connection: ${s.net}`;
    if (!s.joined) return;
    if (s.role !== 'Owner' && s.role !== 'Admin') {
      roleNote.hidden = false;
      roleNote.textContent = `${creds.userID} is not the owner or an admin of ${groupID} (role: ${s.role || 'Member'}): the controls will be refused with 10007.`;
    } else {
      roleNote.hidden = true;
    }
  });

  // A new broadcast session starts its statistics from zero: show that at once.
  let session = 0;
  room.subscribe((s) => {
    const now = s.liveState ? s.liveState.session : 0;
    if (session && now !== session) stats.load();
    session = now;
  });

  // Session problems. Kicked out, the session is over for good: the studio ends (timers,
  // panels, the live room, the SDK instance) and the login comes back with the reason.
  /** @type {Array<[string, (ev: {data: any}) => void]>} */
  const handlers = [
    [EV.KICKED_OUT, (ev) => {
      const reason = { code: -1007, message: `The session ended (${ev.data.type}): ${ev.data.message || 'log in again'}` };
      // After the SDK has finished ending its session (it does right after this event).
      setTimeout(() => {
        if (ended) return;
        stop();
        chat.destroy();
        showLogin();
        showError(reason, 'Session');
      }, 0);
    }],
    [EV.REMOVED_FROM_GROUP, (ev) => ev.data.groupID === groupID && showError({ code: ev.data.code, message: `You left the room: ${ev.data.reason}` }, 'Room')],
  ];
  for (const [name, fn] of handlers) chat.on(name, fn);

  // The live room, as viewers see it, over the same SDK instance.
  /** @type {any} */
  let liveRoom = null;
  try {
    liveRoom = mountLiveRoom(preview, {
      sdkAppID: creds.sdkAppID,
      url: wsURL(),
      roomID: groupID,
      chat,
      login: { userID: creds.userID, userSig: creds.userSig },
      messageActions: moderation.messageActions,
      onError: (/** @type {unknown} */ err) => showError(err, 'Live room'),
    });
  } catch (err) {
    replace(preview, h('div', { class: 'hp-preview-missing' },
      h('strong', { text: 'The live room preview is not available.' }),
      h('span', { class: 'hp-muted', text: err instanceof Error ? err.message : String(err) }),
    ));
  }
  // The live room joins by itself (through the wrapper above, which gives this page the
  // room's state). Without it, or when it has not managed to, this page joins.
  const joinTimer = setTimeout(() => {
    if (!room.get().joined) {
      chat.joinGroup({ groupID }).catch((/** @type {unknown} */ err) => ended || showError(err, `Joining ${groupID}`));
    }
  }, liveRoom ? 8000 : 0);

  logout.addEventListener('click', () => busy(logout, async () => {
    if (ended) return;
    stop();
    await chat.logout().catch(() => {});
    chat.destroy();
    showLogin();
  }));

  /** Ends this studio (not the SDK instance: the caller logs out and destroys it). */
  function stop() {
    if (ended) return;
    ended = true;
    clearTimeout(joinTimer);
    stats.stop();
    for (const [name, fn] of handlers) chat.off(name, fn);
    try {
      liveRoom?.destroy();
    } catch {
      // already gone
    }
    room.destroy();
  }
}

boot();
