/* The simulator's HTTP/1.1 + WebSocket server on libuv: listeners (one per real host), routing,
 * connections with bounded output, WebSocket sessions (pings, lifetime, rx limits), faults that
 * act on connections (latency, HTTP errors, stalls, drops, duplicate/reorder). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "sim/sim_core.h"
#include "sim/sim_http.h"

static void conn_process(sim_conn *c);
static void start_write(sim_conn *c);
static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf);
static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* ---- routes ------------------------------------------------------------------------------- */

static xc_status route_fill(sim_route *r, const char *method, const char *path) {
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof r->path || (method && strlen(method) >= sizeof r->method))
    return XC_EINVAL;
  memset(r, 0, sizeof *r);
  if (method) strcpy(r->method, method);
  memcpy(r->path, path, n + 1);
  if (path[n - 1] == '*') {
    r->prefix = true;
    r->path[--n] = 0;
  }
  r->path_len = n;
  return XC_OK;
}

xc_status xc__sim_route(xc_sim *sim, xc_sim_ep ep, const char *method, const char *path,
                        xc__sim_http_fn fn, void *user) {
  if (!sim || (unsigned)ep >= XC_SIM_EP_COUNT || !path || !fn) return XC_EINVAL;
  sim_listener *l = &sim->lis[ep];
  if (l->nroutes >= XC__SIM_MAX_ROUTES) return XC_EFULL;
  sim_route *r = &l->routes[l->nroutes];
  xc_status st = route_fill(r, method, path);
  if (st) return st;
  r->fn = fn;
  r->user = user;
  l->nroutes++;
  return XC_OK;
}

xc_status xc__sim_route_fallback(xc_sim *sim, xc_sim_ep ep, xc__sim_http_fn fn, void *user) {
  if (!sim || (unsigned)ep >= XC_SIM_EP_COUNT) return XC_EINVAL;
  sim->lis[ep].fallback = fn;
  sim->lis[ep].fallback_user = user;
  return XC_OK;
}

xc_status xc__sim_route_error(xc_sim *sim, xc_sim_ep ep, xc__sim_http_error_fn fn, void *user) {
  if (!sim || (unsigned)ep >= XC_SIM_EP_COUNT) return XC_EINVAL;
  sim->lis[ep].errfn = fn;
  sim->lis[ep].errfn_user = user;
  return XC_OK;
}

xc_status xc__sim_ws_route(xc_sim *sim, xc_sim_ep ep, const char *path,
                           const xc__sim_ws_handlers *h, void *user) {
  if (!sim || (unsigned)ep >= XC_SIM_EP_COUNT || !path || !h || !h->on_open) return XC_EINVAL;
  sim_listener *l = &sim->lis[ep];
  if (l->nws_routes >= XC__SIM_MAX_WS_ROUTES) return XC_EFULL;
  sim_route *r = &l->ws_routes[l->nws_routes];
  xc_status st = route_fill(r, NULL, path);
  if (st) return st;
  r->ws = h;
  r->user = user;
  l->nws_routes++;
  return XC_OK;
}

static const sim_route *route_match(const sim_route *rs, int n, const char *method,
                                    const char *path, size_t plen) {
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < n; i++) {
      const sim_route *r = &rs[i];
      if (r->prefix != (pass == 1)) continue;
      if (method && r->method[0] && strcmp(r->method, method) != 0) continue;
      if (!r->prefix) {
        if (r->path_len == plen && memcmp(r->path, path, plen) == 0) return r;
      } else if (plen >= r->path_len && memcmp(r->path, path, r->path_len) == 0) {
        return r;
      }
    }
  }
  return NULL;
}

/* ---- requests and responses ----------------------------------------------------------------- */

const char *xc__sim_req_header(const xc__sim_req *req, const char *name, size_t *len) {
  return xc__sim_http_header(req->headers, req->nheaders, name, len);
}

void xc__sim_resp_header(xc__sim_resp *resp, const char *name, const char *fmt, ...) {
  xc_buf_puts(&resp->headers, name);
  xc_buf_puts(&resp->headers, ": ");
  va_list ap;
  va_start(ap, fmt);
  xc_buf_vprintf(&resp->headers, fmt, ap);
  va_end(ap);
  xc_buf_puts(&resp->headers, "\r\n");
}

void xc__sim_resp_json(xc__sim_resp *resp, int status, const char *json) {
  resp->status = status;
  xc_buf_reset(&resp->body);
  xc_buf_puts(&resp->body, json);
}

static const char *reason_phrase(int st) {
  switch (st) {
  case 101: return "Switching Protocols";
  case 200: return "OK";
  case 201: return "Created";
  case 204: return "No Content";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 411: return "Length Required";
  case 413: return "Payload Too Large";
  case 415: return "Unsupported Media Type";
  case 418: return "I'm a teapot";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  case 505: return "HTTP Version Not Supported";
  default: return "Status";
  }
}

static void resp_reset(xc__sim_resp *r) {
  r->status = 200;
  xc_buf_reset(&r->body);
  xc_buf_reset(&r->headers);
  r->content_type = NULL;
  r->close = false;
}

static void serialize_resp(xc_buf *out, const xc__sim_resp *r, bool head_only, bool close) {
  xc_buf_printf(out,
                "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                "Connection: %s\r\n",
                r->status, reason_phrase(r->status),
                r->content_type ? r->content_type : "application/json;charset=UTF-8", r->body.len,
                close ? "close" : "keep-alive");
  if (r->headers.len) xc_buf_append(out, r->headers.data, r->headers.len);
  xc_buf_puts(out, "\r\n");
  if (!head_only && r->body.len) xc_buf_append(out, r->body.data, r->body.len);
}

/* ---- output ----------------------------------------------------------------------------------- */

static void write_cb(uv_write_t *w, int status) {
  sim_conn *c = w->data;
  c->writing = false;
  xc_buf_reset(&c->fly);
  /* give back burst memory once the queue drained (steady load stays below this) */
  if (!c->pend.len) {
    if (c->fly.cap > (256u << 10)) xc_buf_free(&c->fly);
    if (c->pend.cap > (256u << 10)) xc_buf_free(&c->pend);
  }
  if (c->closing) return;
  if (status < 0) {
    xc__sim_conn_close(c);
    return;
  }
  if (c->pend.len && !c->stalled) {
    start_write(c);
  } else if (c->close_after_flush && !c->pend.len) {
    xc__sim_conn_close(c);
  } else if (!c->is_ws && c->read_paused) {
    /* pipelined requests were held back while the output was full */
    c->read_paused = false;
    uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
    conn_process(c);
  }
}

static void start_write(sim_conn *c) {
  if (c->writing || c->closing || !c->pend.len) return;
  xc_buf t = c->fly;
  c->fly = c->pend;
  c->pend = t;
  xc_buf_reset(&c->pend);
  uv_buf_t b = uv_buf_init(c->fly.data, (unsigned)c->fly.len);
  c->wreq.data = c;
  c->writing = true;
  int rc = uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, write_cb);
  if (rc < 0) {
    c->writing = false;
    xc__sim_conn_close(c);
  }
}

static xc_status out_append(sim_conn *c, const void *p, size_t n) {
  if (c->closing) return XC_ECLOSED;
  xc_status st = xc_buf_append(&c->pend, p, n);
  if (st) return st;
  if (!c->stalled) start_write(c);
  return XC_OK;
}

/* ---- connections -------------------------------------------------------------------------------- */

static void conn_free_cb(uv_handle_t *h) {
  sim_conn *c = h->data;
  xc_sim *sim = c->sim;
  if (c->prev) c->prev->next = c->next;
  else sim->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  sim->nconns--;
  xc_buf_free(&c->in);
  xc_buf_free(&c->pend);
  xc_buf_free(&c->fly);
  xc_buf_free(&c->msg);
  xc_buf_free(&c->held);
  xc_buf_free(&c->delayed_out);
  free(c->path);
  free(c->query);
  free(c->tsubs);
  free(c);
}

static void close_tcp(sim_conn *c) {
  if (c->rst && uv_tcp_close_reset(&c->tcp, conn_free_cb) == 0) return;
  uv_close((uv_handle_t *)&c->tcp, conn_free_cb);
}

static void delay_timer_closed(uv_handle_t *h) { close_tcp(h->data); }

void xc__sim_conn_close(sim_conn *c) {
  if (c->closing) return;
  c->closing = true;
  if (c->is_ws) {
    c->sim->nws--;
    xc__sim_topic_drop_ws(c);
    if (!c->on_close_done) {
      c->on_close_done = true;
      if (c->h && c->h->on_close) c->h->on_close(c, c->h_user);
    }
  }
  uv_read_stop((uv_stream_t *)&c->tcp);
  if (c->delay_timer_init) {
    uv_timer_stop(&c->delay_timer);
    c->delay_timer.data = c;
    uv_close((uv_handle_t *)&c->delay_timer, delay_timer_closed);
  } else {
    close_tcp(c);
  }
}

static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
  sim_conn *c = h->data;
  (void)hint;
  if (xc_buf_reserve(&c->in, 65536) != XC_OK) {
    *buf = uv_buf_init(NULL, 0);
    return;
  }
  *buf = uv_buf_init(c->in.data + c->in.len, (unsigned)(c->in.cap - c->in.len - 1));
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  sim_conn *c = s->data;
  (void)buf;
  if (nread < 0) {
    xc__sim_conn_close(c);
    return;
  }
  if (nread == 0) return;
  c->in.len += (size_t)nread;
  c->in.data[c->in.len] = 0;
  conn_process(c);
}

static void on_connection(uv_stream_t *server, int status) {
  if (status < 0) return;
  sim_listener *l = server->data;
  xc_sim *sim = (xc_sim *)l->tcp.loop->data;
  sim_conn *c = calloc(1, sizeof *c);
  if (!c) return;
  c->sim = sim;
  c->ep = (xc_sim_ep)(l - sim->lis);
  c->id = ++sim->next_conn_id;
  uv_tcp_init(&sim->loop, &c->tcp);
  c->tcp.data = c;
  if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
    uv_close((uv_handle_t *)&c->tcp, (uv_close_cb)free);
    return;
  }
  c->next = sim->conns;
  if (sim->conns) sim->conns->prev = c;
  sim->conns = c;
  sim->nconns++;
  uv_tcp_nodelay(&c->tcp, 1);
  struct sockaddr_storage ss;
  int sl = sizeof ss;
  strcpy(c->remote_ip, "127.0.0.1");
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &sl) == 0) {
    if (ss.ss_family == AF_INET)
      uv_ip4_name((struct sockaddr_in *)&ss, c->remote_ip, sizeof c->remote_ip);
    else if (ss.ss_family == AF_INET6)
      uv_ip6_name((struct sockaddr_in6 *)&ss, c->remote_ip, sizeof c->remote_ip);
  }
  uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
}

xc_status xc__sim_net_listen(xc_sim *sim) {
  for (int ep = 0; ep < XC_SIM_EP_COUNT; ep++) {
    sim_listener *l = &sim->lis[ep];
    struct sockaddr_storage ss;
    int port = sim->opts.port_base ? sim->opts.port_base + ep : 0;
    if (uv_ip4_addr(sim->host, port, (struct sockaddr_in *)&ss) != 0 &&
        uv_ip6_addr(sim->host, port, (struct sockaddr_in6 *)&ss) != 0)
      return XC_EINVAL;
    uv_tcp_init(&sim->loop, &l->tcp);
    l->tcp.data = l;
    l->open = true;
    int rc = uv_tcp_bind(&l->tcp, (struct sockaddr *)&ss, 0);
    if (rc == 0) rc = uv_listen((uv_stream_t *)&l->tcp, 256, on_connection);
    if (rc != 0) {
      XC_ERROR("sim", "cannot listen on %s port %d: %s", sim->host, port, uv_strerror(rc));
      return XC_EIO;
    }
    int sl = sizeof ss;
    if (uv_tcp_getsockname(&l->tcp, (struct sockaddr *)&ss, &sl) != 0) return XC_EIO;
    l->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                            : ((struct sockaddr_in6 *)&ss)->sin6_port);
    bool ws = ep == XC_SIM_EP_BINANCE_SPOT_WS || ep == XC_SIM_EP_BINANCE_USDM_WS ||
              ep == XC_SIM_EP_BYBIT_WS;
    bool v6 = strchr(sim->host, ':') != NULL;
    snprintf(l->url, sizeof l->url, "%s://%s%s%s:%d", ws ? "ws" : "http", v6 ? "[" : "",
             sim->host, v6 ? "]" : "", l->port);
  }
  return XC_OK;
}

void xc__sim_net_close_all(xc_sim *sim) {
  for (sim_conn *c = sim->conns; c; c = c->next) xc__sim_conn_close(c);
  for (int ep = 0; ep < XC_SIM_EP_COUNT; ep++) {
    if (sim->lis[ep].open && !uv_is_closing((uv_handle_t *)&sim->lis[ep].tcp))
      uv_close((uv_handle_t *)&sim->lis[ep].tcp, NULL);
  }
}

/* ---- HTTP ------------------------------------------------------------------------------------ */

static void delay_fire(uv_timer_t *t) {
  sim_conn *c = t->data;
  if (c->closing) return;
  c->delayed = false;
  out_append(c, c->delayed_out.data, c->delayed_out.len);
  xc_buf_reset(&c->delayed_out);
  if (c->delayed_close) {
    c->close_after_flush = true;
    if (!c->writing && !c->pend.len) xc__sim_conn_close(c);
    return;
  }
  conn_process(c); /* pipelined requests waiting behind this one */
}

/* Sends the response in sim->resp on c (after the latency fault, if any). */
static void send_resp(sim_conn *c, bool head_only, bool close) {
  xc_sim *sim = c->sim;
  close = close || sim->resp.close;
  if (sim->latency_ms && c->ep != XC_SIM_EP_ADMIN) {
    xc_buf_reset(&c->delayed_out);
    serialize_resp(&c->delayed_out, &sim->resp, head_only, close);
    c->delayed_close = close;
    c->delayed = true;
    if (!c->delay_timer_init) {
      uv_timer_init(&sim->loop, &c->delay_timer);
      c->delay_timer.data = c;
      c->delay_timer_init = true;
    }
    uv_timer_start(&c->delay_timer, delay_fire, sim->latency_ms, 0);
    return;
  }
  xc_buf_reset(&sim->tmp);
  serialize_resp(&sim->tmp, &sim->resp, head_only, close);
  out_append(c, sim->tmp.data, sim->tmp.len);
  if (close) {
    c->close_after_flush = true;
    if (!c->writing && !c->pend.len) xc__sim_conn_close(c);
  }
}

static void send_error_status(sim_conn *c, int status) {
  resp_reset(&c->sim->resp);
  xc__sim_resp_json(&c->sim->resp, status, "{\"code\":-1,\"msg\":\"bad request\"}");
  send_resp(c, false, true);
}

static bool header_has_token(const xc__sim_req *req, const char *name, const char *tok) {
  size_t n = 0;
  const char *v = xc__sim_req_header(req, name, &n);
  size_t tl = strlen(tok);
  while (v && n >= tl) {
    if (strncasecmp(v, tok, tl) == 0 && (n == tl || v[tl] == ',' || v[tl] == ' ')) return true;
    const char *comma = memchr(v, ',', n);
    if (!comma) break;
    n -= (size_t)(comma + 1 - v);
    v = comma + 1;
    while (n && *v == ' ') v++, n--;
  }
  return false;
}

static void ws_upgrade(sim_conn *c, xc__sim_req *req, const sim_route *r) {
  xc_sim *sim = c->sim;
  size_t kl = 0;
  const char *key = xc__sim_req_header(req, "sec-websocket-key", &kl);
  size_t vl = 0;
  const char *ver = xc__sim_req_header(req, "sec-websocket-version", &vl);
  if (!key || kl < 16 || kl > 64 || !ver || vl != 2 || memcmp(ver, "13", 2) != 0) {
    send_error_status(c, 400);
    return;
  }
  c->path = strndup(req->path, req->path_len);
  c->query = strndup(req->query, req->query_len);
  if (!c->path || !c->query) {
    send_error_status(c, 500);
    return;
  }
  char acc[29];
  xc__sim_ws_accept(key, kl, acc);
  size_t hs_start = c->pend.len; /* a pipelined earlier response may still be queued */
  xc_buf_printf(&c->pend,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: %s\r\n\r\n",
                acc);
  c->is_ws = true;
  sim->nws++;
  c->h = r->ws;
  c->h_user = r->user;
  c->open_ms = uv_now(&sim->loop);
  c->opening = true; /* hold frames queued by on_open until accepted */
  resp_reset(&sim->resp);
  int rc = r->ws->on_open(c, req, &sim->resp, r->user);
  c->opening = false;
  if (c->closing) return;
  if (rc != 0) {
    c->is_ws = false;
    sim->nws--;
    xc__sim_topic_drop_ws(c);
    c->on_close_done = true;
    c->pend.len = hs_start;
    if (c->pend.data) c->pend.data[hs_start] = 0;
    if (sim->resp.status == 200) sim->resp.status = rc;
    if (!sim->resp.body.len) xc__sim_resp_json(&sim->resp, rc, "{\"code\":-1,\"msg\":\"refused\"}");
    sim->resp.status = rc;
    send_resp(c, false, true);
    return;
  }
  start_write(c);
}

/* Does the armed http_fault apply to req (path and method filters)? */
static bool fault_matches(const xc_sim *sim, const xc__sim_req *req) {
  size_t pl = strlen(sim->http_fault_path);
  if (pl && (req->path_len != pl || memcmp(req->path, sim->http_fault_path, pl) != 0)) return false;
  return !sim->http_fault_method[0] || strcasecmp(req->method, sim->http_fault_method) == 0;
}

/* The http_fault answer: the fault's status with the venue's error body. */
static void fault_answer(sim_conn *c, xc__sim_req *req, bool head, bool close) {
  xc_sim *sim = c->sim;
  sim_listener *l = &sim->lis[c->ep];
  int st = sim->http_fault_status ? sim->http_fault_status : 503;
  sim->resp.status = st;
  if (l->errfn) l->errfn(req, &sim->resp, st, l->errfn_user);
  else xc__sim_resp_json(&sim->resp, st, "{\"code\":-1,\"msg\":\"Service unavailable\"}");
  sim->resp.status = st;
  send_resp(c, head, close);
}

static void http_dispatch(sim_conn *c, xc__sim_req *req) {
  xc_sim *sim = c->sim;
  sim_listener *l = &sim->lis[c->ep];
  bool close = header_has_token(req, "connection", "close") ||
               (req->http10 && !header_has_token(req, "connection", "keep-alive"));
  bool head = strcmp(req->method, "HEAD") == 0;
  resp_reset(&sim->resp);
  if (header_has_token(req, "upgrade", "websocket")) {
    const sim_route *r = route_match(l->ws_routes, l->nws_routes, NULL, req->path, req->path_len);
    if (!r || strcmp(req->method, "GET") != 0) {
      xc__sim_resp_json(&sim->resp, 404, "{\"code\":-1,\"msg\":\"no such stream path\"}");
      send_resp(c, false, true);
      return;
    }
    ws_upgrade(c, req, r);
    return;
  }
  bool fault = c->ep != XC_SIM_EP_ADMIN && sim->http_fault_n > 0 && fault_matches(sim, req);
  if (fault) sim->http_fault_n--;
  if (fault && sim->http_fault_when == 0) { /* refused before the venue saw it */
    fault_answer(c, req, head, close);
    return;
  }
  const sim_route *r =
      route_match(l->routes, l->nroutes, head ? "GET" : req->method, req->path, req->path_len);
  if (r) r->fn(req, &sim->resp, r->user);
  else if (l->fallback) l->fallback(req, &sim->resp, l->fallback_user);
  else xc__sim_resp_json(&sim->resp, 404, "{}");
  if (fault && sim->http_fault_when == 2) { /* executed, then the connection dies unanswered */
    xc__sim_conn_close(c);
    return;
  }
  if (fault && sim->http_fault_when == 3) { /* executed, never answered: the client times out */
    c->delayed = true; /* holds this connection's later requests too; closed when the client gives up */
    return;
  }
  if (fault) { /* executed, but the answer is an error */
    resp_reset(&sim->resp);
    fault_answer(c, req, head, close);
    return;
  }
  send_resp(c, head, close);
}

/* ---- WebSocket input --------------------------------------------------------------------------- */

static void ws_send_frame(sim_conn *c, int op, const void *p, size_t n) {
  uint8_t hdr[10];
  size_t hl = xc__sim_ws_header(hdr, op, n);
  if (xc_buf_reserve(&c->pend, hl + n) != XC_OK) return;
  xc_buf_append(&c->pend, hdr, hl);
  xc_buf_append(&c->pend, p, n);
  if (!c->stalled && !c->opening) start_write(c);
}

static void ws_message(sim_conn *c, int op, char *data, size_t len) {
  xc_sim *sim = c->sim;
  if (op == 2) {
    xc__sim_ws_close(c, 1003, "binary messages not accepted");
    return;
  }
  if (c->rx_limit) {
    uint64_t now = uv_now(&sim->loop);
    if (now - c->rx_window_ms >= 1000) {
      c->rx_window_ms = now;
      c->rx_count = 0;
    }
    if (++c->rx_count > c->rx_limit) {
      xc__sim_ws_close(c, c->rx_close_code ? c->rx_close_code : 1008, "too many messages");
      return;
    }
  }
  char save = data[len];
  data[len] = 0;
  if (c->h->on_text) c->h->on_text(c, data, len, c->h_user);
  if (!c->closing) data[len] = save;
}

static void ws_process(sim_conn *c) {
  while (!c->closing && !c->stalled) {
    xc__sim_frame f;
    long n = xc__sim_ws_parse((uint8_t *)c->in.data + c->in_off, c->in.len - c->in_off,
                              XC__SIM_MAX_WS_MSG, &f);
    if (n == 0) break;
    if (n < 0) {
      xc__sim_ws_close(c, 1002, "protocol error");
      c->in_off = c->in.len;
      break;
    }
    size_t frame_end = c->in_off + (size_t)n;
    c->last_rx_ms = uv_now(&c->sim->loop);
    if (f.opcode == 8) { /* close: echo the code and close */
      if (!c->ws_closing) {
        uint16_t code = f.len >= 2 ? (uint16_t)((f.payload[0] << 8) | f.payload[1]) : 1000;
        xc__sim_ws_close(c, code, "");
      }
      c->in_off = frame_end;
      break;
    } else if (f.opcode == 9) {
      ws_send_frame(c, 10, f.payload, f.len);
    } else if (f.opcode == 10) {
      c->pong_deadline_ms = 0;
      if (c->h->on_pong) c->h->on_pong(c, c->h_user);
    } else if (f.opcode == 0) {
      if (!c->msg_op || c->msg.len + f.len > XC__SIM_MAX_WS_MSG) {
        xc__sim_ws_close(c, c->msg_op ? 1009 : 1002, "bad continuation");
        break;
      }
      xc_buf_append(&c->msg, f.payload, f.len);
      if (f.fin) {
        int op = c->msg_op;
        c->msg_op = 0;
        /* the message buffer may be reused by a nested call: hand over a stable copy */
        ws_message(c, op, c->msg.data, c->msg.len);
        if (!c->closing) xc_buf_reset(&c->msg);
      }
    } else { /* 1 or 2 */
      if (c->msg_op) {
        xc__sim_ws_close(c, 1002, "expected continuation");
        break;
      }
      if (f.fin) {
        /* payload is followed by the next frame's first byte: ws_message saves and restores it */
        c->in_off = frame_end;
        ws_message(c, f.opcode, (char *)f.payload, f.len);
        continue;
      }
      c->msg_op = f.opcode;
      xc_buf_reset(&c->msg);
      xc_buf_append(&c->msg, f.payload, f.len);
    }
    c->in_off = frame_end;
  }
}

static void conn_process(sim_conn *c) {
  xc_sim *sim = c->sim;
  while (!c->closing && !c->delayed && !c->close_after_flush) {
    if (c->is_ws) {
      ws_process(c);
      break;
    }
    /* backpressure: a client pipelining requests without reading the answers waits */
    if (c->pend.len + c->fly.len > sim->opts.ws_queue_max) {
      if (!c->read_paused) uv_read_stop((uv_stream_t *)&c->tcp);
      c->read_paused = true;
      break;
    }
    xc__sim_req *req = &sim->req;
    memset(req, 0, offsetof(xc__sim_req, headers));
    long n = xc__sim_http_parse(c->in.data + c->in_off, c->in.len - c->in_off,
                                sim->opts.http_max_body, req);
    if (n == 0) {
      /* curl sends "Expect: 100-continue" before bodies over 1 KiB and waits for this */
      if (!c->sent_continue &&
          xc__sim_http_wants_continue(c->in.data + c->in_off, c->in.len - c->in_off)) {
        c->sent_continue = true;
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        out_append(c, cont, sizeof cont - 1);
      }
      break;
    }
    c->sent_continue = false;
    if (n < 0) {
      send_error_status(c, (int)-n);
      c->in_off = c->in.len;
      break;
    }
    req->sim = sim;
    req->ep = c->ep;
    req->remote_ip = c->remote_ip;
    req->conn_id = c->id;
    req->recv_ms = xc__sim_now_ms(sim);
    xc_buf_reset(&sim->body_copy);
    xc_buf_append(&sim->body_copy, req->body, req->body_len);
    req->body = sim->body_copy.data ? sim->body_copy.data : "";
    c->in_off += (size_t)n;
    http_dispatch(c, req);
  }
  if (c->closing) return;
  /* compact the input buffer */
  if (c->in_off == c->in.len) {
    xc_buf_reset(&c->in);
    c->in_off = 0;
    if (c->in.cap > (1u << 20)) xc_buf_free(&c->in);
  } else if (c->in_off > 65536) {
    memmove(c->in.data, c->in.data + c->in_off, c->in.len - c->in_off);
    c->in.len -= c->in_off;
    c->in.data[c->in.len] = 0;
    c->in_off = 0;
  }
}

/* ---- WebSocket session API ------------------------------------------------------------------- */

static xc_status ws_send_text(sim_conn *c, const char *data, size_t len) {
  if (c->closing || c->ws_closing) return XC_ECLOSED;
  if (c->stalled) return XC_OK;
  size_t q = c->pend.len + c->fly.len;
  if (q + len + 10 > c->sim->opts.ws_queue_max) {
    XC_WARN("sim", "connection %llu: slow consumer (%zu bytes queued), disconnecting",
            (unsigned long long)c->id, q);
    xc__sim_ws_close(c, 1008, "slow consumer");
    return XC_EFULL;
  }
  ws_send_frame(c, 1, data, len);
  c->frames_sent++;
  c->sim->ws_msgs++;
  return XC_OK;
}

xc_status xc__sim_ws_send(xc__sim_ws *ws, const char *data, size_t len) {
  if (!ws || !data) return XC_EINVAL;
  return ws_send_text(ws, data, len);
}

xc_status xc__sim_ws_send_private(xc__sim_ws *ws, const char *data, size_t len) {
  if (!ws || !data) return XC_EINVAL;
  xc_sim *sim = ws->sim;
  if (ws->has_held) { /* reorder: this one first, then the held one */
    xc_status st = ws_send_text(ws, data, len);
    ws->has_held = false;
    if (st == XC_OK) st = ws_send_text(ws, ws->held.data, ws->held.len);
    xc_buf_reset(&ws->held);
    return st;
  }
  if (sim->reorder_n > 0) {
    sim->reorder_n--;
    xc_buf_reset(&ws->held);
    if (xc_buf_append(&ws->held, data, len) != XC_OK) return XC_ENOMEM;
    ws->has_held = true;
    ws->held_since_ms = uv_now(&sim->loop);
    return XC_OK;
  }
  xc_status st = ws_send_text(ws, data, len);
  if (st == XC_OK && sim->dup_n > 0) {
    sim->dup_n--;
    st = ws_send_text(ws, data, len);
  }
  return st;
}

void xc__sim_ws_close(xc__sim_ws *ws, uint16_t code, const char *reason) {
  if (!ws || ws->closing || ws->ws_closing) return;
  ws->ws_closing = true;
  uint8_t p[125];
  size_t rl = reason ? strlen(reason) : 0;
  if (rl > 123) rl = 123;
  p[0] = (uint8_t)(code >> 8);
  p[1] = (uint8_t)code;
  if (rl) memcpy(p + 2, reason, rl);
  ws->stalled = false;
  ws_send_frame(ws, 8, p, 2 + rl);
  ws->close_after_flush = true;
  ws->close_deadline_ms = uv_now(&ws->sim->loop) + 2000;
  if (!ws->writing && !ws->pend.len && !ws->opening) xc__sim_conn_close(ws);
}

void xc__sim_ws_drop(xc__sim_ws *ws) {
  if (!ws || ws->closing) return;
  ws->rst = true; /* RST rather than FIN: looks like a network failure */
  xc__sim_conn_close(ws);
}

void xc__sim_ws_set_data(xc__sim_ws *ws, void *data) { ws->data = data; }
void *xc__sim_ws_data(const xc__sim_ws *ws) { return ws->data; }
uint64_t xc__sim_ws_id(const xc__sim_ws *ws) { return ws->id; }
xc_sim_ep xc__sim_ws_ep(const xc__sim_ws *ws) { return ws->ep; }
xc_sim *xc__sim_ws_sim(const xc__sim_ws *ws) { return ws->sim; }
const char *xc__sim_ws_path(const xc__sim_ws *ws) { return ws->path ? ws->path : ""; }
const char *xc__sim_ws_query(const xc__sim_ws *ws) { return ws->query ? ws->query : ""; }
size_t xc__sim_ws_queued(const xc__sim_ws *ws) { return ws->pend.len + ws->fly.len; }

void xc__sim_ws_set_ping(xc__sim_ws *ws, uint32_t interval_ms, uint32_t timeout_ms) {
  ws->ping_ms = interval_ms;
  ws->pong_timeout_ms = timeout_ms;
  ws->next_ping_ms = interval_ms ? uv_now(&ws->sim->loop) + interval_ms : 0;
}

void xc__sim_ws_set_lifetime(xc__sim_ws *ws, uint64_t ms) { ws->lifetime_ms = ms; }

void xc__sim_ws_set_idle_timeout(xc__sim_ws *ws, uint64_t ms, uint16_t close_code) {
  ws->idle_ms = ms;
  ws->idle_code = close_code;
  ws->last_rx_ms = uv_now(&ws->sim->loop);
}

void xc__sim_ws_set_rx_limit(xc__sim_ws *ws, uint32_t max_per_s, uint16_t close_code) {
  ws->rx_limit = max_per_s;
  ws->rx_close_code = close_code;
}

void xc__sim_ws_each(xc_sim *sim, xc_sim_ep ep, void (*fn)(xc__sim_ws *ws, void *user),
                     void *user) {
  sim_conn *c = sim->conns;
  while (c) {
    sim_conn *next = c->next; /* fn may close c (it stays listed until its close callback) */
    if (c->is_ws && !c->closing && (ep == XC_SIM_EP_COUNT || c->ep == ep)) fn(c, user);
    c = next;
  }
}

/* Stall / unstall: stop reading (pings go unanswered) and drop outgoing frames. */
void xc__sim_conn_stall(sim_conn *c, bool stall) {
  if (c->closing || c->stalled == stall) return;
  c->stalled = stall;
  if (stall) {
    uv_read_stop((uv_stream_t *)&c->tcp);
  } else {
    uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
    start_write(c);
    conn_process(c);
  }
}

/* Called every 50 ms: pings, pong timeouts, lifetimes, held reorder messages, close deadlines. */
void xc__sim_net_housekeeping(xc_sim *sim) {
  uint64_t now = uv_now(&sim->loop);
  sim_conn *c = sim->conns;
  while (c) {
    sim_conn *next = c->next;
    if (c->closing) {
      c = next;
      continue;
    }
    if (c->close_after_flush && c->close_deadline_ms && now >= c->close_deadline_ms) {
      xc__sim_conn_close(c);
    } else if (c->is_ws && !c->ws_closing) {
      if (c->lifetime_ms && now - c->open_ms >= c->lifetime_ms) {
        xc__sim_ws_close(c, 1000, "connection lifetime reached");
      } else if (c->idle_ms && !c->stalled && now - c->last_rx_ms >= c->idle_ms) {
        if (c->idle_code) xc__sim_ws_close(c, c->idle_code, "idle timeout");
        else xc__sim_ws_drop(c);
      } else if (c->pong_deadline_ms && now >= c->pong_deadline_ms) {
        XC_INFO("sim", "connection %llu: no pong, dropping", (unsigned long long)c->id);
        xc__sim_ws_drop(c);
      } else {
        if (c->ping_ms && !c->stalled && now >= c->next_ping_ms) {
          char payload[24];
          int n = snprintf(payload, sizeof payload, "%llu", (unsigned long long)now);
          ws_send_frame(c, 9, payload, (size_t)n);
          c->next_ping_ms = now + c->ping_ms;
          if (c->pong_timeout_ms && !c->pong_deadline_ms) c->pong_deadline_ms = now + c->pong_timeout_ms;
        }
        if (c->has_held && now - c->held_since_ms >= 500) {
          c->has_held = false;
          ws_send_text(c, c->held.data, c->held.len);
          xc_buf_reset(&c->held);
        }
      }
    }
    c = next;
  }
}
