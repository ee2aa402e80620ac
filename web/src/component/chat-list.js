// The scrolling chat list: messages, gift lines, tips and notices. New entries are added in
// one batch per animation frame; the list keeps at most `maxItems` nodes (the oldest go);
// it follows new entries unless the user scrolled up, when a "new messages" button appears
// instead. Clicking a message shows the message actions (if the page configured any). A
// recalled message's entry is removed.
import { h, icon } from './dom.js';

const STICK_SLACK = 48; // px from the bottom that still counts as "at the bottom"
const TIP_NAMES = 3; // names a merged membership tip keeps for display
const TIP_SEEN = 200; // recent names a merged membership tip keeps to count each person once

/**
 * A message action the page configured (`messageActions`): shown when the message is clicked,
 * unless `when(message)` says no.
 * @typedef {{id: string, label: string, onClick: Function, when?: Function}} MessageAction
 */

/**
 * @param {{maxItems: number, getActions: () => MessageAction[], onError: (err: unknown) => void}} deps
 */
export function createChatList(deps) {
  const list = h('ul', { class: 'lr-chat-list', 'data-lr': 'chat-list', role: 'log', 'aria-live': 'polite', 'aria-label': 'Chat' });
  const pill = h('button', { class: 'lr-new-pill', type: 'button', hidden: true }, icon('down'), h('span'));
  const root = h('div', { class: 'lr-chat' }, list, pill);
  let maxItems = Math.max(20, deps.maxItems | 0 || 300);
  let stick = true;
  let unseen = 0;
  /** @type {HTMLElement[]} */
  let pending = [];
  let frame = 0;
  let fallback = 0;
  /** @type {WeakMap<Element, any>} the message (or gift) behind each entry, for the actions */
  const data = new WeakMap();
  /** @type {Map<string, HTMLElement>} entries that later updates replace (gift combos) */
  const keyed = new Map();
  /**
   * The last membership tip, while it can still take more names: `count` people, the first
   * few `names` for display, and a capped `seen` set (the most recent names) so that someone
   * joining twice is counted once without the entry growing with the room.
   * @type {{li: HTMLElement, names: string[], seen: Set<string>, count: number, at: number, kind: string} | null}
   */
  let lastTip = null;
  /** @type {HTMLElement | null} */
  let openActions = null;

  list.addEventListener('scroll', () => {
    stick = list.scrollHeight - list.scrollTop - list.clientHeight < STICK_SLACK;
    if (stick) hidePill();
  }, { passive: true });
  pill.addEventListener('click', () => scrollToEnd());

  list.addEventListener('click', (event) => {
    const target = /** @type {Element} */ (event.target);
    if (target.closest('.lr-actions')) return;
    const li = target.closest('.lr-msg');
    if (!li || !list.contains(li)) return;
    toggleActions(/** @type {HTMLElement} */ (li));
  });

  function hidePill() {
    unseen = 0;
    pill.hidden = true;
  }

  function scrollToEnd() {
    list.scrollTop = list.scrollHeight;
    stick = true;
    hidePill();
  }

  /** @param {HTMLElement} li */
  function toggleActions(li) {
    const actions = deps.getActions() || [];
    const wasOpen = openActions && openActions.parentElement === li;
    closeActions();
    if (wasOpen || actions.length === 0 || !data.has(li)) return;
    const message = data.get(li);
    const bar = h('div', { class: 'lr-actions', role: 'menu' });
    for (const action of actions) {
      if (!action || typeof action.onClick !== 'function') continue;
      if (typeof action.when === 'function' && !action.when(message)) continue;
      bar.appendChild(
        h('button', {
          type: 'button',
          role: 'menuitem',
          'data-action': String(action.id || ''),
          text: String(action.label || action.id || ''),
          onclick: async (/** @type {Event} */ e) => {
            e.stopPropagation();
            closeActions();
            try {
              await action.onClick(message);
            } catch (err) {
              deps.onError(err);
            }
          },
        }),
      );
    }
    if (!bar.firstChild) return;
    li.appendChild(bar);
    li.classList.add('lr-active');
    openActions = bar;
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function closeActions() {
    if (!openActions) return;
    openActions.parentElement?.classList.remove('lr-active');
    openActions.remove();
    openActions = null;
  }

  function flush() {
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
    frame = 0;
    fallback = 0;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const frag = document.createDocumentFragment();
    for (const li of batch) frag.appendChild(li);
    list.appendChild(frag);
    trim();
    if (stick) {
      list.scrollTop = list.scrollHeight;
    } else {
      unseen += batch.length;
      pill.hidden = false;
      /** @type {ChildNode} */ (pill.lastChild).textContent = unseen === 1 ? '1 new message' : `${unseen > 99 ? '99+' : unseen} new messages`;
    }
  }

  function trim() {
    const extra = list.childElementCount - maxItems;
    if (extra <= 0) return;
    const before = list.scrollHeight;
    for (let i = 0; i < extra; i++) {
      const first = list.firstElementChild;
      if (!first) break;
      if (openActions && first.contains(openActions)) openActions = null;
      first.remove();
    }
    for (const [key, li] of keyed) if (!li.isConnected && !pending.includes(li)) keyed.delete(key);
    // Keep what the reader is looking at in place when the top is cut off.
    if (!stick) list.scrollTop -= before - list.scrollHeight;
  }

  function schedule() {
    if (pending.length > maxItems) pending.splice(0, pending.length - maxItems);
    if (frame || fallback) return;
    frame = requestAnimationFrame(flush);
    fallback = window.setTimeout(flush, 120); // hidden tabs get no animation frames
  }

  /**
   * @param {HTMLElement} li
   * @param {any} [item] the message or gift behind the entry (for the actions)
   */
  function add(li, item) {
    if (item !== undefined) data.set(li, item);
    pending.push(li);
    schedule();
    return li;
  }

  return {
    el: root,
    list,
    add,
    /**
     * Adds an entry, or replaces the one added earlier under the same key (a gift combo
     * growing) — in place if it is still near the end, else moved to the end.
     * @param {string} key
     * @param {HTMLElement} li
     * @param {any} [item]
     */
    upsert(key, li, item) {
      const old = keyed.get(key);
      keyed.set(key, li);
      if (keyed.size > 500) keyed.delete(/** @type {string} */ (keyed.keys().next().value));
      if (item !== undefined) data.set(li, item);
      if (old) {
        const at = pending.indexOf(old);
        if (at >= 0) {
          pending[at] = li;
          return li;
        }
        if (old.isConnected && list.lastElementChild && (old === list.lastElementChild || old.nextElementSibling === list.lastElementChild)) {
          old.replaceWith(li);
          if (stick) list.scrollTop = list.scrollHeight;
          return li;
        }
        old.remove();
      }
      return add(li);
    },
    /**
     * A membership tip; consecutive ones of the same kind within a few seconds are merged
     * into one line ("alice, bob and 1,234 others joined"). The merged entry keeps a count,
     * the first TIP_NAMES names and at most TIP_SEEN recent names for de-duplication.
     * @param {'join'|'quit'} kind
     * @param {string} name
     * @param {(names: string[], count: number) => string} text `names`: the first few; `count`: everyone
     */
    tip(kind, name, text) {
      const now = Date.now();
      const last = lastTip;
      if (last && last.kind === kind && now - last.at < 4000 && (last.li === list.lastElementChild || pending[pending.length - 1] === last.li)) {
        last.at = now;
        if (last.seen.has(name) || last.names.includes(name)) return last.li;
        last.count += 1;
        if (last.names.length < TIP_NAMES) last.names.push(name);
        if (last.seen.size >= TIP_SEEN) last.seen.delete(/** @type {string} */ (last.seen.values().next().value));
        last.seen.add(name);
        last.li.textContent = text(last.names.slice(), last.count);
        return last.li;
      }
      const li = h('li', { class: `lr-tip lr-tip-${kind}` }, text([name], 1));
      lastTip = { li, names: [name], seen: new Set([name]), count: 1, at: now, kind };
      return add(li);
    },
    /**
     * Removes the entries whose message `match` accepts (a recalled message), shown or
     * still waiting for the next frame.
     * @param {(item: any) => boolean} match
     */
    remove(match) {
      const gone = (/** @type {HTMLElement} */ li) => data.has(li) && match(data.get(li));
      pending = pending.filter((li) => !gone(li));
      for (const li of Array.from(list.children)) {
        if (!gone(/** @type {HTMLElement} */ (li))) continue;
        if (openActions && li.contains(openActions)) openActions = null;
        if (lastTip && lastTip.li === li) lastTip = null;
        li.remove();
      }
    },
    /** @param {number} n */
    setMax(n) {
      if (Number.isFinite(n) && n >= 20) maxItems = Math.floor(n);
    },
    scrollToEnd,
    closeActions,
    clear() {
      pending = [];
      list.textContent = '';
      keyed.clear();
      lastTip = null;
      openActions = null;
      hidePill();
    },
    destroy() {
      cancelAnimationFrame(frame);
      clearTimeout(fallback);
      pending = [];
      root.remove();
    },
  };
}
