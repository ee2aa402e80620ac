// Full-screen gift effects: a Lottie animation played once over the video with lottie-web's
// SVG renderer (loaded on demand), in a layer (`data-lr="effect"`) that exists only while it
// plays. Effects play one after another; a few may wait, more are dropped (the banner and the
// chat line still show the gift).
import { h, safeUrl } from './dom.js';

const QUEUE_MAX = 4;
const MAX_PLAY_MS = 12000; // a broken animation never blocks the queue for longer

/** @typedef {import('lottie-web').LottiePlayer} LottiePlayer */

/** @type {Promise<LottiePlayer> | null} */
let lottiePromise = null;
function loadLottie() {
  if (!lottiePromise) {
    lottiePromise = import('lottie-web/build/player/esm/lottie_light.min.js').then((m) => m.default || m);
    lottiePromise.catch(() => {
      lottiePromise = null;
    });
  }
  return lottiePromise;
}

/** @type {Map<string, Promise<string>>} animation JSON by URL (text: lottie changes the object it plays) */
const cache = new Map();
/** @param {string} url */
function fetchAnimation(url) {
  let p = cache.get(url);
  if (!p) {
    p = fetch(url, { credentials: 'omit' }).then((res) => {
      if (!res.ok) throw new Error(`the effect could not be loaded (HTTP ${res.status})`);
      return res.text();
    });
    p.catch(() => cache.delete(url));
    cache.set(url, p);
    if (cache.size > 20) cache.delete(/** @type {string} */ (cache.keys().next().value));
  }
  return p;
}

/**
 * @param {{host: () => HTMLElement, base: string, onError: (err: unknown) => void}} deps
 */
export function createEffects(deps) {
  /** @type {{source: unknown, resolve: () => void, priority: boolean}[]} */
  const queue = [];
  let playing = false;
  let destroyed = false;
  /** @type {(() => void) | null} */
  let stopCurrent = null;

  /** @param {unknown} source */
  async function playOne(source) {
    let data;
    if (typeof source === 'string') {
      const url = safeUrl(source, deps.base);
      if (!url) throw new Error('the effect URL is not usable');
      data = JSON.parse(await fetchAnimation(url));
    } else if (source && typeof source === 'object') {
      data = JSON.parse(JSON.stringify(source));
    } else {
      throw new Error('playEffect needs a URL or Lottie animation data');
    }
    const lottie = await loadLottie();
    if (destroyed) return;
    const layer = h('div', { class: 'lr-effect', 'data-lr': 'effect', 'aria-hidden': 'true' });
    deps.host().appendChild(layer);
    await new Promise((resolve) => {
      /** @type {import('lottie-web').AnimationItem | null} */
      let anim = null;
      let timer = 0;
      const done = () => {
        clearTimeout(timer);
        stopCurrent = null;
        try {
          anim && anim.destroy();
        } catch (_) {
          /* already destroyed */
        }
        layer.remove();
        resolve(undefined);
      };
      stopCurrent = done;
      timer = window.setTimeout(done, MAX_PLAY_MS);
      try {
        anim = lottie.loadAnimation({
          container: layer,
          renderer: 'svg',
          loop: false,
          autoplay: true,
          animationData: data,
          rendererSettings: { preserveAspectRatio: 'xMidYMid meet', progressiveLoad: false },
        });
        anim.addEventListener('complete', done);
        anim.addEventListener('data_failed', done);
        anim.addEventListener('error', done);
      } catch (err) {
        deps.onError(err);
        done();
      }
    });
  }

  async function pump() {
    if (playing) return;
    playing = true;
    while (queue.length && !destroyed) {
      const job = /** @type {any} */ (queue.shift());
      try {
        await playOne(job.source);
      } catch (err) {
        deps.onError(err);
      }
      job.resolve();
    }
    playing = false;
  }

  return {
    /**
     * Plays an effect (a URL of Lottie JSON, or the parsed animation); resolves when it has
     * played, or was dropped because too many were waiting.
     * @param {unknown} source
     * @param {{priority?: boolean}} [options] priority: the user's own gift, ahead of others
     * @returns {Promise<void>}
     */
    play(source, options = {}) {
      return new Promise((resolve) => {
        const job = { source, resolve, priority: Boolean(options.priority) };
        if (job.priority) {
          const at = queue.findIndex((j) => !j.priority);
          queue.splice(at < 0 ? queue.length : at, 0, job);
        } else queue.push(job);
        while (queue.length > QUEUE_MAX) {
          const drop = queue.map((j) => j.priority).lastIndexOf(false);
          const [gone] = queue.splice(drop < 0 ? queue.length - 1 : drop, 1);
          gone.resolve();
        }
        pump();
      });
    },
    destroy() {
      destroyed = true;
      for (const job of queue.splice(0)) job.resolve();
      if (stopCurrent) stopCurrent();
    },
  };
}
