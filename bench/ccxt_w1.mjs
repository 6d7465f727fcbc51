// W1/W2 peer run (ANCHORS.md section 9): ccxt's Binance order book path on the same stream and
// snapshots that bench_book times, in the same invocation (scripts/bench.sh).
//   node bench/ccxt_w1.mjs DIR
// DIR holds w1_snapshot.json and w1_stream.jsonl (bench_book --dump DIR). Per message: JSON.parse
// of the raw text + binance.handleOrderBookMessage on an exchange.orderBook() built from the
// snapshot, which is what ccxt pro does for each depthUpdate after its own WebSocket framing.
// Prints a correctness line (levels, best bid/ask, last id; they must equal bench_book's) and the
// best of 3 passes in ns per message. W2: JSON.parse + parseOrderBook + exchange.orderBook() of the
// 1000- and 5000-level snapshots (w2_snapshot_N.json), median of 41. Figures only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'conformance', 'package.json'));
const ccxt = require('ccxt');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/ccxt_w1.mjs DIR');
  process.exit(2);
}
const snapText = readFileSync(path.join(dir, 'w1_snapshot.json'), 'utf8');
const lines = readFileSync(path.join(dir, 'w1_stream.jsonl'), 'utf8').split('\n').filter((l) => l.length);

const ex = new ccxt.pro.binance();
const symbol = 'BTC/USDT';

function fresh() {
  const snap = JSON.parse(snapText);
  const parsed = ex.parseOrderBook(snap, symbol);
  parsed.nonce = snap.lastUpdateId;
  return ex.orderBook(parsed);
}

let best = Infinity;
let ob;
for (let pass = 0; pass < 3; pass++) {
  ob = fresh();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) ex.handleOrderBookMessage(undefined, JSON.parse(lines[i]), ob);
  const dt = Number(process.hrtime.bigint() - t0);
  if (dt < best) best = dt;
}
const bid = ob.bids.length ? ob.bids[0][0] : 0;
const ask = ob.asks.length ? ob.asks[0][0] : 0;
console.log(`ccxt ${ccxt.version} W1 correctness: ${ob.bids.length} bids, ${ob.asks.length} asks, ` +
  `BBO ${bid} / ${ask}, update id ${ob.nonce}`);
const ns = best / lines.length;
console.log(`ccxt W1 JSON.parse + handleOrderBookMessage    ${ns.toFixed(1)} ns/op ${Math.round(1e9 / ns)} ops/s`);

for (const levels of [1000, 5000]) {
  const text = readFileSync(path.join(dir, `w2_snapshot_${levels}.json`), 'utf8');
  const t = [];
  let book;
  for (let r = 0; r < 41; r++) {
    const t0 = process.hrtime.bigint();
    book = ex.orderBook(ex.parseOrderBook(JSON.parse(text), symbol));
    t.push(Number(process.hrtime.bigint() - t0));
  }
  t.sort((a, b) => a - b);
  console.log(`ccxt W2 snapshot ${levels}/side JSON.parse + orderBook ${(t[20] / 1e3).toFixed(1)} us median, ` +
    `${book.bids.length}+${book.asks.length} levels`);
}
