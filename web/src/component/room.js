// The live room itself: builds the parts, connects through the SDK, routes the room's events
// to the parts, and exposes the controller (see index.js and docs/web-component.md).
import LiveRoom from '../../../sdk/js/liveroom.js';
import { createAnchor } from './anchor.js';
import { createChatList } from './chat-list.js';
import { createDanmaku } from './danmaku.js';
import { createEndCard } from './end-card.js';
import { append, avatar, clock, escapeHTML, h, icon, levelBadge, randomKey, renderWith, toNode } from './dom.js';
import { createDraw } from './draw.js';
import { createEffects } from './effect.js';
import { createGiftBanners } from './gift-banner.js';
import { createGiftPanel, giftLine, loadCatalog } from './gifts.js';
import { createInput } from './input.js';
import { createItem } from './item.js';
import { createLikes } from './likes.js';
import { createNotice } from './notice.js';
import { createOnline } from './online.js';
import { createNetLine, createStateBanner } from './state.js';
import { injectStyles } from './styles.js';
import { createVideo } from './video.js';

const { EVENT, TYPES } = LiveRoom;

/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').EventMap} EventMap */
/** @typedef {import('../../../sdk/js/liveroom.js').EventName} EventName */
/** @typedef {import('../../../sdk/js/liveroom.js').Gift} Gift */
/** @typedef {import('../../../sdk/js/liveroom.js').GroupProfile} GroupProfile */
/** @typedef {import('../../../sdk/js/liveroom.js').GroupProfileChanges} GroupProfileChanges */
/** @typedef {import('../../../sdk/js/liveroom.js').JoinResult} JoinResult */
/** @typedef {import('../../../sdk/js/liveroom.js').LiveState} LiveState */
/** @typedef {import('../../../sdk/js/liveroom.js').LoginData} LoginData */
/** @typedef {import('../../../sdk/js/liveroom.js').Message} Message */
/** @typedef {import('../../../sdk/js/liveroom.js').CustomMessage} CustomMessage */
/** @typedef {import('../../../sdk/js/liveroom.js').GroupTipMessage} GroupTipMessage */
/** @typedef {import('../../../sdk/js/liveroom.js').TipMember} TipMember */
/** @typedef {import('./gifts.js').CatalogGift} CatalogGift */
/**
 * @template {EventName} K
 * @typedef {import('../../../sdk/js/liveroom.js').EventHandler<K>} EventHandler
 */

/**
 * The server's /v1/web/config (JSON; members may be missing or null).
 * @typedef {{SDKAppID?: number | null, DevLogin?: boolean, [key: string]: unknown}} WebConfig
 */

/**
 * The page's data shown by the room (`updateData`): the anchor card, the notice, whether the
 * viewer follows the anchor, the stream.
 * @typedef {{anchor?: {name?: string, avatar?: string} | null, notice?: string | null, subscribed?: boolean | null, streamUrl?: string | null}} RoomData
 */

/** Parts that `show` can turn off. */
const PARTS = ['video', 'endCard', 'danmaku', 'chat', 'gifts', 'likes', 'item', 'notice', 'online', 'state', 'input', 'anchor', 'draw'];

/** Options a running room takes without reconnecting. */
export const LIVE_OPTIONS = new Set([
  'renderers', 'messageActions', 'onMemberEntered', 'onMessage', 'onGift', 'onStateChange', 'onError', 'onSubscribe',
  'maxDanmaku', 'danmaku', 'streamUrl', 'anchor', 'notice', 'subscribed', 'sendGift',
]);

/** The server this module was loaded from (the page's own when bundled into it). */
function moduleServer() {
  try {
    const self = import.meta.url;
    return new URL('/', self).href;
  } catch (_) {
    return typeof location !== 'undefined' ? new URL('/', location.href).href : 'http://127.0.0.1:8080/';
  }
}

/**
 * The HTTP base of the Liveroom server: `server`, else the origin of `url`, else this module's.
 * @param {{server?: string, url?: string}} o
 */
function serverBase(o) {
  if (typeof o.server === 'string' && o.server) return new URL('/', new URL(o.server, document.baseURI)).href;
  if (typeof o.url === 'string' && o.url) {
    const u = new URL(o.url, document.baseURI);
    u.protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
    return new URL('/', u).href;
  }
  return moduleServer();
}

/** @type {Map<string, Promise<WebConfig | null>>} */
const configs = new Map();
/**
 * The server's /v1/web/config, or null when it cannot be read. Answers are cached per server
 * for the page's life; failures are not (the next call asks again). The server answers it
 * with `Access-Control-Allow-Origin: *`, so it can be read from a page of another origin.
 * @param {string} base
 * @returns {Promise<WebConfig | null>}
 */
export function serverConfig(base) {
  let p = configs.get(base);
  if (!p) {
    p = fetch(new URL('v1/web/config', base).href, { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : null))
      .then((c) => (c && typeof c === 'object' ? c : null))
      .catch(() => null);
    configs.set(base, p);
    p.then((c) => {
      if (!c && configs.get(base) === p) configs.delete(base);
    });
  }
  return p;
}

const CONFIG_RETRY_MS = 10000; // at most one new try at a failed config read per this long
const NICKS_MAX = 5000; // user ids whose nickname the room remembers
const DEV_GIFT_MAX = 99; // gifts per send the development gift endpoint accepts
const GIFT_MAX = 9999; // gifts per send through a platform's own sendGift

/**
 * Text for an SDK or server error a viewer may see.
 * @param {unknown} err
 */
function explain(err) {
  const e = /** @type {any} */ (err) || {};
  switch (e.code) {
    case 10017:
      return 'You are muted';
    case 80001:
      return 'Blocked by the word filter';
    case 80002:
      return 'The message is too long';
    case 10007:
      return 'Not allowed';
    case 10010:
      return 'This room does not exist';
    case 10016:
      return 'You cannot join this room';
    case 10023:
    case 20003:
      return 'Slow down a little';
    case -1001:
      return 'The server did not answer';
    case -1002:
    case -1006:
      return 'Not connected';
    default:
      return e.message ? String(e.message) : 'Something went wrong';
  }
}

const STATE_LINES = {
  Upcoming: 'A new live is coming up',
  Live: 'The live has started',
  Paused: 'The live is paused',
  Ended: 'The live has ended',
  Replay: 'The replay is on',
};

/**
 * The object `mountLiveRoom` returns (see docs/web-component.md).
 * @typedef {ReturnType<LiveRoomView['makeController']>} Controller
 */

export class LiveRoomView {
  /**
   * @param {HTMLElement} host
   * @param {Record<string, any>} options
   */
  constructor(host, options) {
    if (!(host instanceof HTMLElement)) throw new TypeError('mountLiveRoom needs an element');
    if (!options || typeof options.roomID !== 'string' || options.roomID === '') throw new TypeError('mountLiveRoom needs options.roomID');
    injectStyles();
    this.host = host;
    /** @type {Record<string, any>} */
    this.o = { maxDanmaku: 200, danmaku: true, giftImageBaseUrl: '/static/', gifts: '/static/gifts.json', maxMessages: 300, login: 'guest', ...options };
    this.show = Object.fromEntries(PARTS.map((p) => [p, !(this.o.show && this.o.show[p] === false)]));
    this.roomID = options.roomID;
    this.base = serverBase(this.o);
    this.destroyed = false;
    /** @type {Chat | null} the SDK instance: the page's (`options.chat`) or the room's own */
    this.chat = null;
    this.ownChat = false;
    /** @type {LoginData | null} */
    this.me = null;
    this.joined = false;
    this.privileged = false;
    this.profile = /** @type {GroupProfile | null} */ (null);
    this.muteUntil = 0;
    this.muted = false;
    this.muteAll = false;
    this.netState = 'connecting';
    this.gone = ''; // why the viewer is no longer in the room
    this.liveState = /** @type {LiveState | null} */ (null);
    this.catalog = /** @type {CatalogGift[]} */ ([]);
    this.config = /** @type {WebConfig} */ ({});
    this.configRead = false; // the config was read (not just left out or failed)
    this.configTried = 0; // when the config was last asked for
    /** @type {Map<string, string>} nicknames seen, for draw winners and tips (at most NICKS_MAX, oldest dropped) */
    this.nicks = new Map();
    this.timers = new Set();
    this.handlers = /** @type {[EventName, EventHandler<EventName>][]} */ ([]);
    /** @type {number | undefined} */
    this.muteTick;
    /** @type {number | undefined} */
    this.toastTimer;
    // The parts and elements, made by build().
    /** @type {HTMLElement} */
    this.root;
    /** @type {HTMLElement} */
    this.stage;
    /** @type {ReturnType<typeof createVideo>} */
    this.video;
    /** @type {ReturnType<typeof createDanmaku>} */
    this.danmaku;
    /** @type {ReturnType<typeof createGiftBanners>} */
    this.banners;
    /** @type {ReturnType<typeof createEffects>} */
    this.effects;
    /** @type {ReturnType<typeof createAnchor>} */
    this.anchor;
    /** @type {ReturnType<typeof createStateBanner>} */
    this.stateBanner;
    /** @type {ReturnType<typeof createEndCard>} */
    this.endCard;
    /** @type {ReturnType<typeof createOnline>} */
    this.online;
    /** @type {ReturnType<typeof createNetLine>} */
    this.net;
    /** @type {ReturnType<typeof createNotice>} */
    this.notice;
    /** @type {ReturnType<typeof createDraw>} */
    this.draw;
    /** @type {ReturnType<typeof createChatList>} */
    this.chatList;
    /** @type {ReturnType<typeof createItem>} */
    this.item;
    /** @type {ReturnType<typeof createInput>} */
    this.input;
    /** @type {ReturnType<typeof createLikes>} */
    this.likes;
    /** @type {ReturnType<typeof createGiftPanel>} */
    this.gifts;
    /** @type {HTMLElement} */
    this.danmakuToggle;
    /** @type {HTMLElement} */
    this.toastEl;
    /** @type {{attr: string | null, position: string} | null} the element's own style, while the room changed it */
    this.hostStyle;
    this.controller = this.makeController();
    this.build();
    this.ready = this.start();
  }

  // ---------------------------------------------------------------------------------------
  // Building
  // ---------------------------------------------------------------------------------------

  ctx() {
    return { room: this.controller, chat: this.chat, me: this.me, roomID: this.roomID, escape: escapeHTML, h };
  }

  /**
   * The page's custom renderer of that name, if any.
   * @param {string} name
   * @returns {Function | undefined}
   */
  renderer(name) {
    const r = this.o.renderers && this.o.renderers[name];
    return typeof r === 'function' ? r : undefined;
  }

  build() {
    const show = this.show;
    const onError = (/** @type {unknown} */ err) => this.error(err);
    const root = h('div', { class: `lr-room${show.video ? '' : ' lr-no-video'}`, 'data-lr': 'room', 'data-room-id': this.roomID });
    this.root = root;
    const stage = h('div', { class: 'lr-stage' });
    const side = h('div', { class: 'lr-side' });
    this.stage = stage;

    this.video = createVideo({ base: this.base, onError });
    this.danmaku = createDanmaku({ max: Number(this.o.maxDanmaku) || 200, enabled: this.o.danmaku !== false });
    this.banners = createGiftBanners({ renderer: () => this.renderer('giftBanner'), ctx: () => this.ctx(), imageFor: (id) => this.giftEntry(id)?.imageUrl || '', onError });
    this.effects = createEffects({ host: () => stage, base: this.base, onError });
    this.anchor = createAnchor({
      renderer: () => this.renderer('anchor'),
      ctx: () => this.ctx(),
      onSubscribe: (next) => {
        this.anchor.set({ subscribed: next });
        this.call('onSubscribe', next);
      },
      onError,
    });
    this.stateBanner = createStateBanner();
    this.endCard = createEndCard();
    this.online = createOnline({ renderer: () => this.renderer('onlineMembers'), ctx: () => this.ctx(), onError });
    this.net = createNetLine();
    this.notice = createNotice({ base: this.base });
    this.draw = createDraw({
      join: (keyword) => this.sendText(keyword),
      whyNot: () => this.blockReason(),
      me: () => (this.me && !this.me.isGuest ? this.me.userID : ''),
      nameOf: (id) => this.nicks.get(id) || '',
      onError,
    });
    this.chatList = createChatList({ maxItems: Number(this.o.maxMessages) || 300, getActions: () => this.o.messageActions || [], onError });
    this.item = createItem({ base: this.base });
    this.input = createInput({ send: (text) => this.sendText(text), renderer: () => this.renderer('input'), ctx: () => this.ctx(), onError });
    this.likes = createLikes({ like: () => this.like(1), canLike: () => this.joined && !this.gone, onError });
    this.gifts = createGiftPanel({
      catalog: () => this.catalog,
      renderer: () => this.renderer('giftPanel'),
      ctx: () => this.ctx(),
      canSend: () => this.giftBlockReason(),
      send: (id, n) => this.sendGift(id, n),
      onError,
    });
    this.danmakuToggle = h('button', {
      class: 'lr-round lr-danmaku-toggle',
      type: 'button',
      'data-lr': 'danmaku-toggle',
      'aria-pressed': String(this.danmaku.enabled),
      'aria-label': 'Danmaku',
      title: 'Show comments over the video',
      onclick: () => this.setDanmaku(!this.danmaku.enabled),
    }, icon('danmaku'));

    // Without the video the stage is a transparent layer over the page's own player: the
    // same top bar, danmaku, banners and effects, no picture of its own.
    if (show.video) stage.append(this.video.el);
    if (show.endCard) stage.append(this.endCard.el);
    if (show.danmaku) stage.append(this.danmaku.el);
    const topbar = h('div', { class: 'lr-topbar' },
      show.anchor ? this.anchor.el : null,
      h('div', { class: 'lr-topbar-end' }, show.state ? this.stateBanner.el : null, show.online ? this.online.el : null));
    stage.append(topbar, this.net.el, this.banners.el);

    const bar = h('div', { class: 'lr-bar' },
      show.danmaku ? this.danmakuToggle : null,
      show.input ? this.input.el : h('div', { style: { flex: '1' } }),
      show.gifts ? this.gifts.button : null,
      show.likes ? this.likes.el : null);
    append(side, [
      show.notice ? this.notice.el : null,
      show.draw ? this.draw.el : null,
      show.chat ? this.chatList.el : null,
      show.item ? this.item.el : null,
      show.input ? this.input.reason : null,
      bar,
    ]);
    root.append(stage, side);
    if (show.gifts) root.append(this.gifts.panel);
    this.toastEl = h('div', { class: 'lr-toast', hidden: true, role: 'status' });
    root.append(this.toastEl);

    if (this.o.anchor) this.anchor.set({ name: this.o.anchor.name || '', avatar: this.o.anchor.avatar || '' });
    if (typeof this.o.subscribed === 'boolean') this.anchor.set({ subscribed: this.o.subscribed });
    if (typeof this.o.notice === 'string') this.notice.set(this.o.notice);
    if (this.o.streamUrl) this.setStream(this.o.streamUrl);
    this.setAnchorFace();
    this.stateBanner.set(null);
    this.video.setState('');
    this.refreshInput();

    // The room is added after what the element already holds (a page's own player stays).
    // Without the video it lies over the element's box, so a static element is positioned.
    this.hostStyle = null;
    if (!show.video && getComputedStyle(this.host).position === 'static') {
      this.hostStyle = { attr: this.host.getAttribute('style'), position: this.host.style.position };
      this.host.style.position = 'relative';
    }
    this.host.appendChild(root);
    if (show.video && show.danmaku && !show.chat) root.classList.add('lr-no-chat');
  }

  /** The anchor's face on the video placeholder and the end card. */
  setAnchorFace() {
    this.video.setAnchor(this.anchor.data);
    this.endCard.setAnchor(this.anchor.data);
  }

  /**
   * Plays a stream in the component's own video (nothing when the page shows its own).
   * @param {string} url
   */
  setStream(url) {
    if (this.show.video) this.video.setSource(url);
  }

  // ---------------------------------------------------------------------------------------
  // Connecting
  // ---------------------------------------------------------------------------------------

  async start() {
    const o = this.o;
    // The server's config names the app and says whether the development gift endpoint
    // exists; not needed when the app is given and gifts cannot or need not use that endpoint.
    const guest = !(o.login && typeof o.login === 'object');
    if (!(o.sdkAppID && (guest || typeof o.sendGift === 'function'))) await this.loadConfig();
    if (this.destroyed) return;
    loadCatalog(o.gifts, { base: this.base, imageBase: new URL(o.giftImageBaseUrl || '/static/', this.base).href })
      .then((list) => {
        this.catalog = list;
        this.gifts.refresh();
      })
      .catch((err) => this.error(err));
    try {
      if (o.chat && typeof o.chat.on === 'function') {
        this.chat = /** @type {Chat} */ (o.chat);
        this.ownChat = false;
      } else {
        const SDKAppID = Number(o.sdkAppID || this.config.SDKAppID);
        if (!SDKAppID) throw new Error('no sdkAppID: pass options.sdkAppID (the server\'s /v1/web/config could not be read or names no app)');
        const wsUrl = o.url || new URL('ws', this.base).href.replace(/^http/, 'ws');
        this.chat = LiveRoom.create({ SDKAppID, url: wsUrl, logLevel: o.logLevel ?? 3 });
        this.ownChat = true;
      }
      this.subscribe();
      const chat = this.chat;
      if (chat.isReady()) {
        const userID = chat.getLoginUser();
        this.me = { userID, nick: userID, avatar: '', level: 0, isGuest: userID === '' };
      } else if (o.login && typeof o.login === 'object') {
        if (!o.login.userID || !o.login.userSig) throw new Error('options.login needs userID and userSig');
        this.me = (await chat.login({ userID: String(o.login.userID), userSig: String(o.login.userSig) })).data;
      } else {
        this.me = (await chat.loginAsGuest()).data;
      }
      if (this.destroyed) return;
      if (this.me && this.me.userID) this.rememberNick(this.me.userID, this.me.nick || this.me.userID);
      const joined = (await chat.joinGroup({ groupID: this.roomID })).data;
      if (this.destroyed) {
        chat.quitGroup(this.roomID).catch(() => {});
        return;
      }
      this.applyJoin(joined);
    } catch (err) {
      if (this.destroyed) return;
      this.gone = explain(err);
      this.net.set(`Could not join the room: ${this.gone}`, 'error');
      this.refreshInput();
      this.error(err);
    }
  }

  /** Reads the server's config (again after a failure); true once it has been read. */
  async loadConfig() {
    if (this.configRead) return true;
    this.configTried = Date.now();
    const c = await serverConfig(this.base);
    if (!c || this.destroyed) return false;
    this.config = c;
    this.configRead = true;
    return true;
  }

  /**
   * Remembers a user's nickname (re-inserted, so the oldest seen are dropped first).
   * @param {string} userID
   * @param {string} nick
   */
  rememberNick(userID, nick) {
    if (!userID || !nick) return;
    this.nicks.delete(userID);
    this.nicks.set(userID, nick);
    if (this.nicks.size > NICKS_MAX) this.nicks.delete(/** @type {string} */ (this.nicks.keys().next().value));
  }

  /** @param {JoinResult} joined */
  applyJoin(joined) {
    const g = joined.group;
    this.joined = true;
    this.netState = 'connected';
    this.profile = g;
    this.privileged = joined.role === 'Owner' || joined.role === 'Admin';
    this.muteAll = Boolean(g.muteAllMembers);
    this.setMute(joined.muteRemaining, joined.muteRemaining > 0 || (this.muteAll && !this.privileged));
    if (typeof this.o.notice !== 'string') this.notice.set(g.notification || '');
    this.anchor.set({
      name: (this.o.anchor && this.o.anchor.name) || g.name || g.ownerID || this.roomID,
      avatar: (this.o.anchor && this.o.anchor.avatar) || g.avatar || '',
      room: g.name || '',
    });
    this.setAnchorFace();
    if (!this.o.streamUrl) this.setStream(g.customFields.StreamUrl || '');
    const likes = Number(g.customFields.Likes);
    if (Number.isFinite(likes)) this.likes.setTotal(likes);
    this.online.set(joined.memberCount);
    this.setLiveState(joined.liveState, false);
    this.item.set(joined.pinnedItem);
    this.refreshInput();
    this.net.set('');
  }

  subscribe() {
    /**
     * Listens to an SDK event (until destroy()); `fn` gets the event's data.
     * @template {EventName} K
     * @param {K} name
     * @param {(data: EventMap[K]) => void} fn
     */
    const on = (name, fn) => {
      /** @type {EventHandler<K>} */
      const handler = (event) => {
        if (this.destroyed) return;
        try {
          fn(event.data);
        } catch (err) {
          this.error(err);
        }
      };
      /** @type {Chat} */ (this.chat).on(name, handler);
      this.handlers.push([name, /** @type {EventHandler<EventName>} */ (handler)]);
    };
    const mine = (/** @type {{groupID: string}} */ d) => d && d.groupID === this.roomID;
    on(EVENT.MESSAGE_RECEIVED, (list) => this.onMessages(list));
    on(EVENT.GIFT_RECEIVED, (gift) => mine(gift) && this.onGift(gift));
    on(EVENT.LIVE_STATE_CHANGED, (d) => mine(d) && this.setLiveState(d.liveState, true));
    on(EVENT.ITEM_PINNED, (d) => {
      if (!mine(d)) return;
      this.item.set(d.item);
      if (d.item && d.operatorID) this.line(`Now showing: ${d.item.Title}`, 'lr-sys');
    });
    on(EVENT.LIKES_UPDATED, (d) => mine(d) && this.likes.setTotal(d.total, { animate: true }));
    on(EVENT.ONLINE_COUNT_UPDATED, (d) => mine(d) && this.online.set(d.memberCount));
    on(EVENT.DRAW_STARTED, (d) => {
      if (!mine(d)) return;
      this.draw.start(d.draw);
      this.line(`Lucky draw! Comment “${d.draw.keyword}” within ${clock(d.draw.duration)} to enter.`, 'lr-sys');
    });
    on(EVENT.DRAW_RESULT, (d) => {
      if (!mine(d)) return;
      const { names } = this.draw.result(d.result);
      this.line(names.length ? `Lucky draw winners: ${names.join(', ')}` : 'The lucky draw ended without entrants.', 'lr-sys');
    });
    on(EVENT.GROUP_PROFILE_UPDATED, (d) => mine(d) && this.onProfile(d.changes));
    on(EVENT.MESSAGE_RECALLED, (d) => mine(d) && this.onRecalled(d.sequence));
    on(EVENT.MUTED, (d) => {
      if (!mine(d)) return;
      this.muteAll = d.muteAll;
      this.setMute(d.muteRemaining, d.muted);
    });
    on(EVENT.NET_STATE_CHANGE, (d) => {
      this.netState = d.state;
      if (!this.joined || this.gone) return;
      if (d.state === 'connected') this.net.set('');
      else this.net.set(d.state === 'connecting' ? 'Reconnecting…' : 'Connection lost. Retrying…');
      this.refreshInput();
    });
    on(EVENT.KICKED_OUT, (d) => {
      /** @type {Record<string, string>} */
      const why = {
        multi_login: 'You signed in on another device',
        account_kicked: 'You were signed out',
        request_flood: 'Too many requests; you were disconnected',
        usersig_expired: 'Your session expired; sign in again',
      };
      this.leave(why[d.type] || 'You were disconnected');
    });
    on(EVENT.REMOVED_FROM_GROUP, (d) => {
      if (!mine(d)) return;
      this.leave(d.reason === 'banned' ? 'You were removed from this room' : d.reason === 'dismissed' ? 'This room was closed' : 'You are no longer in this room');
    });
    on(EVENT.SDK_NOT_READY, (d) => {
      if (d.reason === 'connection_lost' || d.reason === 'login_failed') this.leave('Disconnected from the server');
    });
  }

  /** @param {string} why */
  leave(why) {
    this.gone = why;
    this.net.set(why, 'error');
    this.refreshInput();
  }

  // ---------------------------------------------------------------------------------------
  // Room events
  // ---------------------------------------------------------------------------------------

  /** @param {Message[]} list */
  onMessages(list) {
    for (const m of list) {
      if (m.to !== this.roomID) continue;
      if (m.from && m.nick) this.rememberNick(m.from, m.nick);
      switch (m.type) {
        case TYPES.MSG_TEXT:
          this.chatList.add(this.messageNode(m), m);
          if (!m.isHistory && this.show.danmaku) this.danmaku.add(m.payload.text, false, m.sequence);
          break;
        case TYPES.MSG_CUSTOM:
          this.onCustom(m);
          break;
        case TYPES.MSG_FACE:
          this.chatList.add(this.messageNode(m, '[sticker]'), m);
          break;
        case TYPES.MSG_GRP_TIP:
          this.onTip(m);
          break;
        case TYPES.MSG_GRP_SYS_NOTICE:
          if (m.payload.operationType === TYPES.GRP_SYS_CUSTOM && !m.payload.event && m.payload.content) this.line(m.payload.content, 'lr-sys');
          break;
        default:
          this.chatList.add(this.messageNode(m, `[${String(m.type).replace(/^TIM|Elem$/g, '').toLowerCase()}]`), m);
      }
      if (m.type !== TYPES.MSG_GRP_TIP && m.type !== TYPES.MSG_GRP_SYS_NOTICE) this.call('onMessage', m);
    }
  }

  /**
   * A recalled message leaves the chat list and, if still flying, the danmaku.
   * @param {number} sequence
   */
  onRecalled(sequence) {
    this.chatList.remove((m) => Boolean(m) && m.to === this.roomID && m.sequence === sequence);
    this.danmaku.remove(sequence);
  }

  /** @param {CustomMessage} m */
  onCustom(m) {
    let data = null;
    try {
      data = JSON.parse(m.payload.data);
    } catch (_) {
      /* not JSON */
    }
    if (data && typeof data === 'object' && data.type === 'gift') {
      // Live gifts come as GIFT_RECEIVED; the history's are shown as lines only.
      if (m.isHistory) {
        /** @type {Gift} */
        const gift = {
          groupID: m.to, from: m.from, nick: m.nick, avatar: m.avatar, level: m.level,
          giftID: String(data.GiftId || ''), giftName: String(data.GiftName || data.GiftId || ''), giftType: data.GiftType | 0,
          count: data.Count | 0, comboCount: data.ComboCount | 0, comboID: String(data.ComboId || m.ID), effectURL: '',
          value: data.Value | 0, source: 'message', isSelf: m.from === this.me?.userID, echo: false, message: m,
        };
        this.chatList.upsert(`gift:${gift.comboID}`, this.giftNode(gift, m), m);
      }
      return;
    }
    if (m.payload.description) this.chatList.add(this.messageNode(m, m.payload.description), m);
  }

  /** @param {GroupTipMessage} m */
  onTip(m) {
    const p = m.payload;
    const name = (/** @type {TipMember} */ member) => member.nick || this.nicks.get(member.userID) || member.userID;
    switch (p.operationType) {
      case TYPES.GRP_TIP_MBR_JOIN:
        for (const member of p.memberList) {
          if (member.nick) this.rememberNick(member.userID, member.nick);
          this.call('onMemberEntered', { userID: member.userID, nick: member.nick || '', groupID: this.roomID, memberCount: p.memberCount });
          if (member.userID === this.me?.userID) continue;
          this.chatList.tip('join', name(member), (names, count) => `${joinNames(names, count)} joined`);
        }
        break;
      case TYPES.GRP_TIP_MBR_QUIT:
        for (const member of p.memberList) this.chatList.tip('quit', name(member), (names, count) => `${joinNames(names, count)} left`);
        break;
      case TYPES.GRP_TIP_MBR_KICKED_OUT:
        for (const member of p.memberList) this.line(`${name(member)} was removed from the room`);
        break;
      case TYPES.GRP_TIP_MBR_SET_ADMIN:
      case TYPES.GRP_TIP_MBR_CANCELED_ADMIN: {
        const on = p.operationType === TYPES.GRP_TIP_MBR_SET_ADMIN;
        for (const member of p.memberList) {
          if (member.userID === this.me?.userID) this.privileged = on;
          this.line(`${name(member)} ${on ? 'is now a room admin' : 'is no longer a room admin'}`);
        }
        this.refreshInput();
        break;
      }
      case TYPES.GRP_TIP_MBR_PROFILE_UPDATED:
        for (const member of p.memberList) {
          if (member.muteTime === undefined) continue;
          const t = member.muteTime;
          this.line(t === 0 ? `${name(member)} can chat again` : t >= TYPES.MUTE_PERMANENT ? `${name(member)} was muted` : `${name(member)} was muted for ${duration(t)}`);
        }
        break;
      default:
        break; // profile changes arrive as their own events
    }
  }

  /** @param {GroupProfileChanges} changes */
  onProfile(changes) {
    if (changes.notification !== undefined && typeof this.o.notice !== 'string') {
      this.notice.set(changes.notification);
      if (changes.notification) this.line('The notice was updated', 'lr-sys');
    }
    if (changes.name !== undefined) {
      this.anchor.set({ room: changes.name, ...(this.o.anchor?.name ? {} : { name: changes.name }) });
    }
    if (changes.avatar !== undefined && !this.o.anchor?.avatar) {
      this.anchor.set({ avatar: changes.avatar });
      this.setAnchorFace();
    }
    if (changes.muteAllMembers !== undefined) {
      this.muteAll = changes.muteAllMembers;
      this.line(changes.muteAllMembers ? 'The host muted the chat for everyone' : 'The chat is open again', 'lr-sys');
      this.refreshInput();
    }
    if (changes.customFields && changes.customFields.StreamUrl !== undefined && !this.o.streamUrl) {
      this.setStream(changes.customFields.StreamUrl);
    }
    // The stored total (e.g. after a reconnect): taken only when it is ahead of the shown
    // one, as the stored value lags behind the pushed totals.
    const raw = changes.customFields ? changes.customFields.Likes : undefined;
    const likes = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (Number.isFinite(likes) && likes > this.likes.total) this.likes.setTotal(likes);
  }

  /**
   * @param {LiveState | null} liveState
   * @param {boolean} announce a change to tell the chat about (not the state found on joining)
   */
  setLiveState(liveState, announce) {
    const before = this.liveState?.state;
    this.liveState = liveState;
    this.stateBanner.set(liveState);
    this.endCard.set(liveState);
    this.video.setState(liveState ? liveState.state : '');
    if (announce && liveState && liveState.state !== before) {
      const text = liveState.state === 'Live' && before === 'Paused' ? 'The live is back' : STATE_LINES[liveState.state];
      if (text) this.line(text, 'lr-sys lr-state-tip');
    }
    if (liveState && (announce || before === undefined)) this.call('onStateChange', { ...liveState });
  }

  /** @param {Gift} gift */
  onGift(gift) {
    if (gift.echo) return; // this client already showed these gifts from its own pushes
    if (gift.from && gift.nick) this.rememberNick(gift.from, gift.nick);
    const entry = this.giftEntry(gift.giftID);
    if (this.show.chat) {
      this.chatList.upsert(`gift:${gift.comboID}`, this.giftNode(gift, gift.message), gift.message || giftAsMessage(gift));
    }
    if (gift.giftType >= 1 && this.show.gifts !== false) this.banners.show(gift);
    if (gift.giftType === 2) {
      const effect = gift.effectURL || entry?.effectUrl || '';
      if (effect) this.effects.play(effect, { priority: gift.isSelf });
    }
    this.call('onGift', gift);
  }

  /**
   * A gift's chat line.
   * @param {Gift} gift
   * @param {Message | null} [message] the combo message, if any
   */
  giftNode(gift, message) {
    const li = giftLine(gift, this.giftEntry(gift.giftID), this.prefix(message || giftAsMessage(gift)));
    if ((this.o.messageActions || []).length) li.classList.add('lr-has-actions');
    return li;
  }

  /** @param {string} id */
  giftEntry(id) {
    return this.catalog.find((g) => g.GiftId === id);
  }

  // ---------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------

  /**
   * The page's `messagePrefix` for a message (or a gift's stand-in), or null.
   * @param {unknown} message
   */
  prefix(message) {
    const r = this.renderer('messagePrefix');
    if (!r) return null;
    try {
      return toNode(r(message, this.ctx()));
    } catch (err) {
      this.error(err);
      return null;
    }
  }

  /**
   * A chat-list entry for a message (`.lr-msg`, `data-from`).
   * @param {any} m
   * @param {string} [text] the text shown, for non-text messages
   */
  messageNode(m, text) {
    const self = Boolean(this.me && m.from === this.me.userID && !this.me.isGuest);
    const li = h('li', {
      class: `lr-msg lr-msg-text${self ? ' lr-self' : ''}${(this.o.messageActions || []).length ? ' lr-has-actions' : ''}`,
      'data-from': m.from,
      'data-msg-id': m.ID,
    });
    li.appendChild(
      renderWith(this.renderer('messageItem'), m, this.ctx(), () => {
        const frag = document.createDocumentFragment();
        append(frag, [
          this.prefix(m),
          levelBadge(m.level),
          avatar(m.avatar, m.nick || m.from),
          h('span', { class: 'lr-nick' }, m.nick || m.from),
          h('span', { class: 'lr-text' }, text !== undefined ? text : m.payload.text),
        ]);
        return frag;
      }, (err) => this.error(err)),
    );
    return li;
  }

  /**
   * A tip or notice line in the chat list.
   * @param {string} text
   * @param {string} [cls]
   */
  line(text, cls = '') {
    if (!this.show.chat) return;
    this.chatList.add(h('li', { class: `lr-tip ${cls}`.trim() }, text));
  }

  /** @param {string} text */
  toast(text) {
    this.toastEl.textContent = text;
    this.toastEl.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => (this.toastEl.hidden = true), 2400);
  }

  // ---------------------------------------------------------------------------------------
  // Input state
  // ---------------------------------------------------------------------------------------

  /**
   * @param {number} remaining seconds left of the viewer's own mute (TYPES.MUTE_PERMANENT: for good)
   * @param {boolean} muted
   */
  setMute(remaining, muted) {
    this.muteUntil = remaining <= 0 ? 0 : remaining >= TYPES.MUTE_PERMANENT ? Infinity : Date.now() + remaining * 1000;
    this.muted = Boolean(muted);
    clearInterval(this.muteTick);
    if (Number.isFinite(this.muteUntil) && this.muteUntil > 0) {
      this.muteTick = window.setInterval(() => {
        if (Date.now() >= this.muteUntil) {
          clearInterval(this.muteTick);
          this.muteUntil = 0;
        }
        this.refreshInput();
      }, 1000);
    }
    this.refreshInput();
  }

  /** Why the viewer cannot comment now ('' when they can). */
  blockReason() {
    if (this.destroyed) return 'The room was closed';
    if (this.gone) return this.gone;
    if (!this.me) return 'Connecting…';
    if (this.me.isGuest) return 'You are watching as a guest. Log in to chat.';
    if (!this.joined) return 'Connecting…';
    const now = Date.now();
    if (this.muteUntil === Infinity) return 'You are muted in this room';
    if (this.muteUntil > now) return `You are muted for ${clock((this.muteUntil - now) / 1000)}`;
    if (this.muteAll && !this.privileged) return 'The host has muted the chat for everyone';
    if (this.muted && this.muteUntil === 0 && !this.muteAll) this.muted = false;
    if (this.netState !== 'connected') return 'Reconnecting…';
    return '';
  }

  giftBlockReason() {
    if (this.gone) return this.gone;
    if (!this.me) return 'Connecting…';
    if (this.me.isGuest) return 'Log in to send gifts';
    if (typeof this.o.sendGift !== 'function' && !this.devGiftAvailable()) {
      this.retryConfig();
      return 'Gifts cannot be sent from this page';
    }
    return '';
  }

  /** Asks for the server's config again when it could not be read (for the development gifts). */
  retryConfig() {
    if (this.configRead || this.destroyed || Date.now() - this.configTried < CONFIG_RETRY_MS) return;
    if (!(this.o.login && typeof this.o.login === 'object' && this.o.login.userSig)) return;
    this.loadConfig().then((ok) => {
      if (ok && !this.destroyed) this.gifts.refresh();
    }, () => {});
  }

  devGiftAvailable() {
    return Boolean(this.config && this.config.DevLogin && this.o.login && typeof this.o.login === 'object' && this.o.login.userSig);
  }

  refreshInput() {
    const why = this.blockReason();
    this.input.setBlocked(why);
    this.draw.refresh();
  }

  // ---------------------------------------------------------------------------------------
  // Actions
  // ---------------------------------------------------------------------------------------

  /** @param {string} text */
  async sendText(text) {
    const value = String(text ?? '').trim();
    if (!value) return null;
    const why = this.blockReason();
    if (why) throw Object.assign(new Error(why), { code: 10007 });
    const message = /** @type {Chat} */ (this.chat).createTextMessage({ to: this.roomID, payload: { text: value } });
    return this.sendMessage(message);
  }

  /** @param {Message} message */
  async sendMessage(message) {
    if (!this.chat) throw new Error('not connected yet');
    const isText = message && message.type === TYPES.MSG_TEXT;
    const shownLevel = message.level;
    /** @type {HTMLElement | null} */
    let li = null;
    if (isText && this.show.chat) {
      li = this.messageNode(message);
      li.classList.add('lr-sending', 'lr-self');
      this.chatList.add(li, message);
      this.chatList.scrollToEnd();
    }
    try {
      const res = await this.chat.sendMessage(message);
      const sent = res.data.message;
      // The reply says the level the message went out with (it grows as the user takes part).
      const levelChanged = sent.level > 0 && sent.level !== shownLevel;
      if (this.me && sent.level > 0) this.me.level = sent.level;
      if (li) {
        li.classList.remove('lr-sending');
        li.setAttribute('data-msg-id', sent.ID);
        if (levelChanged) li.replaceChildren(...Array.from(this.messageNode(sent).childNodes));
      }
      // Only a comment the server took flies over the video (not a muted or filtered one).
      if (isText && this.show.danmaku && !this.destroyed) this.danmaku.add(message.payload.text, true, sent.sequence);
      if (isText) this.draw.noteSent(message.payload.text);
      this.call('onMessage', res.data.message);
      return res;
    } catch (err) {
      if (li) {
        li.classList.remove('lr-sending');
        li.classList.add('lr-failed');
        li.appendChild(h('span', { class: 'lr-msg-error' }, `Not sent: ${explain(err)}`));
      }
      throw err;
    }
  }

  like(count = 1) {
    if (!this.chat) return Promise.reject(new Error('not connected yet'));
    return this.chat.like(this.roomID, count).then((r) => r.data);
  }

  /**
   * @param {string} giftId
   * @param {number} [count]
   */
  async sendGift(giftId, count = 1) {
    const own = typeof this.o.sendGift === 'function';
    const n = Math.max(1, Math.min(own ? GIFT_MAX : DEV_GIFT_MAX, Math.floor(Number(count) || 1)));
    const why = this.giftBlockReason();
    if (why) throw new Error(why);
    const gift = this.giftEntry(giftId) || { GiftId: String(giftId), GiftName: String(giftId), GiftType: 0, Value: 0 };
    const key = randomKey();
    if (own) {
      return this.o.sendGift({ gift, count: n, key, roomID: this.roomID, userID: this.me?.userID || '' });
    }
    const res = await fetch(new URL('v1/web/dev-gift', this.base).href, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'omit',
      body: JSON.stringify({
        UserID: this.o.login.userID,
        UserSig: this.o.login.userSig,
        GroupId: this.roomID,
        GiftId: gift.GiftId,
        Count: n,
        GiftKey: key,
      }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || body.ActionStatus !== 'OK') {
      throw Object.assign(new Error(body.ErrorInfo || `the gift was not sent (HTTP ${res.status})`), { code: body.ErrorCode });
    }
    return body;
  }

  /** @param {boolean} on */
  setDanmaku(on) {
    this.danmaku.setEnabled(on);
    this.danmakuToggle.setAttribute('aria-pressed', String(this.danmaku.enabled));
    this.danmakuToggle.title = this.danmaku.enabled ? 'Hide comments over the video' : 'Show comments over the video';
  }

  /** @param {RoomData} [data] */
  updateData(data = {}) {
    if ('anchor' in data) {
      this.o.anchor = data.anchor || undefined;
      const g = this.profile;
      this.anchor.set({
        name: data.anchor?.name || g?.name || g?.ownerID || this.roomID,
        avatar: data.anchor?.avatar || g?.avatar || '',
      });
      this.setAnchorFace();
    }
    if ('notice' in data) {
      this.o.notice = typeof data.notice === 'string' ? data.notice : undefined;
      this.notice.set(typeof data.notice === 'string' ? data.notice : this.profile?.notification || '');
    }
    if ('subscribed' in data) {
      this.o.subscribed = data.subscribed;
      this.anchor.set({ subscribed: typeof data.subscribed === 'boolean' ? data.subscribed : undefined });
    }
    if ('streamUrl' in data) {
      this.o.streamUrl = data.streamUrl || '';
      this.setStream(data.streamUrl || this.profile?.customFields?.StreamUrl || '');
    }
  }

  /**
   * Applies options that need no reconnection (renderers, callbacks, limits, data).
   * @param {Record<string, any>} [options]
   */
  configure(options = {}) {
    /** @type {Record<string, any>} */
    const data = {};
    for (const [key, value] of Object.entries(options)) {
      if (key === 'anchor' || key === 'notice' || key === 'subscribed' || key === 'streamUrl') data[key] = value;
      else this.o[key] = value;
    }
    if ('maxDanmaku' in options) this.danmaku.setMax(Number(options.maxDanmaku));
    if ('danmaku' in options) this.setDanmaku(options.danmaku !== false);
    this.updateData(data);
    if ('renderers' in options) {
      this.anchor.render();
      this.online.render();
      this.input.render();
      this.gifts.refresh();
    }
    this.refreshInput();
  }

  /**
   * Calls the page's callback of that name, if any (its errors go to `onError`).
   * @param {string} name
   * @param {...unknown} args
   */
  call(name, ...args) {
    const fn = this.o[name];
    if (typeof fn !== 'function') return;
    try {
      fn(...args);
    } catch (err) {
      if (name !== 'onError') this.error(err);
    }
  }

  /** @param {unknown} err */
  error(err) {
    if (typeof this.o.onError === 'function') this.call('onError', err);
    else if (typeof console !== 'undefined') console.warn('[liveroom-room]', err);
  }

  async destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.muteTick);
    clearTimeout(this.toastTimer);
    const chat = this.chat;
    if (chat) for (const [name, handler] of this.handlers) chat.off(name, handler);
    this.handlers = [];
    for (const part of [this.video, this.endCard, this.danmaku, this.banners, this.effects, this.anchor, this.stateBanner, this.online, this.net,
      this.notice, this.draw, this.chatList, this.item, this.input, this.likes, this.gifts]) {
      try {
        part.destroy();
      } catch (_) {
        /* keep tearing down */
      }
    }
    this.root.remove();
    this.restoreHost();
    if (!chat) return;
    const quit = this.joined ? chat.quitGroup(this.roomID).catch(() => {}) : Promise.resolve();
    if (this.ownChat) {
      await Promise.race([quit, new Promise((r) => setTimeout(r, 1500))]);
      try {
        chat.destroy();
      } catch (_) {
        /* already closed */
      }
    } else {
      await quit;
    }
  }

  /** Puts back the element's own inline style where the room changed it. */
  restoreHost() {
    const saved = this.hostStyle;
    if (!saved) return;
    this.hostStyle = null;
    this.host.style.position = saved.position;
    if (saved.attr === null && this.host.getAttribute('style') === '') this.host.removeAttribute('style');
  }

  makeController() {
    const view = this;
    return {
      /** @param {string} text */
      sendText: (text) => view.sendText(text),
      /** @param {string} giftId @param {number} [count] */
      sendGift: (giftId, count) => view.sendGift(giftId, count),
      /** @param {Message} message */
      sendMessage: (message) => view.sendMessage(message),
      /** @param {unknown} source a URL of Lottie JSON, or the parsed animation */
      playEffect: (source) => view.effects.play(source, { priority: true }),
      /** @param {RoomData} data */
      updateData: (data) => view.updateData(data),
      /** @param {boolean} on */
      setDanmaku: (on) => view.setDanmaku(on),
      like: (count = 1) => view.like(count),
      /** @param {Record<string, any>} options */
      configure: (options) => view.configure(options),
      destroy: () => view.destroy(),
      get chat() {
        return view.chat;
      },
      get me() {
        return view.me ? { ...view.me } : null;
      },
      get roomID() {
        return view.roomID;
      },
      get liveState() {
        return view.liveState ? { ...view.liveState } : null;
      },
      get ready() {
        return view.ready;
      },
      get element() {
        return view.root;
      },
    };
  }
}

/**
 * "alice", "alice and bob", "alice, bob and carol", "alice, bob and 1,234 others".
 * @param {string[]} names the first few names
 * @param {number} [count] how many people in all
 */
function joinNames(names, count = names.length) {
  if (count <= 2 || names.length < 2) return names.slice(0, 2).join(' and ');
  if (count === 3 && names.length >= 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  const others = count - 2;
  return `${names[0]}, ${names[1]} and ${others.toLocaleString('en-US')} other${others === 1 ? '' : 's'}`;
}

/** @param {number} secs */
function duration(secs) {
  if (secs < 60) return `${secs} s`;
  if (secs < 3600) return `${Math.round(secs / 60)} min`;
  if (secs < 86400) return `${Math.round(secs / 3600)} h`;
  return `${Math.round(secs / 86400)} days`;
}

/**
 * A message-like object for a gift pushed to its sender (no message of its own).
 * @param {Gift} gift
 */
function giftAsMessage(gift) {
  return { ID: gift.comboID, type: 'gift', from: gift.from, nick: gift.nick, avatar: gift.avatar, level: gift.level, to: gift.groupID, payload: { gift } };
}
