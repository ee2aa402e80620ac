// Danmaku: comments flying across the video. Items move at one speed (so none catches up
// with the one before it) in horizontal lanes; a new item takes the first lane whose last item
// has fully entered the screen. The number on screen is capped (maxDanmaku): when every lane
// is busy or the cap is reached, items wait briefly in a small queue and are dropped if they
// cannot start soon — a busy room never builds an ever-growing backlog. Movement is a CSS
// transform animation; each node is removed on animationend, or by a timer a little after
// its duration when no such event comes (a page that turns animations off).
import { h } from './dom.js';

const QUEUE_MAX = 40; // items waiting for a lane
const QUEUE_TTL = 2500; // ms an item may wait before it is dropped
const GAP = 24; // px between two items of a lane
const LANE_FALLBACK = 30; // px, when the font size cannot be read
const END_SLACK = 500; // ms after its duration when a node still on screen is removed anyway

/**
 * @param {{max: number, enabled: boolean}} options
 */
export function createDanmaku(options) {
  const layer = h('div', { class: 'lr-danmaku', 'data-lr': 'danmaku-layer', 'aria-hidden': 'true' });
  let max = Math.max(1, options.max | 0 || 200);
  let enabled = options.enabled !== false;
  /** @type {Map<Element, number>} items on screen, with their fallback removal timers */
  const live = new Map();
  /** @type {number[]} per lane: the time (ms) when it can take its next item */
  let lanes = [];
  /** @type {{text: string, self: boolean, at: number, key?: unknown}[]} */
  const queue = [];
  /** @type {WeakMap<Element, unknown>} the key an item on screen was added with */
  const keys = new WeakMap();
  let drainTimer = 0;
  let dropped = 0;

  layer.classList.toggle('lr-danmaku-off', !enabled);

  function laneHeight() {
    const size = parseFloat(getComputedStyle(layer).getPropertyValue('--lrv-danmaku-size')) || 0;
    return size > 0 ? Math.round(size * 1.55) : LANE_FALLBACK;
  }

  /**
   * Speed in px/s: a long way across a wide screen in about 8 s, never slower than 90 px/s.
   * @param {number} width
   */
  function speed(width) {
    return Math.max(90, (width + 160) / 8);
  }

  function laneCount() {
    const count = Math.max(1, Math.floor(layer.clientHeight / laneHeight()));
    if (lanes.length !== count) lanes = Array.from({ length: count }, (_, i) => lanes[i] || 0);
    return count;
  }

  /**
   * @param {number} now
   * @returns {number} a free lane, or -1
   */
  function freeLane(now) {
    const count = laneCount();
    for (let i = 0; i < count; i++) if (lanes[i] <= now) return i;
    return -1;
  }

  /**
   * @param {{text: string, self: boolean, key?: unknown}} entry
   * @param {number} lane
   * @param {number} now
   */
  function launch(entry, lane, now) {
    const width = layer.clientWidth;
    const node = h('div', { class: entry.self ? 'lr-danmaku-item lr-self' : 'lr-danmaku-item' }, entry.text);
    if (entry.key !== undefined) keys.set(node, entry.key);
    node.style.top = `${lane * laneHeight()}px`;
    // Measured before it moves: with no animation yet (a 0 s one would end at once).
    node.style.visibility = 'hidden';
    node.style.animationName = 'none';
    layer.appendChild(node);
    const itemWidth = node.offsetWidth;
    const v = speed(width);
    const distance = width + itemWidth;
    node.style.setProperty('--lr-dm-distance', `${distance}px`);
    const seconds = distance / v;
    node.style.animationDuration = `${seconds.toFixed(2)}s`;
    node.style.animationName = '';
    node.style.visibility = '';
    // The lane is free once this item's tail is GAP px inside the screen.
    lanes[lane] = now + ((itemWidth + GAP) / v) * 1000;
    const finish = () => {
      if (!live.has(node)) return;
      clearTimeout(live.get(node));
      live.delete(node);
      node.remove();
      schedule();
    };
    // Without animations (e.g. a page's reduced-motion reset) no event ever comes.
    live.set(node, window.setTimeout(finish, Math.ceil(seconds * 1000) + END_SLACK));
    node.addEventListener('animationend', finish, { once: true });
    node.addEventListener('animationcancel', finish, { once: true });
  }

  function schedule() {
    if (drainTimer || queue.length === 0) return;
    const now = performance.now();
    const next = lanes.length ? Math.min(...lanes) : now;
    drainTimer = window.setTimeout(drain, Math.max(16, next - now));
  }

  function drain() {
    drainTimer = 0;
    const now = performance.now();
    while (queue.length && now - queue[0].at > QUEUE_TTL) {
      queue.shift();
      dropped += 1;
    }
    while (queue.length && live.size < max) {
      const lane = freeLane(now);
      if (lane < 0) break;
      launch(/** @type {any} */ (queue.shift()), lane, now);
    }
    schedule();
  }

  return {
    el: layer,
    /**
     * Puts a comment on screen (or in the short queue, or drops it when the room is busier
     * than the screen can show). The user's own comments always get on screen.
     * @param {string} text
     * @param {boolean} [self]
     * @param {unknown} [key] identifies the comment for `remove` (the message's sequence number)
     */
    add(text, self = false, key = undefined) {
      const clean = String(text || '').replace(/\s+/g, ' ').trim().slice(0, 120);
      if (!enabled || !clean || layer.clientWidth === 0) return;
      if (typeof document !== 'undefined' && document.hidden) return; // nobody is looking
      const now = performance.now();
      const entry = { text: clean, self, at: now, key };
      if (self) {
        // Own comment: the least busy lane, even over the cap.
        laneCount();
        let best = 0;
        for (let i = 1; i < lanes.length; i++) if (lanes[i] < lanes[best]) best = i;
        launch(entry, best, now);
        return;
      }
      if (live.size < max && queue.length === 0) {
        const lane = freeLane(now);
        if (lane >= 0) {
          launch(entry, lane, now);
          return;
        }
      }
      if (queue.length >= QUEUE_MAX) {
        queue.shift();
        dropped += 1;
      }
      queue.push(entry);
      schedule();
    },
    /**
     * Takes the comments added with `key` off the screen and out of the queue (a recalled
     * message still flying).
     * @param {unknown} key
     */
    remove(key) {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i].key === key) queue.splice(i, 1);
      for (const [node, timer] of live) {
        if (keys.get(node) !== key) continue;
        clearTimeout(timer);
        live.delete(node);
        node.remove();
      }
    },
    /** @param {boolean} on */
    setEnabled(on) {
      enabled = Boolean(on);
      layer.classList.toggle('lr-danmaku-off', !enabled);
      if (!enabled) this.clear();
    },
    get enabled() {
      return enabled;
    },
    /** @param {number} n */
    setMax(n) {
      if (Number.isFinite(n) && n > 0) max = Math.floor(n);
    },
    get stats() {
      return { onScreen: live.size, queued: queue.length, dropped, max };
    },
    clear() {
      queue.length = 0;
      clearTimeout(drainTimer);
      drainTimer = 0;
      for (const [node, timer] of live) {
        clearTimeout(timer);
        node.remove();
      }
      live.clear();
      lanes = lanes.map(() => 0);
    },
    destroy() {
      this.clear();
      layer.remove();
    },
  };
}
