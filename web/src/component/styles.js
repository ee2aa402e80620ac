// The component's stylesheet, injected once into the document. Every class is prefixed
// `lr-`. The theme comes from CSS custom properties `--lr-*` set on the mount element or any
// ancestor; each has a default here (internal names are `--lrv-*`).

const CSS = /* css */ `
liveroom-room { display: block; position: relative; width: 100%; height: 100%; }

.lr-room {
  --lrv-accent: var(--lr-accent, #ff3d7f);
  --lrv-accent-2: var(--lr-accent-2, #ff8a3d);
  --lrv-bg: var(--lr-bg, #0d0f14);
  --lrv-fg: var(--lr-fg, #f3f4f7);
  --lrv-muted: var(--lr-muted, #a3a9b6);
  --lrv-panel-bg: var(--lr-panel-bg, #161922);
  --lrv-panel-border: var(--lr-panel-border, rgba(255, 255, 255, 0.08));
  --lrv-bubble-bg: var(--lr-bubble-bg, rgba(0, 0, 0, 0.38));
  --lrv-input-bg: var(--lr-input-bg, rgba(255, 255, 255, 0.09));
  --lrv-font: var(--lr-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif);
  --lrv-danmaku-font: var(--lr-danmaku-font, var(--lrv-font));
  --lrv-danmaku-size: var(--lr-danmaku-size, 20px);
  --lrv-danmaku-opacity: var(--lr-danmaku-opacity, 0.95);
  --lrv-radius: var(--lr-radius, 12px);
  --lrv-side-width: var(--lr-side-width, 360px);
  --lrv-gold: var(--lr-gold, #ffc83d);

  container-type: inline-size;
  container-name: lr-room;
  position: relative;
  box-sizing: border-box;
  width: 100%;
  height: 100%;
  min-height: 420px;
  overflow: hidden;
  background: var(--lrv-bg);
  color: var(--lrv-fg);
  font-family: var(--lrv-font);
  font-size: 14px;
  line-height: 1.4;
  -webkit-tap-highlight-color: transparent;
  isolation: isolate;
}
.lr-room *, .lr-room *::before, .lr-room *::after { box-sizing: border-box; }
:where(.lr-room) button { font: inherit; color: inherit; cursor: pointer; }
:where(.lr-room) button:disabled { cursor: not-allowed; }
.lr-room [hidden] { display: none !important; }
.lr-custom { display: contents; }
.lr-icon { display: inline-flex; width: 1.25em; height: 1.25em; flex: none; }
.lr-icon svg { width: 100%; height: 100%; }
.lr-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

/* ---------- layout: phone first (video on top, chat over it) ---------- */
.lr-stage { position: absolute; inset: 0; background: #000; overflow: hidden; }
.lr-side {
  position: absolute; left: 0; right: 0; bottom: 0; height: 58%;
  display: flex; flex-direction: column; justify-content: flex-end; gap: 6px;
  padding: 0 10px calc(10px + env(safe-area-inset-bottom, 0px));
  background: linear-gradient(to top, rgba(0, 0, 0, 0.78) 0%, rgba(0, 0, 0, 0.45) 55%, transparent 100%);
  z-index: 5; pointer-events: none;
}
.lr-side > * { pointer-events: auto; }
.lr-room .lr-video-el { object-position: center top; }
.lr-danmaku { top: 52px; height: max(110px, calc(56.25cqw - 56px)); }

/* ---------- layout: desktop (video left, chat right) ---------- */
@container lr-room (min-width: 760px) {
  .lr-room .lr-stage { right: var(--lrv-side-width); }
  .lr-room .lr-side {
    top: 0; left: auto; width: var(--lrv-side-width); height: auto;
    padding: 10px 12px 12px; background: var(--lrv-panel-bg);
    border-left: 1px solid var(--lrv-panel-border);
    justify-content: flex-start;
  }
  .lr-room .lr-video-el { object-position: center; }
  .lr-room .lr-danmaku { top: 64px; height: calc(72% - 64px); }
  .lr-room .lr-chat { flex: 1 1 auto; }
  .lr-room .lr-msg { background: transparent; padding: 3px 4px; }
  .lr-room .lr-chat-list { mask-image: none; -webkit-mask-image: none; }
  .lr-room .lr-gift-panel { left: auto; width: var(--lrv-side-width); }
}

/* ---------- without video: an overlay over the page's own player ----------
   The room lies over the mount element's box, after the player the page put there. What is
   transparent lets clicks through to the player; the component's own controls take them. */
.lr-room.lr-no-video { position: absolute; inset: 0; width: auto; height: auto; background: transparent; pointer-events: none; }
.lr-room.lr-no-video .lr-stage { background: transparent; }
.lr-room.lr-no-video .lr-chat, .lr-room.lr-no-video .lr-chat-list { pointer-events: none; }
.lr-room.lr-no-video .lr-chat-list > li, .lr-room.lr-no-video .lr-new-pill, .lr-room.lr-no-video .lr-gift-panel { pointer-events: auto; }
@container lr-room (min-width: 760px) {
  .lr-room.lr-no-video .lr-side {
    background: linear-gradient(to right, rgba(0, 0, 0, 0.28), rgba(0, 0, 0, 0.62));
    border-left: 0;
  }
  .lr-room.lr-no-video .lr-msg { background: var(--lrv-bubble-bg); padding: 4px 8px; }
  .lr-room.lr-no-video .lr-tip { background: rgba(0, 0, 0, 0.25); padding: 4px 8px; }
}

/* ---------- video ---------- */
.lr-video { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; }
.lr-video-el { width: 100%; height: 100%; object-fit: contain; background: #000; display: block; }
.lr-video-cover {
  position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 12px;
  text-align: center; padding: 24px;
  background:
    radial-gradient(120% 80% at 20% 0%, color-mix(in srgb, var(--lrv-accent) 28%, transparent) 0%, transparent 60%),
    radial-gradient(100% 80% at 100% 100%, color-mix(in srgb, var(--lrv-accent-2) 22%, transparent) 0%, transparent 55%),
    #0a0b10;
}
@container lr-room (max-width: 759.98px) { .lr-video-cover { justify-content: flex-start; padding-top: min(22cqw, 120px); } }
.lr-video-wait { background: #07080b; }
/* Over the picture (and a page's own player), under the danmaku and the top bar. */
.lr-end-card { z-index: 3; pointer-events: auto; }
.lr-end-card .lr-ph-title { font-size: 22px; }
.lr-spinner { width: 22px; height: 22px; border-radius: 50%; border: 2.5px solid rgba(255,255,255,.18); border-top-color: var(--lrv-accent); animation: lr-spin .9s linear infinite; }
@keyframes lr-spin { to { transform: rotate(360deg); } }
.lr-video-cover .lr-avatar { width: 72px; height: 72px; font-size: 30px; box-shadow: 0 0 0 4px rgba(255,255,255,.08), 0 8px 30px rgba(0,0,0,.5); }
.lr-ph-title { font-size: 17px; font-weight: 650; }
.lr-ph-sub { color: var(--lrv-muted); font-size: 13px; max-width: 30ch; }
.lr-video-status {
  position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%);
  background: rgba(0,0,0,.6); padding: 8px 14px; border-radius: 999px; font-size: 13px; z-index: 2;
}
.lr-unmute {
  position: absolute; left: 12px; bottom: 12px; z-index: 3; display: inline-flex; align-items: center; gap: 6px;
  border: 0; border-radius: 999px; padding: 7px 12px; background: rgba(0,0,0,.6); backdrop-filter: blur(6px);
}
@container lr-room (max-width: 759.98px) { .lr-video-status { top: min(28cqw, 160px); } }
@container lr-room (max-width: 759.98px) { .lr-unmute { top: 60px; bottom: auto; left: auto; right: 10px; } }

/* ---------- top bar: anchor, state, online ---------- */
.lr-topbar {
  position: absolute; left: 0; right: 0; top: 0; z-index: 6; display: flex; align-items: center; gap: 8px;
  padding: 10px 10px 18px; background: linear-gradient(to bottom, rgba(0,0,0,.55), transparent);
  pointer-events: none;
}
.lr-topbar > * { pointer-events: auto; }
.lr-topbar-end { margin-left: auto; display: flex; align-items: center; gap: 6px; }
.lr-anchor { display: flex; align-items: center; gap: 8px; min-width: 0; padding: 3px 4px 3px 3px; border-radius: 999px; background: rgba(0,0,0,.35); backdrop-filter: blur(8px); }
.lr-anchor .lr-avatar { width: 34px; height: 34px; font-size: 15px; }
.lr-anchor-text { display: flex; flex-direction: column; min-width: 0; padding-right: 4px; }
.lr-anchor-name { font-weight: 650; font-size: 13.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 16ch; }
.lr-anchor-room { font-size: 11.5px; color: var(--lrv-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 20ch; }
.lr-follow { border: 0; border-radius: 999px; padding: 5px 12px; font-weight: 650; font-size: 12.5px; background: linear-gradient(90deg, var(--lrv-accent), var(--lrv-accent-2)); color: #fff; }
.lr-follow[aria-pressed="true"] { background: rgba(255,255,255,.14); color: var(--lrv-muted); }
.lr-pill { display: inline-flex; align-items: center; gap: 5px; padding: 4px 10px; border-radius: 999px; background: rgba(0,0,0,.42); backdrop-filter: blur(8px); font-size: 12.5px; font-weight: 600; white-space: nowrap; }
.lr-online .lr-icon { width: 15px; height: 15px; opacity: .85; }
.lr-state[data-state="Live"] { background: linear-gradient(90deg, var(--lrv-accent), var(--lrv-accent-2)); color: #fff; }
.lr-state[data-state="Live"]::before { content: ''; width: 7px; height: 7px; border-radius: 50%; background: #fff; animation: lr-blink 1.4s infinite; }
.lr-state[data-state="Paused"] { background: rgba(255, 184, 0, .85); color: #231a00; }
.lr-state[data-state="Upcoming"] { background: rgba(61, 140, 255, .85); color: #fff; }
.lr-state[data-state="Ended"] { background: rgba(120, 124, 135, .85); color: #fff; }
.lr-state[data-state="Replay"] { background: rgba(135, 90, 255, .85); color: #fff; }
@keyframes lr-blink { 50% { opacity: .3; } }
.lr-net { position: absolute; top: 56px; left: 50%; transform: translateX(-50%); z-index: 7; font-size: 12.5px; padding: 5px 12px; border-radius: 999px; background: rgba(0,0,0,.65); }
.lr-net[data-kind="error"] { background: rgba(190, 30, 60, .85); }

/* ---------- danmaku ---------- */
.lr-danmaku { position: absolute; left: 0; right: 0; overflow: hidden; pointer-events: none; z-index: 3; contain: strict; }
.lr-danmaku-item {
  position: absolute; left: 100%; top: 0; white-space: pre; will-change: transform;
  font-family: var(--lrv-danmaku-font); font-size: var(--lrv-danmaku-size); font-weight: 650; line-height: 1.3;
  color: #fff; opacity: var(--lrv-danmaku-opacity);
  text-shadow: 0 0 2px rgba(0,0,0,.9), 0 1px 3px rgba(0,0,0,.8);
  animation-name: lr-danmaku-fly; animation-timing-function: linear; animation-fill-mode: forwards;
}
.lr-danmaku-item.lr-self { padding: 0 6px; border: 1.5px solid var(--lrv-accent); border-radius: 6px; }
.lr-danmaku-off .lr-danmaku-item { display: none; }
@keyframes lr-danmaku-fly { from { transform: translate3d(0, 0, 0); } to { transform: translate3d(calc(-1 * var(--lr-dm-distance, 100vw)), 0, 0); } }

/* ---------- side: notice, chat list ---------- */
.lr-notice {
  display: flex; gap: 8px; align-items: flex-start; padding: 8px 10px; border-radius: var(--lrv-radius);
  background: color-mix(in srgb, var(--lrv-gold) 16%, rgba(0,0,0,.45)); border: 1px solid color-mix(in srgb, var(--lrv-gold) 30%, transparent);
  font-size: 13px; flex: none; max-height: 30%; overflow: auto;
}
.lr-notice .lr-icon { color: var(--lrv-gold); margin-top: 1px; }
.lr-notice-body { display: flex; flex-direction: column; gap: 6px; min-width: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.lr-notice-body img { max-width: 100%; max-height: 120px; border-radius: 8px; object-fit: cover; }
@container lr-room (max-width: 759.98px) { .lr-notice { max-height: 76px; } }

.lr-chat { position: relative; flex: 0 1 auto; min-height: 0; display: flex; flex-direction: column; }
.lr-chat-list {
  list-style: none; margin: 0; padding: 0; overflow-y: auto; overscroll-behavior: contain; flex: 1 1 auto; min-height: 0;
  display: flex; flex-direction: column; gap: 4px; scrollbar-width: thin; scrollbar-color: rgba(255,255,255,.2) transparent;
  mask-image: linear-gradient(to bottom, transparent 0, #000 28px); -webkit-mask-image: linear-gradient(to bottom, transparent 0, #000 28px);
}
.lr-chat-list > li:first-child { margin-top: auto; }
.lr-msg, .lr-tip {
  align-self: flex-start; max-width: 100%; border-radius: 10px; padding: 4px 8px; overflow-wrap: anywhere;
  background: var(--lrv-bubble-bg); font-size: 13.5px;
}
.lr-msg { display: block; cursor: default; }
.lr-msg.lr-has-actions { cursor: pointer; }
.lr-msg.lr-active { outline: 1px solid color-mix(in srgb, var(--lrv-accent) 70%, transparent); }
.lr-msg .lr-avatar { width: 18px; height: 18px; font-size: 10px; vertical-align: -4px; margin-right: 4px; }
.lr-msg-head { display: inline; }
.lr-nick { color: var(--lrv-muted); font-weight: 600; margin-right: 6px; }
.lr-nick::after { content: ':'; }
.lr-msg.lr-self .lr-nick { color: color-mix(in srgb, var(--lrv-accent) 75%, white); }
.lr-text { color: var(--lrv-fg); white-space: pre-wrap; }
.lr-msg.lr-sending { opacity: .6; }
.lr-msg.lr-failed .lr-text { text-decoration: line-through; opacity: .6; }
.lr-msg-error { display: block; color: #ff8a9a; font-size: 12px; }
.lr-msg-gift .lr-text { color: var(--lrv-gold); }
.lr-msg-gift img { width: 20px; height: 20px; vertical-align: -5px; margin: 0 2px; }
.lr-combo { font-weight: 800; font-style: italic; color: var(--lrv-gold); margin-left: 4px; }
.lr-tip { color: var(--lrv-muted); font-size: 12.5px; background: rgba(0,0,0,.25); }
.lr-tip.lr-sys { color: color-mix(in srgb, var(--lrv-gold) 80%, white); background: color-mix(in srgb, var(--lrv-gold) 12%, rgba(0,0,0,.35)); }
.lr-tip.lr-state-tip { color: color-mix(in srgb, var(--lrv-accent) 60%, white); }
@container lr-room (min-width: 760px) { .lr-tip { background: transparent; padding: 2px 4px; } }

.lr-level {
  display: inline-flex; align-items: center; justify-content: center; min-width: 28px; height: 16px; padding: 0 5px 0 4px; margin-right: 5px;
  border-radius: 5px; font-size: 10.5px; font-weight: 800; font-style: italic; color: #fff; vertical-align: 1px; line-height: 1;
  background: linear-gradient(90deg, #5e6b85, #7d8aa5);
}
.lr-level::before { content: 'Lv'; font-size: 9px; margin-right: 1px; opacity: .85; }
.lr-level-t2 { background: linear-gradient(90deg, #1f9d6b, #3cc98f); }
.lr-level-t3 { background: linear-gradient(90deg, #2a6fdb, #4fa0ff); }
.lr-level-t4 { background: linear-gradient(90deg, #7b3fe4, #b06bff); }
.lr-level-t5 { background: linear-gradient(90deg, #e0781b, #ffc83d); }

.lr-new-pill {
  position: absolute; left: 50%; bottom: 6px; transform: translateX(-50%); z-index: 2; border: 0; border-radius: 999px;
  padding: 5px 12px; font-size: 12.5px; font-weight: 600; display: inline-flex; align-items: center; gap: 4px;
  background: var(--lrv-accent); color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.4);
}
.lr-actions {
  display: flex; gap: 6px; margin-top: 6px; flex-wrap: wrap;
}
.lr-actions button {
  border: 1px solid var(--lrv-panel-border); border-radius: 8px; padding: 3px 10px; font-size: 12.5px;
  background: rgba(255,255,255,.1);
}
.lr-actions button:hover { background: var(--lrv-accent); border-color: transparent; }

/* ---------- draw ---------- */
.lr-draw, .lr-draw-result {
  flex: none; display: flex; align-items: center; gap: 10px; padding: 10px 12px; border-radius: var(--lrv-radius);
  background: linear-gradient(120deg, color-mix(in srgb, var(--lrv-accent) 38%, #1a1020), color-mix(in srgb, var(--lrv-accent-2) 30%, #1a1020));
  border: 1px solid rgba(255,255,255,.14); box-shadow: 0 6px 24px rgba(0,0,0,.35);
}
.lr-draw-info { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 2px; }
.lr-draw-title { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; opacity: .85; font-weight: 700; }
.lr-draw-keyword { font-size: 16px; font-weight: 800; overflow-wrap: anywhere; }
.lr-draw-meta { font-size: 12px; opacity: .85; }
.lr-draw-time { font-variant-numeric: tabular-nums; font-weight: 700; }
.lr-draw-join { border: 0; border-radius: 999px; padding: 7px 14px; font-weight: 700; background: #fff; color: #1b1020; flex: none; }
.lr-draw-join:disabled { background: rgba(255,255,255,.35); color: #fff; }
.lr-draw-result > .lr-icon { width: 28px; height: 28px; color: var(--lrv-gold); }
.lr-draw-winners { font-weight: 700; overflow-wrap: anywhere; }
.lr-draw-result.lr-won { box-shadow: 0 0 0 2px var(--lrv-gold), 0 6px 24px rgba(0,0,0,.35); }
.lr-close { border: 0; background: transparent; opacity: .7; padding: 2px; width: 26px; height: 26px; flex: none; display: inline-flex; align-items: center; justify-content: center; }
.lr-close:hover { opacity: 1; }

/* ---------- pinned item ---------- */
.lr-item {
  flex: none; display: flex; gap: 10px; align-items: center; padding: 8px; border-radius: var(--lrv-radius);
  background: rgba(255,255,255,.96); color: #15161a; box-shadow: 0 6px 24px rgba(0,0,0,.35);
  animation: lr-pop-in .35s cubic-bezier(.2,1.3,.5,1);
}
@container lr-room (max-width: 759.98px) { .lr-item { max-width: 300px; } }
.lr-item-img { width: 56px; height: 56px; border-radius: 8px; object-fit: cover; flex: none; background: #eceef3; }
.lr-item-info { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 2px; }
.lr-item-tag { font-size: 10.5px; font-weight: 800; text-transform: uppercase; letter-spacing: .05em; color: var(--lrv-accent); }
.lr-item-title { font-weight: 650; font-size: 13.5px; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; overflow-wrap: anywhere; }
.lr-item-price { font-weight: 800; color: var(--lrv-accent); font-size: 15px; }
.lr-item-buy { flex: none; text-decoration: none; border-radius: 999px; padding: 7px 14px; font-weight: 700; font-size: 13px; color: #fff; background: linear-gradient(90deg, var(--lrv-accent), var(--lrv-accent-2)); }
@keyframes lr-pop-in { from { transform: translateY(10px) scale(.96); opacity: 0; } }

/* ---------- input bar ---------- */
.lr-bar { flex: none; display: flex; align-items: center; gap: 8px; position: relative; z-index: 4; }
.lr-input-wrap { position: relative; flex: 1; min-width: 0; display: flex; align-items: center; background: var(--lrv-input-bg); border-radius: 999px; border: 1px solid transparent; }
.lr-input-wrap:focus-within { border-color: color-mix(in srgb, var(--lrv-accent) 70%, transparent); }
.lr-input { flex: 1; min-width: 0; border: 0; outline: 0; background: transparent; color: var(--lrv-fg); font: inherit; font-size: 14px; padding: 9px 4px 9px 14px; }
.lr-input::placeholder { color: var(--lrv-muted); }
.lr-input:disabled { cursor: not-allowed; }
.lr-send { border: 0; background: transparent; color: var(--lrv-accent); padding: 6px 10px 6px 6px; display: inline-flex; }
.lr-send:disabled { color: var(--lrv-muted); opacity: .5; }
.lr-round {
  flex: none; width: 38px; height: 38px; border-radius: 50%; border: 0; display: inline-flex; align-items: center; justify-content: center;
  background: var(--lrv-input-bg); position: relative;
}
.lr-round .lr-icon { width: 21px; height: 21px; }
.lr-danmaku-toggle[aria-pressed="true"] { background: color-mix(in srgb, var(--lrv-accent) 30%, transparent); color: #fff; }
.lr-danmaku-toggle[aria-pressed="false"] { color: var(--lrv-muted); }
.lr-danmaku-toggle[aria-pressed="false"]::after { content: ''; position: absolute; width: 24px; height: 2px; background: currentColor; transform: rotate(-45deg); border-radius: 2px; }
.lr-danmaku-toggle .lr-icon { width: 19px; height: 19px; }
.lr-gift-button { background: linear-gradient(135deg, #ffb02e, #ff5e62); color: #fff; }
.lr-like { display: flex; flex-direction: column; align-items: center; position: relative; flex: none; }
.lr-like-button { background: linear-gradient(135deg, var(--lrv-accent), #ff6b9a); color: #fff; transition: transform .12s; }
.lr-like-button:active { transform: scale(.88); }
.lr-like-total { position: absolute; top: -8px; right: -10px; min-width: 22px; padding: 1px 5px; border-radius: 999px; font-size: 10.5px; font-weight: 800; text-align: center; background: #fff; color: #d81b5a; font-variant-numeric: tabular-nums; pointer-events: none; }
.lr-input-reason { flex: none; font-size: 12px; color: var(--lrv-muted); padding: 0 6px; display: flex; align-items: center; gap: 6px; }
.lr-input-reason::before { content: ''; width: 6px; height: 6px; border-radius: 50%; background: var(--lrv-accent-2); flex: none; }

/* ---------- hearts ---------- */
.lr-hearts { position: absolute; left: 50%; bottom: 30px; width: 0; height: 0; pointer-events: none; z-index: 8; }
.lr-heart {
  position: absolute; left: -14px; bottom: 0; width: 28px; height: 28px; color: var(--lr-heart-color, var(--lrv-accent));
  animation: lr-heart-rise var(--lr-heart-dur, 2.2s) cubic-bezier(.3,.6,.5,1) forwards; opacity: 0;
  filter: drop-shadow(0 2px 4px rgba(0,0,0,.35));
}
.lr-heart svg { width: 100%; height: 100%; }
@keyframes lr-heart-rise {
  0% { transform: translate(0, 0) scale(.4); opacity: 0; }
  12% { transform: translate(0, -18px) scale(1.05); opacity: 1; }
  40% { transform: translate(calc(var(--lr-heart-x, 0px) * .6), -90px) scale(1); opacity: 1; }
  70% { transform: translate(calc(var(--lr-heart-x, 0px) * -.3), -160px) scale(.95); opacity: .85; }
  100% { transform: translate(var(--lr-heart-x, 0px), -240px) scale(.8); opacity: 0; }
}

/* ---------- gifts: panel, banner, effect ---------- */
.lr-gift-panel {
  position: absolute; left: 0; right: 0; bottom: 0; z-index: 30; max-height: 62%; display: flex; flex-direction: column;
  background: color-mix(in srgb, var(--lrv-panel-bg) 96%, transparent); backdrop-filter: blur(14px);
  border-top-left-radius: 18px; border-top-right-radius: 18px; border: 1px solid var(--lrv-panel-border);
  box-shadow: 0 -10px 40px rgba(0,0,0,.5); padding: 12px 12px calc(12px + env(safe-area-inset-bottom, 0px));
  animation: lr-sheet-in .22s ease-out;
}
@keyframes lr-sheet-in { from { transform: translateY(30px); opacity: 0; } }
.lr-gift-panel-head { display: flex; align-items: center; gap: 8px; margin-bottom: 8px; }
.lr-gift-panel-title { font-weight: 700; flex: 1; }
.lr-gift-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(78px, 1fr)); gap: 8px; overflow-y: auto; padding: 2px; }
.lr-gift {
  display: flex; flex-direction: column; align-items: center; gap: 3px; padding: 8px 4px 6px; border-radius: 12px;
  border: 1px solid transparent; background: rgba(255,255,255,.05); position: relative;
}
.lr-gift:hover { background: rgba(255,255,255,.1); }
.lr-gift:focus-visible, .lr-gift.lr-selected { border-color: var(--lrv-accent); }
.lr-gift img { width: 44px; height: 44px; object-fit: contain; }
.lr-gift-name { font-size: 12.5px; font-weight: 600; }
.lr-gift-value { font-size: 11px; color: var(--lrv-gold); }
.lr-gift-kind { position: absolute; top: 4px; right: 4px; font-size: 9px; font-weight: 800; padding: 1px 4px; border-radius: 4px; background: var(--lrv-accent); color: #fff; text-transform: uppercase; }
.lr-gift-foot { display: flex; align-items: center; gap: 8px; margin-top: 10px; font-size: 12.5px; color: var(--lrv-muted); }
.lr-gift-count { display: inline-flex; border-radius: 999px; background: var(--lrv-input-bg); padding: 2px; }
.lr-gift-count button { border: 0; background: transparent; border-radius: 999px; padding: 3px 10px; font-size: 12.5px; font-weight: 700; }
.lr-gift-count button[aria-pressed="true"] { background: var(--lrv-accent); color: #fff; }
.lr-gift-status { margin-left: auto; text-align: right; }
.lr-gift-status[data-kind="error"] { color: #ff8a9a; }

.lr-banners { position: absolute; left: 0; top: 60px; z-index: 9; display: flex; flex-direction: column; gap: 8px; pointer-events: none; }
@container lr-room (max-width: 759.98px) { .lr-banners { top: auto; bottom: calc(58% + 6px); } }
.lr-gift-banner {
  display: flex; align-items: center; gap: 8px; padding: 4px 16px 4px 4px; min-width: 190px; max-width: 300px;
  border-radius: 0 999px 999px 0; margin-left: 0;
  background: linear-gradient(90deg, color-mix(in srgb, var(--lrv-accent) 85%, transparent), color-mix(in srgb, var(--lrv-accent-2) 30%, transparent));
  box-shadow: 0 4px 16px rgba(0,0,0,.35);
  animation: lr-banner-in .45s cubic-bezier(.2,1.2,.4,1) both;
}
.lr-gift-banner.lr-leaving { animation: lr-banner-out .35s ease-in forwards; }
.lr-gift-banner .lr-avatar { width: 36px; height: 36px; font-size: 15px; border: 2px solid rgba(255,255,255,.8); }
.lr-banner-text { display: flex; flex-direction: column; min-width: 0; flex: 1; }
.lr-banner-nick { font-weight: 700; font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lr-banner-gift { font-size: 12px; opacity: .9; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lr-banner-img { width: 46px; height: 46px; margin: -10px 0; object-fit: contain; filter: drop-shadow(0 2px 6px rgba(0,0,0,.4)); }
.lr-banner-count { font-size: 26px; font-weight: 900; font-style: italic; color: var(--lrv-gold); text-shadow: 0 2px 0 rgba(0,0,0,.35); white-space: nowrap; }
.lr-banner-count.lr-bump { animation: lr-bump .3s ease-out; }
@keyframes lr-banner-in { from { transform: translateX(-110%); opacity: 0; } }
@keyframes lr-banner-out { to { transform: translateX(-110%); opacity: 0; } }
@keyframes lr-bump { 40% { transform: scale(1.5); } }

.lr-effect { position: absolute; inset: 0; z-index: 20; pointer-events: none; display: flex; align-items: center; justify-content: center; }
.lr-effect > svg, .lr-effect > div { max-width: 100%; max-height: 100%; }

/* ---------- toast ---------- */
.lr-toast {
  position: absolute; left: 50%; top: 42%; transform: translate(-50%, -50%); z-index: 40; max-width: 80%;
  padding: 9px 16px; border-radius: 10px; background: rgba(0,0,0,.8); font-size: 13.5px; text-align: center;
  animation: lr-pop-in .2s ease-out; pointer-events: none;
}

/* ---------- misc ---------- */
.lr-avatar {
  position: relative; display: inline-flex; align-items: center; justify-content: center; flex: none; overflow: hidden;
  width: 28px; height: 28px; border-radius: 50%; color: #fff; font-weight: 700; font-size: 12px; line-height: 1; user-select: none;
}
.lr-avatar img { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }

@media (prefers-reduced-motion: reduce) {
  .lr-heart { animation-duration: 1s; }
  .lr-gift-banner, .lr-item, .lr-gift-panel { animation: none; }
}
`;

let injected = false;

/** Adds the stylesheet to the document once (idempotent, also across bundles). */
export function injectStyles() {
  if (injected || typeof document === 'undefined') return;
  injected = true;
  if (document.querySelector('style[data-liveroom-room]')) return;
  const style = document.createElement('style');
  style.setAttribute('data-liveroom-room', '');
  style.textContent = CSS;
  document.head.appendChild(style);
}
