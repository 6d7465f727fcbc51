// ccxt (pinned in package.json) against `xconn sim`: Binance spot and USD-M futures.
// Usage: node ccxt_binance.mjs '<endpoints JSON line printed by xconn sim>' [spot|usdm|all]
// Every check asserts an outcome; the first failure exits non-zero with the reason.
import ccxt from 'ccxt';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// the installed package version (ccxt.version inside the package can lag behind it)
const ccxtVersion = JSON.parse(readFileSync(new URL('./node_modules/ccxt/package.json', import.meta.url))).version;

const ep = JSON.parse(process.argv[2]);
const which = process.argv[3] || 'all';
const B = ep.binance;
let checks = 0;

function ok(cond, what) {
  assert.ok(cond, what);
  checks++;
}
function within(promise, ms, what) {
  let t;
  return Promise.race([
    promise.finally(() => clearTimeout(t)),
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error('timeout: ' + what)), ms); }),
  ]);
}
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function sortedDesc(a) { for (let i = 1; i < a.length; i++) if (a[i][0] >= a[i - 1][0]) return false; return true; }
function sortedAsc(a) { for (let i = 1; i < a.length; i++) if (a[i][0] <= a[i - 1][0]) return false; return true; }

// Options that keep ccxt on endpoints a spot/futures exchange serves (see docs/internals/sim_binance.md):
//  fetchCurrencies: false  - loadMarkets would call sapi/capital/config/getall (wallet API)
//  fetchMargins: false     - loadMarkets would call sapi/margin/allPairs and isolated/allPairs
//  fetchMarkets.types      - one market family per instance (spot, or linear for binanceusdm)
function spotExchange() {
  const ex = new ccxt.pro.binance({
    apiKey: ep.api_key, secret: ep.api_secret, enableRateLimit: false,
    options: { fetchCurrencies: false, fetchMargins: false, fetchMarkets: { types: ['spot'] }, defaultType: 'spot' },
  });
  const r = B.spot_rest;
  Object.assign(ex.urls.api, { public: r + '/api/v3', private: r + '/api/v3', v1: r + '/api/v1', sapi: r + '/sapi/v1' });
  ex.urls.api.ws = { spot: B.spot_ws + '/ws', margin: B.spot_ws + '/ws', 'ws-api': { spot: B.spot_ws + '/ws-api/v3' } };
  return ex;
}
function usdmExchange() {
  const ex = new ccxt.pro.binanceusdm({
    apiKey: ep.api_key, secret: ep.api_secret, enableRateLimit: false,
    options: { fetchCurrencies: false, fetchMargins: false },
  });
  const r = B.usdm_rest;
  for (const k of ['fapiPublic', 'fapiPrivate']) ex.urls.api[k] = r + '/fapi/v1';
  for (const k of ['fapiPublicV2', 'fapiPrivateV2']) ex.urls.api[k] = r + '/fapi/v2';
  for (const k of ['fapiPublicV3', 'fapiPrivateV3']) ex.urls.api[k] = r + '/fapi/v3';
  ex.urls.api.ws = { future: B.usdm_ws + '/ws', 'ws-api': { future: B.usdm_ws + '/ws-fapi/v1' } };
  return ex;
}

async function common(ex, symbol, label) {
  let market;
  await step(`${label} loadMarkets`, async () => {
    const m = await ex.loadMarkets();
    market = m[symbol];
    ok(market !== undefined, `${symbol} listed`);
    ok(market.active === true, 'market active');
    ok(market.precision.price > 0 && market.precision.amount > 0, 'tick and step parsed from filters');
    ok(market.limits.amount.min > 0, 'LOT_SIZE minQty parsed');
    ok(market.limits.cost.min > 0, 'notional filter parsed');
  });
  await step(`${label} fetchTime`, async () => {
    const t = await ex.fetchTime();
    ok(Math.abs(t - Date.now()) < 60000, `server time ${t} near local clock`);
  });
  await step(`${label} fetchTicker`, async () => {
    const t = await ex.fetchTicker(symbol);
    ok(t.symbol === symbol, 'ticker symbol');
    ok(t.last > 0 && t.high >= t.low, 'last/high/low');
    // spot 24hr tickers carry the best bid/ask; USD-M 24hr tickers do not (binance.md 5.1)
    if (label === 'spot') ok(t.bid > 0 && t.ask > 0 && t.bid < t.ask, `bid ${t.bid} < ask ${t.ask}`);
    else ok(t.bid === undefined && t.ask === undefined, 'no bid/ask in a futures 24hr ticker');
  });
  await step(`${label} fetchOrderBook`, async () => {
    const ob = await ex.fetchOrderBook(symbol, 100);
    ok(ob.bids.length > 0 && ob.asks.length > 0, 'both sides');
    ok(sortedDesc(ob.bids) && sortedAsc(ob.asks), 'sorted sides');
    ok(ob.bids[0][0] < ob.asks[0][0], 'not crossed');
    ok(Number.isInteger(ob.nonce) && ob.nonce > 0, 'lastUpdateId');
  });
  await step(`${label} fetchTrades`, async () => {
    const tr = await ex.fetchTrades(symbol, undefined, 20);
    ok(tr.length > 0 && tr.length <= 20, `got ${tr.length} trades`);
    for (const t of tr) ok(t.price > 0 && t.amount > 0 && (t.side === 'buy' || t.side === 'sell'), 'trade fields');
  });
  return market;
}

async function orders(ex, symbol, market, label, quote) {
  const ob = await ex.fetchOrderBook(symbol, 5);
  const bid = ob.bids[0][0], ask = ob.asks[0][0];
  const minAmt = market.limits.amount.min;
  const minCost = market.limits.cost.min || 10;
  const farPrice = Number(ex.priceToPrecision(symbol, bid * 0.8));
  const amount = Number(ex.amountToPrecision(symbol, Math.max(minAmt, (minCost * 2) / farPrice)));
  let o1;
  await step(`${label} fetchBalance`, async () => {
    const b = await ex.fetchBalance();
    ok(b[quote] && b[quote].total > 0, `${quote} balance ${b[quote] && b[quote].total}`);
    ok(Math.abs(b[quote].free + b[quote].used - b[quote].total) < 1e-6, 'free + used == total');
  });
  await step(`${label} createOrder limit`, async () => {
    o1 = await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice);
    ok(o1.id !== undefined, 'order id');
    ok(o1.status === 'open', `status ${o1.status}`);
  });
  await step(`${label} fetchOrder`, async () => {
    const o = await ex.fetchOrder(o1.id, symbol);
    ok(o.id === o1.id && o.status === 'open', `status ${o.status}`);
    ok(o.amount === amount && o.price === farPrice, `amount ${o.amount} price ${o.price}`);
    ok(o.filled === 0 && o.side === 'buy' && o.type === 'limit', 'filled/side/type');
  });
  await step(`${label} fetchOpenOrders`, async () => {
    const oo = await ex.fetchOpenOrders(symbol);
    ok(oo.some((o) => o.id === o1.id), 'order listed as open');
  });
  await step(`${label} cancelOrder by id`, async () => {
    const c = await ex.cancelOrder(o1.id, symbol);
    ok(c.id === o1.id && c.status === 'canceled', `cancel status ${c.status}`);
    const o = await ex.fetchOrder(o1.id, symbol);
    ok(o.status === 'canceled', 'fetchOrder after cancel: canceled');
    const oo = await ex.fetchOpenOrders(symbol);
    ok(!oo.some((x) => x.id === o1.id), 'no longer open');
  });
  await step(`${label} cancelOrder by client id`, async () => {
    const cid = 'xcsim' + Date.now();
    const o2 = await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice, { clientOrderId: cid });
    ok(o2.clientOrderId === cid, 'client id echoed');
    const byCid = await ex.fetchOrder(undefined, symbol, { clientOrderId: cid });
    ok(byCid.id === o2.id, 'fetchOrder by client id');
    const c = await ex.cancelOrder(undefined, symbol, { clientOrderId: cid });
    ok(c.status === 'canceled' && c.id === o2.id, 'canceled by client id');
  });
  await step(`${label} createOrder post-only, IOC, FOK`, async () => {
    // ccxt sends LIMIT_MAKER (spot) / timeInForce GTX (futures) for postOnly
    const po = await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice, { postOnly: true });
    const p2 = await ex.fetchOrder(po.id, symbol);
    ok(p2.status === 'open' && p2.postOnly === true, `post-only resting: ${p2.status} postOnly=${p2.postOnly}`);
    await ex.cancelOrder(po.id, symbol);
    const crossing = Number(ex.priceToPrecision(symbol, ask * 1.05));
    let rejected = false;
    try {
      await ex.createOrder(symbol, 'limit', 'buy', amount, crossing, { postOnly: true });
    } catch (e) {
      rejected = e instanceof ccxt.InvalidOrder || e instanceof ccxt.OrderImmediatelyFillable;
    }
    ok(rejected, 'crossing post-only rejected');
    const ioc = await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice, { timeInForce: 'IOC', newOrderRespType: 'RESULT' });
    const i2 = ioc.status === 'open' ? await ex.fetchOrder(ioc.id, symbol) : ioc;
    ok(i2.status === 'expired' || i2.status === 'canceled', `IOC far from the market: ${i2.status}`);
    ok(i2.filled === 0, 'IOC filled nothing');
  });
  await step(`${label} createOrder market`, async () => {
    const before = await ex.fetchBalance();
    const mAmt = Number(ex.amountToPrecision(symbol, Math.max(minAmt, (minCost * 2) / ask)));
    const m = await ex.createOrder(symbol, 'market', 'buy', mAmt);
    let o = m;
    if (o.status !== 'closed') o = await ex.fetchOrder(m.id, symbol);
    ok(o.status === 'closed', `market order status ${o.status}`);
    ok(Math.abs(o.filled - mAmt) < 1e-12, `filled ${o.filled} == ${mAmt}`);
    ok(o.average > 0, 'average price');
    const after = await ex.fetchBalance();
    ok(after[quote].total < before[quote].total, `${quote} spent`);
  });
  const mktAmount = Number(ex.amountToPrecision(symbol, Math.max(minAmt, (minCost * 2) / bid)));
  return { amount, farPrice, mktAmount };
}

async function streams(ex, symbol, label) {
  await step(`${label} watchOrderBook`, async () => {
    let last = -1;
    for (let i = 0; i < 3; i++) {
      const ob = await within(ex.watchOrderBook(symbol), 15000, 'watchOrderBook');
      ok(ob.bids.length > 0 && ob.asks.length > 0, 'book sides');
      ok(ob.bids[0][0] < ob.asks[0][0], `book not crossed ${ob.bids[0][0]} < ${ob.asks[0][0]}`);
      ok(sortedDesc(ob.bids.slice(0, 50)) && sortedAsc(ob.asks.slice(0, 50)), 'sorted');
      // futures: the first diff may end exactly at the snapshot's lastUpdateId (U <= L <= u)
      ok(ob.nonce >= last, `nonce never goes back ${ob.nonce}`);
      last = ob.nonce;
    }
  });
  await step(`${label} watchTrades`, async () => {
    let n = 0;
    for (let i = 0; i < 3; i++) {
      const tr = await within(ex.watchTrades(symbol), 15000, 'watchTrades');
      ok(tr.length > 0, 'trades');
      for (const t of tr) ok(t.symbol === symbol && t.price > 0 && t.amount > 0, 'trade fields');
      n += tr.length;
    }
    ok(n >= 3, `${n} trades`);
  });
  await step(`${label} watchTicker`, async () => {
    for (let i = 0; i < 2; i++) {
      const t = await within(ex.watchTicker(symbol), 15000, 'watchTicker');
      ok(t.symbol === symbol && t.last > 0, 'ticker');
    }
  });
}

async function userData(ex, symbol, label, quote, amount, farPrice, mktAmount) {
  await step(`${label} watchOrders`, async () => {
    // subscribe first, then act, then await the updates the action causes
    const ordersP = within(ex.watchOrders(symbol), 15000, 'watchOrders');
    await sleep(300);
    const o = await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice);
    const got = await ordersP;
    ok(got.some((x) => x.id === o.id && x.status === 'open'), 'watchOrders saw the new order');
    const next = within(ex.watchOrders(symbol), 15000, 'watchOrders after cancel');
    await ex.cancelOrder(o.id, symbol);
    let seen = false;
    for (let i = 0; i < 5 && !seen; i++) {
      const u = i === 0 ? await next : await within(ex.watchOrders(symbol), 15000, 'watchOrders');
      seen = u.some((x) => x.id === o.id && x.status === 'canceled');
    }
    ok(seen, 'watchOrders saw the cancel');
  });
  await step(`${label} watchBalance`, async () => {
    // a fill changes balances on both products (a resting futures order alone sends no ACCOUNT_UPDATE)
    let balP = within(ex.watchBalance(), 15000, 'watchBalance');
    await sleep(300);
    const before = await ex.fetchBalance();
    await ex.createOrder(symbol, 'market', 'sell', mktAmount);
    let bal = await balP;
    ok(bal[quote] !== undefined && bal[quote].total > 0, `watchBalance ${quote} total ${bal[quote] && bal[quote].total}`);
    if (label === 'spot') {
      // an update caused by an earlier action may come first: wait for the one of this sell
      for (let i = 0; i < 5 && !(bal[quote].free > before[quote].free); i++) bal = await within(ex.watchBalance(), 15000, 'watchBalance');
      ok(bal[quote].free > before[quote].free, 'quote credited by the sell');
    }
  });
}

async function spot() {
  const ex = spotExchange();
  const symbol = 'BTC/USDT';
  await ex.loadHttpProxyAgent(); // ccxt needs an http agent for plain ws:// URLs
  try {
    const market = await common(ex, symbol, 'spot');
    const { amount, farPrice, mktAmount } = await orders(ex, symbol, market, 'spot', 'USDT');
    await streams(ex, symbol, 'spot');
    await userData(ex, symbol, 'spot', 'USDT', amount, farPrice, mktAmount);
  } finally {
    await ex.close();
  }
}

async function usdm() {
  const ex = usdmExchange();
  const symbol = 'BTC/USDT:USDT';
  await ex.loadHttpProxyAgent();
  try {
    const market = await common(ex, symbol, 'usdm');
    const { amount, farPrice, mktAmount } = await orders(ex, symbol, market, 'usdm', 'USDT');
    await step('usdm fetchPositions', async () => {
      const ps = await ex.fetchPositions([symbol]);
      const p = ps.find((x) => x.symbol === symbol);
      ok(p !== undefined, 'position for the symbol');
      ok(p.contracts > 0 && p.side === 'long', `long ${p.contracts}`);
      ok(p.entryPrice > 0, 'entry price');
    });
    await streams(ex, symbol, 'usdm');
    await userData(ex, symbol, 'usdm', 'USDT', amount, farPrice, mktAmount);
  } finally {
    await ex.close();
  }
}

try {
  if (which === 'spot' || which === 'all') await spot();
  if (which === 'usdm' || which === 'all') await usdm();
  console.log(`ccxt ${ccxtVersion}: ${checks} checks passed`);
  process.exit(0);
} catch (e) {
  console.log(`ccxt ${ccxtVersion}: failed after ${checks} checks`);
  process.exit(1);
}
