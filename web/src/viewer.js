// The viewer page. For now it only says which SDK the server carries; the live room (video,
// comments, gifts, likes, items, draws) is built on the embeddable component next.
import LiveRoom from '../../sdk/js/liveroom.js';

const app = document.getElementById('app');
if (app) {
  app.textContent = `Liveroom ${LiveRoom.VERSION}: the SDK is served at /sdk/liveroom.js.`;
}
