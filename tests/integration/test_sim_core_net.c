/* Simulator server tests over real loopback sockets: HTTP routing with raw query/body bytes,
 * keep-alive, faults (HTTP errors, latency, clock), WebSocket sessions (handshake, echo, pings,
 * server pings without pong, lifetime, rx limit, slow consumer, stall, drop, topics, private
 * duplicate/reorder), the admin API and its debug stream, and flat memory over a long-ish run. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "sim/sim_core.h"
#include "testutil.h"
#include "tscale.h"

/* ---- a raw blocking WebSocket client ------------------------------------------------------- */

typedef struct wsc {
  int fd;
  char buf[1 << 20];
  size_t len;
} wsc;

static int ws_connect(wsc *c, int port, const char *path) {
  memset(c, 0, sizeof *c);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) return -1;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char req[512];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n",
                   path, port);
  if (write(c->fd, req, (size_t)n) != n) return -1;
  /* read the response head */
  while (1) {
    struct pollfd p = {c->fd, POLLIN, 0};
    if (poll(&p, 1, 3000) <= 0) return -1;
    ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len - 1);
    if (r <= 0) return -1;
    c->len += (size_t)r;
    c->buf[c->len] = 0;
    char *e = strstr(c->buf, "\r\n\r\n");
    if (e) {
      int status = atoi(c->buf + 9);
      if (status == 101)
        assert_non_null(strstr(c->buf, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
      size_t hl = (size_t)(e + 4 - c->buf);
      memmove(c->buf, c->buf + hl, c->len - hl);
      c->len -= hl;
      return status;
    }
  }
}

/* Sends `copies` masked frames in one write; false when the server already closed. */
static bool ws_send_n(wsc *c, int op, const char *data, size_t n, int copies) {
  uint8_t h[14];
  size_t hl = 0;
  h[hl++] = (uint8_t)(0x80 | op);
  if (n < 126) h[hl++] = (uint8_t)(0x80 | n);
  else {
    h[hl++] = 0x80 | 126;
    h[hl++] = (uint8_t)(n >> 8);
    h[hl++] = (uint8_t)n;
  }
  uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};
  memcpy(h + hl, mask, 4);
  hl += 4;
  size_t fl = hl + n;
  uint8_t *frame = malloc(fl * (size_t)copies);
  memcpy(frame, h, hl);
  for (size_t i = 0; i < n; i++) frame[hl + i] = (uint8_t)data[i] ^ mask[i & 3];
  for (int k = 1; k < copies; k++) memcpy(frame + fl * (size_t)k, frame, fl);
  ssize_t w = write(c->fd, frame, fl * (size_t)copies);
  free(frame);
  return w == (ssize_t)(fl * (size_t)copies);
}

/* Sends one masked frame; returns false when the server already closed the connection. */
static bool ws_send(wsc *c, int op, const char *data, size_t n) { return ws_send_n(c, op, data, n, 1); }

/* Reads one frame: returns its opcode (payload NUL-terminated into out, cap bytes), 0 on
 * timeout, -1 on EOF/error. */
static int ws_recv(wsc *c, char *out, size_t cap, size_t *olen, int timeout_ms) {
  while (1) {
    if (c->len >= 2) {
      uint8_t *b = (uint8_t *)c->buf;
      uint64_t pl = b[1] & 0x7f;
      size_t hl = 2;
      if (pl == 126) {
        if (c->len < 4) goto more;
        pl = ((uint64_t)b[2] << 8) | b[3];
        hl = 4;
      } else if (pl == 127) {
        if (c->len < 10) goto more;
        pl = 0;
        for (int i = 0; i < 8; i++) pl = (pl << 8) | b[2 + i];
        hl = 10;
      }
      if (c->len >= hl + pl) {
        int op = b[0] & 0x0f;
        size_t n = pl < cap - 1 ? pl : cap - 1;
        if (out) {
          memcpy(out, c->buf + hl, n);
          out[n] = 0;
        }
        if (olen) *olen = (size_t)pl;
        memmove(c->buf, c->buf + hl + pl, c->len - hl - pl);
        c->len -= hl + pl;
        return op;
      }
    }
  more:;
    struct pollfd p = {c->fd, POLLIN, 0};
    int pr = poll(&p, 1, timeout_ms);
    if (pr == 0) return 0;
    if (pr < 0) return -1;
    ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
    if (r <= 0) return -1;
    c->len += (size_t)r;
  }
}

/* next text frame (skipping pings), or NULL */
static char *ws_text(wsc *c, char *out, size_t cap, int timeout_ms) {
  for (int i = 0; i < 1000; i++) {
    int op = ws_recv(c, out, cap, NULL, xc_test_ms(timeout_ms));
    if (op == 1) return out;
    if (op <= 0 || op == 8) return NULL;
  }
  return NULL;
}

static void ws_close_fd(wsc *c) {
  if (c->fd > 0) close(c->fd);
  c->fd = -1;
}

/* ---- HTTP via libcurl ------------------------------------------------------------------------ */

typedef struct resp {
  long status;
  char body[65536];
  size_t len;
  char headers[8192];
  size_t hlen;
} resp;

static size_t on_body(char *p, size_t sz, size_t n, void *u) {
  resp *r = u;
  size_t k = sz * n;
  if (r->len + k < sizeof r->body) {
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = 0;
  }
  return k;
}
static size_t on_header(char *p, size_t sz, size_t n, void *u) {
  resp *r = u;
  size_t k = sz * n;
  if (r->hlen + k < sizeof r->headers) {
    memcpy(r->headers + r->hlen, p, k);
    r->hlen += k;
    r->headers[r->hlen] = 0;
  }
  return k;
}

static CURL *g_curl;

static long http(const char *method, const char *url, const char *body, resp *r) {
  memset(r, 0, sizeof *r);
  CURL *h = g_curl;
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  if (body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
  CURLcode cc = curl_easy_perform(h);
  assert_int_equal(cc, CURLE_OK);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
  return r->status;
}

/* ---- test routes (registered before start, on the loop thread afterwards) ------------------- */

static void echo_http(const xc__sim_req *req, xc__sim_resp *rs, void *user) {
  (void)user;
  size_t n = 0;
  const char *ct = xc__sim_req_header(req, "x-test", &n);
  xc_buf_printf(&rs->body, "{\"method\":\"%s\",\"path\":\"%s\",\"query\":\"%s\",\"body\":\"%s\",\"x\":\"%.*s\"}",
                req->method, req->path, req->query, req->body, (int)n, ct ? ct : "");
  xc__sim_resp_header(rs, "X-Test-Weight", "%d", 7);
}

typedef struct wsstate {
  int opened, closed, pongs;
} wsstate;
static wsstate g_ws;

/* A test WebSocket protocol: "echo X", "sub T", "pub T M", "priv X", "ping I T", "life MS",
 * "rx N", "close C", "flood N" */
static int t_open(xc__sim_ws *ws, const xc__sim_req *req, xc__sim_resp *rs, void *user) {
  (void)user;
  if (strstr(req->query, "refuse")) {
    xc__sim_resp_json(rs, 403, "{\"refused\":true}");
    return 403;
  }
  g_ws.opened++;
  xc__sim_ws_send(ws, "hello", 5);
  return 0;
}

static void t_text(xc__sim_ws *ws, const char *d, size_t n, void *user) {
  (void)user;
  (void)n;
  char a[256] = "", b[256] = "";
  if (!strncmp(d, "echo ", 5)) xc__sim_ws_send(ws, d + 5, strlen(d + 5));
  else if (sscanf(d, "sub %255s", a) == 1) xc__sim_topic_sub(ws, a, 0);
  else if (sscanf(d, "pub %255s %255s", a, b) == 2) {
    const char *m[1] = {b};
    size_t l[1] = {strlen(b)};
    int k = xc__sim_topic_publish(xc__sim_ws_sim(ws), a, m, l, 1);
    char r[32];
    snprintf(r, sizeof r, "published %d", k);
    xc__sim_ws_send(ws, r, strlen(r));
  } else if (sscanf(d, "priv %255s", a) == 1) xc__sim_ws_send_private(ws, a, strlen(a));
  else if (!strncmp(d, "ping ", 5)) {
    unsigned i = 0, t = 0;
    sscanf(d + 5, "%u %u", &i, &t);
    xc__sim_ws_set_ping(ws, i, t);
  } else if (!strncmp(d, "life ", 5)) xc__sim_ws_set_lifetime(ws, strtoull(d + 5, NULL, 10));
  else if (!strncmp(d, "idle ", 5)) xc__sim_ws_set_idle_timeout(ws, strtoull(d + 5, NULL, 10), 4001);
  else if (!strncmp(d, "rx ", 3)) xc__sim_ws_set_rx_limit(ws, (uint32_t)atoi(d + 3), 1008);
  else if (!strncmp(d, "close ", 6)) xc__sim_ws_close(ws, (uint16_t)atoi(d + 6), "bye");
  else if (!strncmp(d, "flood ", 6)) {
    int k = atoi(d + 6);
    char msg[1024];
    memset(msg, 'x', sizeof msg - 1);
    msg[sizeof msg - 1] = 0;
    for (int i = 0; i < k; i++)
      if (xc__sim_ws_send(ws, msg, sizeof msg - 1) != XC_OK) break;
  } else if (!strcmp(d, "id")) {
    char r[32];
    snprintf(r, sizeof r, "%llu", (unsigned long long)xc__sim_ws_id(ws));
    xc__sim_ws_send(ws, r, strlen(r));
  }
}

static void t_close(xc__sim_ws *ws, void *user) {
  (void)ws;
  (void)user;
  g_ws.closed++;
}
static void t_pong(xc__sim_ws *ws, void *user) {
  (void)ws;
  (void)user;
  g_ws.pongs++;
}

static const xc__sim_ws_handlers t_handlers = {t_open, t_text, t_close, t_pong};

typedef struct fx {
  xc_sim *sim;
  char url[128];   /* bybit rest port base URL (test routes live there) */
  char admin[128];
  int wsport, adminport;
} fx;

static fx *g;

static int setup_group(void **state) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  g_curl = curl_easy_init();
  fx *f = calloc(1, sizeof *f);
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.quiet = true;
  o.seed = 5;
  o.ws_queue_max = 256 * 1024;
  assert_int_equal(xc_sim_new(&o, &f->sim), XC_OK);
  assert_int_equal(xc__sim_route(f->sim, XC_SIM_EP_BYBIT_REST, NULL, "/__test/echo*", echo_http, NULL), XC_OK);
  assert_int_equal(xc__sim_ws_route(f->sim, XC_SIM_EP_BYBIT_WS, "/__test/ws", &t_handlers, NULL), XC_OK);
  assert_int_equal(xc_sim_start(f->sim), XC_OK);
  snprintf(f->url, sizeof f->url, "%s", xc_sim_endpoint(f->sim, XC_SIM_EP_BYBIT_REST));
  snprintf(f->admin, sizeof f->admin, "%s", xc_sim_endpoint(f->sim, XC_SIM_EP_ADMIN));
  f->wsport = xc_sim_port(f->sim, XC_SIM_EP_BYBIT_WS);
  f->adminport = xc_sim_port(f->sim, XC_SIM_EP_ADMIN);
  g = f;
  *state = f;
  return 0;
}

static int teardown_group(void **state) {
  fx *f = *state;
  xc_sim_free(f->sim);
  free(f);
  curl_easy_cleanup(g_curl);
  curl_global_cleanup();
  return 0;
}

static void test_endpoints_json(void **state) {
  fx *f = *state;
  const char *j = xc_sim_endpoints_json(f->sim);
  assert_non_null(strstr(j, "\"binance\":{\"spot_rest\":\"http://127.0.0.1:"));
  assert_non_null(strstr(j, "\"usdm_ws\":\"ws://127.0.0.1:"));
  assert_non_null(strstr(j, "\"bybit\":{\"rest\":\"http://127.0.0.1:"));
  assert_non_null(strstr(j, "\"api_key\":\""));
  assert_int_equal(strlen(xc_sim_api_key(f->sim)), 64);
  /* every port distinct and bound */
  for (int a = 0; a < XC_SIM_EP_COUNT; a++)
    for (int b = a + 1; b < XC_SIM_EP_COUNT; b++)
      assert_int_not_equal(xc_sim_port(f->sim, (xc_sim_ep)a), xc_sim_port(f->sim, (xc_sim_ep)b));
}

static void test_http_raw_bytes(void **state) {
  fx *f = *state;
  resp r;
  char url[256];
  snprintf(url, sizeof url, "%s/__test/echo/x?symbol=BTCUSDT&q=%%2B1+2&sig=ab", f->url);
  assert_int_equal(http("GET", url, NULL, &r), 200);
  assert_non_null(strstr(r.body, "\"query\":\"symbol=BTCUSDT&q=%2B1+2&sig=ab\""));
  assert_non_null(strstr(r.body, "\"path\":\"/__test/echo/x\""));
  assert_non_null(strstr(r.headers, "X-Test-Weight: 7"));
  assert_non_null(strstr(r.headers, "Content-Type: application/json"));
  /* POST with a form body and a query: both raw */
  snprintf(url, sizeof url, "%s/__test/echo?a=1", f->url);
  assert_int_equal(http("POST", url, "side=BUY&price=1.5", &r), 200);
  assert_non_null(strstr(r.body, "\"method\":\"POST\""));
  assert_non_null(strstr(r.body, "\"body\":\"side=BUY&price=1.5\""));
  assert_non_null(strstr(r.body, "\"query\":\"a=1\""));
  /* a body over 1 KiB: curl sends "Expect: 100-continue" and waits up to 1 s for the interim
   * answer; the server sends it at once */
  static char big[4097];
  memset(big, 'b', sizeof big - 1);
  big[sizeof big - 1] = 0;
  uint64_t t0 = xc_mono_ns();
  assert_int_equal(http("POST", url, big, &r), 200);
  /* curl's own wait would be 1 s; on a loaded machine a plain POST can take a while too */
  assert_true((xc_mono_ns() - t0) / 1000000 < (uint64_t)xc_test_ms(500));
  assert_non_null(strstr(r.body, big));
  /* DELETE, and unknown paths are 404 */
  assert_int_equal(http("DELETE", url, NULL, &r), 200);
  snprintf(url, sizeof url, "%s/nope", f->url);
  assert_int_equal(http("GET", url, NULL, &r), 404);
  /* keep-alive: many requests over one connection */
  snprintf(url, sizeof url, "%s/__test/echo", f->url);
  for (int i = 0; i < 50; i++) assert_int_equal(http("GET", url, NULL, &r), 200);
  long conns = 0;
  curl_easy_getinfo(g_curl, CURLINFO_NUM_CONNECTS, &conns);
  assert_int_equal(conns, 0); /* reused */
}

/* 3000 pipelined requests sent without reading: answered in order, the server pauses reading
 * while its bounded output is full and resumes as the client drains it. */
static void test_http_pipelining_backpressure(void **state) {
  fx *f = *state;
  int port = atoi(strrchr(f->url, ':') + 1);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  enum { N = 3000 };
  static char reqs[N * 80];
  size_t len = 0;
  for (int i = 0; i < N; i++)
    len += (size_t)snprintf(reqs + len, sizeof reqs - len,
                            "GET /__test/echo?i=%d HTTP/1.1\r\nHost: x\r\n\r\n", i);
  /* write everything first (the server stops reading at some point: write from a poll loop) */
  static char in[1 << 16];
  size_t off = 0, got = 0;
  int next = 0, answers = 0;
  char want[32];
  static char acc[1 << 17];
  size_t alen = 0;
  uint64_t deadline = xc_mono_ns() + 20000000000ull;
  while (answers < N && xc_mono_ns() < deadline) {
    struct pollfd p = {fd, (short)(POLLIN | (off < len ? POLLOUT : 0)), 0};
    assert_true(poll(&p, 1, 2000) > 0);
    if ((p.revents & POLLOUT) && off < len) {
      ssize_t w = write(fd, reqs + off, len - off > 65536 ? 65536 : len - off);
      assert_true(w > 0);
      off += (size_t)w;
      continue; /* keep writing before reading: fill the server's output */
    }
    if (p.revents & POLLIN) {
      ssize_t r = read(fd, in, sizeof in);
      assert_true(r > 0);
      got += (size_t)r;
      if (alen + (size_t)r > sizeof acc) {
        /* keep only an unprocessed tail */
        alen = 0;
      }
      memcpy(acc + alen, in, (size_t)r);
      alen += (size_t)r;
      /* count answers in order by their query echo */
      char *q;
      while (snprintf(want, sizeof want, "\"query\":\"i=%d\"", next),
             (q = memmem(acc, alen, want, strlen(want))) != NULL) {
        next++;
        answers++;
        size_t used = (size_t)(q - acc) + strlen(want);
        memmove(acc, acc + used, alen - used);
        alen -= used;
      }
    }
  }
  close(fd);
  assert_int_equal(answers, N);
  assert_true(got > 256 * 1024); /* more than the output bound went through */
}

/* HTTP/1.0 without keep-alive: one answer, then the server closes. */
static void test_http10_close(void **state) {
  fx *f = *state;
  int port = atoi(strrchr(f->url, ':') + 1);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  const char *rq = "GET /__test/echo HTTP/1.0\r\n\r\n";
  assert_int_equal(write(fd, rq, strlen(rq)), (ssize_t)strlen(rq));
  char buf[4096];
  size_t n = 0;
  ssize_t r;
  struct pollfd p = {fd, POLLIN, 0};
  bool eof = false;
  while (n < sizeof buf - 1 && poll(&p, 1, 2000) > 0) {
    r = read(fd, buf + n, sizeof buf - 1 - n);
    if (r <= 0) {
      eof = r == 0;
      break;
    }
    n += (size_t)r;
  }
  buf[n] = 0;
  close(fd);
  assert_true(eof); /* the server closed the connection */
  assert_non_null(strstr(buf, "HTTP/1.1 200 OK"));
  assert_non_null(strstr(buf, "Connection: close"));
  assert_non_null(strstr(buf, "\"method\":\"GET\""));
}

static void test_http_faults(void **state) {
  fx *f = *state;
  resp r;
  char url[256];
  snprintf(url, sizeof url, "%s/__test/echo", f->url);
  assert_int_equal(xc_sim_fault_http(f->sim, 503, 2), XC_OK);
  assert_int_equal(http("GET", url, NULL, &r), 503);
  assert_int_equal(http("GET", url, NULL, &r), 503);
  assert_int_equal(http("GET", url, NULL, &r), 200);
  /* the admin API is never faulted: 500 via the admin endpoint */
  char aurl[256];
  snprintf(aurl, sizeof aurl, "%s/admin/http_fault", f->admin);
  assert_int_equal(http("POST", aurl, "{\"status\":500,\"n\":1}", &r), 200);
  assert_int_equal(http("GET", url, NULL, &r), 500);
  assert_int_equal(http("GET", url, NULL, &r), 200);
  /* latency */
  assert_int_equal(xc_sim_set_latency(f->sim, 150), XC_OK);
  uint64_t t0 = xc_mono_ns();
  assert_int_equal(http("GET", url, NULL, &r), 200);
  uint64_t dt = (xc_mono_ns() - t0) / 1000000;
  assert_true(dt >= 140);
  assert_int_equal(xc_sim_set_latency(f->sim, 0), XC_OK);
  /* clock shift shows in the exchange clock */
  int64_t before = xc__sim_now_ms(f->sim);
  assert_int_equal(xc_sim_shift_clock(f->sim, -5000), XC_OK);
  int64_t after = xc__sim_now_ms(f->sim);
  assert_true(after < before - 4000);
  assert_int_equal(xc_sim_shift_clock(f->sim, 0), XC_OK);
  /* bad admin calls */
  snprintf(aurl, sizeof aurl, "%s/admin/nope", f->admin);
  assert_int_equal(http("POST", aurl, "{}", &r), 404);
  snprintf(aurl, sizeof aurl, "%s/admin/latency", f->admin);
  assert_int_equal(http("POST", aurl, "[1]", &r), 400);
  assert_int_equal(xc__sim_limit(f->sim, 1200), 1200);
  assert_int_equal(xc_sim_set_rate_limit_pct(f->sim, 10), XC_OK);
  assert_int_equal(xc__sim_limit(f->sim, 1200), 120);
  assert_int_equal(xc_sim_set_rate_limit_pct(f->sim, 100), XC_OK);
}

static void test_admin_book_and_stream(void **state) {
  fx *f = *state;
  resp r;
  char url[256];
  snprintf(url, sizeof url, "%s/admin/book?venue=binance&kind=spot&symbol=BTCUSDT&depth=5", f->admin);
  assert_int_equal(http("GET", url, NULL, &r), 200);
  assert_non_null(strstr(r.body, "\"symbol\":\"BTCUSDT\",\"lastUpdateId\":"));
  char *js = NULL;
  assert_int_equal(xc_sim_book_json(f->sim, XC_SIM_BYBIT, XC_SIM_LINEAR, "ETHUSDT", 3, &js), XC_OK);
  assert_non_null(strstr(js, "\"bids\":[[\""));
  xc_sim_str_free(js);
  assert_int_equal(xc_sim_book_json(f->sim, XC_SIM_BYBIT, XC_SIM_LINEAR, "NOPE", 3, &js), XC_ENOTFOUND);
  xc_sim_str_free(js);
  /* the debug stream carries trades and book changes */
  wsc *c = malloc(sizeof *c);
  assert_int_equal(ws_connect(c, f->adminport, "/admin/stream"), 101);
  int trades = 0, books = 0;
  char msg[4096];
  for (int i = 0; i < 400 && (trades < 3 || books < 3); i++) {
    if (!ws_text(c, msg, sizeof msg, 2000)) break;
    if (strstr(msg, "\"e\":\"trade\"")) trades++;
    if (strstr(msg, "\"e\":\"book\"")) books++;
  }
  assert_true(trades >= 3);
  assert_true(books >= 3);
  ws_close_fd(c);
  free(c);
  /* deposit through the API shows in the balance */
  assert_int_equal(xc_sim_deposit(f->sim, XC_SIM_BINANCE, XC_SIM_SPOT, "SIMX", "12.5"), XC_OK);
  assert_int_equal(xc_sim_deposit(f->sim, XC_SIM_BINANCE, XC_SIM_SPOT, "SIMX", "-100"), XC_EINSUFFICIENT);
}

static void test_ws_basics(void **state) {
  fx *f = *state;
  wsc *c = malloc(sizeof *c);
  char msg[4096];
  /* unknown path and refused upgrade */
  assert_int_equal(ws_connect(c, f->wsport, "/nope"), 404);
  ws_close_fd(c);
  assert_int_equal(ws_connect(c, f->wsport, "/__test/ws?refuse=1"), 403);
  ws_close_fd(c);
  int closed0 = g_ws.closed;
  assert_int_equal(ws_connect(c, f->wsport, "/__test/ws"), 101);
  assert_non_null(ws_text(c, msg, sizeof msg, 2000));
  assert_string_equal(msg, "hello");
  ws_send(c, 1, "echo abc", 8);
  assert_non_null(ws_text(c, msg, sizeof msg, 2000));
  assert_string_equal(msg, "abc");
  /* a large (16-bit length) message */
  char big[3000];
  memcpy(big, "echo ", 5);
  memset(big + 5, 'y', sizeof big - 6);
  big[sizeof big - 1] = 0;
  ws_send(c, 1, big, strlen(big));
  assert_non_null(ws_text(c, msg, sizeof msg, 2000));
  assert_int_equal(strlen(msg), strlen(big) - 5);
  /* client ping -> pong with the same payload */
  ws_send(c, 9, "pp", 2);
  size_t n;
  assert_int_equal(ws_recv(c, msg, sizeof msg, &n, 2000), 10);
  assert_string_equal(msg, "pp");
  /* close handshake: the server echoes the code */
  ws_send(c, 1, "close 4000", 10);
  int op = ws_recv(c, msg, sizeof msg, &n, 2000);
  assert_int_equal(op, 8);
  assert_int_equal(((uint8_t)msg[0] << 8) | (uint8_t)msg[1], 4000);
  assert_int_equal(ws_recv(c, msg, sizeof msg, &n, 2000), -1);
  ws_close_fd(c);
  for (int i = 0; i < 100 && g_ws.closed == closed0; i++) usleep(10000);
  assert_int_equal(g_ws.closed, closed0 + 1);
  free(c);
}

static void test_ws_pings_lifetime_limits(void **state) {
  fx *f = *state;
  wsc *c = malloc(sizeof *c);
  char msg[4096];
  size_t n;
  /* server pings every 100 ms; we answer: connection stays */
  assert_int_equal(ws_connect(c, f->wsport, "/__test/ws"), 101);
  ws_text(c, msg, sizeof msg, 2000);
  /* pong timeout 300 ms, longer on a loaded machine (our answer may wait for a CPU) */
  char cmd[64];
  snprintf(cmd, sizeof cmd, "ping 100 %d", xc_test_ms(300));
  ws_send(c, 1, cmd, strlen(cmd));
  int pings = 0;
  uint64_t t0 = xc_mono_ns();
  uint64_t end = t0 + (uint64_t)xc_test_ms(3000) * 1000000ull;
  while (xc_mono_ns() < end && (pings < 3 || xc_mono_ns() - t0 < 600000000ull)) {
    int op = ws_recv(c, msg, sizeof msg, &n, 100);
    if (op == 9) {
      pings++;
      ws_send(c, 10, msg, n);
    }
    assert_true(op >= 0);
  }
  assert_true(pings >= 3);
  XC_WAIT_UNTIL(g_ws.pongs >= 2, 2000);
  assert_true(g_ws.pongs >= 2);
  /* stop answering: dropped after the pong timeout */
  int op = 0;
  end = xc_mono_ns() + (uint64_t)xc_test_ms(2000) * 1000000ull;
  while (xc_mono_ns() < end && (op = ws_recv(c, msg, sizeof msg, &n, 100)) >= 0) {
  }
  assert_int_equal(op, -1);
  ws_close_fd(c);
  /* lifetime */
  assert_int_equal(ws_connect(c, f->wsport, "/__test/ws"), 101);
  ws_text(c, msg, sizeof msg, 2000);
  ws_send(c, 1, "life 200", 8);
  op = ws_recv(c, msg, sizeof msg, &n, 2000);
  assert_int_equal(op, 8);
  assert_int_equal(((uint8_t)msg[0] << 8) | (uint8_t)msg[1], 1000);
  ws_close_fd(c);
  /* idle timeout: frames keep it open, silence closes it with the given code */
  assert_int_equal(ws_connect(c, f->wsport, "/__test/ws"), 101);
  ws_text(c, msg, sizeof msg, 2000);
  /* 250 ms, longer on a loaded machine; a frame every 60 ms for 2.4 timeouts keeps it open */
  int idle = xc_test_ms(250);
  snprintf(cmd, sizeof cmd, "idle %d", idle);
  ws_send(c, 1, cmd, strlen(cmd));
  t0 = xc_mono_ns();
  while (xc_mono_ns() - t0 < (uint64_t)idle * 2400000ull) {
    usleep(60000);
    ws_send(c, 9, "k", 1);
    assert_int_equal(ws_recv(c, msg, sizeof msg, &n, xc_test_ms(1000)), 10);
  }
  op = ws_recv(c, msg, sizeof msg, &n, xc_test_ms(2000));
  assert_int_equal(op, 8);
  assert_int_equal(((uint8_t)msg[0] << 8) | (uint8_t)msg[1], 4001);
  ws_close_fd(c);
  /* incoming rate limit: 5 per second */
  assert_int_equal(ws_connect(c, f->wsport, "/__test/ws"), 101);
  ws_text(c, msg, sizeof msg, 2000);
  ws_send(c, 1, "rx 5", 4);
  ws_send_n(c, 1, "echo z", 6, 8); /* one write: all 8 arrive within the same second */
  int texts = 0;
  while ((op = ws_recv(c, msg, sizeof msg, &n, 2000)) == 1) texts++;
  assert_int_equal(op, 8);
  assert_int_equal(((uint8_t)msg[0] << 8) | (uint8_t)msg[1], 1008);
  assert_true(texts <= 5);
  ws_close_fd(c);
  /* slow consumer: 256 KiB bound; a flood of 1000 x 1 KiB without reading closes it */
  assert_int_equal(ws_connect(c, f->wsport, "/__test/ws"), 101);
  int rcv = 4096;
  setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  ws_text(c, msg, sizeof msg, 2000);
  ws_send(c, 1, "flood 4000", 10);
  usleep(300000); /* not scaled: the server gives a closing slow consumer 2 s to drain */
  int frames = 0;
  while ((op = ws_recv(c, NULL, 0, &n, xc_test_ms(2000))) == 1) frames++;
  if (op != 8 && op != -1) fail_msg("op %d after %d frames", op, frames);
  assert_true(frames < 4000);
  ws_close_fd(c);
  free(c);
}

static void test_ws_topics_and_private_faults(void **state) {
  fx *f = *state;
  wsc *a = malloc(sizeof *a), *b = malloc(sizeof *b);
  char msg[4096];
  assert_int_equal(ws_connect(a, f->wsport, "/__test/ws"), 101);
  assert_int_equal(ws_connect(b, f->wsport, "/__test/ws"), 101);
  ws_text(a, msg, sizeof msg, 2000);
  ws_text(b, msg, sizeof msg, 2000);
  ws_send(a, 1, "sub t1", 6);
  ws_send(b, 1, "sub t1", 6);
  ws_send(b, 1, "sub t1", 6); /* duplicate: ignored */
  /* b's subscriptions are in force once it answers a later request (frames are handled in order) */
  ws_send(b, 1, "echo synced", 11);
  assert_non_null(ws_text(b, msg, sizeof msg, 2000));
  assert_string_equal(msg, "synced");
  ws_send(a, 1, "pub t1 M1", 9);
  /* a gets M1 and "published 2" (in either order); b gets M1 once */
  int got_m = 0, got_p = 0;
  for (int i = 0; i < 2; i++) {
    assert_non_null(ws_text(a, msg, sizeof msg, 2000));
    if (!strcmp(msg, "M1")) got_m++;
    if (!strcmp(msg, "published 2")) got_p++;
  }
  assert_int_equal(got_m, 1);
  assert_int_equal(got_p, 1);
  assert_non_null(ws_text(b, msg, sizeof msg, 2000));
  assert_string_equal(msg, "M1");
  assert_null(ws_text(b, msg, sizeof msg, 100));
  /* b disconnects: the topic has one subscriber */
  ws_close_fd(b);
  usleep(100000);
  ws_send(a, 1, "pub t1 M2", 9);
  for (int i = 0; i < 2; i++) ws_text(a, msg, sizeof msg, 2000);
  ws_send(a, 1, "pub t1 M3", 9);
  ws_text(a, msg, sizeof msg, 2000);
  ws_text(a, msg, sizeof msg, 2000);
  /* duplicate: the next 2 private messages are sent twice */
  assert_int_equal(xc_sim_fault_duplicate(f->sim, 2), XC_OK);
  ws_send(a, 1, "priv p1", 7);
  ws_send(a, 1, "priv p2", 7);
  ws_send(a, 1, "priv p3", 7);
  const char *want[] = {"p1", "p1", "p2", "p2", "p3"};
  for (int i = 0; i < 5; i++) {
    assert_non_null(ws_text(a, msg, sizeof msg, 2000));
    assert_string_equal(msg, want[i]);
  }
  /* reorder: pairs swapped */
  assert_int_equal(xc_sim_fault_reorder(f->sim, 1), XC_OK);
  ws_send(a, 1, "priv q1", 7);
  ws_send(a, 1, "priv q2", 7);
  ws_send(a, 1, "priv q3", 7);
  const char *want2[] = {"q2", "q1", "q3"};
  for (int i = 0; i < 3; i++) {
    assert_non_null(ws_text(a, msg, sizeof msg, 2000));
    assert_string_equal(msg, want2[i]);
  }
  /* stall: nothing comes while stalled (pings unanswered), flows again after */
  ws_send(a, 1, "id", 2);
  assert_non_null(ws_text(a, msg, sizeof msg, 2000));
  uint64_t id = strtoull(msg, NULL, 10);
  assert_int_equal(xc_sim_stall_ws(f->sim, id, true), XC_OK);
  ws_send(a, 1, "echo s1", 7);
  ws_send(a, 9, "x", 1);
  assert_int_equal(ws_recv(a, msg, sizeof msg, NULL, 300), 0);
  assert_int_equal(xc_sim_stall_ws(f->sim, id, false), XC_OK);
  /* reading resumes: the queued echo and ping are answered */
  int seen = 0;
  for (int i = 0; i < 2; i++) {
    int op = ws_recv(a, msg, sizeof msg, NULL, 2000);
    if (op == 1 && !strcmp(msg, "s1")) seen |= 1;
    if (op == 10) seen |= 2;
  }
  assert_int_equal(seen, 3);
  /* drop all */
  int dropped = 0;
  assert_int_equal(xc_sim_drop_ws(f->sim, &dropped), XC_OK);
  assert_true(dropped >= 1);
  size_t n;
  assert_int_equal(ws_recv(a, msg, sizeof msg, &n, 2000), -1);
  ws_close_fd(a);
  free(a);
  free(b);
}

/* malloc'd bytes in use: ASan's counter under the sanitizer, glibc's otherwise */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
#include <malloc.h>
static size_t heap_in_use(void) {
  if (__sanitizer_get_current_allocated_bytes) return __sanitizer_get_current_allocated_bytes();
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd; /* heap chunks + mmapped chunks */
}

/* reads whatever the stream has until it is quiet for quiet_ms; returns text frames read */
static uint64_t drain(wsc *c, int quiet_ms) {
  char msg[4096];
  uint64_t n = 0;
  int op;
  while ((op = ws_recv(c, msg, sizeof msg, NULL, quiet_ms)) > 0)
    if (op == 1) n++;
  return n;
}

static void test_memory_flat(void **state) {
  (void)state;
  /* A busy simulator with a debug-stream client, driven in steps from here so the client always
   * keeps up (under a loaded machine or ASan a free-running market can outpace the reader and
   * the bounded output queue would fill, which is "bounded", not "flat"). Heap in use after a
   * warm-up vs after as many steps again, each measured with the stream drained. */
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.quiet = true;
  o.bg_manual = true;
  o.bg_actions = 20;
  o.symbols = "BTCUSDT";
  xc_sim *sim;
  assert_int_equal(xc_sim_new(&o, &sim), XC_OK);
  sim->bg_max_orders = 100; /* the working set is reached sooner */
  assert_int_equal(xc_sim_start(sim), XC_OK);
  static wsc c;
  assert_int_equal(ws_connect(&c, xc_sim_port(sim, XC_SIM_EP_ADMIN), "/admin/stream"), 101);
  size_t base = 0;
  uint64_t t0 = xc_mono_ns(), msgs = 0;
  int rounds[2] = {800, 800}; /* the background book (here up to 100 orders per market) and
                               * the depth batchers reach their working sizes within ~800 rounds */
  int phases = getenv("XC_MEM_PHASES") ? atoi(getenv("XC_MEM_PHASES")) : 2;
  for (int phase = 0; phase < phases; phase++) {
    for (int i = 0; i < rounds[phase > 0]; i++) {
      xc_sim_bg_step(sim, 2);
      msgs += drain(&c, 0);
    }
    msgs += drain(&c, 100);
    if (phase == 0) base = heap_in_use();
    if (getenv("XC_MEM_PHASES")) {
      int nfree = 0;
      for (sim_order *fo = sim->free_orders; fo; fo = fo->hnext) nfree++;
      printf("# phase %d heap %zu free_orders %d", phase, heap_in_use(), nfree);
      for (int i = 0; i < sim->nmkts; i++)
      {
        int bs = 0;
        size_t bytes = 0;
        for (xc__sim_depth_batch *db = sim->mkts[i]->batches; db; db = db->next, bs++)
          bytes += (size_t)db->capch * 16 + db->htcap * 8 + (size_t)(db->capout[0] + db->capout[1]) * 64;
        printf(" [nbg %d lv %d/%d batches %d %zu B]", sim->mkts[i]->nbg, sim->mkts[i]->side[0].n,
               sim->mkts[i]->side[1].n, bs, bytes);
      }
      printf("\n");
    }
  }
  size_t after = heap_in_use();
  uint64_t trades;
  xc_sim_stats(sim, &trades, NULL, NULL, NULL);
  printf("# memory: %zu -> %zu bytes in use; %llu trades, %llu stream messages in %.1f s\n", base,
         after, (unsigned long long)trades, (unsigned long long)msgs,
         (double)(xc_mono_ns() - t0) / 1e9);
  ws_close_fd(&c);
  xc_sim_free(sim);
  assert_true(msgs > 5000);
  /* flat: less than 1 MiB growth over 800 more rounds (128k background actions, ~150k stream
   * messages: under 7 bytes per message; allocator and batch-window noise is ~0.5 MiB) */
  assert_true(after < base + (1u << 20));
}

static void *run_thread(void *arg) {
  xc_sim_run(arg);
  return NULL;
}

/* xc_sim_run on a thread of the caller's, then xc_sim_free from another thread: stops and waits. */
static void test_run_then_free(void **state) {
  (void)state;
  xc_sim_opts o;
  xc_sim_opts_default(&o);
  o.quiet = true;
  xc_sim *sim;
  assert_int_equal(xc_sim_new(&o, &sim), XC_OK);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, run_thread, sim), 0);
  usleep(100000);
  uint64_t trades = 0;
  assert_int_equal(xc_sim_stats(sim, &trades, NULL, NULL, NULL), XC_OK);
  char url[160];
  snprintf(url, sizeof url, "%s/admin/stats", xc_sim_endpoint(sim, XC_SIM_EP_ADMIN));
  resp r;
  assert_int_equal(http("GET", url, NULL, &r), 200);
  xc_sim_free(sim);
  pthread_join(t, NULL);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN); /* our raw client writes to sockets the server may have closed */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_endpoints_json),
      cmocka_unit_test(test_http_raw_bytes),
      cmocka_unit_test(test_http_pipelining_backpressure),
      cmocka_unit_test(test_http10_close),
      cmocka_unit_test(test_http_faults),
      cmocka_unit_test(test_admin_book_and_stream),
      cmocka_unit_test(test_ws_basics),
      cmocka_unit_test(test_ws_pings_lifetime_limits),
      cmocka_unit_test(test_ws_topics_and_private_faults),
      cmocka_unit_test(test_memory_flat),
      cmocka_unit_test(test_run_then_free),
  };
  return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
