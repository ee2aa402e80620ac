// Liveroom communities (/community): groups that keep their members and messages, and
// communities with topics, over the SDK, laid out as servers, channels and members. Log in (by
// name on a development server); see one's servers with their unread counts and mentions;
// create a community (with its first topics) or another group, join one by its ID (waiting
// for approval where the owner decides); open a channel: its history, new messages, replies,
// reactions, mentions of members, edits and recalls. The owner and admins answer requests to
// join and create topics. The SDK reconnects by itself and delivers what was missed meanwhile,
// once and in order.
import '../chat/chat.css';
import './community.css';
import LiveRoom from '../../../sdk/js/liveroom.js';
import { createFeedback } from '../shared/feedback.js';
import { busy, h, replace } from '../shared/dom.js';
import { fetchConfig, forgetCredentials, knownCredentials, loginView, saveCredentials } from '../chat/login.js';
import { createPeople } from '../chat/people.js';
import { channelSide } from './channels.js';
import { channelView } from './channel.js';
import { createServerDialog, joinDialog, topicDialog } from './dialogs.js';
import { memberList } from './members.js';
import { serverRail } from './servers.js';

/** @typedef {import('../chat/login.js').Credentials} Credentials */
/** @typedef {import('../chat/login.js').WebConfig} WebConfig */
/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').Conversation} Conversation */
/** @typedef {import('../../../sdk/js/liveroom.js').Group} Group */
/** @typedef {import('../../../sdk/js/liveroom.js').GroupApplication} GroupApplication */
/** @typedef {import('../../../sdk/js/liveroom.js').Message} Message */
/** @typedef {import('../../../sdk/js/liveroom.js').Topic} Topic */
/** @typedef {import('./channels.js').ChannelItem} ChannelItem */

const { EVENT, TYPES } = LiveRoom;

/** Hints for the codes a community member meets. */
const HINTS = /** @type {Record<number, string>} */ ({
  10004: 'A value was refused (a name too long, a topic ID of the wrong form…).',
  10007: 'You may not do that here (owners and admins only, or the group takes no requests).',
  10009: 'The owner may not leave: hand the server on first.',
  10010: 'There is no group with this ID.',
  10013: 'You are a member already.',
  10014: 'The group is full.',
  10017: 'You may not write here now (muted).',
  10021: 'That ID is taken: pick another.',
  10024: 'That request was answered already.',
  10030: 'That message was recalled, or is unknown.',
  80001: 'The text contains a word the app\'s filter refuses.',
  70001: 'The UserSig expired: log in again.',
  [-1002]: 'The connection to the server was lost; it reconnects by itself.',
});

/** What each kind of group is called on the page. */
const KINDS = /** @type {Record<string, string>} */ ({
  [TYPES.GRP_COMMUNITY]: 'Community',
  [TYPES.GRP_PUBLIC]: 'Public group',
  [TYPES.GRP_MEETING]: 'Meeting group',
  [TYPES.GRP_WORK]: 'Work group',
});

/** The name of a server's own channel (its conversation beside its topics). */
const MAIN_CHANNEL = 'main';

const { feedbackElements, showError, clearError, attempt, toast } = createFeedback({
  prefix: 'ch',
  attribute: 'data-community',
  toastsClass: 'ch-toasts',
  codeElement: (code) => h('span', { class: 'ch-error-code', text: code }),
  describe(err) {
    const e = /** @type {{code?: unknown, message?: unknown}} */ (err && typeof err === 'object' ? err : {});
    const code = typeof e.code === 'number' ? e.code : null;
    const text = typeof e.message === 'string' ? e.message : String(err);
    const hint = code !== null ? HINTS[code] : undefined;
    return {
      code: code !== null ? String(code) : '',
      text,
      detail: hint && hint !== text ? { className: 'ch-error-hint', text: hint } : undefined,
    };
  },
});

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
root.classList.add('ch-root');
const topRight = h('div', { class: 'ch-top-right' });
const content = h('div', { class: 'ch-content' });
replace(root,
  h('header', { class: 'ch-top' },
    h('a', { class: 'ch-brand', href: '/' }, h('span', { class: 'ch-logo', 'aria-hidden': 'true' }), 'Liveroom', h('span', { class: 'ch-brand-sub', text: 'community' })),
    topRight,
  ),
  h('div', { class: 'ch-page cm-page' }, feedbackElements(), content),
);

function wsURL() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** @type {WebConfig|null} */
let config = null;

async function boot() {
  replace(content, h('p', { class: 'ch-loading', text: 'Loading…' }));
  try {
    config = await fetchConfig();
  } catch (err) {
    showError(err, 'Reading /v1/web/config');
    replace(content, h('section', { class: 'ch-card ch-login' },
      h('h1', { class: 'ch-login-title', text: 'The server is unreachable' }),
      h('button', { type: 'button', class: 'ch-btn', text: 'Retry', onclick: boot }),
    ));
    return;
  }
  const known = knownCredentials(config.SDKAppID);
  if (known) await start(known);
  else showLogin();
}

function showLogin() {
  if (!config) return;
  document.title = 'Community — Liveroom';
  replace(topRight);
  replace(content, loginView({
    config,
    attempt,
    onCredentials: (c) => start(c),
    title: 'Communities',
    blurb: 'Join servers, talk in their channels, react and reply.',
    sigBlurb: 'Log in with a UserSig to join servers and talk in their channels.',
  }));
}

/** @param {Credentials} creds */
async function start(creds) {
  clearError();
  replace(content, h('p', { class: 'ch-loading', text: `Connecting as ${creds.userID}…` }));
  const chat = LiveRoom.create({ SDKAppID: creds.sdkAppID, url: wsURL() });
  try {
    await chat.login({ userID: creds.userID, userSig: creds.userSig });
  } catch (err) {
    chat.destroy();
    forgetCredentials();
    showError(err, `Logging in as ${creds.userID}`);
    showLogin();
    return;
  }
  saveCredentials(creds);
  community(chat, creds.userID);
}

/**
 * The requests to join this user sent that wait for approval (kept for the tab's session:
 * the server lists requests to those who answer them, not to those who sent them).
 * @param {string} me
 */
function pendingStore(me) {
  const key = `liveroom.community.pending.${me}`;
  /** @type {string[]} */
  let list = [];
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) || '[]');
    if (Array.isArray(saved)) list = saved.filter((x) => typeof x === 'string');
  } catch {
    // nothing kept
  }
  const save = () => sessionStorage.setItem(key, JSON.stringify(list));
  return {
    list: () => list.slice(),
    /** @param {string} groupID */
    add(groupID) {
      if (!list.includes(groupID)) list.push(groupID);
      save();
    },
    /** @param {string} groupID */
    remove(groupID) {
      const before = list.length;
      list = list.filter((g) => g !== groupID);
      if (list.length !== before) save();
      return list.length !== before;
    },
  };
}

/**
 * The logged-in page.
 * @param {Chat} chat
 * @param {string} me
 */
function community(chat, me) {
  /** @type {Map<string, Group>} the user's groups */
  const groups = new Map();
  /** @type {Group[]} in the server's order (most recently active first) */
  let order = [];
  /** @type {Map<string, Conversation>} group conversations, by group ID */
  const conversations = new Map();
  /** @type {Map<string, Topic[]>} topics of the communities that have them */
  const topics = new Map();
  /** @type {Set<string>} communities without topics */
  const noTopics = new Set();
  /** @type {Set<string>} communities whose topics are being read */
  const readingTopics = new Set();
  /** @type {Map<string, string>} the channel last open in each server */
  const lastChannel = new Map();
  /** @type {GroupApplication[]} requests to join the selected server */
  let requests = [];
  const pending = pendingStore(me);
  let selected = '';
  let channelID = '';
  let ended = false;
  /** @type {import('./channel.js').ChannelView|null} */
  let view = null;
  /** @type {import('./members.js').MemberList|null} */
  let members = null;
  let listsRead = false;
  /** the open channel was picked by the page (not the user): a community opens at its first topic once known */
  let autoOpened = false;

  const people = createPeople({ chat, me, onChange: () => repaintPeople(), showError });
  const rail = serverRail({
    onSelect: (groupID) => select(groupID),
    onCreate: () => openCreate(),
    onJoin: () => openJoin(),
  });
  const side = channelSide({
    onSelect: (id) => openChannel(id),
    onCreateTopic: () => openTopic(),
    onAnswer: (a, accept) => answer(a, accept),
    onLeave: () => leave(),
  });
  const main = h('main', { class: 'cm-main', 'data-community': 'main' });
  const membersSlot = h('div', { class: 'cm-members-slot' });
  const layout = h('div', { class: 'cm-layout', 'data-community': 'layout', 'data-view': 'nav' }, rail.element, side.element, main, membersSlot);
  replace(content, layout);

  const net = h('span', { class: 'ch-net', 'data-community': 'net', 'data-state': 'connected', title: 'Connection: connected', role: 'status', 'aria-label': 'Connection: connected' });
  const meButton = h('span', { class: 'ch-me' });
  const logout = h('button', { type: 'button', class: 'ch-btn ch-btn-ghost ch-btn-small', 'data-community': 'logout', text: 'Log out' });
  const meID = h('span', { class: 'ch-mono', 'data-community': 'me', text: me });
  replace(topRight, h('span', { class: 'ch-user' }, net, meButton, meID), logout);
  people.show([me]);

  function renderMe() {
    const nick = people.nick(me);
    replace(meButton, people.avatar(me, 'small'), h('span', { class: 'ch-me-nick', text: nick }));
    meID.hidden = nick === me;
  }
  renderMe();

  /** @param {'nav'|'chat'|'members'} v on phones, what fills the screen */
  function setView(v) {
    layout.dataset.view = v;
  }

  // ---- what the rail and the side show ---------------------------------------------------------

  /** @param {string} groupID */
  function hasTopics(groupID) {
    return topics.has(groupID);
  }

  /** @param {string} groupID @returns {ChannelItem[]} */
  function channelsOf(groupID) {
    const c = conversations.get(groupID);
    /** @type {ChannelItem[]} */
    const list = [{
      id: groupID,
      name: MAIN_CHANNEL,
      hint: hasTopics(groupID) ? 'Everyone in the community' : '',
      unread: c ? c.unreadCount : 0,
      mention: c ? c.groupAtInfoList.length > 0 : false,
      muted: false,
    }];
    for (const t of topics.get(groupID) || []) {
      list.push({
        id: t.topicID,
        name: t.topicName || t.topicID,
        hint: t.introduction,
        unread: t.unreadCount,
        mention: t.groupAtInfoList.length > 0,
        muted: t.isAllMuted,
      });
    }
    return list;
  }

  /** @param {Group} g */
  function kindOf(g) {
    if (g.type === TYPES.GRP_COMMUNITY && hasTopics(g.groupID)) return 'Community with topics';
    return KINDS[g.type] || g.type;
  }

  function render() {
    if (ended) return;
    const servers = order.map((g) => {
      const channels = channelsOf(g.groupID);
      return {
        groupID: g.groupID,
        name: g.name || g.groupID,
        avatar: g.avatar,
        kind: kindOf(g),
        unread: channels.reduce((n, c) => n + c.unread, 0),
        mention: channels.some((c) => c.mention),
      };
    });
    rail.render(servers, pending.list(), selected);
    const g = groups.get(selected);
    side.render({
      server: g ? { groupID: g.groupID, name: g.name || g.groupID, kind: kindOf(g), role: g.selfInfo.role, hasTopics: hasTopics(g.groupID) } : null,
      channels: g ? channelsOf(g.groupID) : [],
      selected: channelID,
      requests,
      pending: pending.list(),
    });
    if (view && g) {
      const c = channelsOf(g.groupID).find((x) => x.id === channelID);
      if (c) view.describe(c.muted, c.name, c.hint);
    }
    if (!selected && listsRead) showWelcome();
  }

  function showWelcome() {
    if (main.querySelector('[data-community="welcome"]')) return;
    const create = h('button', { type: 'button', class: 'ch-btn ch-btn-primary', 'data-community': 'welcome-create', text: 'Create a server', onclick: () => openCreate() });
    const join = h('button', { type: 'button', class: 'ch-btn', 'data-community': 'welcome-join', text: 'Join by ID', onclick: () => openJoin() });
    replace(main, h('div', { class: 'ch-placeholder cm-welcome', 'data-community': 'welcome' },
      h('strong', { text: order.length ? 'Pick a server' : 'No servers yet' }),
      h('span', { class: 'ch-muted', text: order.length ? 'Your servers are on the left.' : 'Create a community with topics, or join one by its ID.' }),
      h('div', { class: 'cm-welcome-actions' }, create, join),
    ));
  }

  // ---- reading the lists -------------------------------------------------------------------

  /** @param {Group[]} list */
  function tookGroups(list) {
    order = list;
    groups.clear();
    for (const g of list) {
      groups.set(g.groupID, g);
      if (pending.remove(g.groupID)) toast(`You joined ${g.name || g.groupID}`);
      if (g.type === TYPES.GRP_COMMUNITY && !topics.has(g.groupID) && !noTopics.has(g.groupID)) readTopics(g.groupID);
    }
    if (selected && !groups.has(selected)) closeServer();
    render();
  }

  /** @param {string} groupID */
  async function readTopics(groupID) {
    if (readingTopics.has(groupID)) return;
    readingTopics.add(groupID);
    try {
      const res = await chat.getTopicList({ groupID });
      if (ended) return;
      topics.set(groupID, res.data.successTopicList);
      // The first topic is where a community opens.
      if (groupID === selected && channelID === groupID && autoOpened && res.data.successTopicList.length > 0) {
        openChannel(res.data.successTopicList[0].topicID, true);
      }
    } catch (err) {
      const code = /** @type {{code?: number}} */ (err).code;
      if (code === 10007) noTopics.add(groupID);
      else if (!ended) showError(err, `Reading the topics of ${groupID}`);
    } finally {
      readingTopics.delete(groupID);
      render();
    }
  }

  /** @param {Conversation[]} list */
  function tookConversations(list) {
    conversations.clear();
    for (const c of list) if (c.type === TYPES.CONV_GROUP) conversations.set(c.groupID, c);
    render();
  }

  // ---- selecting -------------------------------------------------------------------------------

  /** @param {string} groupID */
  function select(groupID) {
    if (ended || !groups.has(groupID)) return;
    clearError();
    if (groupID !== selected) {
      selected = groupID;
      requests = [];
      members?.destroy();
      members = memberList({ chat, me, groupID, people, showError });
      replace(membersSlot,
        h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost cm-back', 'data-community': 'members-back', text: '← Back to the channel', onclick: () => setView('chat') }),
        members.element,
      );
      members.reload().catch((err) => showError(err, 'Reading the members'));
      readRequests();
      const g = /** @type {Group} */ (groups.get(groupID));
      const first = (topics.get(groupID) || [])[0];
      const remembered = lastChannel.get(groupID);
      const stillThere = remembered && channelsOf(groupID).some((c) => c.id === remembered);
      channelID = '';
      openChannel(stillThere ? /** @type {string} */ (remembered) : first ? first.topicID : groupID, !stillThere);
      document.title = `${g.name || groupID} — Community — Liveroom`;
    } else {
      setView('chat');
    }
    render();
  }

  function closeServer() {
    selected = '';
    channelID = '';
    requests = [];
    view?.destroy();
    view = null;
    members?.destroy();
    members = null;
    replace(membersSlot);
    replace(main);
    setView('nav');
    document.title = 'Community — Liveroom';
  }

  /**
   * @param {string} id the channel: the group's ID, or a topic's
   * @param {boolean} [auto] the page picked it, not the user
   */
  function openChannel(id, auto = false) {
    if (ended || !selected || !members) return;
    autoOpened = auto;
    if (id === channelID && view) {
      setView('chat');
      return;
    }
    const c = channelsOf(selected).find((x) => x.id === id);
    if (!c) return;
    view?.destroy();
    channelID = id;
    lastChannel.set(selected, id);
    const g = /** @type {Group} */ (groups.get(selected));
    const runs = g.selfInfo.role === TYPES.GRP_MBR_ROLE_OWNER || g.selfInfo.role === TYPES.GRP_MBR_ROLE_ADMIN;
    view = channelView({
      chat,
      me,
      thread: id,
      title: c.name,
      hint: c.hint,
      muted: c.muted,
      runs,
      people,
      members,
      showError,
      onBack: () => setView('nav'),
      onMembers: () => {
        // Phones show the members instead of the channel; wider screens beside it, or not.
        if (window.matchMedia('(max-width: 720px)').matches) setView(layout.dataset.view === 'members' ? 'chat' : 'members');
        else layout.classList.toggle('is-members-flipped');
      },
    });
    replace(main, view.element);
    setView('chat');
    render();
  }

  async function readRequests() {
    const groupID = selected;
    const g = groups.get(groupID);
    if (!g || (g.selfInfo.role !== TYPES.GRP_MBR_ROLE_OWNER && g.selfInfo.role !== TYPES.GRP_MBR_ROLE_ADMIN)) return;
    try {
      const res = await chat.getGroupApplicationList({ groupID });
      if (ended || groupID !== selected) return;
      requests = res.data.applicationList;
      render();
    } catch (err) {
      if (!ended) showError(err, 'Reading the requests to join');
    }
  }

  /**
   * @param {GroupApplication} a
   * @param {boolean} accept
   */
  async function answer(a, accept) {
    try {
      await chat.handleGroupApplication({ handleAction: accept ? 'Agree' : 'Reject', application: a });
      toast(accept ? `${a.applicant} joined` : `${a.applicant} was declined`);
    } catch (err) {
      showError(err, accept ? 'Accepting the request' : 'Declining the request');
    }
    await readRequests();
    if (accept) members?.reload().catch((err) => showError(err, 'Reading the members'));
  }

  async function leave() {
    const groupID = selected;
    const g = groups.get(groupID);
    if (!g || !window.confirm(`Leave ${g.name || groupID}?`)) return;
    await attempt(`Leaving ${g.name || groupID}`, async () => {
      await chat.quitGroup(groupID);
      groups.delete(groupID);
      order = order.filter((x) => x.groupID !== groupID);
      closeServer();
      render();
    });
  }

  // ---- dialogs ---------------------------------------------------------------------------------

  function openCreate() {
    createServerDialog(async (s, close) => {
      if (!s.name) return;
      const res = await chat.createGroup({
        type: /** @type {import('../../../sdk/js/liveroom.js').GroupType} */ (s.type),
        name: s.name,
        groupID: s.groupID || undefined,
        isSupportTopic: s.topics || undefined,
        joinOption: s.type === TYPES.GRP_WORK ? undefined : s.approval ? TYPES.JOIN_OPTIONS_NEED_PERMISSION : TYPES.JOIN_OPTIONS_FREE_ACCESS,
      });
      const groupID = res.data.group.groupID;
      close();
      await attempt(`Setting up ${s.name}`, async () => {
        for (const topicName of s.topicNames) await chat.createTopicInCommunity({ groupID, topicName });
        if (s.topics) {
          topics.set(groupID, (await chat.getTopicList({ groupID })).data.successTopicList);
        } else if (s.type === TYPES.GRP_COMMUNITY) {
          noTopics.add(groupID);
        }
        groups.set(groupID, res.data.group);
        if (!order.some((g) => g.groupID === groupID)) order = [res.data.group, ...order];
        select(groupID);
        toast(`${s.name} is ready: others join it with the ID ${groupID}`);
      });
    });
  }

  function openJoin() {
    joinDialog(async (groupID, note, close) => {
      if (!groupID) return;
      if (groups.has(groupID)) {
        close();
        select(groupID);
        return;
      }
      const res = await chat.joinGroup({ groupID, applyMessage: note || undefined });
      if (res.data.group.type === TYPES.GRP_AVCHATROOM) {
        await chat.quitGroup(groupID).catch(() => {});
        throw new Error(`${groupID} is a live room: watch it at /room/${groupID}`);
      }
      close();
      if (res.data.status === TYPES.JOIN_STATUS_WAIT_APPROVAL) {
        pending.add(groupID);
        toast(`Asked to join ${groupID}: waiting for approval`);
        render();
        return;
      }
      await attempt(`Opening ${groupID}`, async () => {
        tookGroups((await chat.getGroupList()).data.groupList);
        select(groupID);
      });
    });
  }

  function openTopic() {
    const g = groups.get(selected);
    if (!g) return;
    topicDialog(g.name || g.groupID, async (topicName, introduction, close) => {
      if (!topicName) return;
      const res = await chat.createTopicInCommunity({ groupID: g.groupID, topicName, introduction: introduction || undefined });
      close();
      await attempt(`Opening #${topicName}`, async () => {
        topics.set(g.groupID, (await chat.getTopicList({ groupID: g.groupID })).data.successTopicList);
        render();
        openChannel(res.data.topicID);
      });
    });
  }

  // ---- events ----------------------------------------------------------------------------------

  function repaintPeople() {
    renderMe();
    members?.repaint();
    view?.repaint();
  }

  /** @type {Array<[string, (ev: {data: any}) => void]>} */
  const handlers = [
    [EVENT.GROUP_LIST_UPDATED, (ev) => tookGroups(ev.data)],
    [EVENT.CONVERSATION_LIST_UPDATED, (ev) => tookConversations(ev.data)],
    [EVENT.TOPIC_CREATED, (ev) => {
      if (groups.has(ev.data.groupID)) {
        noTopics.delete(ev.data.groupID);
        readTopics(ev.data.groupID);
      }
    }],
    [EVENT.TOPIC_UPDATED, (ev) => {
      const { groupID, topic } = /** @type {{groupID: string, topic: Topic}} */ (ev.data);
      const list = (topics.get(groupID) || []).slice();
      const at = list.findIndex((t) => t.topicID === topic.topicID);
      if (at >= 0) list[at] = topic;
      else list.push(topic);
      topics.set(groupID, list);
      render();
    }],
    [EVENT.TOPIC_DELETED, (ev) => {
      const { groupID, topicIDList } = /** @type {{groupID: string, topicIDList: string[]}} */ (ev.data);
      topics.set(groupID, (topics.get(groupID) || []).filter((t) => !topicIDList.includes(t.topicID)));
      if (groupID === selected && topicIDList.includes(channelID)) {
        toast('This topic was deleted');
        openChannel(groupID);
      }
      render();
    }],
    [EVENT.MESSAGE_RECEIVED, (ev) => {
      for (const m of /** @type {Message[]} */ (ev.data)) {
        if (view && m.conversationID === view.conversationID) view.add(m);
        // Joins and removals change the member list.
        if (m.type === TYPES.MSG_GRP_TIP && m.to === selected) members?.reload().catch(() => {});
      }
    }],
    [EVENT.MESSAGE_REVOKED, (ev) => {
      for (const r of ev.data) if (view && r.conversationID === view.conversationID) view.revoked(r.sequence);
    }],
    [EVENT.MESSAGE_MODIFIED, (ev) => {
      for (const m of /** @type {Message[]} */ (ev.data)) view?.modified(m);
    }],
    [EVENT.MESSAGE_REACTIONS_UPDATED, (ev) => view?.reacted(ev.data)],
    [EVENT.GROUP_SYSTEM_NOTICE_RECEIVED, (ev) => {
      const { message, type } = ev.data;
      const groupID = message.to;
      if (type === TYPES.GRP_SYS_JOIN_GROUP_REQUEST) {
        if (groupID === selected) readRequests();
        else toast(`${message.payload.applicant} asks to join ${groups.get(groupID)?.name || groupID}`);
      } else if (type === TYPES.GRP_SYS_JOIN_GROUP_ACCEPT && message.payload.applicant === me) {
        if (pending.remove(groupID)) toast(`You were accepted into ${groupID}`);
        chat.getGroupList().then((res) => tookGroups(res.data.groupList)).catch((err) => showError(err, 'Reading your servers'));
      } else if (type === TYPES.GRP_SYS_JOIN_GROUP_REFUSE && message.payload.applicant === me) {
        pending.remove(groupID);
        toast(`Your request to join ${groupID} was declined`);
        render();
      }
    }],
    [EVENT.REMOVED_FROM_GROUP, (ev) => {
      const { groupID, reason } = ev.data;
      if (!groups.has(groupID)) return;
      toast(reason === 'dismissed' ? `${groups.get(groupID)?.name || groupID} was dismissed` : `You were removed from ${groups.get(groupID)?.name || groupID}`);
      groups.delete(groupID);
      order = order.filter((g) => g.groupID !== groupID);
      if (groupID === selected) closeServer();
      render();
    }],
    [EVENT.NET_STATE_CHANGE, (ev) => {
      net.dataset.state = ev.data.state;
      net.title = `Connection: ${ev.data.state}`;
      net.setAttribute('aria-label', `Connection: ${ev.data.state}`);
    }],
    [EVENT.KICKED_OUT, (ev) => {
      const reason = { code: -1007, message: `The session ended (${ev.data.type}): ${ev.data.message || 'log in again'}` };
      setTimeout(() => {
        if (ended) return;
        stop();
        chat.destroy();
        forgetCredentials();
        showLogin();
        showError(reason, 'Session');
      }, 0);
    }],
  ];
  for (const [name, fn] of handlers) chat.on(/** @type {any} */ (name), fn);
  const onVisible = () => document.visibilityState === 'visible' && view?.visible();
  document.addEventListener('visibilitychange', onVisible);

  Promise.all([chat.getGroupList(), chat.getConversationList()])
    .then(([g, c]) => {
      if (ended) return;
      listsRead = true;
      tookConversations(c.data.conversationList);
      tookGroups(g.data.groupList);
    })
    .catch((err) => showError(err, 'Loading your servers'));

  logout.addEventListener('click', () => busy(logout, async () => {
    if (ended) return;
    stop();
    await chat.logout().catch(() => {});
    chat.destroy();
    forgetCredentials();
    showLogin();
  }));

  function stop() {
    ended = true;
    view?.destroy();
    view = null;
    members?.destroy();
    people.destroy();
    for (const [name, fn] of handlers) chat.off(/** @type {any} */ (name), fn);
    document.removeEventListener('visibilitychange', onVisible);
  }
}

boot();
