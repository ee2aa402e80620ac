// The video area: plays the room's HLS stream with hls.js (loaded on demand), Safari's own
// HLS where hls.js cannot run (iOS), a plain file URL as is; a placeholder when there is no
// stream. Browsers only autoplay muted video, so it starts muted with an "unmute" button.
import { avatar, h, icon, safeUrl } from './dom.js';

/**
 * Text of the placeholder and of the status line for each live state.
 * @type {Record<string, [string, string]>}
 */
const STATE_TEXT = {
  Upcoming: ['Starting soon', 'The broadcast has not started yet. Stay here — it begins right on this screen.'],
  Live: ['Live now', 'The host is live, but no video stream is set for this room.'],
  Paused: ['Be right back', 'The broadcast is paused and will resume shortly.'],
  Ended: ['The live has ended', 'Thanks for watching! The chat stays open.'],
  Replay: ['Replay', 'The recording of this broadcast is not available here.'],
  '': ['Waiting for the stream', 'No video stream is set for this room.'],
};

/**
 * @param {{base: string, onError: (err: unknown) => void}} deps
 */
export function createVideo(deps) {
  const root = h('div', { class: 'lr-video' });
  const phTitle = h('div', { class: 'lr-ph-title' });
  const phSub = h('div', { class: 'lr-ph-sub' });
  let phAvatar = avatar('', '?');
  const placeholder = h('div', { class: 'lr-video-placeholder lr-video-cover', 'data-lr': 'video-placeholder', role: 'img' }, phAvatar, phTitle, phSub);
  // While a stream is set but shows no picture yet (loading, not broadcasting, retrying).
  const waitText = h('div', { class: 'lr-ph-sub' });
  let waitAvatar = avatar('', '?');
  const wait = h('div', { class: 'lr-video-wait lr-video-cover', hidden: true, role: 'status' }, waitAvatar, h('div', { class: 'lr-spinner', 'aria-hidden': 'true' }), waitText);
  const status = h('div', { class: 'lr-video-status', hidden: true, role: 'status' });
  const unmute = h('button', { class: 'lr-unmute', type: 'button', hidden: true }, icon('speaker'), 'Tap to unmute');
  root.append(placeholder, wait, status, unmute);

  /** @type {HTMLVideoElement | null} */
  let video = null;
  /** @type {any} */
  let hls = null;
  let url = '';
  let state = '';
  let retryTimer = 0;
  let generation = 0;
  let destroyed = false;
  let playing = false;

  unmute.addEventListener('click', () => {
    if (!video) return;
    video.muted = false;
    video.play().catch(() => {});
    unmute.hidden = true;
  });

  /**
   * A short line over the picture (buffering), or, before any picture, the waiting cover.
   * @param {string} text
   */
  function setStatus(text) {
    if (!playing && url) {
      wait.hidden = false;
      waitText.textContent = text || 'Loading the stream…';
      status.hidden = true;
      return;
    }
    wait.hidden = true;
    status.textContent = text || '';
    status.hidden = !text;
  }

  function renderPlaceholder() {
    const [title, sub] = STATE_TEXT[state] || STATE_TEXT[''];
    phTitle.textContent = title;
    phSub.textContent = sub;
    placeholder.hidden = Boolean(url);
  }

  function teardown() {
    generation += 1;
    clearTimeout(retryTimer);
    if (hls) {
      try {
        hls.destroy();
      } catch (_) {
        /* already gone */
      }
      hls = null;
    }
    if (video) {
      video.removeAttribute('src');
      try {
        video.load();
      } catch (_) {
        /* nothing loaded */
      }
      video.remove();
      video = null;
    }
    unmute.hidden = true;
    playing = false;
    wait.hidden = true;
    status.hidden = true;
  }

  function tryPlay() {
    if (!video) return;
    const v = video;
    v.play().then(
      () => {
        unmute.hidden = !v.muted;
      },
      /** @param {unknown} err */
      (err) => {
        // A play() cut short by a new source or by more data loading is no refusal.
        if (v !== video || (err instanceof DOMException && err.name === 'AbortError')) return;
        // Autoplay refused even muted (power saving, data saver): one tap starts it.
        unmute.hidden = false;
        /** @type {ChildNode} */ (unmute.lastChild).textContent = 'Tap to play';
      },
    );
  }

  async function start() {
    teardown();
    renderPlaceholder();
    if (!url) return;
    const gen = generation;
    const v = /** @type {HTMLVideoElement} */ (
      h('video', { class: 'lr-video-el', 'data-lr': 'video', playsinline: true, 'webkit-playsinline': true, autoplay: true, preload: 'auto' })
    );
    v.muted = true; // autoplay policy: muted video may start by itself
    v.playsInline = true;
    video = v;
    root.insertBefore(v, root.firstChild);
    setStatus(state === 'Live' || state === '' ? 'Loading the stream…' : 'Waiting for the stream…');
    v.addEventListener('waiting', () => setStatus('Buffering…'));
    v.addEventListener('playing', () => {
      playing = true;
      setStatus('');
      // Playing after all (a refused autoplay started by a tap, or a retry): only the
      // unmute offer remains.
      /** @type {ChildNode} */ (unmute.lastChild).textContent = 'Tap to unmute';
      unmute.hidden = !v.muted;
    });
    v.addEventListener('volumechange', () => {
      if (!v.muted) unmute.hidden = true;
    });

    const isHls = /\.m3u8(\?|#|$)/i.test(url) || /mpegurl/i.test(url);
    if (!isHls) {
      v.src = url;
      v.addEventListener('error', () => scheduleRetry(gen, 'The stream could not be played. Retrying…'), { once: true });
      tryPlay();
      return;
    }
    let Hls = null;
    try {
      Hls = (await import('hls.js')).default;
    } catch (err) {
      deps.onError(err);
    }
    if (gen !== generation || destroyed) return;
    if (Hls && Hls.isSupported()) {
      const player = new Hls({ lowLatencyMode: true, backBufferLength: 30, liveDurationInfinity: true });
      hls = player;
      let mediaRecoveries = 0;
      player.on(Hls.Events.MANIFEST_PARSED, () => tryPlay());
      player.on(Hls.Events.ERROR, (_event, data) => {
        if (!data || !data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < 3) {
          mediaRecoveries += 1;
          player.recoverMediaError();
          return;
        }
        // The host is not sending yet, the stream was cut, the network dropped: try again.
        scheduleRetry(gen, data.type === Hls.ErrorTypes.NETWORK_ERROR ? 'Waiting for the stream…' : 'Playback error. Retrying…');
      });
      player.loadSource(url);
      player.attachMedia(v);
    } else if (v.canPlayType('application/vnd.apple.mpegurl')) {
      v.src = url; // Safari (iOS) plays HLS itself
      v.addEventListener('error', () => scheduleRetry(gen, 'Waiting for the stream…'), { once: true });
      tryPlay();
    } else {
      setStatus('This browser cannot play the stream.');
    }
  }

  /**
   * @param {number} gen the generation of the playback that failed
   * @param {string} text
   */
  function scheduleRetry(gen, text) {
    if (gen !== generation) return;
    setStatus(text);
    clearTimeout(retryTimer);
    retryTimer = window.setTimeout(() => {
      if (gen === generation && !destroyed) start();
    }, 5000);
  }

  return {
    el: root,
    /** @param {string} next a stream URL, or '' for none */
    setSource(next) {
      const clean = safeUrl(next || '', deps.base);
      if (clean === url) return;
      url = clean;
      start().catch(deps.onError);
    },
    /** @param {string} next the live state */
    setState(next) {
      const was = state;
      state = next || '';
      renderPlaceholder();
      // Back on air after an interruption: reload the stream at once rather than waiting.
      if (url && state === 'Live' && was !== 'Live' && was !== '' && !playing) start().catch(deps.onError);
    },
    /** @param {{name: string, avatar: string}} anchor */
    setAnchor(anchor) {
      const next = avatar(anchor.avatar || '', anchor.name || '?');
      placeholder.replaceChild(next, phAvatar);
      phAvatar = next;
      const again = avatar(anchor.avatar || '', anchor.name || '?');
      wait.replaceChild(again, waitAvatar);
      waitAvatar = again;
    },
    get url() {
      return url;
    },
    destroy() {
      destroyed = true;
      teardown();
      root.remove();
    },
  };
}
