// The like button, its floating hearts and the room's like total. Taps go to the SDK one by
// one (it merges them into few requests) and count on screen at once; the total from the
// server (LIKES_UPDATED, every few seconds) then takes over.
import { h, icon, ICONS } from './dom.js';

const MAX_HEARTS = 40;
const END_SLACK = 500; // ms after its duration when a heart still shown is removed anyway
const HEART_COLORS = ['#ff3d7f', '#ff8a3d', '#ffc83d', '#ff5ea8', '#b06bff', '#4fa0ff', '#3cc98f'];

/**
 * @param {{like: () => Promise<{added: number, count: number}>, canLike: () => boolean, onError: (err: unknown) => void}} deps
 */
export function createLikes(deps) {
  const hearts = h('div', { class: 'lr-hearts', 'aria-hidden': 'true' });
  const button = h('button', { class: 'lr-round lr-like-button', type: 'button', 'data-lr': 'like-button', 'aria-label': 'Like', title: 'Like' }, icon('heart'));
  const total = h('span', { class: 'lr-like-total', 'data-lr': 'like-total', 'aria-label': 'Likes' }, '0');
  const root = h('div', { class: 'lr-like' }, hearts, button, total);

  let server = 0; // the room's total as last pushed
  let inFlight = 0; // own taps not answered yet
  let added = 0; // own likes the server counted since that push
  let shown = 0;
  let lastTap = 0;
  /** @type {Set<number>} pending timers: hearts to show, and hearts' fallback removals */
  const timers = new Set();

  /**
   * setTimeout, cleared by destroy().
   * @param {() => void} fn
   * @param {number} ms
   */
  function later(fn, ms) {
    const id = window.setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
    return id;
  }

  function render() {
    const value = Math.round(server + inFlight + added);
    // Right after own taps, do not let a push that predates them pull the number back.
    shown = Date.now() - lastTap < 5000 ? Math.max(value, shown) : value;
    total.textContent = String(shown);
  }

  function heart() {
    if (hearts.childElementCount >= MAX_HEARTS || (typeof document !== 'undefined' && document.hidden)) return;
    const el = h('span', { class: 'lr-heart' });
    el.innerHTML = ICONS.heart; // static markup
    el.style.setProperty('--lr-heart-color', HEART_COLORS[Math.floor(Math.random() * HEART_COLORS.length)]);
    el.style.setProperty('--lr-heart-x', `${Math.round(Math.random() * 80 - 40)}px`);
    const seconds = 1.8 + Math.random() * 0.9;
    el.style.setProperty('--lr-heart-dur', `${seconds.toFixed(2)}s`);
    // Removed when its animation ends, or a little after its duration when animations are
    // off (no event would come and the hearts would stay, up to MAX_HEARTS, for good).
    const timer = later(() => el.remove(), Math.ceil(seconds * 1000) + END_SLACK);
    const done = () => {
      clearTimeout(timer);
      timers.delete(timer);
      el.remove();
    };
    el.addEventListener('animationend', done, { once: true });
    el.addEventListener('animationcancel', done, { once: true });
    hearts.appendChild(el);
  }

  button.addEventListener('click', () => {
    heart();
    if (!deps.canLike()) return;
    lastTap = Date.now();
    inFlight += 1;
    render();
    deps.like().then(
      (r) => {
        inFlight -= 1;
        added += r && r.count > 0 ? r.added / r.count : 0;
        render();
      },
      (err) => {
        inFlight -= 1;
        render();
        deps.onError(err);
      },
    );
  });

  return {
    el: root,
    button,
    /**
     * The room's total from the server.
     * @param {number} value
     * @param {{animate?: boolean}} [options] animate: show a few hearts for others' likes
     */
    setTotal(value, options = {}) {
      if (!Number.isFinite(value)) return;
      const others = value - server - added;
      server = value;
      added = 0;
      render();
      if (options.animate && others > 0) for (let i = 0; i < Math.min(3, others); i++) later(heart, i * 180);
    },
    get total() {
      return shown;
    },
    /** @param {number} n */
    hearts(n) {
      for (let i = 0; i < n; i++) later(heart, i * 120);
    },
    destroy() {
      for (const id of timers) clearTimeout(id);
      timers.clear();
      hearts.textContent = '';
      root.remove();
    },
  };
}
