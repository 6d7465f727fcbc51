/* sim/sim_core.h: private structures of the simulator core (not for front ends: they use
 * sim_int.h). Shared by sim.c, sim_net.c, sim_topic.c, sim_engine.c, sim_bg.c, sim_admin.c. */
#ifndef XC_SIM_SIM_CORE_H
#define XC_SIM_SIM_CORE_H

#include <pthread.h>
#include <uv.h>

#include "sim/sim_int.h"

#define XC__SIM_MAX_ROUTES 256
#define XC__SIM_MAX_WS_ROUTES 32
#define XC__SIM_MAX_FE 8
#define XC__SIM_MAX_WS_MSG (1u << 20)
#define XC__SIM_TOPIC_BUCKETS 4096
#define XC__SIM_MAX_TOPICS_PER_WS 1024
#define XC__SIM_TRADES_KEPT 1000
#define XC__SIM_DONE_KEPT 10000
#define XC__SIM_FILLS_KEPT 1000
#define XC__SIM_MAX_OPEN_PER_MKT 200
#define XC__SIM_MAX_ASSETS 32
#define XC__SIM_MAX_MKTS 64
#define XC__SIM_BATCH_MAX_CHANGED 4096 /* distinct changed levels per depth-batch window */

/* ---- server ---------------------------------------------------------------------------------- */

typedef struct sim_route {
  char method[12];
  char path[128];
  size_t path_len;
  bool prefix;
  xc__sim_http_fn fn;
  const xc__sim_ws_handlers *ws;
  void *user;
} sim_route;

typedef struct sim_listener {
  uv_tcp_t tcp;
  bool open;
  int port;
  char url[96];
  sim_route routes[XC__SIM_MAX_ROUTES];
  int nroutes;
  sim_route ws_routes[XC__SIM_MAX_WS_ROUTES];
  int nws_routes;
  xc__sim_http_fn fallback;
  void *fallback_user;
  xc__sim_http_error_fn errfn;
  void *errfn_user;
} sim_listener;

typedef struct sim_topic sim_topic;
typedef struct sim_tsub {
  sim_topic *topic;
  int variant;
} sim_tsub;

/* One TCP connection; once upgraded, also the WebSocket session. */
struct xc__sim_ws {
  uv_tcp_t tcp;
  xc_sim *sim;
  xc_sim_ep ep;
  uint64_t id;
  struct xc__sim_ws *next, *prev; /* sim->conns */
  char remote_ip[48];
  bool closing;        /* uv_close called */
  bool is_ws;
  bool ws_closing;     /* close frame queued: no more data frames */
  bool close_after_flush;
  bool stalled;
  bool delayed;        /* an HTTP response is waiting for the latency timer */
  bool on_close_done;
  bool opening;        /* inside on_open: frames are held */
  bool rst;            /* close with a TCP reset */
  bool read_paused;    /* HTTP backpressure: reading stopped until the output drains */
  bool sent_continue;  /* "100 Continue" sent for the request being received */
  /* input */
  xc_buf in;
  size_t in_off;
  /* output: frames are appended to pend; fly is being written */
  xc_buf pend, fly;
  bool writing;
  uv_write_t wreq;
  /* delayed HTTP response */
  uv_timer_t delay_timer;
  bool delay_timer_init;
  xc_buf delayed_out;
  bool delayed_close;
  /* WebSocket */
  const xc__sim_ws_handlers *h;
  void *h_user;
  void *data;
  char *path;
  char *query;
  xc_buf msg;          /* fragment reassembly */
  int msg_op;
  uint64_t open_ms;    /* mono */
  uint64_t lifetime_ms;
  uint64_t idle_ms, last_rx_ms;
  uint16_t idle_code;
  uint32_t ping_ms, pong_timeout_ms;
  uint64_t next_ping_ms, pong_deadline_ms;
  uint32_t rx_limit;
  uint16_t rx_close_code;
  uint64_t rx_window_ms;
  uint32_t rx_count;
  uint64_t close_deadline_ms;
  xc_buf held;         /* reorder fault: a private message held back */
  uint64_t held_since_ms;
  bool has_held;
  sim_tsub *tsubs;
  int ntsubs, captsubs;
  uint64_t frames_sent;
};
typedef struct xc__sim_ws sim_conn;

struct sim_topic {
  char *name;
  uint32_t hash;
  sim_topic *next;       /* bucket chain */
  struct { sim_conn *ws; int variant; } *subs;
  int nsubs, capsubs;
  unsigned mask_count[8];
};

struct xc__sim_timer {
  uv_timer_t t;
  xc_sim *sim;
  xc__sim_timer_fn fn;
  void *user;
  struct xc__sim_timer *next, *prev;
};

typedef struct sim_cmd {
  void (*fn)(xc_sim *sim, void *arg);
  void *arg;
  bool done;
  struct sim_cmd *next;
} sim_cmd;

/* ---- engine ---------------------------------------------------------------------------------- */

typedef struct sim_order sim_order;
struct sim_order {
  xc__sim_order o;        /* public view (kept current for user orders) */
  int64_t px;             /* limit price in ticks (market: 0) */
  int64_t lots;           /* original lots */
  int64_t rem;            /* remaining lots */
  sim_order *lnext, *lprev; /* FIFO at its level */
  sim_order *anext, *aprev; /* account open list */
  sim_order *hnext;       /* id hash chain */
  xc__sim_acct *acct;     /* NULL: background trader */
  int bg_index;           /* index in mkt->bg_orders, -1 if not a bg order */
  xc_dec locked;          /* spot: asset amount still locked; linear: order margin still held */
  bool resting;
};

typedef struct sim_level {
  int64_t px;
  int64_t lots;
  sim_order *head, *tail;
} sim_level;

typedef struct sim_book_side {
  sim_level *lv;          /* sorted so that the best level is LAST */
  int n, cap;
} sim_book_side;

typedef struct sim_changed {
  int64_t px;
  uint8_t side;
} sim_changed;

struct xc__sim_depth_batch {
  xc__sim_mkt *mkt;
  int max_levels;
  uint64_t first_id, last_id, prev_last;
  uint64_t gap_seen;
  int drop_left;
  uint64_t cross_seen;  /* book_cross fault serial acted on */
  int cross_state;      /* 0 none, 1 the next diff carries the crossing bid, 2 the next one corrects it */
  int64_t cross_px;     /* price (ticks) of that bid */
  sim_changed *ch;
  int nch, capch;
  uint64_t *ht;     /* set of (px, side) keys in ch */
  bool overflow;    /* more than XC__SIM_BATCH_MAX_CHANGED levels since the last flush */
  size_t htcap;
  xc__sim_level *out[2];
  int capout[2];
  struct xc__sim_depth_batch *next, *prev;
};

struct xc__sim_mkt {
  xc_sim *sim;
  int index;
  xc__sim_instr in;
  sim_book_side side[2];  /* [XC__SIM_BUY] bids, [XC__SIM_SELL] asks */
  uint64_t update_id;
  uint64_t next_trade_id;
  xc__sim_trade trades[XC__SIM_TRADES_KEPT];
  int ntrades, trade_head;
  xc__sim_stats24 stats;
  xc_dec last_price;
  xc__sim_depth_batch *batches;
  uint64_t gap_serial, gap_pending;
  uint64_t cross_serial;  /* book_cross fault: bumped per injection */
  /* background traders */
  uint64_t rng[4];
  int64_t bg_mid;         /* ticks */
  int64_t bg_lot;         /* typical order size in lots */
  sim_order **bg_orders;
  int nbg, capbg;
};

typedef struct sim_bal {
  char asset[12];
  xc_dec wallet;
  xc_dec locked;          /* spot locks */
  bool changed;
  xc_dec delta;
} sim_bal;

typedef struct sim_pos {
  xc_dec qty;             /* signed */
  xc_dec cost;            /* |qty| * entry, exact as traded */
  xc_dec realized;
  int leverage;
  int64_t update_ms;
  bool changed;
} sim_pos;

typedef struct sim_fill_rec {
  xc__sim_fill f;
  uint64_t order_id;
  int mkt;
} sim_fill_rec;

struct xc__sim_acct {
  xc_sim *sim;
  xc_sim_venue venue;
  bool margin;            /* can trade linear markets (USDⓈ-M, Bybit unified) */
  char margin_asset[12];
  sim_bal bal[XC__SIM_MAX_ASSETS];
  int nbal;
  xc_dec order_margin;
  sim_pos pos[XC__SIM_MAX_MKTS];
  sim_order *open_head, *open_tail;
  int nopen[XC__SIM_MAX_MKTS];
  xc__sim_order *done;    /* ring of finished orders */
  int ndone, done_head, capdone;
  sim_fill_rec *fills;    /* ring */
  int nfills, fill_head;
  bool touched;           /* in the current action's change list */
};

/* ---- the simulator --------------------------------------------------------------------------- */

struct xc_sim {
  xc_sim_opts opts;
  char host[64];
  char *symbols;
  char *config_path;
  uv_loop_t loop;
  bool loop_init;
  uv_async_t wake;
  uv_timer_t house;
  uv_timer_t bg_timer;
  uv_signal_t sig[2];
  bool handle_signals;
  sim_listener lis[XC_SIM_EP_COUNT];
  sim_conn *conns;
  int nconns, nws;
  uint64_t next_conn_id;
  sim_topic *topics[XC__SIM_TOPIC_BUCKETS];
  struct xc__sim_timer *timers;
  /* scratch for handlers */
  xc__sim_req req;
  xc__sim_resp resp;
  xc_buf body_copy;
  xc_buf tmp;
  /* threading */
  pthread_t thread;
  bool thread_started;
  volatile bool running;
  volatile bool stopping;
  bool run_active;     /* inside xc_sim_run (atomic access) */
  pthread_t loop_thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  sim_cmd *cmds, *cmds_tail;
  /* clock, randomness, limits, faults */
  int64_t clock_shift_ms;
  uint64_t fe_rng;
  uint32_t rate_pct;
  uint32_t weight_window_ms;  /* Binance REQUEST_WEIGHT window (admin rate_limit window_s); 0 = 60 s */
  uint64_t http_limited;      /* REST requests refused by a rate limit (429 / 418) */
  int bg_max_orders;    /* background orders per market (400) */
  uint32_t latency_ms;
  int http_fault_status, http_fault_n;
  int http_fault_when;        /* 0 before the handler, 1 after it (answer replaced), 2 after it (no answer,
                                 closed), 3 after it (no answer, left open) */
  char http_fault_path[96];   /* only requests to this path ( = any) */
  char http_fault_method[8];  /* only this method ("" = any) */
  int dup_n, reorder_n;
  /* front ends */
  const xc__sim_fe *fe[XC__SIM_MAX_FE];
  void *fe_state[XC__SIM_MAX_FE];
  int nfe;
  /* engine */
  xc__sim_mkt *mkts[XC__SIM_MAX_MKTS];
  int nmkts;
  xc__sim_user user;
  xc__sim_acct *accts[XC_SIM_VENUE_COUNT * XC_SIM_KIND_COUNT];
  int naccts;
  uint64_t next_order_id;
  sim_order *id_hash[8192];
  sim_order *free_orders;
  int action_depth;
  /* stats */
  uint64_t trades_total, trade_hash, ws_msgs;
  /* output */
  char endpoints[1024];
  /* admin debug stream: every public event as JSON to subscribers of topic "sim:all" */
  bool admin_stream;
};

/* sim_net.c */
xc_status xc__sim_net_listen(xc_sim *sim);
void xc__sim_net_close_all(xc_sim *sim);
void xc__sim_net_housekeeping(xc_sim *sim);
void xc__sim_conn_close(sim_conn *c);
void xc__sim_conn_stall(sim_conn *c, bool stall);
/* sim_topic.c */
void xc__sim_topic_drop_ws(sim_conn *c);
void xc__sim_topic_free_all(xc_sim *sim);
/* sim_engine.c */
xc_status xc__sim_engine_init(xc_sim *sim);
void xc__sim_engine_free(xc_sim *sim);
void xc__sim_emit(xc_sim *sim, const xc__sim_event *ev);
/* background (sim_bg.c) */
void xc__sim_bg_init(xc_sim *sim);
void xc__sim_bg_tick(xc_sim *sim);
void xc__sim_bg_tick_n(xc_sim *sim, uint32_t actions);
/* engine internals used by the background market */
sim_order *xc__sim_bg_place(xc__sim_mkt *m, xc__sim_side side, int64_t px, int64_t lots, bool ioc);
void xc__sim_bg_cancel(xc__sim_mkt *m, sim_order *o);
void xc__sim_action_begin(xc_sim *sim);
void xc__sim_action_end(xc_sim *sim);
/* admin (sim_admin.c) */
void xc__sim_admin_attach(xc_sim *sim);
xc_status xc__sim_admin_run(xc_sim *sim, const char *name, const char *args, size_t args_len,
                            xc_buf *out);
/* front ends (sim_frontends.c) */
xc_status xc__sim_frontends_attach(xc_sim *sim);
/* sim.c */
void xc__sim_call(xc_sim *sim, void (*fn)(xc_sim *sim, void *arg), void *arg);
uint64_t xc__sim_splitmix(uint64_t *s);

#endif
