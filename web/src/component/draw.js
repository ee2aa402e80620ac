// The lucky draw: while one runs (DRAW_STARTED), a card with the keyword, a countdown and a
// button that enters by sending the keyword as a comment; at the end (DRAW_RESULT) the
// winners, highlighted when the viewer is one of them.
import { clock, h, icon } from './dom.js';

const RESULT_MS = 60000;

/**
 * @param {{
 *   join: (keyword: string) => Promise<unknown>,
 *   whyNot: () => string,
 *   me: () => string,
 *   nameOf: (userID: string) => string,
 *   onError: (err: unknown) => void,
 * }} deps `whyNot` gives '' when the viewer can comment, else why not
 */
export function createDraw(deps) {
  const root = h('div', { class: 'lr-draw-slot' });
  /** @type {{drawID: string, keyword: string, endsAt: number, joined: boolean, card: HTMLElement, time: HTMLElement, button: HTMLButtonElement} | null} */
  let running = null;
  let tick = 0;
  let resultTimer = 0;
  /** @type {HTMLElement | null} */
  let resultCard = null;

  function update() {
    if (!running) return;
    const left = (running.endsAt - Date.now()) / 1000;
    const why = deps.whyNot();
    if (left <= 0) {
      running.time.textContent = 'Drawing winners…';
      running.button.disabled = true;
      running.button.textContent = running.joined ? 'Joined' : 'Closed';
      clearInterval(tick);
      // No result within a while (the server restarted mid-draw): take the card down.
      tick = window.setTimeout(() => clearRunning(), 30000);
      return;
    }
    running.time.textContent = `${clock(left)} left`;
    running.button.disabled = running.joined || Boolean(why);
    running.button.title = running.joined ? 'You are in the draw' : why;
    running.button.textContent = running.joined ? 'Joined ✓' : 'Join';
  }

  function clearRunning() {
    clearInterval(tick);
    clearTimeout(tick);
    if (running) running.card.remove();
    running = null;
  }

  function clearResult() {
    clearTimeout(resultTimer);
    if (resultCard) resultCard.remove();
    resultCard = null;
  }

  return {
    el: root,
    /** @param {{drawID: string, keyword: string, duration: number, winners: number}} draw */
    start(draw) {
      clearRunning();
      clearResult();
      const time = h('span', { class: 'lr-draw-time' });
      const button = /** @type {HTMLButtonElement} */ (h('button', { class: 'lr-draw-join', type: 'button', 'data-lr': 'draw-join' }, 'Join'));
      const card = h('div', { class: 'lr-draw', 'data-lr': 'draw', 'data-draw-id': draw.drawID, role: 'region', 'aria-label': 'Lucky draw' },
        h('div', { class: 'lr-draw-info' },
          h('span', { class: 'lr-draw-title' }, `Lucky draw · ${draw.winners} winner${draw.winners === 1 ? '' : 's'}`),
          h('span', { class: 'lr-draw-keyword' }, `Comment “${draw.keyword}”`),
          h('span', { class: 'lr-draw-meta' }, time)),
        button);
      running = { drawID: draw.drawID, keyword: draw.keyword, endsAt: Date.now() + draw.duration * 1000, joined: false, card, time, button };
      const current = running;
      button.addEventListener('click', async () => {
        if (current.joined) return;
        button.disabled = true;
        try {
          await deps.join(current.keyword);
          current.joined = true;
        } catch (err) {
          deps.onError(err);
        }
        update();
      });
      root.appendChild(card);
      update();
      tick = window.setInterval(update, 1000);
    },
    /**
     * The viewer's own comment: entering by typing the keyword counts too.
     * @param {string} text
     */
    noteSent(text) {
      if (running && String(text).includes(running.keyword)) {
        running.joined = true;
        update();
      }
    },
    /** @param {{drawID: string, keyword: string, winners: string[], entrants: number}} result */
    result(result) {
      clearRunning();
      clearResult();
      const me = deps.me();
      const won = Boolean(me) && result.winners.includes(me);
      const names = result.winners.map((id) => deps.nameOf(id) || id);
      resultCard = h('div', { class: `lr-draw-result${won ? ' lr-won' : ''}`, 'data-lr': 'draw-result', 'data-draw-id': result.drawID, role: 'status' },
        icon('trophy'),
        h('div', { class: 'lr-draw-info' },
          h('span', { class: 'lr-draw-title' }, won ? 'You won the lucky draw!' : 'Lucky draw winners'),
          h('span', { class: 'lr-draw-winners', 'data-lr': 'draw-winners' }, names.length ? names.join(', ') : 'Nobody entered this time'),
          h('span', { class: 'lr-draw-meta' }, `${result.entrants} entrant${result.entrants === 1 ? '' : 's'} · keyword “${result.keyword}”`)),
        h('button', { class: 'lr-close', type: 'button', 'aria-label': 'Close', onclick: clearResult }, icon('close')));
      root.appendChild(resultCard);
      resultTimer = window.setTimeout(clearResult, RESULT_MS);
      return { won, names };
    },
    refresh: update,
    destroy() {
      clearRunning();
      clearResult();
      root.remove();
    },
  };
}
