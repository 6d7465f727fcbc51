/* Engine thread: command queue order and bounds, timers, exactly-once completion at shutdown,
 * freeing from inside a callback. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "core/clock.h"
#include "transport/engine.h"
#include "tscale.h"

typedef struct counter {
  _Atomic int run, cancelled, order_errors;
  _Atomic int last;
} counter;

typedef struct item {
  counter *c;
  int seq;
  bool on_thread;
} item;

static void cmd_fn(xc__engine *e, void *arg, bool cancelled) {
  item *it = arg;
  if (!xc__engine_on_thread(e)) atomic_fetch_add(&it->c->order_errors, 1);
  if (cancelled) atomic_fetch_add(&it->c->cancelled, 1);
  else {
    int prev = atomic_exchange(&it->c->last, it->seq);
    if (prev + 1 != it->seq) atomic_fetch_add(&it->c->order_errors, 1);
    atomic_fetch_add(&it->c->run, 1);
  }
  free(it);
}

/* Timing bounds are widened under valgrind (or XC_TEST_SLOW=1). */
/* upper bounds and deadlines stretch under load, ASan, valgrind (tests/tscale.h) */
static double slow(void) { return xc_test_time_scale(); }

static void wait_until(_Atomic int *v, int want, int ms) { XC_WAIT_UNTIL(atomic_load(v) >= want, ms); }

static void test_post_fifo(void **state) {
  (void)state;
  xc__engine *e;
  assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
  assert_false(xc__engine_on_thread(e));
  counter c = {0};
  atomic_store(&c.last, 0);
  for (int i = 1; i <= 2000; i++) {
    item *it = calloc(1, sizeof *it);
    it->c = &c;
    it->seq = i;
    xc_status st;
    while ((st = xc__engine_post(e, cmd_fn, it)) == XC_EFULL) usleep(100);
    assert_int_equal(st, XC_OK);
  }
  wait_until(&c.run, 2000, 5000);
  assert_int_equal(atomic_load(&c.run), 2000);
  assert_int_equal(atomic_load(&c.order_errors), 0);
  xc__engine_free(e);
}

/* gate: 0 = posted, 1 = running (set by the blocker), 2 = released */
static void block_fn(xc__engine *e, void *arg, bool cancelled) {
  (void)e;
  (void)cancelled;
  _Atomic int *gate = arg;
  int want = 0;
  atomic_compare_exchange_strong(gate, &want, 1);
  while (atomic_load(gate) != 2) usleep(500);
}

static void test_bounded_and_cancel_at_shutdown(void **state) {
  (void)state;
  xc__engine_opts o;
  xc__engine_opts_default(&o);
  o.queue_cap = 8;
  xc__engine *e;
  assert_int_equal(xc__engine_new(&o, &e), XC_OK);
  _Atomic int gate = 0;
  assert_int_equal(xc__engine_post(e, block_fn, &gate), XC_OK);
  wait_until(&gate, 1, 3000); /* the blocker is running; the queue is empty */
  assert_int_equal(atomic_load(&gate), 1);
  counter c = {0};
  int accepted = 0, full = 0;
  for (int i = 1; i <= 20; i++) {
    item *it = calloc(1, sizeof *it);
    it->c = &c;
    it->seq = i;
    xc_status st = xc__engine_post(e, cmd_fn, it);
    if (st == XC_OK) accepted++;
    else {
      assert_int_equal(st, XC_EFULL);
      full++;
      free(it);
    }
  }
  assert_int_equal(accepted, 8);
  assert_int_equal(full, 12);
  /* Free while the blocker holds the loop: the thread sees `stopping` after the blocker and runs
   * every accepted command exactly once, cancelled or not. */
  atomic_store(&gate, 2);
  xc__engine_free(e);
  assert_int_equal(atomic_load(&c.run) + atomic_load(&c.cancelled), 8);
}

static void test_post_after_free_start_rejected(void **state) {
  (void)state;
  xc__engine *e;
  assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
  _Atomic int gate = 0;
  assert_int_equal(xc__engine_post(e, block_fn, &gate), XC_OK);
  wait_until(&gate, 1, 3000);
  counter c = {0};
  item *it = calloc(1, sizeof *it);
  it->c = &c;
  it->seq = 1;
  assert_int_equal(xc__engine_post(e, cmd_fn, it), XC_OK);
  atomic_store(&gate, 2);
  xc__engine_free(e);
  assert_int_equal(atomic_load(&c.run) + atomic_load(&c.cancelled), 1);
}

typedef struct tctx {
  xc__engine *e;
  xc__timer *t;
  _Atomic int fired;
  uint64_t t0, t_first, t_last;
  _Atomic int done;
} tctx;

static void tick(xc__timer *t, void *arg) {
  tctx *c = arg;
  int n = atomic_fetch_add(&c->fired, 1) + 1;
  if (n == 1) c->t_first = xc__engine_now_ms(c->e);
  if (n == 5) {
    c->t_last = xc__engine_now_ms(c->e);
    xc__timer_free(t); /* from its own callback */
    atomic_store(&c->done, 1);
  }
}

static void start_timer(xc__engine *e, void *arg, bool cancelled) {
  tctx *c = arg;
  if (cancelled) return;
  c->t = xc__timer_new(e, tick, c);
  c->t0 = xc__engine_now_ms(e); /* libuv timers are relative to the loop's cached time */
  xc__timer_start(c->t, 30, 10);
}

static void test_timers(void **state) {
  (void)state;
  xc__engine *e;
  assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
  tctx c = {0};
  c.e = e;
  assert_int_equal(xc__engine_post(e, start_timer, &c), XC_OK);
  wait_until(&c.done, 1, 3000);
  assert_int_equal(atomic_load(&c.done), 1);
  uint64_t first_ms = c.t_first - c.t0, span_ms = c.t_last - c.t_first;
  assert_true(first_ms >= 30 && first_ms < 500 * slow());
  assert_true(span_ms >= 40 && span_ms < 1000 * slow());
  usleep(50000);
  assert_int_equal(atomic_load(&c.fired), 5);
  xc__engine_stats s;
  xc__engine_stats_get(e, &s);
  assert_int_equal(s.timers_live, 0);
  xc__engine_free(e);
}

/* A timer left alive at shutdown is closed by the engine (no leak under ASan/valgrind). */
static void start_forever(xc__engine *e, void *arg, bool cancelled) {
  (void)arg;
  if (cancelled) return;
  xc__timer *t = xc__timer_new(e, tick, arg);
  xc__timer_start(t, 100000, 0);
}

static void test_timer_left_at_shutdown(void **state) {
  (void)state;
  xc__engine *e;
  assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
  tctx c = {0};
  c.e = e;
  assert_int_equal(xc__engine_post(e, start_forever, &c), XC_OK);
  usleep(20000);
  xc__engine_free(e);
}

static _Atomic int g_freed_inside;
static void free_inside(xc__engine *e, void *arg, bool cancelled) {
  (void)arg;
  if (cancelled) return;
  xc__engine_free(e);
  atomic_store(&g_freed_inside, 1);
}

static void test_free_from_callback(void **state) {
  (void)state;
  xc__engine *e;
  assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
  assert_int_equal(xc__engine_post(e, free_inside, NULL), XC_OK);
  wait_until(&g_freed_inside, 1, 3000);
  assert_int_equal(atomic_load(&g_freed_inside), 1);
  usleep(100000 * (useconds_t)slow()); /* the detached thread finishes and frees the engine */
}

/* A heap-allocated uv_poll handle left open on the loop (what libwebsockets 4.1 leaves after some
 * failed client connects) is closed and freed at engine shutdown; under ASan nothing leaks. */
static int g_orphan_fd[2] = {-1, -1};
static _Atomic int g_orphan_made;
static void make_orphan(xc__engine *e, void *arg, bool cancelled) {
  (void)arg;
  if (cancelled) return;
  uv_poll_t *p = malloc(sizeof *p);
  if (uv_poll_init(xc__engine_uv_loop(e), p, g_orphan_fd[0]) == 0) atomic_store(&g_orphan_made, 1);
  else free(p);
}

static void test_orphan_poll_at_shutdown(void **state) {
  (void)state;
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, g_orphan_fd), 0);
  xc__engine *e;
  assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
  assert_int_equal(xc__engine_post(e, make_orphan, NULL), XC_OK);
  wait_until(&g_orphan_made, 1, 3000);
  assert_int_equal(atomic_load(&g_orphan_made), 1);
  xc__engine_free(e); /* returns after the loop closed */
  close(g_orphan_fd[0]);
  close(g_orphan_fd[1]);
}

static void test_many_engines(void **state) {
  (void)state;
  for (int i = 0; i < 20; i++) {
    xc__engine *e;
    assert_int_equal(xc__engine_new(NULL, &e), XC_OK);
    xc__engine_free(e);
  }
  xc__engine_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_post_fifo),
      cmocka_unit_test(test_bounded_and_cancel_at_shutdown),
      cmocka_unit_test(test_post_after_free_start_rejected),
      cmocka_unit_test(test_timers),
      cmocka_unit_test(test_timer_left_at_shutdown),
      cmocka_unit_test(test_free_from_callback), cmocka_unit_test(test_orphan_poll_at_shutdown),
      cmocka_unit_test(test_many_engines),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
