// ccxt (pinned in package.json) against `xconn sim`: Bybit v5 spot and linear (USDT perpetual).
// Usage: node ccxt_bybit.mjs '<endpoints JSON line printed by xconn sim>' [spot|linear|all]
// Every check asserts an outcome; the first failure exits non-zero with the reason.
import ccxt from 'ccxt';
import assert from 'node:assert/strict';

const ep = JSON.parse(process.argv[2]);
const which = process.argv[3] || 'all';
const R = ep.bybit.rest, W = ep.bybit.ws;
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

// Options (see docs/internals/sim_bybit.md):
//  fetchCurrencies: false   - loadMarkets would call /v5/asset/coin/query-info (asset API, not served)
//  fetchMarkets.types       - spot + linear only (inverse/option would be answered with empty lists anyway)
// Nothing else: ccxt's isUnifiedEnabled() calls /v5/user/query-api and /v5/account/info, which the
// simulator serves (a UTA 2.0 account).
function exchange(defaultType) {
  const ex = new ccxt.pro.bybit({
    apiKey: ep.api_key, secret: ep.api_secret, enableRateLimit: false,
    options: { fetchCurrencies: false, fetchMarkets: { types: ['spot', 'linear'] }, defaultType },
  });
  for (const k of ['spot', 'futures', 'v2', 'public', 'private']) ex.urls.api[k] = R;
  ex.urls.api.ws = {
    public: { spot: W + '/v5/public/spot', linear: W + '/v5/public/linear', inverse: W + '/v5/public/inverse', option: W + '/v5/public/option' },
    private: { spot: { unified: W + '/v5/private', nonUnified: W + '/v5/private' }, contract: W + '/v5/private', usdc: W + '/v5/private', trade: W + '/v5/trade' },
  };
  return ex;
}

async function common(ex, symbol, label) {
  let market;
  await step(`${label} loadMarkets`, async () => {
    const m = await ex.loadMarkets();
    market = m[symbol];
    ok(market !== undefined, `${symbol} listed`);
    ok(market.active === true, 'market active');
    ok(market.precision.price > 0 && market.precision.amount > 0, 'tickSize and basePrecision/qtyStep parsed');
    ok(market.limits.cost.min > 0, 'minOrderAmt / minNotionalValue parsed');
    ok(m['BTC/USDT'] !== undefined && m['BTC/USDT:USDT'] !== undefined, 'spot and linear both listed');
  });
  await step(`${label} fetchTime`, async () => {
    const t = await ex.fetchTime();
    ok(Math.abs(t - Date.now()) < 60000, `server time ${t} near local clock`);
  });
  await step(`${label} fetchTicker`, async () => {
    const t = await ex.fetchTicker(symbol);
    ok(t.symbol === symbol, `ticker symbol ${t.symbol}`);
    ok(t.last > 0 && t.high >= t.low, 'last/high/low');
    ok(t.bid > 0 && t.ask > 0 && t.bid < t.ask, `bid ${t.bid} < ask ${t.ask}`);
  });
  await step(`${label} fetchOrderBook`, async () => {
    const ob = await ex.fetchOrderBook(symbol, 50);
    ok(ob.bids.length > 1 && ob.asks.length > 1, 'both sides');
    ok(sortedDesc(ob.bids) && sortedAsc(ob.asks), 'sorted sides');
    ok(ob.bids[0][0] < ob.asks[0][0], 'not crossed');
    ok(Number.isInteger(ob.timestamp) && ob.timestamp > 0, `ts ${ob.timestamp}`);
    ok(ob.bids.length <= 50 && ob.asks.length <= 50, 'limit honoured');
  });
  await step(`${label} fetchTrades`, async () => {
    const tr = await ex.fetchTrades(symbol, undefined, 20);
    ok(tr.length > 0 && tr.length <= 20, `got ${tr.length} trades`);
    for (const t of tr) ok(t.symbol === symbol && t.price > 0 && t.amount > 0 && (t.side === 'buy' || t.side === 'sell'), 'trade fields');
  });
  return market;
}

async function orders(ex, symbol, market, label) {
  const ob = await ex.fetchOrderBook(symbol, 5);
  const bid = ob.bids[0][0], ask = ob.asks[0][0];
  const minAmt = market.limits.amount.min || market.precision.amount;
  const minCost = market.limits.cost.min || 10;
  const farPrice = Number(ex.priceToPrecision(symbol, bid * 0.8));
  const amount = Number(ex.amountToPrecision(symbol, Math.max(minAmt, (minCost * 2) / farPrice)));
  let o1;
  await step(`${label} fetchBalance`, async () => {
    const b = await ex.fetchBalance();
    ok(b.USDT && b.USDT.total > 0, `USDT balance ${b.USDT && b.USDT.total}`);
    ok(Math.abs(b.USDT.free + b.USDT.used - b.USDT.total) < 1e-6, 'free + used == total');
  });
  await step(`${label} createOrder limit`, async () => {
    o1 = await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice);
    ok(typeof o1.id === 'string' && o1.id.length > 0, 'order id');
    if (label === 'linear') ok(/^[0-9a-f-]{36}$/.test(o1.id), `linear id is UUID-like: ${o1.id}`);
    else ok(/^[0-9]+$/.test(o1.id), `spot id is numeric: ${o1.id}`);
  });
  await step(`${label} fetchOrder / fetchOpenOrder`, async () => {
    const o = await ex.fetchOrder(o1.id, symbol, { acknowledged: true });
    ok(o.id === o1.id && o.status === 'open', `status ${o.status}`);
    ok(o.amount === amount && o.price === farPrice, `amount ${o.amount} price ${o.price}`);
    ok(o.filled === 0 && o.side === 'buy' && o.type === 'limit', 'filled/side/type');
    const oo = await ex.fetchOpenOrder(o1.id, symbol);
    ok(oo.id === o1.id && oo.status === 'open', 'fetchOpenOrder');
  });
  await step(`${label} fetchOpenOrders`, async () => {
    const oo = await ex.fetchOpenOrders(symbol);
    ok(oo.some((o) => o.id === o1.id), 'order listed as open');
    const all = await ex.fetchOpenOrders();
    ok(all.some((o) => o.id === o1.id), 'listed without a symbol too');
  });
  await step(`${label} cancelOrder by id`, async () => {
    const c = await ex.cancelOrder(o1.id, symbol);
    ok(c.id === o1.id, 'cancel ack id');
    const o = await ex.fetchOrder(o1.id, symbol, { acknowledged: true });
    ok(o.status === 'canceled', `fetchOrder after cancel: ${o.status}`);
    const hist = await ex.fetchCanceledAndClosedOrders(symbol);
    ok(hist.some((x) => x.id === o1.id && x.status === 'canceled'), 'in order/history as canceled');
    const oo = await ex.fetchOpenOrders(symbol);
    ok(!oo.some((x) => x.id === o1.id), 'no longer open');
  });
  await step(`${label} cancelOrder by client id`, async () => {
    const cid = 'xcsim' + Date.now();
    const o2 = await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice, { clientOrderId: cid });
    ok(o2.clientOrderId === cid, 'client id echoed');
    const byCid = await ex.fetchOpenOrders(symbol, undefined, undefined, { orderLinkId: cid });
    ok(byCid.length === 1 && byCid[0].id === o2.id, 'open order by orderLinkId');
    const c = await ex.cancelOrder(undefined, symbol, { orderLinkId: cid });
    ok(c.id === o2.id && c.clientOrderId === cid, 'canceled by client id');
    const o = await ex.fetchOrder(o2.id, symbol, { acknowledged: true });
    ok(o.status === 'canceled', `after cancel by client id: ${o.status}`);
  });
  let dup;
  await step(`${label} errors map to ccxt exceptions`, async () => {
    const cid = 'xcdup' + Date.now();
    await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice, { clientOrderId: cid });
    try { await ex.createOrder(symbol, 'limit', 'buy', amount, farPrice, { clientOrderId: cid }); dup = 'accepted'; } catch (e) { dup = e.constructor.name + ' ' + e.message; }
    ok(/110072|170141/.test(dup), `duplicate orderLinkId rejected: ${dup}`);
    await ex.cancelOrder(undefined, symbol, { orderLinkId: cid });
    let unk;
    try { await ex.cancelOrder(label === 'linear' ? '00000000-0000-4000-8000-000000000000' : '1900000000999999999', symbol); unk = 'accepted'; } catch (e) { unk = e.constructor.name; }
    ok(unk === 'OrderNotFound', `unknown order -> ${unk}`);
    let ins;
    try { await ex.createOrder(symbol, 'limit', 'buy', Number(ex.amountToPrecision(symbol, 1e7 / farPrice)), farPrice); ins = 'accepted'; } catch (e) { ins = e.constructor.name + ' ' + e.message; }
    ok(/InsufficientFunds|InvalidOrder|BadRequest/.test(ins), `insufficient balance or too large: ${ins}`);
  });
  await step(`${label} createOrder market`, async () => {
    const before = await ex.fetchBalance();
    const mAmt = Number(ex.amountToPrecision(symbol, Math.max(minAmt, (minCost * 3) / ask)));
    const m = await ex.createOrder(symbol, 'market', 'buy', mAmt);
    const o = await ex.fetchOrder(m.id, symbol, { acknowledged: true });
    ok(o.status === 'closed', `market order status ${o.status}`);
    const co = await ex.fetchClosedOrder(m.id, symbol);
    ok(co.id === m.id && co.status === 'closed', 'fetchClosedOrder (order/history, Filled)');
    ok(o.filled > 0 && o.average > 0, `filled ${o.filled} at ${o.average}`);
    if (label === 'spot') ok(Math.abs(o.filled - mAmt) < 1e-12, `marketUnit=baseCoin: filled ${o.filled} == ${mAmt}`);
    const after = await ex.fetchBalance();
    ok(after.USDT.total !== before.USDT.total || after.USDT.used !== before.USDT.used, 'USDT balance moved');
  });
  if (label === 'spot') {
    await step('spot createOrder market buy by cost (default quote unit)', async () => {
      const cost = Number((minCost * 3).toFixed(2));
      const m = await ex.createOrder(symbol, 'market', 'buy', undefined, undefined, { cost });
      const o = await ex.fetchOrder(m.id, symbol, { acknowledged: true });
      ok(o.status === 'closed' && o.cost > 0 && o.cost <= cost + 1e-9, `spent ${o.cost} of ${cost}`);
    });
  }
  const mktAmount = Number(ex.amountToPrecision(symbol, Math.max(minAmt, (minCost * 3) / bid)));
  return { amount, farPrice, mktAmount };
}

async function streams(ex, symbol, label) {
  await step(`${label} watchOrderBook`, async () => {
    let last = -1;
    for (let i = 0; i < 3; i++) {
      const ob = await within(ex.watchOrderBook(symbol), 15000, 'watchOrderBook');
      ok(ob.bids.length > 0 && ob.asks.length > 0, 'book sides');
      ok(ob.bids[0][0] < ob.asks[0][0], `book not crossed ${ob.bids[0][0]} < ${ob.asks[0][0]}`);
      ok(sortedDesc(ob.bids) && sortedAsc(ob.asks), 'sorted');
      ok(ob.timestamp >= last, `ts advances ${ob.timestamp}`);
      ok(ob.bids.length <= 50 && ob.asks.length <= 50, 'depth-50 view stays within 50 levels');
      last = ob.timestamp;
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
    for (let i = 0; i < 3; i++) {
      const t = await within(ex.watchTicker(symbol), 15000, 'watchTicker');
      ok(t.symbol === symbol && t.last > 0, 'ticker');
      if (label === 'linear') ok(t.bid > 0 && t.ask > 0, 'linear ticker deltas merged into the snapshot');
    }
  });
}

async function userData(ex, symbol, label, amount, farPrice, mktAmount) {
  await step(`${label} watchOrders`, async () => {
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
    const balP = within(ex.watchBalance(), 15000, 'watchBalance');
    await sleep(300);
    await ex.createOrder(symbol, 'market', 'sell', mktAmount);
    const bal = await balP;
    ok(bal.USDT !== undefined && bal.USDT.total > 0, `watchBalance USDT total ${bal.USDT && bal.USDT.total}`);
  });
}

async function run(label, symbol) {
  const ex = exchange(label === 'spot' ? 'spot' : 'swap');
  await ex.loadHttpProxyAgent(); // ccxt needs an http agent for plain ws:// URLs
  try {
    const market = await common(ex, symbol, label);
    const { amount, farPrice, mktAmount } = await orders(ex, symbol, market, label);
    if (label === 'linear') {
      await step('linear fetchPositions', async () => {
        const ps = await ex.fetchPositions([symbol]);
        const p = ps.find((x) => x.symbol === symbol);
        ok(p !== undefined, 'position for the symbol');
        ok(p.contracts > 0 && p.side === 'long', `long ${p.contracts}`);
        ok(p.entryPrice > 0, 'entry price');
        const all = await ex.fetchPositions();
        ok(all.some((x) => x.symbol === symbol), 'listed by settleCoin');
      });
      await step('linear setLeverage', async () => {
        await ex.setLeverage(7, symbol);
        const ps = await ex.fetchPositions([symbol]);
        ok(ps[0].leverage === 7, `leverage ${ps[0].leverage}`);
      });
    }
    await streams(ex, symbol, label);
    await userData(ex, symbol, label, amount, farPrice, mktAmount);
  } finally {
    await ex.close();
  }
}

try {
  if (which === 'spot' || which === 'all') await run('spot', 'BTC/USDT');
  if (which === 'linear' || which === 'all') await run('linear', 'BTC/USDT:USDT');
  console.log(`ccxt ${ccxt.version}: ${checks} checks passed`);
  process.exit(0);
} catch (e) {
  console.log(`ccxt ${ccxt.version}: failed after ${checks} checks`);
  process.exit(1);
}
