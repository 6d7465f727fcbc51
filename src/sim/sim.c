/* The simulator object: options, lifecycle, the loop thread, cross-thread calls, clock, timers,
 * credentials and the public admin wrappers of xconn/sim.h. */
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "sim/sim_core.h"

uint64_t xc__sim_splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void xc_sim_opts_default(xc_sim_opts *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->host = "127.0.0.1";
  o->port_base = 0;
  o->seed = 1;
  o->symbols = "BTCUSDT,ETHUSDT";
  o->bg_tick_ms = 20;
  o->bg_actions = 4;
  o->ws_queue_max = 16u << 20;
  o->ws_lifetime_ms = 86400000u;
  o->ws_ping_ms = 20000;
  o->ws_pong_timeout_ms = 60000;
  o->rate_limit_pct = 100;
  o->http_max_body = 1u << 20;
}

/* ---- clock, randomness, limits ------------------------------------------------------------ */

const xc_sim_opts *xc__sim_opts(const xc_sim *sim) { return &sim->opts; }
int64_t xc__sim_now_ms(const xc_sim *sim) { return xc_wall_ms() + sim->clock_shift_ms; }
int64_t xc__sim_now_us(const xc_sim *sim) {
  return xc_wall_ns() / 1000 + sim->clock_shift_ms * 1000;
}
uint64_t xc__sim_mono_ms(const xc_sim *sim) {
  (void)sim;
  return xc_mono_ns() / 1000000u;
}
uint64_t xc__sim_rand(xc_sim *sim) { return xc__sim_splitmix(&sim->fe_rng); }
int64_t xc__sim_limit(const xc_sim *sim, int64_t real_limit) {
  if (real_limit <= 0) return real_limit;
  int64_t v = real_limit * (int64_t)sim->rate_pct / 100;
  return v < 1 ? 1 : v;
}

int64_t xc__sim_weight_window_ms(const xc_sim *sim) { return sim->weight_window_ms ? sim->weight_window_ms : 60000; }
void xc__sim_note_limited(xc_sim *sim) { sim->http_limited++; }

/* ---- timers ------------------------------------------------------------------------------- */

static void timer_cb(uv_timer_t *t) {
  struct xc__sim_timer *x = t->data;
  x->fn(x->sim, x->user);
}

xc__sim_timer *xc__sim_timer_new(xc_sim *sim, uint64_t first_ms, uint64_t repeat_ms,
                                 xc__sim_timer_fn fn, void *user) {
  if (!sim || !fn) return NULL;
  struct xc__sim_timer *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->sim = sim;
  x->fn = fn;
  x->user = user;
  uv_timer_init(&sim->loop, &x->t);
  x->t.data = x;
  uv_timer_start(&x->t, timer_cb, first_ms, repeat_ms);
  x->next = sim->timers;
  if (sim->timers) sim->timers->prev = x;
  sim->timers = x;
  return x;
}

static void timer_closed(uv_handle_t *h) { free(h->data); }

void xc__sim_timer_free(xc__sim_timer *x) {
  if (!x) return;
  xc_sim *sim = x->sim;
  if (x->prev) x->prev->next = x->next;
  else sim->timers = x->next;
  if (x->next) x->next->prev = x->prev;
  uv_timer_stop(&x->t);
  uv_close((uv_handle_t *)&x->t, timer_closed);
}

/* ---- front ends ---------------------------------------------------------------------------- */

xc_status xc__sim_fe_add(xc_sim *sim, const xc__sim_fe *fe, void *state) {
  if (!sim || !fe) return XC_EINVAL;
  if (sim->nfe >= XC__SIM_MAX_FE) return XC_EFULL;
  sim->fe[sim->nfe] = fe;
  sim->fe_state[sim->nfe] = state;
  sim->nfe++;
  return XC_OK;
}

/* ---- cross-thread calls ------------------------------------------------------------------- */

static void drain_cmds(xc_sim *sim) {
  pthread_mutex_lock(&sim->mu);
  sim_cmd *list = sim->cmds;
  sim->cmds = sim->cmds_tail = NULL;
  pthread_mutex_unlock(&sim->mu);
  while (list) {
    sim_cmd *next = list->next;
    list->fn(sim, list->arg);
    pthread_mutex_lock(&sim->mu);
    list->done = true;
    pthread_cond_broadcast(&sim->cv);
    pthread_mutex_unlock(&sim->mu);
    list = next;
  }
}

void xc__sim_call(xc_sim *sim, void (*fn)(xc_sim *sim, void *arg), void *arg) {
  if (!sim->running || pthread_equal(pthread_self(), sim->loop_thread)) {
    fn(sim, arg);
    return;
  }
  sim_cmd c = {.fn = fn, .arg = arg};
  pthread_mutex_lock(&sim->mu);
  if (!sim->running) {
    pthread_mutex_unlock(&sim->mu);
    fn(sim, arg);
    return;
  }
  if (sim->cmds_tail) sim->cmds_tail->next = &c;
  else sim->cmds = &c;
  sim->cmds_tail = &c;
  pthread_mutex_unlock(&sim->mu);
  uv_async_send(&sim->wake);
  pthread_mutex_lock(&sim->mu);
  while (!c.done) pthread_cond_wait(&sim->cv, &sim->mu);
  pthread_mutex_unlock(&sim->mu);
}

static void close_walk(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

/* Closes every connection (their on_close run now), then lets the front ends free their state
 * (including their timers), then closes what is left. Runs on the loop thread, or in
 * xc_sim_free when the loop is not running. */
static void shutdown_loop(xc_sim *sim) {
  xc__sim_net_close_all(sim);
  for (int i = sim->nfe - 1; i >= 0; i--)
    if (sim->fe[i]->destroy) sim->fe[i]->destroy(sim, sim->fe_state[i]);
  sim->nfe = 0;
  while (sim->timers) xc__sim_timer_free(sim->timers);
  if (!uv_is_closing((uv_handle_t *)&sim->house)) uv_close((uv_handle_t *)&sim->house, NULL);
  if (!uv_is_closing((uv_handle_t *)&sim->bg_timer)) uv_close((uv_handle_t *)&sim->bg_timer, NULL);
  if (!uv_is_closing((uv_handle_t *)&sim->wake)) uv_close((uv_handle_t *)&sim->wake, NULL);
}

static void wake_cb(uv_async_t *a) {
  xc_sim *sim = a->data;
  drain_cmds(sim);
  if (sim->stopping) {
    pthread_mutex_lock(&sim->mu);
    sim->running = false; /* later calls run inline */
    pthread_mutex_unlock(&sim->mu);
    drain_cmds(sim);
    shutdown_loop(sim);
  }
}

static void house_cb(uv_timer_t *t) { xc__sim_net_housekeeping(t->data); }

static void bg_cb(uv_timer_t *t) {
  xc_sim *sim = t->data;
  if (!sim->opts.bg_manual) xc__sim_bg_tick(sim);
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void make_credentials(xc_sim *sim) {
  uint64_t s = sim->opts.seed ^ 0x5eed5eed5eedull;
  static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  if (sim->opts.api_key && sim->opts.api_key[0]) {
    snprintf(sim->user.api_key, sizeof sim->user.api_key, "%s", sim->opts.api_key);
  } else {
    for (int i = 0; i < 64; i++)
      sim->user.api_key[i] = alnum[xc__sim_splitmix(&s) % (sizeof alnum - 1)];
    sim->user.api_key[64] = 0;
  }
  if (sim->opts.api_secret && sim->opts.api_secret[0]) {
    snprintf(sim->user.api_secret, sizeof sim->user.api_secret, "%s", sim->opts.api_secret);
  } else {
    for (int i = 0; i < 64; i++)
      sim->user.api_secret[i] = alnum[xc__sim_splitmix(&s) % (sizeof alnum - 1)];
    sim->user.api_secret[64] = 0;
  }
}

static void make_endpoints(xc_sim *sim) {
  xc_buf b;
  xc_buf_init(&b);
  xc_jw w;
  xc_jw_init(&w, &b);
  xc_jw_obj_begin(&w);
  xc_jw_key(&w, "binance");
  xc_jw_obj_begin(&w);
  xc_jw_key(&w, "spot_rest");
  xc_jw_str(&w, sim->lis[XC_SIM_EP_BINANCE_SPOT_REST].url);
  xc_jw_key(&w, "spot_ws");
  xc_jw_str(&w, sim->lis[XC_SIM_EP_BINANCE_SPOT_WS].url);
  xc_jw_key(&w, "usdm_rest");
  xc_jw_str(&w, sim->lis[XC_SIM_EP_BINANCE_USDM_REST].url);
  xc_jw_key(&w, "usdm_ws");
  xc_jw_str(&w, sim->lis[XC_SIM_EP_BINANCE_USDM_WS].url);
  xc_jw_obj_end(&w);
  xc_jw_key(&w, "bybit");
  xc_jw_obj_begin(&w);
  xc_jw_key(&w, "rest");
  xc_jw_str(&w, sim->lis[XC_SIM_EP_BYBIT_REST].url);
  xc_jw_key(&w, "ws");
  xc_jw_str(&w, sim->lis[XC_SIM_EP_BYBIT_WS].url);
  xc_jw_obj_end(&w);
  xc_jw_key(&w, "admin");
  xc_jw_str(&w, sim->lis[XC_SIM_EP_ADMIN].url);
  xc_jw_key(&w, "api_key");
  xc_jw_str(&w, sim->user.api_key);
  xc_jw_key(&w, "api_secret");
  xc_jw_str(&w, sim->user.api_secret);
  xc_jw_obj_end(&w);
  if (xc_jw_finish(&w) == XC_OK && b.len < sizeof sim->endpoints)
    memcpy(sim->endpoints, b.data, b.len + 1);
  xc_buf_free(&b);
}

/* Applies a JSON config file over the options (docs/sim.md). */
static xc_status load_config(xc_sim *sim, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return XC_EINVAL;
  xc_buf b;
  xc_buf_init(&b);
  char tmp[4096];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) xc_buf_append(&b, tmp, n);
  fclose(f);
  xc_json j;
  xc_json_init(&j);
  xc_status st = xc_json_parse(&j, b.data ? b.data : "", b.len);
  if (st == XC_OK && xc_json_type_of(&j, 0) != XC_JSON_OBJECT) st = XC_EINVAL;
  if (st == XC_OK) {
    char s[1024];
    int64_t v;
    uint64_t u;
    if (xc_json_get_str(&j, 0, "symbols", s, sizeof s) == XC_OK) {
      free(sim->symbols);
      sim->symbols = strdup(s);
    }
    if (xc_json_get_u64(&j, 0, "seed", &u) == XC_OK) sim->opts.seed = u;
    if (xc_json_get_i64(&j, 0, "bg_tick_ms", &v) == XC_OK && v > 0) sim->opts.bg_tick_ms = (uint32_t)v;
    if (xc_json_get_i64(&j, 0, "bg_actions", &v) == XC_OK && v >= 0) sim->opts.bg_actions = (uint32_t)v;
    if (xc_json_get_i64(&j, 0, "ws_lifetime_ms", &v) == XC_OK && v > 0)
      sim->opts.ws_lifetime_ms = (uint32_t)v;
    if (xc_json_get_i64(&j, 0, "rate_limit_pct", &v) == XC_OK && v > 0)
      sim->opts.rate_limit_pct = (uint32_t)v;
    if (xc_json_get_i64(&j, 0, "ws_queue_max", &v) == XC_OK && v > 0)
      sim->opts.ws_queue_max = (uint32_t)v;
    if (xc_json_get_str(&j, 0, "api_key", s, sizeof s) == XC_OK && strlen(s) < 72)
      snprintf(sim->user.api_key, sizeof sim->user.api_key, "%s", s);
    if (xc_json_get_str(&j, 0, "api_secret", s, sizeof s) == XC_OK && strlen(s) < 72)
      snprintf(sim->user.api_secret, sizeof sim->user.api_secret, "%s", s);
  }
  xc_json_free(&j);
  xc_buf_free(&b);
  return st == XC_OK ? XC_OK : XC_EINVAL;
}

xc_status xc_sim_new(const xc_sim_opts *opts, xc_sim **out) {
  if (!out) return XC_EINVAL;
  *out = NULL;
  xc_sim_opts def;
  xc_sim_opts_default(&def);
  if (!opts) opts = &def;
  xc_sim *sim = calloc(1, sizeof *sim);
  if (!sim) return XC_ENOMEM;
  sim->opts = *opts;
  if (!sim->opts.host || !sim->opts.host[0]) sim->opts.host = "127.0.0.1";
  snprintf(sim->host, sizeof sim->host, "%s", sim->opts.host);
  sim->opts.host = sim->host;
  sim->symbols = dup_or_null(opts->symbols && opts->symbols[0] ? opts->symbols : def.symbols);
  sim->opts.symbols = NULL;
  sim->opts.api_key = NULL;
  sim->opts.api_secret = NULL;
  sim->opts.config_path = NULL;
  if (!sim->opts.bg_tick_ms) sim->opts.bg_tick_ms = def.bg_tick_ms;
  if (!sim->opts.ws_queue_max) sim->opts.ws_queue_max = def.ws_queue_max;
  if (!sim->opts.ws_lifetime_ms) sim->opts.ws_lifetime_ms = def.ws_lifetime_ms;
  if (!sim->opts.rate_limit_pct) sim->opts.rate_limit_pct = 100;
  if (!sim->opts.http_max_body) sim->opts.http_max_body = def.http_max_body;
  pthread_mutex_init(&sim->mu, NULL);
  pthread_cond_init(&sim->cv, NULL);
  /* credentials first (the config may override them) */
  xc_sim_opts tmp = *opts;
  sim->opts.api_key = tmp.api_key;
  sim->opts.api_secret = tmp.api_secret;
  make_credentials(sim);
  sim->opts.api_key = sim->user.api_key;
  sim->opts.api_secret = sim->user.api_secret;
  xc_status st = XC_OK;
  if (opts->config_path && opts->config_path[0]) {
    sim->config_path = strdup(opts->config_path);
    st = load_config(sim, opts->config_path);
    if (st) XC_ERROR("sim", "cannot load config %s", opts->config_path);
  }
  sim->opts.symbols = sim->symbols;
  sim->opts.config_path = sim->config_path;
  sim->rate_pct = sim->opts.rate_limit_pct;
  sim->bg_max_orders = 400;
  sim->fe_rng = sim->opts.seed * 0x2545F4914F6CDD1Dull + 7;
  if (st == XC_OK && uv_loop_init(&sim->loop) != 0) st = XC_EIO;
  if (st == XC_OK) {
    sim->loop_init = true;
    sim->loop.data = sim;
    uv_async_init(&sim->loop, &sim->wake, wake_cb);
    sim->wake.data = sim;
    uv_timer_init(&sim->loop, &sim->house);
    sim->house.data = sim;
    uv_timer_init(&sim->loop, &sim->bg_timer);
    sim->bg_timer.data = sim;
    xc_buf_init(&sim->resp.body);
    xc_buf_init(&sim->resp.headers);
    st = xc__sim_engine_init(sim);
  }
  if (st == XC_OK) st = xc__sim_net_listen(sim);
  if (st == XC_OK) {
    xc__sim_bg_init(sim);
    xc__sim_admin_attach(sim);
    st = xc__sim_frontends_attach(sim);
  }
  if (st != XC_OK) {
    xc_sim_free(sim);
    return st;
  }
  make_endpoints(sim);
  *out = sim;
  return XC_OK;
}

xc_status xc_sim_run(xc_sim *sim) {
  if (!sim) return XC_EINVAL;
  pthread_mutex_lock(&sim->mu);
  if (sim->running || sim->stopping) {
    pthread_mutex_unlock(&sim->mu);
    return XC_EMISUSE;
  }
  sim->loop_thread = pthread_self();
  sim->running = true;
  __atomic_store_n(&sim->run_active, true, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&sim->mu);
  /* A write to a peer that went away must fail with EPIPE, not kill the process: block SIGPIPE
   * on this thread (it is a thread-directed signal) and swallow any pending one at the end. */
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  uv_timer_start(&sim->house, house_cb, 50, 50);
  uv_timer_start(&sim->bg_timer, bg_cb, sim->opts.bg_tick_ms, sim->opts.bg_tick_ms);
  if (sim->stopping) wake_cb(&sim->wake);
  uv_run(&sim->loop, UV_RUN_DEFAULT);
  pthread_mutex_lock(&sim->mu);
  sim->running = false;
  pthread_mutex_unlock(&sim->mu);
  drain_cmds(sim);
  struct timespec zero = {0, 0};
  while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE) {
  }
  pthread_sigmask(SIG_SETMASK, &old_set, NULL);
  __atomic_store_n(&sim->run_active, false, __ATOMIC_RELEASE);
  return XC_OK;
}

static void *thread_main(void *arg) {
  xc_sim_run(arg);
  return NULL;
}

xc_status xc_sim_start(xc_sim *sim) {
  if (!sim) return XC_EINVAL;
  if (sim->thread_started || sim->running) return XC_EMISUSE;
  /* mark running before the thread starts so calls made right after queue correctly */
  if (pthread_create(&sim->thread, NULL, thread_main, sim) != 0) return XC_EIO;
  sim->thread_started = true;
  /* wait until the loop thread owns the simulator */
  for (int i = 0; i < 2000 && !sim->running && !sim->stopping; i++) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  return XC_OK;
}

void xc_sim_stop(xc_sim *sim) {
  if (!sim) return;
  sim->stopping = true;
  if (sim->loop_init) uv_async_send(&sim->wake);
}

void xc_sim_free(xc_sim *sim) {
  if (!sim) return;
  if (sim->thread_started) {
    xc_sim_stop(sim);
    pthread_join(sim->thread, NULL);
    sim->thread_started = false;
  } else if (__atomic_load_n(&sim->run_active, __ATOMIC_ACQUIRE) &&
             !pthread_equal(pthread_self(), sim->loop_thread)) {
    /* running in xc_sim_run() on another thread: stop it and wait for it to return */
    xc_sim_stop(sim);
    for (int i = 0; i < 10000 && __atomic_load_n(&sim->run_active, __ATOMIC_ACQUIRE); i++) {
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
    }
  }
  if (sim->loop_init) {
    /* never ran, or ran and stopped: close what is left and let the closes complete */
    sim->running = false;
    if (!uv_is_closing((uv_handle_t *)&sim->wake)) shutdown_loop(sim);
    uv_run(&sim->loop, UV_RUN_DEFAULT);
  }
  if (sim->loop_init) {
    uv_walk(&sim->loop, close_walk, NULL);
    uv_run(&sim->loop, UV_RUN_DEFAULT);
    uv_loop_close(&sim->loop);
  }
  xc__sim_topic_free_all(sim);
  xc__sim_engine_free(sim);
  xc_buf_free(&sim->resp.body);
  xc_buf_free(&sim->resp.headers);
  xc_buf_free(&sim->body_copy);
  xc_buf_free(&sim->tmp);
  pthread_mutex_destroy(&sim->mu);
  pthread_cond_destroy(&sim->cv);
  free(sim->symbols);
  free(sim->config_path);
  OPENSSL_cleanse(sim->user.api_secret, sizeof sim->user.api_secret);
  free(sim);
}

const char *xc_sim_endpoints_json(const xc_sim *sim) { return sim ? sim->endpoints : ""; }
const char *xc_sim_endpoint(const xc_sim *sim, xc_sim_ep ep) {
  return sim && (unsigned)ep < XC_SIM_EP_COUNT ? sim->lis[ep].url : "";
}
int xc_sim_port(const xc_sim *sim, xc_sim_ep ep) {
  return sim && (unsigned)ep < XC_SIM_EP_COUNT ? sim->lis[ep].port : 0;
}
const char *xc_sim_api_key(const xc_sim *sim) { return sim ? sim->user.api_key : ""; }
const char *xc_sim_api_secret(const xc_sim *sim) { return sim ? sim->user.api_secret : ""; }
void xc_sim_str_free(char *s) { free(s); }

/* ---- admin wrappers -------------------------------------------------------------------------- */

typedef struct admin_call {
  const char *name;
  const char *args;
  size_t args_len;
  xc_buf out;
  xc_status st;
} admin_call;

static void admin_call_fn(xc_sim *sim, void *arg) {
  admin_call *c = arg;
  c->st = xc__sim_admin_run(sim, c->name, c->args, c->args_len, &c->out);
}

xc_status xc_sim_admin(xc_sim *sim, const char *name, const char *args_json, char **out_json) {
  if (out_json) *out_json = NULL;
  if (!sim || !name) return XC_EINVAL;
  admin_call c = {.name = name, .args = args_json ? args_json : "{}"};
  c.args_len = strlen(c.args);
  xc_buf_init(&c.out);
  xc__sim_call(sim, admin_call_fn, &c);
  if (out_json && c.out.data) {
    *out_json = c.out.data; /* hand over the buffer */
  } else {
    xc_buf_free(&c.out);
  }
  if (out_json && !*out_json) *out_json = strdup("{}");
  return c.st;
}

static xc_status admin_fmt(xc_sim *sim, const char *name, char **out, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static xc_status admin_fmt(xc_sim *sim, const char *name, char **out, const char *fmt, ...) {
  char args[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  return xc_sim_admin(sim, name, args, out);
}

static const char *venue_name(xc_sim_venue v) { return v == XC_SIM_BYBIT ? "bybit" : "binance"; }

xc_status xc_sim_drop_ws(xc_sim *sim, int *n) {
  char *out = NULL;
  xc_status st = xc_sim_admin(sim, "drop_ws", "{}", &out);
  if (n) {
    *n = 0;
    if (out) sscanf(out, "{\"dropped\":%d", n);
  }
  free(out);
  return st;
}
xc_status xc_sim_stall_ws(xc_sim *sim, uint64_t conn_id, bool stall) {
  return admin_fmt(sim, "stall_ws", NULL, "{\"conn_id\":%" PRIu64 ",\"stall\":%s}", conn_id,
                   stall ? "true" : "false");
}
xc_status xc_sim_fault_book_gap(xc_sim *sim, xc_sim_venue venue, const char *symbol, int n) {
  if (!symbol || strchr(symbol, '"') || strchr(symbol, '\\')) return XC_EINVAL;
  return admin_fmt(sim, "book_gap", NULL, "{\"venue\":\"%s\",\"symbol\":\"%s\",\"n\":%d}",
                   venue_name(venue), symbol, n);
}
xc_status xc_sim_fault_duplicate(xc_sim *sim, int n) {
  return admin_fmt(sim, "duplicate", NULL, "{\"n\":%d}", n);
}
xc_status xc_sim_fault_reorder(xc_sim *sim, int n) {
  return admin_fmt(sim, "reorder", NULL, "{\"n\":%d}", n);
}
xc_status xc_sim_fault_http(xc_sim *sim, int status, int n) {
  return admin_fmt(sim, "http_fault", NULL, "{\"status\":%d,\"n\":%d}", status, n);
}
xc_status xc_sim_set_latency(xc_sim *sim, uint32_t ms) {
  return admin_fmt(sim, "latency", NULL, "{\"ms\":%u}", ms);
}
xc_status xc_sim_shift_clock(xc_sim *sim, int64_t ms) {
  return admin_fmt(sim, "clock_shift", NULL, "{\"ms\":%" PRId64 "}", ms);
}
xc_status xc_sim_set_rate_limit_pct(xc_sim *sim, uint32_t pct) {
  return admin_fmt(sim, "rate_limit", NULL, "{\"pct\":%u}", pct);
}
xc_status xc_sim_venue_fault(xc_sim *sim, xc_sim_venue venue, const char *kind,
                             const char *symbol) {
  if (!kind || strchr(kind, '"') || strchr(kind, '\\') ||
      (symbol && (strchr(symbol, '"') || strchr(symbol, '\\'))))
    return XC_EINVAL;
  if (symbol)
    return admin_fmt(sim, "venue_fault", NULL,
                     "{\"venue\":\"%s\",\"kind\":\"%s\",\"symbol\":\"%s\"}", venue_name(venue),
                     kind, symbol);
  return admin_fmt(sim, "venue_fault", NULL, "{\"venue\":\"%s\",\"kind\":\"%s\"}",
                   venue_name(venue), kind);
}
xc_status xc_sim_book_json(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind, const char *symbol,
                           int depth, char **out_json) {
  if (!symbol || strchr(symbol, '"') || strchr(symbol, '\\')) return XC_EINVAL;
  return admin_fmt(sim, "book", out_json,
                   "{\"venue\":\"%s\",\"kind\":\"%s\",\"symbol\":\"%s\",\"depth\":%d}",
                   venue_name(venue), kind == XC_SIM_LINEAR ? "linear" : "spot", symbol, depth);
}
xc_status xc_sim_bg_step(xc_sim *sim, uint32_t n) {
  return admin_fmt(sim, "bg_step", NULL, "{\"n\":%u}", n);
}
xc_status xc_sim_deposit(xc_sim *sim, xc_sim_venue venue, xc_sim_kind kind, const char *asset,
                         const char *amount) {
  if (!asset || !amount || strchr(asset, '"') || strchr(amount, '"') || strchr(asset, '\\') ||
      strchr(amount, '\\'))
    return XC_EINVAL;
  return admin_fmt(sim, "deposit", NULL,
                   "{\"venue\":\"%s\",\"kind\":\"%s\",\"asset\":\"%s\",\"amount\":\"%s\"}",
                   venue_name(venue), kind == XC_SIM_LINEAR ? "linear" : "spot", asset, amount);
}

typedef struct stats_call {
  uint64_t trades, hash, msgs;
  int open;
} stats_call;

static void stats_fn(xc_sim *sim, void *arg) {
  stats_call *c = arg;
  c->trades = sim->trades_total;
  c->hash = sim->trade_hash;
  c->msgs = sim->ws_msgs;
  c->open = sim->nws;
}

xc_status xc_sim_stats(xc_sim *sim, uint64_t *trades, uint64_t *trade_hash, uint64_t *ws_msgs_sent,
                       int *ws_open) {
  if (!sim) return XC_EINVAL;
  stats_call c = {0};
  xc__sim_call(sim, stats_fn, &c);
  if (trades) *trades = c.trades;
  if (trade_hash) *trade_hash = c.hash;
  if (ws_msgs_sent) *ws_msgs_sent = c.msgs;
  if (ws_open) *ws_open = c.open;
  return XC_OK;
}
