/* Integration tests of the simulator's Bybit v5 front end over real loopback sockets: REST market
 * data and pagination, header auth (10003/10004/10002, GET with a body = 403), order errors
 * (spot 170xxx, linear 110xxx), per-endpoint limits (X-Bapi-Limit*, 10006) and the IP limit
 * (HTTP 403), public streams (acks, pong shapes, snapshot + delta consistency against the true
 * book, u == 1 restart), the private stream (auth, order/wallet pushes, duplicate fault) and
 * the /v5/trade order entry. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "tscale.h"
#include "core/json.h"
#include "core/sign.h"
#include "xconn/sim.h"

static xc_sim *g_sim;
static char g_rest[128], g_key[128], g_secret[128];
static int g_ws_port;
static xc_signer *g_signer;

/* ---- HTTP ----------------------------------------------------------------------------------- */

typedef xc_test_resp resp; /* tests/testutil.h */

enum { NOKEY = 0, SIGNED = 1, BADSIG = 2, BADKEY = 3 };

/* GET path?query or POST path with a JSON body; auth per mode; ts_shift moves the timestamp. */
static void http(resp *r, const char *method, const char *path, const char *query, const char *body,
                 int mode, int64_t ts_shift) {
  char url[2600];
  snprintf(url, sizeof url, "%s%s%s%s", g_rest, path, query && *query ? "?" : "", query ? query : "");
  const char *hs[8] = {0};
  char lines[5][700];
  size_t nh = 0;
  if (mode != NOKEY) {
    const char *payload = body ? body : query ? query : "";
    xc_bybit_auth a;
    assert_int_equal(xc_bybit_sign_rest(g_signer, mode == BADKEY ? "nope" : g_key, xc_test_wall_ms() + ts_shift, 5000,
                                        payload, strlen(payload), &a),
                     XC_OK);
    if (mode == BADSIG) a.sign[0] = a.sign[0] == '0' ? '1' : '0';
    xc_header ah[5];
    size_t n = xc_bybit_headers(&a, ah);
    for (size_t i = 0; i < n && nh < 5; i++) {
      snprintf(lines[nh], sizeof lines[nh], "%s: %s", ah[i].name, ah[i].value);
      hs[nh] = lines[nh];
      nh++;
    }
  }
  if (body) hs[nh++] = "Content-Type: application/json";
  assert_int_equal(xc_test_http(r, method, url, body, hs), CURLE_OK);
}

static void drop(resp *r) { free(r->body); }

static int64_t ret_code(const resp *r) {
  xc_json j;
  xc_json_init(&j);
  int64_t code = -999;
  if (xc_json_parse(&j, r->body, r->len) == XC_OK) xc_json_get_i64(&j, 0, "retCode", &code);
  xc_json_free(&j);
  return code;
}

static void expect(resp *r, long status, int64_t code) {
  if (r->status != status || ret_code(r) != code)
    fail_msg("expected HTTP %ld retCode %lld, got %ld: %s", status, (long long)code, r->status, r->body);
  drop(r);
}

/* A string field of result (one level, e.g. "orderId"), copied into out. */
static void result_str(const resp *r, const char *key, char *out, size_t cap) {
  xc_json j;
  xc_json_init(&j);
  out[0] = 0;
  assert_int_equal(xc_json_parse(&j, r->body, r->len), XC_OK);
  int res = xc_json_get(&j, 0, "result");
  xc_json_str_copy(&j, xc_json_get(&j, res, key), out, cap, NULL);
  xc_json_free(&j);
}

/* ---- WebSocket client ----------------------------------------------------------------------- */

typedef struct wsc {
  int fd;
  char buf[1 << 20];
  size_t len;
} wsc;

static void ws_open(wsc *c, const char *path) {
  memset(c, 0, sizeof *c);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g_ws_port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(c->fd, (struct sockaddr *)&a, sizeof a), 0);
  char req[512];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                   path);
  assert_int_equal(write(c->fd, req, (size_t)n), n);
  for (;;) {
    struct pollfd p = {c->fd, POLLIN, 0};
    assert_true(poll(&p, 1, 3000) > 0);
    ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len - 1);
    assert_true(r > 0);
    c->len += (size_t)r;
    c->buf[c->len] = 0;
    char *e = strstr(c->buf, "\r\n\r\n");
    if (!e) continue;
    assert_int_equal(atoi(c->buf + 9), 101);
    size_t hl = (size_t)(e + 4 - c->buf);
    memmove(c->buf, c->buf + hl, c->len - hl);
    c->len -= hl;
    return;
  }
}

static void ws_send(wsc *c, const char *data) {
  size_t n = strlen(data), hl = 0;
  uint8_t *f = malloc(n + 14);
  f[hl++] = 0x81;
  if (n < 126) {
    f[hl++] = (uint8_t)(0x80 | n);
  } else {
    f[hl++] = 0x80 | 126;
    f[hl++] = (uint8_t)(n >> 8);
    f[hl++] = (uint8_t)n;
  }
  static const uint8_t mask[4] = {1, 2, 3, 4};
  memcpy(f + hl, mask, 4);
  hl += 4;
  for (size_t i = 0; i < n; i++) f[hl + i] = (uint8_t)data[i] ^ mask[i & 3];
  assert_int_equal(write(c->fd, f, hl + n), (ssize_t)(hl + n));
  free(f);
}

/* Next text message into out (NUL-terminated), or NULL after timeout_ms / on close. */
static char *ws_text(wsc *c, char *out, size_t cap, int timeout_ms) {
  int64_t end = xc_test_wall_ms() + timeout_ms;
  for (;;) {
    if (c->len >= 2) {
      uint8_t *b = (uint8_t *)c->buf;
      uint64_t pl = b[1] & 0x7f;
      size_t hl = 2;
      bool have = true;
      if (pl == 126) {
        have = c->len >= 4;
        if (have) pl = ((uint64_t)b[2] << 8) | b[3];
        hl = 4;
      } else if (pl == 127) {
        have = c->len >= 10;
        pl = 0;
        for (int i = 0; have && i < 8; i++) pl = (pl << 8) | b[2 + i];
        hl = 10;
      }
      if (have && c->len >= hl + pl) {
        int op = b[0] & 0x0f;
        size_t n = pl < cap - 1 ? pl : cap - 1;
        memcpy(out, c->buf + hl, n);
        out[n] = 0;
        memmove(c->buf, c->buf + hl + pl, c->len - hl - pl);
        c->len -= hl + pl;
        if (op == 1) return out;
        if (op == 8) return NULL;
        continue;
      }
    }
    int left = (int)(end - xc_test_wall_ms());
    if (left <= 0) return NULL;
    struct pollfd p = {c->fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) return NULL;
    ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
    if (r <= 0) return NULL;
    c->len += (size_t)r;
  }
}

/* Next text message containing needle (others skipped). */
static char *ws_wait(wsc *c, const char *needle, char *out, size_t cap, int timeout_ms) {
  int64_t end = xc_test_wall_ms() + xc_test_ms(timeout_ms); /* longer on a loaded machine */
  while (xc_test_wall_ms() < end) {
    if (!ws_text(c, out, cap, (int)(end - xc_test_wall_ms()))) return NULL;
    if (strstr(out, needle)) return out;
  }
  return NULL;
}

static void ws_close(wsc *c) {
  close(c->fd);
  free(c);
}

static wsc *ws_new(const char *path) {
  wsc *c = malloc(sizeof *c);
  ws_open(c, path);
  return c;
}

/* ---- fixture -------------------------------------------------------------------------------- */

static int setup(void **st) {
  (void)st;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.port_base = 0;
  o.seed = 21;
  o.quiet = true;
  o.bg_manual = true; /* the market moves only when a test steps it */
  if (xc_sim_new(&o, &g_sim) != XC_OK) return -1;
  if (xc_sim_start(g_sim) != XC_OK) return -1;
  snprintf(g_rest, sizeof g_rest, "%s", xc_sim_endpoint(g_sim, XC_SIM_EP_BYBIT_REST));
  g_ws_port = xc_sim_port(g_sim, XC_SIM_EP_BYBIT_WS);
  snprintf(g_key, sizeof g_key, "%s", xc_sim_api_key(g_sim));
  snprintf(g_secret, sizeof g_secret, "%s", xc_sim_api_secret(g_sim));
  if (xc_signer_new_hmac(g_secret, strlen(g_secret), &g_signer) != XC_OK) return -1;
  xc_sim_bg_step(g_sim, 200);
  return 0;
}

static int teardown(void **st) {
  (void)st;
  xc_sim_free(g_sim);
  xc_signer_free(g_signer);
  curl_global_cleanup();
  return 0;
}

/* ---- REST ----------------------------------------------------------------------------------- */

static void test_public(void **st) {
  (void)st;
  resp r;
  http(&r, "GET", "/v5/market/time", NULL, NULL, NOKEY, 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(ret_code(&r), 0);
  assert_non_null(strstr(r.body, "\"timeSecond\":\""));
  assert_non_null(strstr(r.body, "\"retExtInfo\":{}"));
  drop(&r);
  http(&r, "GET", "/v5/market/instruments-info", "category=spot", NULL, NOKEY, 0);
  assert_non_null(strstr(r.body, "\"basePrecision\":\"0.000001\""));
  assert_null(strstr(r.body, "qtyStep")); /* spot has no qtyStep (bybit.md 6) */
  drop(&r);
  /* linear pagination: one per page, cursor echoes back, "" on the last page */
  http(&r, "GET", "/v5/market/instruments-info", "category=linear&limit=1", NULL, NOKEY, 0);
  assert_non_null(strstr(r.body, "\"symbol\":\"BTCUSDT\""));
  char cur[128];
  result_str(&r, "nextPageCursor", cur, sizeof cur);
  assert_string_equal(cur, "first%3DBTCUSDT%26last%3DBTCUSDT");
  drop(&r);
  char q[256];
  snprintf(q, sizeof q, "category=linear&limit=1&cursor=%s", cur);
  http(&r, "GET", "/v5/market/instruments-info", q, NULL, NOKEY, 0);
  assert_non_null(strstr(r.body, "\"symbol\":\"ETHUSDT\""));
  assert_non_null(strstr(r.body, "\"qtyStep\""));
  result_str(&r, "nextPageCursor", cur, sizeof cur);
  assert_string_equal(cur, "");
  drop(&r);
  http(&r, "GET", "/v5/market/orderbook", "category=linear&symbol=NOPE", NULL, NOKEY, 0);
  expect(&r, 200, 10001);
  http(&r, "GET", "/v5/market/orderbook", "category=bogus&symbol=BTCUSDT", NULL, NOKEY, 0);
  expect(&r, 200, 10001);
  http(&r, "GET", "/v5/market/orderbook", "category=spot&symbol=BTCUSDT", NULL, NOKEY, 0);
  assert_int_equal(ret_code(&r), 0);
  assert_non_null(strstr(r.body, "\"u\":"));
  assert_non_null(strstr(r.body, "\"seq\":"));
  drop(&r);
  http(&r, "GET", "/v5/market/tickers", "category=linear&symbol=BTCUSDT", NULL, NOKEY, 0);
  assert_non_null(strstr(r.body, "\"openInterestValue\":"));
  assert_non_null(strstr(r.body, "\"bid1Price\":"));
  drop(&r);
  http(&r, "GET", "/v5/market/recent-trade", "category=spot&symbol=BTCUSDT&limit=5", NULL, NOKEY, 0);
  assert_int_equal(ret_code(&r), 0);
  assert_non_null(strstr(r.body, "\"execId\":\""));
  drop(&r);
  http(&r, "GET", "/v5/market/nowhere", NULL, NULL, NOKEY, 0);
  assert_int_equal(r.status, 404);
  drop(&r);
}

static void test_auth(void **st) {
  (void)st;
  resp r;
  http(&r, "GET", "/v5/account/wallet-balance", "accountType=UNIFIED", NULL, NOKEY, 0);
  expect(&r, 200, 10003);
  http(&r, "GET", "/v5/account/wallet-balance", "accountType=UNIFIED", NULL, BADKEY, 0);
  expect(&r, 200, 10003);
  http(&r, "GET", "/v5/account/wallet-balance", "accountType=UNIFIED", NULL, BADSIG, 0);
  expect(&r, 200, 10004);
  http(&r, "GET", "/v5/account/wallet-balance", "accountType=UNIFIED", NULL, SIGNED, -6000);
  expect(&r, 200, 10002);
  http(&r, "GET", "/v5/account/wallet-balance", "accountType=UNIFIED", NULL, SIGNED, 2000);
  expect(&r, 200, 10002); /* more than 1 s in the future */
  http(&r, "GET", "/v5/account/wallet-balance", "accountType=UNIFIED", NULL, SIGNED, 0);
  assert_int_equal(ret_code(&r), 0);
  assert_non_null(strstr(r.body, "\"accountType\":\"UNIFIED\""));
  assert_non_null(strstr(r.body, "\"coin\":\"USDT\""));
  assert_non_null(strstr(r.body, "\"availableToWithdraw\":\"\""));
  assert_string_equal(xc_test_resp_header(&r, "X-Bapi-Limit"), "50");
  assert_true(atoll(xc_test_resp_header(&r, "Timenow")) > 0);
  assert_int_equal(strlen(xc_test_resp_header(&r, "Traceid")), 32);
  assert_true(atoi(xc_test_resp_header(&r, "X-Bapi-Limit-Status")) >= 0);
  assert_true(atoll(xc_test_resp_header(&r, "X-Bapi-Limit-Reset-Timestamp")) > 0);
  drop(&r);
  /* a POST body is signed byte for byte: a changed body fails */
  http(&r, "POST", "/v5/order/cancel-all", NULL, "{\"category\":\"spot\"}", SIGNED, 0);
  expect(&r, 200, 0);
  /* GET with a body is refused with 403 */
  http(&r, "GET", "/v5/market/time", NULL, "{}", NOKEY, 0);
  assert_int_equal(r.status, 403);
  drop(&r);
}

static void create(resp *r, const char *json) { http(r, "POST", "/v5/order/create", NULL, json, SIGNED, 0); }

static void test_orders(void **st) {
  (void)st;
  resp r;
  char oid[64], body[512];
  /* spot */
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
             "\"price\":\"30000\",\"orderLinkId\":\"t-spot-1\"}");
  assert_int_equal(ret_code(&r), 0);
  result_str(&r, "orderId", oid, sizeof oid);
  assert_true(strlen(oid) > 10);
  drop(&r);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
             "\"price\":\"30000\",\"orderLinkId\":\"t-spot-1\"}");
  expect(&r, 200, 170141);
  snprintf(body, sizeof body, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderId\":\"%s\"}", oid);
  http(&r, "GET", "/v5/order/realtime", "category=spot&orderLinkId=t-spot-1", NULL, SIGNED, 0);
  assert_non_null(strstr(r.body, "\"orderStatus\":\"New\""));
  assert_null(strstr(r.body, "tpslMode")); /* spot records have no tpslMode */
  drop(&r);
  http(&r, "POST", "/v5/order/cancel", NULL, body, SIGNED, 0);
  expect(&r, 200, 0);
  http(&r, "POST", "/v5/order/cancel", NULL, body, SIGNED, 0);
  expect(&r, 200, 170213);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"NOPEUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"1\",\"price\":\"1\"}");
  expect(&r, 200, 170121);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"30000.001\"}");
  expect(&r, 200, 170134);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.0010001\",\"price\":\"30000\"}");
  expect(&r, 200, 170137);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.0001\",\"price\":\"30000\"}");
  expect(&r, 200, 170140);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"70\",\"price\":\"30000\"}");
  expect(&r, 200, 170131);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Market\",\"qty\":\"2\"}");
  expect(&r, 200, 170140); /* market Buy qty is a quote amount: 2 USDT < minOrderAmt */
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Market\",\"qty\":\"20\"}");
  assert_int_equal(ret_code(&r), 0);
  result_str(&r, "orderId", oid, sizeof oid);
  drop(&r);
  char q[256];
  snprintf(q, sizeof q, "category=spot&orderId=%s", oid);
  http(&r, "GET", "/v5/order/realtime", q, NULL, SIGNED, 0);
  assert_non_null(strstr(r.body, "\"orderStatus\":\"Filled\""));
  assert_non_null(strstr(r.body, "\"qty\":\"20.00000000\"")); /* shown in quote */
  drop(&r);
  /* post-only that would take: accepted, then Cancelled (bybit.md 8) */
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
             "\"price\":\"90000\",\"timeInForce\":\"PostOnly\"}");
  assert_int_equal(ret_code(&r), 0);
  result_str(&r, "orderId", oid, sizeof oid);
  drop(&r);
  snprintf(q, sizeof q, "category=spot&orderId=%s", oid);
  http(&r, "GET", "/v5/order/realtime", q, NULL, SIGNED, 0);
  assert_non_null(strstr(r.body, "\"orderStatus\":\"Cancelled\""));
  assert_non_null(strstr(r.body, "EC_PostOnlyWillTakeLiquidity"));
  drop(&r);
  /* batch: per-item outcomes in retExtInfo.list, top level retCode 0 */
  http(&r, "POST", "/v5/order/create-batch", NULL,
       "{\"category\":\"spot\",\"request\":[{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
       "\"price\":\"30000\",\"orderLinkId\":\"b-1\"},{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\","
       "\"qty\":\"0.001\",\"price\":\"30000.001\",\"orderLinkId\":\"b-2\"},{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
       "\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"30001\",\"orderLinkId\":\"b-3\"}]}",
       SIGNED, 0);
  assert_int_equal(ret_code(&r), 0);
  if (!strstr(r.body, "\"retExtInfo\":{\"list\":[{\"code\":0,\"msg\":\"OK\"},{\"code\":170134,"))
    fail_msg("batch outcomes: %s", r.body);
  assert_non_null(strstr(r.body, "\"orderLinkId\":\"b-3\",\"createAt\":\""));
  drop(&r);
  http(&r, "POST", "/v5/order/cancel-batch", NULL,
       "{\"category\":\"spot\",\"request\":[{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"b-1\"},"
       "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"b-2\"},{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"b-3\"}]}",
       SIGNED, 0);
  assert_int_equal(ret_code(&r), 0);
  if (!strstr(r.body, "[{\"code\":0,\"msg\":\"OK\"},{\"code\":170213,") || !strstr(r.body, "{\"code\":0,\"msg\":\"OK\"}]"))
    fail_msg("cancel-batch outcomes: %s", r.body);
  drop(&r);
  {
    char big[4096] = "{\"category\":\"spot\",\"request\":[";
    for (int i = 0; i < 11; i++)
      snprintf(big + strlen(big), sizeof big - strlen(big), "%s{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"x%d\"}", i ? "," : "", i);
    snprintf(big + strlen(big), sizeof big - strlen(big), "]}");
    http(&r, "POST", "/v5/order/cancel-batch", NULL, big, SIGNED, 0);
    expect(&r, 200, 10001); /* spot batches take at most 10 */
  }
  /* linear */
  create(&r, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
             "\"price\":\"30000\",\"orderLinkId\":\"t-lin-1\"}");
  assert_int_equal(ret_code(&r), 0);
  result_str(&r, "orderId", oid, sizeof oid);
  assert_int_equal(strlen(oid), 36);
  drop(&r);
  create(&r, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
             "\"price\":\"30000\",\"orderLinkId\":\"t-lin-1\"}");
  expect(&r, 200, 110072);
  http(&r, "POST", "/v5/order/cancel", NULL, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"t-lin-1\"}", SIGNED, 0);
  expect(&r, 200, 0);
  http(&r, "POST", "/v5/order/cancel", NULL, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"t-lin-1\"}", SIGNED, 0);
  expect(&r, 200, 110001);
  create(&r, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.0001\",\"price\":\"30000\"}");
  expect(&r, 200, 10001); /* qty not a multiple of qtyStep */
  create(&r, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"3000\"}");
  expect(&r, 200, 110094); /* 3 USDT < minNotionalValue */
  create(&r, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"1000\",\"price\":\"30000\"}");
  expect(&r, 200, 110007);
  http(&r, "POST", "/v5/position/set-leverage", NULL,
       "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"buyLeverage\":\"4\",\"sellLeverage\":\"4\"}", SIGNED, 0);
  expect(&r, 200, 0);
  http(&r, "POST", "/v5/position/set-leverage", NULL,
       "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"buyLeverage\":\"4\",\"sellLeverage\":\"4\"}", SIGNED, 0);
  expect(&r, 200, 110043);
  http(&r, "GET", "/v5/position/list", "category=linear&symbol=BTCUSDT", NULL, SIGNED, 0);
  assert_non_null(strstr(r.body, "\"leverage\":\"4\""));
  assert_non_null(strstr(r.body, "\"side\":\"\""));
  drop(&r);
  http(&r, "GET", "/v5/position/list", "category=linear", NULL, SIGNED, 0);
  expect(&r, 200, 10001); /* symbol or settleCoin required */
}

/* Waits for the next aligned 5-s IP window (the simulator's clock is the host clock here), so a
 * test's requests are not counted with the previous tests' ones. */
static void fresh_ip_window(void) {
  int64_t left = 5000 - xc_test_wall_ms() % 5000;
  usleep((useconds_t)(left + 20) * 1000);
}

static void test_rate_limit(void **st) {
  (void)st;
  resp r;
  fresh_ip_window();
  xc_sim_set_rate_limit_pct(g_sim, 10); /* order/realtime 50/s -> 5/s */
  int limited = 0, ok = 0;
  /* 12 requests normally fall in one 1-s window (5 pass, 7 refused); on a loaded machine they may
   * spread over several windows, so go on (bounded) until 2 were refused */
  for (int i = 0; i < 12 || (limited < 2 && i < 40); i++) {
    http(&r, "GET", "/v5/order/realtime", "category=spot", NULL, SIGNED, 0);
    assert_string_equal(xc_test_resp_header(&r, "X-Bapi-Limit"), "5");
    if (ret_code(&r) == 10006) {
      limited++;
      assert_string_equal(xc_test_resp_header(&r, "X-Bapi-Limit-Status"), "0");
      assert_true(atoll(xc_test_resp_header(&r, "X-Bapi-Limit-Reset-Timestamp")) >= xc_test_wall_ms() - 1000);
    } else {
      ok++;
    }
    drop(&r);
  }
  assert_true(limited >= 2 && ok >= 5);
  /* the IP limit: 600 per 5 s scaled to 6 -> HTTP 403 */
  xc_sim_set_rate_limit_pct(g_sim, 1);
  int banned = 0;
  for (int i = 0; i < 20; i++) {
    http(&r, "GET", "/v5/market/time", NULL, NULL, NOKEY, 0);
    if (r.status == 403) banned++;
    drop(&r);
  }
  assert_true(banned >= 8);
  xc_sim_set_rate_limit_pct(g_sim, 100); /* lifts the ban */
  http(&r, "GET", "/v5/market/time", NULL, NULL, NOKEY, 0);
  expect(&r, 200, 0);
}

/* ---- public WebSocket ----------------------------------------------------------------------- */

typedef struct lvl {
  char p[32], q[32];
} lvl;

typedef struct lbook {
  lvl b[2000], a[2000];
  int nb, na;
} lbook;

static int pcmp(const char *x, const char *y) {
  double a = atof(x), b = atof(y);
  return a < b ? -1 : a > b;
}

static void side_apply(lvl *v, int *n, const char *p, const char *q, bool desc) {
  int i = 0;
  while (i < *n && (desc ? pcmp(v[i].p, p) > 0 : pcmp(v[i].p, p) < 0)) i++;
  bool zero = atof(q) == 0;
  if (i < *n && pcmp(v[i].p, p) == 0) {
    if (zero) {
      memmove(&v[i], &v[i + 1], (size_t)(*n - i - 1) * sizeof *v);
      (*n)--;
    } else {
      snprintf(v[i].q, sizeof v[i].q, "%s", q);
    }
  } else if (!zero && *n < 2000) {
    memmove(&v[i + 1], &v[i], (size_t)(*n - i) * sizeof *v);
    snprintf(v[i].p, sizeof v[i].p, "%s", p);
    snprintf(v[i].q, sizeof v[i].q, "%s", q);
    (*n)++;
  }
}

/* Applies one orderbook message; returns its u (and type in *snap). */
static uint64_t book_apply(lbook *bk, const char *msg, bool *snap) {
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, msg, strlen(msg)), XC_OK);
  *snap = xc_json_str_eq(&j, xc_json_get(&j, 0, "type"), "snapshot");
  if (*snap) bk->nb = bk->na = 0;
  int d = xc_json_get(&j, 0, "data");
  for (int s = 0; s < 2; s++) {
    int arr = xc_json_get(&j, d, s ? "a" : "b");
    for (int i = 0; i < xc_json_count(&j, arr); i++) {
      int e = xc_json_at(&j, arr, i);
      char p[32], q[32];
      xc_json_str_copy(&j, xc_json_at(&j, e, 0), p, sizeof p, NULL);
      xc_json_str_copy(&j, xc_json_at(&j, e, 1), q, sizeof q, NULL);
      if (s) side_apply(bk->a, &bk->na, p, q, false);
      else side_apply(bk->b, &bk->nb, p, q, true);
    }
  }
  uint64_t u = 0;
  xc_json_get_u64(&j, d, "u", &u);
  xc_json_free(&j);
  return u;
}

/* Compares the local book with the simulator's true book (top depth levels, by value). */
/* Compares the local book with the simulator's; false with the first difference in why. */
static bool truth_diff(const lbook *bk, const char *sym, int depth, char *why, size_t cap) {
  char *truth = NULL;
  assert_int_equal(xc_sim_book_json(g_sim, XC_SIM_BYBIT, XC_SIM_LINEAR, sym, depth, &truth), XC_OK);
  xc_json j;
  xc_json_init(&j);
  assert_int_equal(xc_json_parse(&j, truth, strlen(truth)), XC_OK);
  bool same = true;
  for (int s = 0; s < 2 && same; s++) {
    int arr = xc_json_get(&j, 0, s ? "asks" : "bids");
    int n = xc_json_count(&j, arr);
    const lvl *v = s ? bk->a : bk->b;
    int nv = s ? bk->na : bk->nb;
    if (n != nv) {
      snprintf(why, cap, "side %d: %d levels locally, %d in the true book", s, nv, n);
      same = false;
    }
    for (int i = 0; i < n && same; i++) {
      int e = xc_json_at(&j, arr, i);
      char p[48], q[48];
      xc_json_str_copy(&j, xc_json_at(&j, e, 0), p, sizeof p, NULL);
      xc_json_str_copy(&j, xc_json_at(&j, e, 1), q, sizeof q, NULL);
      if (pcmp(p, v[i].p) || pcmp(q, v[i].q)) {
        snprintf(why, cap, "side %d level %d: local %.40s x %.40s, true %.40s x %.40s", s, i, v[i].p, v[i].q, p, q);
        same = false;
      }
    }
  }
  xc_json_free(&j);
  xc_sim_str_free(truth);
  return same;
}

static void compare_truth(const lbook *bk, const char *sym, int depth) {
  char why[256];
  if (!truth_diff(bk, sym, depth, why, sizeof why)) fail_msg("%s", why);
}

static void test_ws_public(void **st) {
  (void)st;
  char *m = malloc(1 << 20);
  wsc *c = ws_new("/v5/public/linear");
  ws_send(c, "{\"op\":\"ping\",\"req_id\":\"p1\"}");
  assert_non_null(ws_wait(c, "\"op\":\"ping\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"ret_msg\":\"pong\""));
  assert_non_null(strstr(m, "\"req_id\":\"p1\""));
  ws_send(c, "{\"op\":\"subscribe\",\"req_id\":\"bad\",\"args\":[\"orderbook.7.BTCUSDT\"]}");
  assert_non_null(ws_wait(c, "\"op\":\"subscribe\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":false"));
  ws_send(c, "{\"op\":\"subscribe\",\"req_id\":\"s1\",\"args\":[\"orderbook.50.BTCUSDT\",\"publicTrade.BTCUSDT\",\"tickers.BTCUSDT\"]}");
  assert_non_null(ws_wait(c, "\"op\":\"subscribe\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":true"));
  assert_non_null(strstr(m, "\"req_id\":\"s1\""));
  lbook *bk = calloc(1, sizeof *bk);
  assert_non_null(ws_wait(c, "\"topic\":\"orderbook.50.BTCUSDT\"", m, 1 << 20, 2000));
  bool snap;
  uint64_t u = book_apply(bk, m, &snap);
  assert_true(snap);
  compare_truth(bk, "BTCUSDT", 50);
  /* move the market, then every delta must continue u by one and end at the true book */
  int deltas = 0;
  for (int round = 0; round < 5; round++) {
    xc_sim_bg_step(g_sim, 20);
    /* read for 300 ms, and on until the book has caught up (later on a loaded machine) */
    int64_t t0 = xc_test_wall_ms(), end = t0 + xc_test_ms(3000);
    char why[256];
    while (xc_test_wall_ms() < end) {
      if (!ws_text(c, m, 1 << 20, 50)) {
        if (xc_test_wall_ms() - t0 >= 300 && truth_diff(bk, "BTCUSDT", 50, why, sizeof why)) break;
        continue;
      }
      if (!strstr(m, "\"topic\":\"orderbook.50.BTCUSDT\"")) continue;
      uint64_t nu = book_apply(bk, m, &snap);
      assert_false(snap);
      if (nu != u + 1) fail_msg("u %llu after %llu", (unsigned long long)nu, (unsigned long long)u);
      u = nu;
      deltas++;
    }
    compare_truth(bk, "BTCUSDT", 50);
  }
  assert_true(deltas >= 3);
  /* REST u == the depth-1000 stream's u: subscribe to it and compare with a REST snapshot */
  ws_send(c, "{\"op\":\"subscribe\",\"args\":[\"orderbook.1000.BTCUSDT\"]}");
  assert_non_null(ws_wait(c, "\"topic\":\"orderbook.1000.BTCUSDT\"", m, 1 << 20, 2000));
  lbook *b2 = calloc(1, sizeof *b2);
  uint64_t u1000 = book_apply(b2, m, &snap);
  resp r;
  http(&r, "GET", "/v5/market/orderbook", "category=linear&symbol=BTCUSDT&limit=1000", NULL, NOKEY, 0);
  char needle[64];
  snprintf(needle, sizeof needle, "\"u\":%llu,", (unsigned long long)u1000);
  if (!strstr(r.body, needle)) fail_msg("REST u differs from WS u %llu: %.300s", (unsigned long long)u1000, r.body);
  drop(&r);
  /* the u == 1 restart fault: a snapshot with u = 1 */
  assert_int_equal(xc_sim_venue_fault(g_sim, XC_SIM_BYBIT, "book_restart", "BTCUSDT"), XC_OK);
  assert_non_null(ws_wait(c, "\"topic\":\"orderbook.50.BTCUSDT\"", m, 1 << 20, 2000));
  u = book_apply(bk, m, &snap);
  assert_int_equal(u, 1);
  assert_true(snap);
  /* push intervals scaled: depth 1000 (200 ms) at 1000 % = one message per 2 s at most */
  assert_int_equal(xc_sim_venue_fault(g_sim, XC_SIM_BYBIT, "book_interval_pct=1000", NULL), XC_OK);
  while (ws_text(c, m, 1 << 20, 100)) /* drain what was sent before */
    if (strstr(m, "\"topic\":\"orderbook.50.BTCUSDT\"")) {
      u = book_apply(bk, m, &snap);
      if (snap) assert_int_equal(u, 1);
    }
  int n1000 = 0;
  int64_t t1000 = xc_test_wall_ms();
  for (int round = 0; round < 6; round++) {
    xc_sim_bg_step(g_sim, 20);
    int64_t end = xc_test_wall_ms() + 150;
    while (xc_test_wall_ms() < end) {
      if (!ws_text(c, m, 1 << 20, 50)) continue;
      if (strstr(m, "\"topic\":\"orderbook.1000.BTCUSDT\"")) n1000++;
      if (strstr(m, "\"topic\":\"orderbook.50.BTCUSDT\"")) {
        uint64_t nu = book_apply(bk, m, &snap);
        assert_int_equal(nu, u + 1); /* depth 50 at 200 ms now, still contiguous */
        u = nu;
      }
    }
  }
  /* at most one per 2 s: 1 over the ~0.9 s here, more only if this ran long on a loaded machine */
  assert_true(n1000 <= 1 + (int)((xc_test_wall_ms() - t1000) / 2000));
  assert_int_equal(xc_sim_venue_fault(g_sim, XC_SIM_BYBIT, "book_interval_pct=100", NULL), XC_OK);
  assert_int_not_equal(xc_sim_venue_fault(g_sim, XC_SIM_BYBIT, "book_interval_pct=x", NULL), XC_OK);
  /* the gap fault: the next delta skips one u */
  while (ws_text(c, m, 1 << 20, 100)) /* drain, tracking u */
    if (strstr(m, "\"topic\":\"orderbook.50.BTCUSDT\"")) u = book_apply(bk, m, &snap);
  assert_int_equal(xc_sim_fault_book_gap(g_sim, XC_SIM_BYBIT, "BTCUSDT", 1), XC_OK);
  bool gap = false;
  for (int round = 0; round < 10 && !gap; round++) {
    xc_sim_bg_step(g_sim, 20);
    int64_t end = xc_test_wall_ms() + 200;
    while (xc_test_wall_ms() < end && !gap) {
      if (!ws_text(c, m, 1 << 20, 50) || !strstr(m, "\"topic\":\"orderbook.50.BTCUSDT\"")) continue;
      uint64_t nu = book_apply(bk, m, &snap);
      gap = nu > u + 1;
      u = nu;
    }
  }
  assert_true(gap);
  ws_close(c);
  /* spot: at most 10 args per request; ack ret_msg is "subscribe" */
  c = ws_new("/v5/public/spot");
  ws_send(c, "{\"op\":\"subscribe\",\"args\":[\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\","
             "\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\","
             "\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\",\"publicTrade.BTCUSDT\"]}");
  assert_non_null(ws_wait(c, "\"op\":\"subscribe\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":false"));
  ws_send(c, "{\"op\":\"subscribe\",\"args\":[\"tickers.BTCUSDT\"]}");
  assert_non_null(ws_wait(c, "\"op\":\"subscribe\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"ret_msg\":\"subscribe\""));
  assert_non_null(ws_wait(c, "\"topic\":\"tickers.BTCUSDT\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"usdIndexPrice\""));
  ws_close(c);
  free(bk);
  free(b2);
  free(m);
}

/* ---- private and trade streams -------------------------------------------------------------- */

static void auth_msg(char *out, size_t cap, int64_t expires, bool bad) {
  char sig[XC_SIG_TEXT_MAX];
  size_t n;
  assert_int_equal(xc_bybit_sign_ws_auth(g_signer, expires, sig, sizeof sig, &n), XC_OK);
  if (bad) sig[0] = sig[0] == '0' ? '1' : '0';
  snprintf(out, cap, "{\"req_id\":\"a1\",\"op\":\"auth\",\"args\":[\"%s\",%lld,\"%s\"]}", g_key, (long long)expires, sig);
}

static void test_ws_private(void **st) {
  (void)st;
  char *m = malloc(1 << 20);
  char a[1024];
  wsc *c = ws_new("/v5/private");
  ws_send(c, "{\"op\":\"subscribe\",\"args\":[\"order\"]}");
  assert_non_null(ws_wait(c, "\"op\":\"subscribe\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":false")); /* before auth */
  auth_msg(a, sizeof a, xc_test_wall_ms() + 10000, true);
  ws_send(c, a);
  assert_non_null(ws_wait(c, "\"op\":\"auth\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":false"));
  auth_msg(a, sizeof a, xc_test_wall_ms() - 1000, false);
  ws_send(c, a);
  assert_non_null(ws_wait(c, "\"op\":\"auth\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":false")); /* expired */
  auth_msg(a, sizeof a, xc_test_wall_ms() + 10000, false);
  ws_send(c, a);
  assert_non_null(ws_wait(c, "\"op\":\"auth\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":true"));
  assert_non_null(strstr(m, "\"req_id\":\"a1\""));
  ws_send(c, "{\"op\":\"subscribe\",\"args\":[\"order\",\"execution\",\"wallet\",\"position\"]}");
  assert_non_null(ws_wait(c, "\"op\":\"subscribe\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"success\":true"));
  ws_send(c, "{\"op\":\"ping\",\"req_id\":\"pp\"}");
  assert_non_null(ws_wait(c, "\"op\":\"pong\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"args\":[\""));
  resp r;
  create(&r, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.002\","
             "\"price\":\"31000\",\"orderLinkId\":\"t-ws-1\"}");
  expect(&r, 200, 0);
  assert_non_null(ws_wait(c, "\"topic\":\"order\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"orderLinkId\":\"t-ws-1\""));
  assert_non_null(strstr(m, "\"orderStatus\":\"New\""));
  assert_non_null(strstr(m, "\"category\":\"linear\""));
  assert_non_null(ws_wait(c, "\"topic\":\"position\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"entryPrice\""));
  /* duplicate fault: the cancel's order message arrives twice */
  assert_int_equal(xc_sim_fault_duplicate(g_sim, 1), XC_OK);
  http(&r, "POST", "/v5/order/cancel", NULL, "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"t-ws-1\"}", SIGNED, 0);
  expect(&r, 200, 0);
  int seen = 0;
  int64_t end = xc_test_wall_ms() + xc_test_ms(1500);
  while (xc_test_wall_ms() < end && seen < 2)
    if (ws_text(c, m, 1 << 20, 100) && strstr(m, "\"topic\":\"order\"") && strstr(m, "\"orderStatus\":\"Cancelled\"")) seen++;
  assert_int_equal(seen, 2);
  /* a fill: execution then wallet */
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Market\",\"qty\":\"30\"}");
  expect(&r, 200, 0);
  assert_non_null(ws_wait(c, "\"topic\":\"execution\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"execType\":\"Trade\""));
  assert_non_null(ws_wait(c, "\"topic\":\"wallet\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"accountType\":\"UNIFIED\""));
  ws_close(c);

  /* reorder fault: two order messages arrive swapped (a session that takes only "order") */
  c = ws_new("/v5/private");
  auth_msg(a, sizeof a, xc_test_wall_ms() + 10000, false);
  ws_send(c, a);
  assert_non_null(ws_wait(c, "\"op\":\"auth\"", m, 1 << 20, 2000));
  ws_send(c, "{\"op\":\"subscribe\",\"args\":[\"order.spot\"]}");
  assert_non_null(ws_wait(c, "\"op\":\"subscribe\"", m, 1 << 20, 2000));
  assert_int_equal(xc_sim_fault_reorder(g_sim, 2), XC_OK);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
             "\"price\":\"30000\",\"orderLinkId\":\"ro-A\"}");
  expect(&r, 200, 0);
  create(&r, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\","
             "\"price\":\"30000\",\"orderLinkId\":\"ro-B\"}");
  expect(&r, 200, 0);
  assert_non_null(ws_wait(c, "\"topic\":\"order.spot\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"orderLinkId\":\"ro-B\""));
  assert_non_null(ws_wait(c, "\"topic\":\"order.spot\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"orderLinkId\":\"ro-A\""));
  http(&r, "POST", "/v5/order/cancel-all", NULL, "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\"}", SIGNED, 0);
  expect(&r, 200, 0);
  ws_close(c);

  /* order entry over /v5/trade */
  c = ws_new("/v5/trade");
  auth_msg(a, sizeof a, xc_test_wall_ms() + 10000, false);
  ws_send(c, a);
  assert_non_null(ws_wait(c, "\"op\":\"auth\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"retCode\":0"));
  assert_non_null(strstr(m, "\"connId\""));
  char req[800];
  snprintf(req, sizeof req,
           "{\"reqId\":\"c1\",\"header\":{\"X-BAPI-TIMESTAMP\":\"%lld\",\"X-BAPI-RECV-WINDOW\":\"5000\"},"
           "\"op\":\"order.create\",\"args\":[{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
           "\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"30000\",\"orderLinkId\":\"t-tr-1\"}]}",
           (long long)xc_test_wall_ms());
  ws_send(c, req);
  assert_non_null(ws_wait(c, "\"reqId\":\"c1\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"retCode\":0"));
  assert_non_null(strstr(m, "\"orderLinkId\":\"t-tr-1\""));
  assert_non_null(strstr(m, "\"X-Bapi-Limit\""));
  snprintf(req, sizeof req,
           "{\"reqId\":\"c2\",\"header\":{\"X-BAPI-TIMESTAMP\":\"%lld\"},\"op\":\"order.cancel\","
           "\"args\":[{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"t-tr-1\"}]}",
           (long long)xc_test_wall_ms());
  ws_send(c, req);
  assert_non_null(ws_wait(c, "\"reqId\":\"c2\"", m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"retCode\":0"));
  ws_send(c, req);
  snprintf(req, sizeof req, "\"reqId\":\"c2\"");
  assert_non_null(ws_wait(c, req, m, 1 << 20, 2000));
  assert_non_null(strstr(m, "\"retCode\":110001"));
  /* the stream's own per-second quota: 10/s linear scaled to 1/s */
  xc_sim_set_rate_limit_pct(g_sim, 10);
  int limited = 0;
  for (int i = 0; i < 4; i++) {
    snprintf(req, sizeof req,
             "{\"reqId\":\"l%d\",\"header\":{\"X-BAPI-TIMESTAMP\":\"%lld\"},\"op\":\"order.cancel\","
             "\"args\":[{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"none\"}]}",
             i, (long long)xc_test_wall_ms());
    ws_send(c, req);
    char rid[16];
    snprintf(rid, sizeof rid, "\"reqId\":\"l%d\"", i);
    assert_non_null(ws_wait(c, rid, m, 1 << 20, 2000));
    assert_non_null(strstr(m, "\"X-Bapi-Limit\":\"1\""));
    if (strstr(m, "\"retCode\":10006")) limited++;
  }
  xc_sim_set_rate_limit_pct(g_sim, 100);
  assert_true(limited >= 2);
  ws_close(c);
  free(m);
}

/* Seeded byte mutations of valid requests (REST bodies and queries, WS messages): every REST
 * answer is a JSON envelope with a retCode (or a 4xx), WS sessions answer or close, and the
 * simulator stays responsive. */
static void test_mutations(void **st) {
  (void)st;
  static const char *const bodies[] = {
      "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"30000\"}",
      "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Sell\",\"orderType\":\"Market\",\"qty\":\"0.001\",\"reduceOnly\":true}",
      "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"abc\"}",
  };
  static const char *const wsmsgs[] = {
      "{\"op\":\"subscribe\",\"req_id\":\"x\",\"args\":[\"orderbook.50.BTCUSDT\",\"tickers.ETHUSDT\"]}",
      "{\"op\":\"unsubscribe\",\"args\":[\"publicTrade.BTCUSDT\"]}",
      "{\"op\":\"ping\",\"req_id\":\"1\"}",
  };
  uint64_t seed = 0x5eed;
  fresh_ip_window();
  char buf[512];
  char *m = malloc(1 << 20);
  for (int i = 0; i < 120; i++) {
    const char *src = bodies[i % 3];
    size_t n = strlen(src);
    memcpy(buf, src, n + 1);
    for (int k = 0; k < 1 + i % 4; k++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      size_t at = (size_t)(seed >> 33) % n;
      buf[at] = (char)(32 + (seed >> 20) % 95);
    }
    resp r;
    http(&r, "POST", i % 2 ? "/v5/order/create" : "/v5/order/cancel", NULL, buf, SIGNED, 0);
    if (r.status == 200) {
      if (ret_code(&r) == -999) fail_msg("no retCode for %s: %s", buf, r.body);
    } else {
      assert_true(r.status >= 400 && r.status < 500);
    }
    drop(&r);
    char *esc = curl_easy_escape(NULL, buf, 0); /* garbage as a query, with broken %-escapes */
    for (char *p = esc; (p = strstr(p, "%25")) != NULL; p += 3) p[1] = 'Z';
    http(&r, "GET", "/v5/market/orderbook", esc, NULL, NOKEY, 0);
    curl_free(esc);
    assert_true(r.status == 200 || r.status == 404 || r.status == 403);
    drop(&r);
  }
  wsc *c = ws_new("/v5/public/linear");
  for (int i = 0; i < 150; i++) {
    const char *src = wsmsgs[i % 3];
    size_t n = strlen(src);
    memcpy(buf, src, n + 1);
    for (int k = 0; k < 1 + i % 3; k++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      buf[(seed >> 33) % n] = (char)(32 + (seed >> 20) % 95);
    }
    ws_send(c, buf);
  }
  ws_send(c, "{\"op\":\"ping\",\"req_id\":\"last\"}");
  assert_non_null(ws_wait(c, "\"req_id\":\"last\"", m, 1 << 20, 3000));
  ws_close(c);
  resp r;
  http(&r, "GET", "/v5/market/time", NULL, NULL, NOKEY, 0);
  expect(&r, 200, 0);
  free(m);
}

/* Figure, not an assertion on speed: public messages per second one client receives from a busy
 * market (every topic of both linear symbols on one connection). */
static void test_throughput(void **st) {
  (void)st;
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.quiet = true;
  o.seed = 5;
  o.bg_tick_ms = 1;
  o.bg_actions = 50;
  xc_sim *sim;
  assert_int_equal(xc_sim_new(&o, &sim), XC_OK);
  assert_int_equal(xc_sim_start(sim), XC_OK);
  int saved = g_ws_port;
  g_ws_port = xc_sim_port(sim, XC_SIM_EP_BYBIT_WS);
  wsc *c = ws_new("/v5/public/linear");
  g_ws_port = saved;
  ws_send(c, "{\"op\":\"subscribe\",\"args\":[\"orderbook.1.BTCUSDT\",\"orderbook.50.BTCUSDT\",\"orderbook.200.BTCUSDT\","
             "\"orderbook.1000.BTCUSDT\",\"publicTrade.BTCUSDT\",\"tickers.BTCUSDT\",\"orderbook.50.ETHUSDT\","
             "\"publicTrade.ETHUSDT\",\"tickers.ETHUSDT\"]}");
  char *m = malloc(1 << 20);
  assert_non_null(ws_wait(c, "\"success\":true", m, 1 << 20, 2000));
  uint64_t n = 0, bytes = 0, tr0 = 0, tr1 = 0, sent0 = 0, sent1 = 0;
  xc_sim_stats(sim, &tr0, NULL, &sent0, NULL);
  int64_t t0 = xc_test_wall_ms(), end = t0 + 2000;
  while (xc_test_wall_ms() < end)
    if (ws_text(c, m, 1 << 20, 100)) {
      n++;
      bytes += strlen(m);
    }
  double s = (double)(xc_test_wall_ms() - t0) / 1000.0;
  xc_sim_stats(sim, &tr1, NULL, &sent1, NULL);
  printf("# bybit public stream, one client, busy market: %.0f msg/s received, %.1f MB/s; the simulator "
         "printed %.0f trades/s (all markets) and sent %.0f WS msg/s\n",
         (double)n / s, (double)bytes / s / 1e6, (double)(tr1 - tr0) / s, (double)(sent1 - sent0) / s);
  assert_true(n > 100);
  ws_close(c);
  free(m);
  xc_sim_free(sim);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_public),     cmocka_unit_test(test_auth),      cmocka_unit_test(test_orders),
      cmocka_unit_test(test_ws_public),  cmocka_unit_test(test_ws_private), cmocka_unit_test(test_rate_limit),
      cmocka_unit_test(test_mutations),  cmocka_unit_test(test_throughput),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
