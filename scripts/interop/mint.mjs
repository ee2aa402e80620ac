// Mints UserSigs with the official npm package `tls-sig-api-v2`.
//
// Usage: node mint.mjs SDKAPPID KEY [--now UNIX_SECONDS] IDENTIFIER:EXPIRE [IDENTIFIER:EXPIRE ...]
//
// Prints one JSON object per ticket, one per line:
//   {"identifier": ..., "expire": ..., "now": <pinned time or null>, "usersig": ...}
// With --now, the library's clock (Date.now) is pinned so the output is deterministic.
// The split is on the last ':' so identifiers may contain ':'.
// Needs scripts/interop/node_modules (see setup.sh).
import TLSSigAPIv2 from "tls-sig-api-v2";

function fail(msg) {
  process.stderr.write(`mint.mjs: ${msg}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let now = null;
const nowAt = args.indexOf("--now");
if (nowAt >= 0) {
  now = Number(args[nowAt + 1]);
  if (!Number.isSafeInteger(now)) fail(`bad --now ${args[nowAt + 1]}`);
  args.splice(nowAt, 2);
}
if (args.length < 3) fail("usage: mint.mjs SDKAPPID KEY [--now UNIX] IDENTIFIER:EXPIRE...");
const [sdkappid, key, ...specs] = args;

const api = new TLSSigAPIv2.Api(Number(sdkappid), key);
const realNow = Date.now;
for (const spec of specs) {
  const cut = spec.lastIndexOf(":");
  if (cut < 0) fail(`expected IDENTIFIER:EXPIRE, got ${spec}`);
  const identifier = spec.slice(0, cut);
  const expire = Number(spec.slice(cut + 1));
  if (!Number.isSafeInteger(expire)) fail(`bad expire in ${spec}`);
  let usersig;
  if (now === null) {
    usersig = api.genUserSig(identifier, expire);
  } else {
    Date.now = () => now * 1000;
    try {
      usersig = api.genUserSig(identifier, expire);
    } finally {
      Date.now = realNow;
    }
  }
  console.log(JSON.stringify({ identifier, expire, now, usersig }));
}
