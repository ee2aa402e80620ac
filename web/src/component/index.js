// The embeddable live chat room: `mountLiveRoom(element, options)` and the <liveroom-room>
// custom element. See docs/web-component.md for the options, the controller, the callbacks,
// the custom renderers and the theme variables.
import { escapeHTML } from './dom.js';
import { LIVE_OPTIONS, LiveRoomView } from './room.js';

export { escapeHTML };

/** @type {WeakMap<HTMLElement, LiveRoomView>} */
const mounted = new WeakMap();

/**
 * Mounts a live room into `element` (added after its content, which stays) and joins the room.
 * @param {HTMLElement} element
 * @param {Record<string, any>} options `roomID` is required; see docs/web-component.md
 * @returns the controller: sendText, sendGift, sendMessage, playEffect, updateData, setDanmaku, like, configure, chat, destroy
 */
export function mountLiveRoom(element, options) {
  const before = mounted.get(element);
  if (before) before.destroy();
  const view = new LiveRoomView(element, options);
  mounted.set(element, view);
  const destroy = view.controller.destroy;
  Object.defineProperty(view.controller, 'destroy', {
    value: () => {
      if (mounted.get(element) === view) mounted.delete(element);
      return destroy();
    },
  });
  return view.controller;
}

/** Attributes of <liveroom-room> and the options they set. */
const ATTRIBUTES = {
  'room-id': 'roomID',
  sdkappid: 'sdkAppID',
  url: 'url',
  server: 'server',
  guest: 'login',
  'user-id': 'login',
  'user-sig': 'login',
  'max-danmaku': 'maxDanmaku',
  danmaku: 'danmaku',
  'stream-url': 'streamUrl',
  gifts: 'gifts',
  'gift-image-base-url': 'giftImageBaseUrl',
};

/** HTMLElement, or a stand-in where there is none (importing the module outside a browser). */
const Base = /** @type {typeof HTMLElement} */ (typeof HTMLElement === 'undefined' ? class {} : HTMLElement);

/**
 * `<liveroom-room room-id="demo" sdkappid="1400012345" url="ws://host/ws" guest max-danmaku="200">`.
 * `element.configure(options)` adds what attributes cannot carry (renderers, callbacks,
 * message actions, an SDK instance); `element.controller` is the mounted room's controller.
 */
export class LiveRoomElement extends Base {
  static get observedAttributes() {
    return Object.keys(ATTRIBUTES);
  }

  constructor() {
    super();
    /** @type {Record<string, any>} */
    this._extra = {};
    /** @type {import('./room.js').Controller | null} */
    this._controller = null;
    this._scheduled = false;
  }

  /** The mounted room's controller (null until the element is in the page with a room-id). */
  get controller() {
    return this._controller;
  }

  /**
   * Sets options beyond the attributes. Renderers, callbacks, message actions and data
   * apply at once; anything else (login, chat, show...) remounts the room.
   * @param {Record<string, any>} options
   */
  configure(options = {}) {
    this._extra = { ...this._extra, ...options };
    const live = Object.keys(options).every((k) => LIVE_OPTIONS.has(k));
    if (this._controller && live) this._controller.configure(options);
    else this._schedule();
    return this;
  }

  connectedCallback() {
    this._schedule();
  }

  disconnectedCallback() {
    queueMicrotask(() => {
      if (!this.isConnected) this._unmount();
    });
  }

  /**
   * @param {string} name
   * @param {string | null} oldValue
   * @param {string | null} value
   */
  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value || !this._controller) return;
    if (name === 'stream-url') this._controller.updateData({ streamUrl: value || '' });
    else if (name === 'danmaku') this._controller.setDanmaku(!isOff(value));
    else if (name === 'max-danmaku') this._controller.configure({ maxDanmaku: Number(value) });
    else this._schedule();
  }

  /** Options from the attributes, then configure()'s. */
  _options() {
    /** @type {Record<string, any>} */
    const o = {};
    const attr = (/** @type {string} */ n) => this.getAttribute(n);
    if (attr('room-id')) o.roomID = attr('room-id');
    if (attr('sdkappid')) o.sdkAppID = Number(attr('sdkappid'));
    if (attr('url')) o.url = attr('url');
    if (attr('server')) o.server = attr('server');
    if (attr('user-id') && attr('user-sig')) o.login = { userID: attr('user-id'), userSig: attr('user-sig') };
    else if (this.hasAttribute('guest')) o.login = 'guest';
    if (attr('max-danmaku')) o.maxDanmaku = Number(attr('max-danmaku'));
    if (this.hasAttribute('danmaku')) o.danmaku = !isOff(attr('danmaku'));
    if (attr('stream-url')) o.streamUrl = attr('stream-url');
    if (attr('gifts')) o.gifts = attr('gifts');
    if (attr('gift-image-base-url')) o.giftImageBaseUrl = attr('gift-image-base-url');
    return { ...o, ...this._extra };
  }

  /** Mounts (again) once the current task is done, so attributes and configure() land together. */
  _schedule() {
    if (this._scheduled) return;
    this._scheduled = true;
    queueMicrotask(() => {
      this._scheduled = false;
      if (!this.isConnected) return;
      this._unmount();
      const options = this._options();
      if (!options.roomID) return;
      this._controller = mountLiveRoom(this, options);
      this.dispatchEvent(new CustomEvent('liveroom-mounted', { detail: this._controller }));
    });
  }

  _unmount() {
    if (!this._controller) return;
    const c = this._controller;
    this._controller = null;
    c.destroy();
  }
}

/** @param {string | null} value */
function isOff(value) {
  return value === 'off' || value === 'false' || value === '0';
}

/** Defines <liveroom-room> (done on import; harmless to call again). */
export function defineLiveRoomElement(name = 'liveroom-room') {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(name, name === 'liveroom-room' ? LiveRoomElement : class extends LiveRoomElement {});
}

defineLiveRoomElement();
