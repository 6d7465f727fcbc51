// Raw Binance protocol checks against `xconn sim` (things ccxt does not exercise), using the
// `ws` package that the pinned ccxt already brings in. The simulator runs with a quiet
// background market (--bg-actions 0) and the market is moved with the admin `bg_step` command,
// so the local book built from snapshot + diffs can be compared exactly with the true book.
// Usage: node binance_protocol.mjs '<endpoints JSON>'
import WebSocket from 'ws';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';

const ep = JSON.parse(process.argv[2]);
const B = ep.binance;
let checks = 0;
const ok = (c, what) => { assert.ok(c, what); checks++; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    throw e;
  }
}

async function admin(name, args = {}) {
  const r = await fetch(`${ep.admin}/admin/${name}`, { method: 'POST', body: JSON.stringify(args) });
  const j = await r.json();
  assert.equal(r.status, 200, `admin ${name}: ${JSON.stringify(j)}`);
  return j;
}

function hmac(payload) { return crypto.createHmac('sha256', ep.api_secret).update(payload).digest('hex'); }

async function rest(base, method, path, params = {}, signed = false) {
  const q = new URLSearchParams(params);
  if (signed) {
    q.set('timestamp', String(Date.now()));
    q.set('signature', hmac(q.toString()));
  }
  const url = `${base}${path}${q.toString() ? '?' + q.toString() : ''}`;
  const r = await fetch(url, { method, headers: { 'X-MBX-APIKEY': ep.api_key } });
  return { status: r.status, body: await r.json(), headers: r.headers };
}

// A WebSocket that queues every text message; until() takes the first queued or future message
// matching a predicate and leaves the others queued in order.
function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const q = [];
    let wake = null;
    ws.closed = false;
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (process.env.XC_DEBUG) console.log('<<', url.slice(-30), JSON.stringify(m).slice(0, 300));
      q.push(m);
      if (wake) wake();
    });
    ws.on('close', () => { ws.closed = true; if (wake) wake(); });
    ws.until = async (pred, ms = 5000) => {
      const end = Date.now() + ms;
      for (;;) {
        const i = q.findIndex(pred);
        if (i >= 0) return q.splice(i, 1)[0];
        if (ws.closed) return null;
        const left = end - Date.now();
        if (left <= 0) throw new Error('no matching message within ' + ms + ' ms on ' + url);
        await new Promise((res) => { const t = setTimeout(res, left); wake = () => { clearTimeout(t); wake = null; res(); }; });
      }
    };
    ws.pending = () => q.splice(0, q.length);
    ws.send2 = (o) => ws.send(JSON.stringify(o));
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

// ---- order book: snapshot + diffs == truth -------------------------------------------------------
function applySide(side, levels) {
  for (const [p, q] of levels) {
    if (Number(q) === 0) side.delete(p);
    else side.set(p, q);
  }
}
function norm(v) { return String(Number(v)); } // "0.00100000" and "0.001" are one price

async function bookCheck(label, wsBase, restBase, path, futures, kind) {
  const stream = 'btcusdt@depth@100ms';
  const ws = await open(`${wsBase}/stream?streams=${stream}`);
  const mover = (async () => { for (let i = 0; i < 30; i++) { await admin('bg_step', { n: 2 }); await sleep(30); } })();
  await sleep(300);
  const snap = await rest(restBase, 'GET', path, { symbol: 'BTCUSDT', limit: 1000 });
  ok(snap.status === 200, 'snapshot');
  const L = snap.body.lastUpdateId;
  await mover;
  await sleep(400); // the last changes are flushed within one 100 ms cadence
  const events = ws.pending().filter((m) => m.stream === stream).map((m) => m.data);
  ws.close();
  ok(events.length >= 3, `${events.length} diff events`);
  const bids = new Map(), asks = new Map();
  for (const [p, q] of snap.body.bids) bids.set(norm(p), q);
  for (const [p, q] of snap.body.asks) asks.set(norm(p), q);
  let local = L, first = true, prevU = null;
  for (const e of events) {
    ok(e.e === 'depthUpdate' && e.s === 'BTCUSDT', 'event shape');
    if (prevU !== null) {
      if (futures) ok(e.pu === prevU, `pu ${e.pu} == previous u ${prevU}`);
      else ok(e.U === prevU + 1, `U ${e.U} == previous u + 1 (${prevU + 1})`);
    }
    prevU = e.u;
    if (e.u < L || (!futures && e.u <= L)) continue;
    if (first) {
      if (futures) ok(e.U <= L && e.u >= L, `first event brackets L=${L}: [${e.U},${e.u}]`);
      else ok(e.U <= L + 1 && e.u >= L + 1, `first event brackets L+1=${L + 1}: [${e.U},${e.u}]`);
      first = false;
    }
    applySide(bids, e.b.map(([p, q]) => [norm(p), q]));
    applySide(asks, e.a.map(([p, q]) => [norm(p), q]));
    local = e.u;
  }
  const truth = await admin('book', { venue: 'binance', kind, symbol: 'BTCUSDT', depth: 0 });
  ok(truth.lastUpdateId === local, `local u ${local} == true lastUpdateId ${truth.lastUpdateId}`);
  const cmp = (m, lv, name) => {
    const t = new Map(lv.map(([p, q]) => [norm(p), norm(q)]));
    // the snapshot had at most 1000 levels; compare every level the truth has within that range
    for (const [p, q] of t) if (m.has(p)) ok(norm(m.get(p)) === q, `${name} ${p}: local ${m.get(p)} true ${q}`);
    for (const [p] of m) ok(t.has(p), `${name} ${p} exists in the true book`);
    ok(m.size === t.size || t.size > 1000, `${name} level count ${m.size} == ${t.size}`);
  };
  cmp(bids, truth.bids, 'bid');
  cmp(asks, truth.asks, 'ask');
  console.log(`     ${label}: ${events.length} events, snapshot ${L}, final ${local}, ${bids.size}+${asks.size} levels equal`);
}

// ---- control messages ----------------------------------------------------------------------------
async function control() {
  const ws = await open(`${B.spot_ws}/ws`);
  ws.send2({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'btcusdt@bookTicker'], id: 7 });
  let r = await ws.until((m) => m.id !== undefined);
  ok(r.result === null && r.id === 7, `SUBSCRIBE reply ${JSON.stringify(r)}`);
  ws.send2({ method: 'LIST_SUBSCRIPTIONS', id: 'abc' });
  r = await ws.until((m) => m.id !== undefined);
  ok(r.id === 'abc' && Array.isArray(r.result) && r.result.includes('btcusdt@trade') && r.result.length === 2,
     `LIST_SUBSCRIPTIONS ${JSON.stringify(r)}`);
  await admin('bg_step', { n: 20 });
  const t = await ws.until((m) => m.e === 'trade');
  ok(t.s === 'BTCUSDT' && typeof t.p === 'string' && typeof t.t === 'number' && t.stream === undefined, 'raw trade event');
  ws.send2({ method: 'SET_PROPERTY', params: ['combined', true], id: 8 });
  r = await ws.until((m) => m.id === 8);
  ok(r.result === null, 'SET_PROPERTY');
  ws.send2({ method: 'GET_PROPERTY', params: ['combined'], id: 9 });
  r = await ws.until((m) => m.id === 9);
  ok(r.result === true, 'GET_PROPERTY combined');
  await sleep(1100); // 4 messages so far: stay under 5 per second
  await admin('bg_step', { n: 20 });
  const w = await ws.until((m) => m.stream === 'btcusdt@trade');
  ok(w.data && w.data.e === 'trade', 'combined wrapper after SET_PROPERTY');
  ws.send2({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 10 });
  r = await ws.until((m) => m.id === 10);
  ok(r.result === null, 'UNSUBSCRIBE');
  ws.send2({ method: 'LIST_SUBSCRIPTIONS', id: 11 });
  r = await ws.until((m) => m.id === 11);
  ok(r.result.length === 1 && r.result[0] === 'btcusdt@bookTicker', 'list after unsubscribe');
  await sleep(1100); // stay under 5 messages per second
  ws.send('{bad json');
  r = await ws.until((m) => m.code !== undefined);
  ok(r.code === 3, `invalid JSON -> code 3: ${JSON.stringify(r)}`);
  ws.send2({ method: 'FOO', id: 12 });
  r = await ws.until((m) => m.id === 12);
  ok(r.code === 2, `unknown method -> code 2: ${JSON.stringify(r)}`);
  // spot book ticker has no e/E
  ws.send2({ method: 'SET_PROPERTY', params: ['combined', false], id: 13 });
  await ws.until((m) => m.id === 13);
  await sleep(1100);
  // more than 5 incoming messages in one second closes the connection
  for (let i = 0; i < 8; i++) ws.send2({ method: 'LIST_SUBSCRIPTIONS', id: 100 + i });
  const deadline = Date.now() + 3000;
  while (!ws.closed && Date.now() < deadline) await sleep(50);
  ok(ws.closed, 'closed after exceeding 5 messages per second');
}

// ---- WebSocket API ---------------------------------------------------------------------------------
function wsSign(params) {
  const keys = Object.keys(params).sort();
  return hmac(keys.map((k) => `${k}=${params[k]}`).join('&'));
}
function signed(params) {
  const p = { ...params, apiKey: ep.api_key, timestamp: Date.now() };
  p.signature = wsSign(p);
  return p;
}
function ed25519Key() {
  const seed = crypto.createHash('sha256').update('xconn-sim-ed25519:' + ep.api_secret).digest();
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

async function wsapi() {
  const ws = await open(`${B.spot_ws}/ws-api/v3`);
  const call = async (id, method, params) => {
    ws.send2({ id, method, params });
    return ws.until((m) => m.id === id);
  };
  let r = await call('t1', 'time', {});
  ok(r.status === 200 && typeof r.result.serverTime === 'number', 'time');
  r = await call(2, 'userDataStream.subscribe.signature', signed({}));
  ok(r.status === 200 && Number.isInteger(r.result.subscriptionId), `subscribe.signature ${JSON.stringify(r)}`);
  const subId = r.result.subscriptionId;
  r = await call(3, 'userDataStream.subscribe.signature', signed({}));
  ok(r.status === 400 && r.error.code === -2035, 'second subscription for the account: -2035');
  const bt = await rest(B.spot_rest, 'GET', '/api/v3/ticker/bookTicker', { symbol: 'BTCUSDT' });
  const price = (Number(bt.body.bidPrice) * 0.8).toFixed(2);
  r = await call(4, 'order.place', signed({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC',
                                             quantity: '0.01000', price, newClientOrderId: 'wsapi1' }));
  ok(r.status === 200 && r.result.status === 'NEW' && r.result.clientOrderId === 'wsapi1', `order.place ${JSON.stringify(r)}`);
  ok(Array.isArray(r.rateLimits) && r.rateLimits.some((x) => x.rateLimitType === 'ORDERS'), 'rateLimits with ORDERS');
  const orderId = r.result.orderId;
  let ev = await ws.until((m) => m.event && m.event.e === 'executionReport');
  ok(ev.subscriptionId === subId && ev.event.x === 'NEW' && ev.event.c === 'wsapi1' && ev.event.i === orderId, 'executionReport NEW');
  ev = await ws.until((m) => m.event && m.event.e === 'outboundAccountPosition');
  ok(ev.event.B.some((b) => b.a === 'USDT' && Number(b.l) > 0), 'outboundAccountPosition shows USDT locked');
  r = await call(5, 'order.status', signed({ symbol: 'BTCUSDT', orderId }));
  ok(r.status === 200 && r.result.origQty === '0.01000000', 'order.status');
  r = await call(6, 'order.cancel', signed({ symbol: 'BTCUSDT', origClientOrderId: 'wsapi1', newClientOrderId: 'cxl1' }));
  ok(r.status === 200 && r.result.status === 'CANCELED' && r.result.clientOrderId === 'cxl1' && r.result.origClientOrderId === 'wsapi1',
     `order.cancel ${JSON.stringify(r)}`);
  ev = await ws.until((m) => m.event && m.event.e === 'executionReport');
  ok(ev.event.x === 'CANCELED' && ev.event.c === 'cxl1' && ev.event.C === 'wsapi1', 'cancel event: c = cancel id, C = original');
  r = await call('d', 'depth', { symbol: 'BTCUSDT', limit: 5 });
  ok(r.status === 200 && Number.isInteger(r.result.lastUpdateId) && r.result.bids.length <= 5, 'WS API depth');
  r = await call('tp', 'ticker.price', { symbol: 'BTCUSDT' });
  ok(r.status === 200 && r.result.symbol === 'BTCUSDT' && Number(r.result.price) > 0, 'WS API ticker.price');
  r = await call('tb', 'ticker.book', { symbol: 'NOPE' });
  ok(r.status === 400 && r.error.code === -1121, 'WS API unknown symbol: -1121');
  r = await call('ei', 'exchangeInfo', { symbol: 'BTCUSDT' });
  ok(r.status === 200 && r.result.symbols[0].filters.some((f) => f.filterType === 'LOT_SIZE'), 'WS API exchangeInfo');
  r = await call('oo', 'openOrders.status', signed({ symbol: 'BTCUSDT' }));
  ok(r.status === 200 && Array.isArray(r.result) && r.result.length === 0, 'WS API openOrders.status');
  r = await call('as', 'account.status', signed({}));
  ok(r.status === 200 && r.result.balances.some((b) => b.asset === 'USDT'), 'WS API account.status');
  r = await call('um', 'no.such.method', {});
  ok(r.status === 400 && r.error.code < 0, 'unknown method rejected');
  r = await call(7, 'order.cancel', signed({ symbol: 'BTCUSDT', orderId }));
  ok(r.status === 400 && r.error.code === -2011, 'cancel again: -2011');
  const bad = signed({ symbol: 'BTCUSDT', orderId });
  bad.signature = bad.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  r = await call(8, 'order.status', bad);
  ok(r.status === 400 && r.error.code === -1022, 'bad signature: -1022');
  r = await call(9, 'order.status', { ...signed({ symbol: 'BTCUSDT', orderId }), timestamp: Date.now() - 60000 });
  ok(r.status === 400 && (r.error.code === -1021 || r.error.code === -1022), 'stale timestamp rejected');
  // session.logon with the simulator's Ed25519 test key, then the logon-based subscription
  const ws2 = await open(`${B.spot_ws}/ws-api/v3?returnRateLimits=false`);
  const p = { apiKey: ep.api_key, timestamp: Date.now() };
  const payload = Object.keys(p).sort().map((k) => `${k}=${p[k]}`).join('&');
  p.signature = crypto.sign(null, Buffer.from(payload), ed25519Key()).toString('base64');
  ws2.send2({ id: 'logon', method: 'session.logon', params: p });
  r = await ws2.until((m) => m.id === 'logon');
  ok(r.status === 200 && r.result.apiKey === ep.api_key && r.rateLimits === undefined, `session.logon ${JSON.stringify(r)}`);
  ws2.send2({ id: 's', method: 'userDataStream.subscribe' });
  r = await ws2.until((m) => m.id === 's');
  ok(r.status === 200 && Number.isInteger(r.result.subscriptionId), 'userDataStream.subscribe after logon');
  ws2.send2({ id: 'o', method: 'order.status', params: { symbol: 'BTCUSDT', orderId } });
  r = await ws2.until((m) => m.id === 'o');
  ok(r.status === 200 && r.result.status === 'CANCELED', 'logged-on session needs no signature');
  // eventStreamTerminated fault
  await admin('venue_fault', { venue: 'binance', kind: 'event_stream_terminated' });
  ev = await ws.until((m) => m.event && m.event.e === 'eventStreamTerminated');
  ok(ev.subscriptionId === subId, 'eventStreamTerminated');
  ws.close();
  ws2.close();
}

// ---- futures user data over a listenKey ------------------------------------------------------------
async function futuresUser() {
  let r = await rest(B.usdm_rest, 'POST', '/fapi/v1/listenKey');
  ok(r.status === 200 && r.body.listenKey.length >= 60, 'listenKey');
  const key = r.body.listenKey;
  r = await rest(B.usdm_rest, 'POST', '/fapi/v1/listenKey');
  ok(r.body.listenKey === key, 'POST again returns the active key');
  const all = await open(`${B.usdm_ws}/private/ws?listenKey=${key}`);
  const onlyOrders = await open(`${B.usdm_ws}/private/ws?listenKey=${key}&events=ORDER_TRADE_UPDATE`);
  const legacy = await open(`${B.usdm_ws}/ws/${key}`);
  r = await rest(B.usdm_rest, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.010' }, true);
  ok(r.status === 200 && r.body.status === 'NEW', `futures ACK reply ${JSON.stringify(r.body)}`);
  let e = await all.until((m) => m.e === 'ORDER_TRADE_UPDATE' && m.o.X === 'FILLED');
  ok(e.o.s === 'BTCUSDT' && e.o.x === 'TRADE' && e.o.ps === 'BOTH', 'ORDER_TRADE_UPDATE FILLED');
  e = await all.until((m) => m.e === 'ACCOUNT_UPDATE');
  ok(e.a.m === 'ORDER' && e.a.B[0].a === 'USDT' && e.a.P.some((p) => p.s === 'BTCUSDT' && Number(p.pa) > 0), 'ACCOUNT_UPDATE with position');
  e = await legacy.until((m) => m.e === 'ACCOUNT_UPDATE');
  ok(e !== null, 'legacy /ws/<listenKey> stream');
  const seen = onlyOrders.pending();
  ok(seen.length > 0 && seen.every((m) => m.e === 'ORDER_TRADE_UPDATE'), 'events= allow-list');
  r = await rest(B.usdm_rest, 'DELETE', '/fapi/v1/listenKey');
  ok(r.status === 200, 'DELETE listenKey');
  e = await all.until((m) => m.e === 'listenKeyExpired');
  ok(e.listenKey === key && typeof e.E === 'string', 'listenKeyExpired');
  r = await rest(B.usdm_rest, 'PUT', '/fapi/v1/listenKey');
  ok(r.status === 400 && r.body.code === -1125, 'PUT on a dead key: -1125');
  all.close(); onlyOrders.close(); legacy.close();
}

async function partials() {
  const s = await open(`${B.spot_ws}/stream?streams=btcusdt@depth5@100ms/btcusdt@bookTicker/btcusdt@aggTrade`);
  const f = await open(`${B.usdm_ws}/public/stream?streams=btcusdt@depth5@100ms/btcusdt@bookTicker`);
  const fm = await open(`${B.usdm_ws}/market/ws/btcusdt@aggTrade/btcusdt@markPrice@1s`);
  for (let i = 0; i < 10; i++) { await admin('bg_step', { n: 3 }); await sleep(40); }
  let m = await s.until((x) => x.stream === 'btcusdt@depth5@100ms');
  ok(m.data.e === undefined && Number.isInteger(m.data.lastUpdateId) && m.data.bids.length <= 5 && m.data.asks.length <= 5,
     'spot partial depth: lastUpdateId/bids/asks only');
  m = await s.until((x) => x.stream === 'btcusdt@bookTicker');
  ok(m.data.e === undefined && m.data.s === 'BTCUSDT' && typeof m.data.u === 'number' && Number(m.data.b) < Number(m.data.a),
     'spot bookTicker without e/E');
  m = await s.until((x) => x.stream === 'btcusdt@aggTrade');
  ok(m.data.e === 'aggTrade' && m.data.M === true, 'spot aggTrade');
  m = await f.until((x) => x.stream === 'btcusdt@depth5@100ms');
  ok(m.data.e === 'depthUpdate' && 'pu' in m.data && m.data.b.length <= 5, 'futures partial depth has the diff shape');
  m = await f.until((x) => x.stream === 'btcusdt@bookTicker');
  ok(m.data.e === 'bookTicker' && typeof m.data.T === 'number', 'futures bookTicker with e/E/T');
  m = await fm.until((x) => x.e === 'aggTrade');
  ok(m.M === undefined && m.s === 'BTCUSDT', 'futures aggTrade on /market/ws/a/b (no M)');
  m = await fm.until((x) => x.e === 'markPriceUpdate', 3000);
  ok(Number(m.p) > 0 && typeof m.r === 'string', 'markPrice@1s');
  s.close(); f.close(); fm.close();
}

async function futuresWsApi() {
  const ws = await open(`${B.usdm_ws}/ws-fapi/v1`);
  const call = async (id, method, params) => {
    ws.send2({ id, method, params });
    return ws.until((m) => m.id === id);
  };
  let r = await call('p', 'order.place', signed({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.010',
                                                  newOrderRespType: 'RESULT' }));
  ok(r.status === 200 && r.result.status === 'FILLED' && r.result.positionSide === 'BOTH', `ws-fapi order.place ${JSON.stringify(r).slice(0, 200)}`);
  ok(r.rateLimits.some((x) => x.rateLimitType === 'ORDERS' && x.interval === 'MINUTE'), 'futures ORDERS windows');
  r = await call('s', 'order.status', signed({ symbol: 'BTCUSDT', orderId: r.result.orderId }));
  ok(r.status === 200 && r.result.status === 'FILLED' && typeof r.result.time === 'number', 'ws-fapi order.status');
  r = await call('b', 'v2/account.balance', signed({}));
  ok(r.status === 200 && r.result.some((b) => b.asset === 'USDT'), 'ws-fapi v2/account.balance');
  r = await call('pos', 'account.position', signed({ symbol: 'BTCUSDT' }));
  ok(r.status === 200 && Number(r.result[0].positionAmt) > 0, 'ws-fapi account.position');
  r = await call('u', 'userDataStream.start', { apiKey: ep.api_key });
  ok(r.status === 200 && r.result.listenKey.length >= 60, 'ws-fapi userDataStream.start');
  r = await call('x', 'order.place', signed({ symbol: 'BTCUSDT', side: 'BUY', type: 'STOP_MARKET', quantity: '0.010' }));
  ok(r.status === 400 && r.error.code === -4120, 'ws-fapi conditional order: -4120');
  ws.close();
}

async function shutdownFault() {
  const a = await open(`${B.spot_ws}/ws/btcusdt@trade`);
  const c = await open(`${B.spot_ws}/stream?streams=btcusdt@trade`);
  await admin('venue_fault', { venue: 'binance', kind: 'server_shutdown' });
  const m1 = await a.until((m) => m.e === 'serverShutdown');
  const m2 = await c.until((m) => m.stream === '!serverShutdown');
  ok(m1 && typeof m1.E === 'number', 'raw serverShutdown');
  ok(m2 && m2.data.e === 'serverShutdown', 'combined !serverShutdown');
  const deadline = Date.now() + 3000;
  while ((!a.closed || !c.closed) && Date.now() < deadline) await sleep(50);
  ok(a.closed && c.closed, 'closed after serverShutdown');
}

async function connLimit() {
  await admin('rate_limit', { pct: 1 }); // 300 new connections per 5 min -> 3
  let refused = null;
  const opened = [];
  for (let i = 0; i < 6 && !refused; i++) {
    try {
      opened.push(await open(`${B.spot_ws}/ws`));
    } catch (e) {
      refused = String(e.message);
    }
  }
  for (const w of opened) w.close();
  await admin('rate_limit', { pct: 100 });
  ok(refused !== null && refused.includes('429'), `new connections over the limit refused: ${refused}`);
}

try {
  await step('spot diff depth + snapshot == true book', () => bookCheck('spot', B.spot_ws, B.spot_rest, '/api/v3/depth', false, 'spot'));
  await step('usdm diff depth (pu) + snapshot == true book', () => bookCheck('usdm', B.usdm_ws + '/public', B.usdm_rest, '/fapi/v1/depth', true, 'linear'));
  await step('stream control messages and limits', control);
  await step('partial depth, book tickers, aggTrade, markPrice', partials);
  await step('WebSocket API and spot user data', wsapi);
  await step('futures listenKey user data', futuresUser);
  await step('futures WebSocket API', futuresWsApi);
  await step('serverShutdown fault', shutdownFault);
  await step('new-connection limit', connLimit);
  console.log(`binance protocol: ${checks} checks passed`);
  process.exit(0);
} catch (e) {
  console.log(`binance protocol: failed after ${checks} checks`);
  process.exit(1);
}
