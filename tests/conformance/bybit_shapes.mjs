// Shape conformance of the Bybit v5 front end against the official doc examples in
// ../shared/fixtures/vectors (rest_doc_examples.json, ws_payloads.json): every field of a doc
// example must exist in the simulator's answer with the same JSON type (string / number /
// boolean / object / array / null), recursively (first element of arrays). Fields that do not
// apply to what the simulator lists (option/inverse-only, deprecated, venue-internal) are listed
// in SKIP with the reason. Usage: node bybit_shapes.mjs '<endpoints JSON line>' SHARED_DIR
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import WebSocket from 'ws';

const ep = JSON.parse(process.argv[2]);
const shared = process.argv[3];
const R = ep.bybit.rest, W = ep.bybit.ws;
const load = (f) => JSON.parse(fs.readFileSync(`${shared}/fixtures/vectors/${f}`, 'utf8')).records.filter((r) => r.exchange === 'bybit');
const rest = load('rest_doc_examples.json');
const wsx = load('ws_payloads.json');

// keys allowed to be absent, with why
const SKIP = new Set([
  'symbolId', // internal numeric id, not in every doc version
  'preOpenPrice', 'preQty', 'curPreListingPhase', 'fundingIntervalHour', 'fundingCap', 'basis', 'basisRateYear', // pre-market / futures-only ticker fields
  'singleOpenInterest', 'singleOpenInterestValue', 'deliveryTime', 'basisRate', 'deliveryFeeRate', 'predictedDeliveryPrice',
  'closedPnl', 'feeCurrency', 'rpiTakerAccess', 'rpiMatchedQty', 'slippageToleranceType', 'slippageTolerance', 'brokerOrderPrice', // option sample / newer order fields
  'extraFees', // execution: GST details (array of objects on the venue, "" here)
  'positionIdx', // hedge-mode example uses 2; one-way only here (type checked where present)
]);

let checks = 0, failures = [];
function kind(v) { return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v; }
function shape(doc, mine, path) {
  if (kind(doc) !== kind(mine)) {
    if (doc === '' || doc === null) return; // empty placeholder in the doc
    failures.push(`${path}: doc ${kind(doc)} ${JSON.stringify(doc)}, sim ${kind(mine)} ${JSON.stringify(mine)}`);
    return;
  }
  checks++;
  if (kind(doc) === 'object') {
    for (const k of Object.keys(doc)) {
      if (!(k in mine)) {
        if (!SKIP.has(k) && !(path.endsWith('cumFeeDetail') || path.endsWith('retExtInfo'))) failures.push(`${path}.${k}: missing`);
        continue;
      }
      if (k === 'extraFees') continue;
      shape(doc[k], mine[k], `${path}.${k}`);
    }
  } else if (kind(doc) === 'array' && doc.length && mine.length) {
    shape(doc[0], mine[0], `${path}[0]`);
  }
}

function sign(payload) {
  const ts = Date.now().toString();
  const s = crypto.createHmac('sha256', ep.api_secret).update(ts + ep.api_key + '5000' + payload).digest('hex');
  return { 'X-BAPI-API-KEY': ep.api_key, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': s, 'Content-Type': 'application/json' };
}
async function get(path, q, priv = false) {
  const r = await fetch(`${R}${path}?${q}`, { headers: priv ? sign(q) : {} });
  const j = await r.json();
  assert.equal(j.retCode, 0, `${path}?${q}: ${JSON.stringify(j)}`);
  return j;
}
async function post(path, body) {
  const b = JSON.stringify(body);
  const r = await fetch(`${R}${path}`, { method: 'POST', headers: sign(b), body: b });
  const j = await r.json();
  assert.equal(j.retCode, 0, `${path}: ${JSON.stringify(j)}`);
  return j;
}
const docOf = (endpoint, tab) => rest.find((r) => r.endpoint.startsWith(endpoint) && (tab === undefined || r.tab === tab)).json;

// ---- REST
shape(docOf('GET /v5/market/time'), await get('/v5/market/time', ''), 'time');
shape(docOf('GET /v5/market/instruments-info', 'Spot'), await get('/v5/market/instruments-info', 'category=spot&symbol=BTCUSDT'), 'instruments(spot)');
shape(docOf('GET /v5/market/orderbook'), await get('/v5/market/orderbook', 'category=spot&symbol=BTCUSDT'), 'orderbook(spot)');
shape(docOf('GET /v5/market/tickers', 'Spot'), await get('/v5/market/tickers', 'category=spot&symbol=BTCUSDT'), 'tickers(spot)');
shape(docOf('GET /v5/market/tickers', 'Inverse'), await get('/v5/market/tickers', 'category=linear&symbol=BTCUSDT'), 'tickers(linear vs inverse doc)');
shape(docOf('GET /v5/market/recent-trade'), await get('/v5/market/recent-trade', 'category=spot&symbol=BTCUSDT&limit=1'), 'recent-trade');
const book = await get('/v5/market/orderbook', 'category=linear&symbol=BTCUSDT&limit=5');
const far = (Number(book.result.b[0][0]) * 0.8).toFixed(1);

// private stream first, so the order / execution / wallet / position pushes can be captured
const ws = new WebSocket(W + '/v5/private');
const got = {};
await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
ws.on('message', (d) => { const m = JSON.parse(d); if (m.topic && !got[m.topic]) got[m.topic] = m; });
const exp = Date.now() + 10000;
ws.send(JSON.stringify({ op: 'auth', args: [ep.api_key, exp, crypto.createHmac('sha256', ep.api_secret).update('GET/realtime' + exp).digest('hex')] }));
await new Promise((r) => setTimeout(r, 200));
ws.send(JSON.stringify({ op: 'subscribe', args: ['order', 'execution', 'wallet', 'position'] }));
await new Promise((r) => setTimeout(r, 200));

const created = await post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: far, orderLinkId: 'shape-1' });
shape(docOf('POST /v5/order/create'), created, 'order/create');
shape(docOf('GET /v5/order/realtime'), await get('/v5/order/realtime', 'category=linear&symbol=BTCUSDT&openOnly=0&limit=1', true), 'order/realtime');
shape(docOf('POST /v5/order/cancel'), await post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'shape-1' }), 'order/cancel');
await post('/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: (Number(far) - 1000).toFixed(2) });
shape(docOf('POST /v5/order/cancel-all'), await post('/v5/order/cancel-all', { category: 'spot' }), 'order/cancel-all');
await post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.002' });
shape(docOf('GET /v5/position/list'), await get('/v5/position/list', 'category=linear&symbol=BTCUSDT', true), 'position/list');
shape(docOf('GET /v5/account/wallet-balance'), await get('/v5/account/wallet-balance', 'accountType=UNIFIED&coin=BTC', true), 'wallet-balance');

await new Promise((r) => setTimeout(r, 300));
ws.close();
const wsDoc = (kind) => JSON.parse(wsx.find((r) => r.kind === kind).raw_doc_text.replace(/\.\.\.,?/g, '').replace(/,(\s*[\]}])/g, '$1'));
for (const t of ['order', 'execution', 'wallet', 'position']) {
  assert.ok(got[t], `private ${t} message received`);
  shape(wsDoc(t), got[t], `ws ${t}`);
}

// ---- public streams
async function firstOf(path, topic, type) {
  const s = new WebSocket(W + path);
  await new Promise((res, rej) => { s.on('open', res); s.on('error', rej); });
  const p = new Promise((res) => s.on('message', (d) => { const m = JSON.parse(d); if (m.topic === topic && (!type || m.type === type)) res(m); }));
  s.send(JSON.stringify({ op: 'subscribe', args: [topic] }));
  const m = await Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timeout ' + topic)), 10000))]);
  s.close();
  return m;
}
shape(wsDoc('orderbook snapshot'), await firstOf('/v5/public/linear', 'orderbook.50.BTCUSDT', 'snapshot'), 'ws orderbook snapshot');
shape(wsDoc('orderbook delta'), await firstOf('/v5/public/linear', 'orderbook.50.BTCUSDT', 'delta'), 'ws orderbook delta');
shape(wsDoc('publicTrade'), await firstOf('/v5/public/linear', 'publicTrade.BTCUSDT'), 'ws publicTrade');
shape(wsDoc('tickers snapshot LinearPerpetual'), await firstOf('/v5/public/linear', 'tickers.BTCUSDT', 'snapshot'), 'ws tickers linear');
shape(wsDoc('tickers snapshot Spot'), await firstOf('/v5/public/spot', 'tickers.BTCUSDT', 'snapshot'), 'ws tickers spot');

if (failures.length) {
  console.log(failures.join('\n'));
  console.log(`shapes: ${failures.length} differences (${checks} fields matched)`);
  process.exit(1);
}
console.log(`shapes: ${checks} fields match the doc examples`);
process.exit(0);
