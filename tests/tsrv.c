/* Loopback HTTP/1.1 + WebSocket test server with fault injection. See tsrv.h. */
#include "tsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct xc_tsrv_conn {
  xc_tsrv *s;
  int fd;
  int id;
  SSL *ssl;
  pthread_t th;
  pthread_mutex_t io; /* every read and write of fd/ssl */
  _Atomic bool done, killed, stalled, is_ws;
  void *udata;
  struct xc_tsrv_conn *next;
};

struct xc_tsrv {
  xc_tsrv_opts o;
  int lfd, port;
  SSL_CTX *ctx;
  pthread_t th;
  _Atomic bool stop;
  pthread_mutex_t mu;
  xc_tsrv_conn *conns;
  xc_tsrv_conn *last_ws;
  _Atomic int accepted, ws_opened, pings, refuse, stall_new, next_id;
};

static void sleep_ms(unsigned ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* ---- raw I/O ---------------------------------------------------------------------------------- */

/* >0 bytes read, 0 nothing yet, -1 closed/error */
static int c_read(xc_tsrv_conn *c, void *buf, size_t n) {
  if (atomic_load(&c->killed)) return -1;
  if (atomic_load(&c->stalled)) {
    sleep_ms(10);
    return 0;
  }
  pthread_mutex_lock(&c->io);
  bool pending = c->ssl && SSL_pending(c->ssl) > 0;
  pthread_mutex_unlock(&c->io);
  if (!pending) {
    struct pollfd p = {c->fd, POLLIN, 0};
    int pr = poll(&p, 1, 20);
    if (pr <= 0) return pr < 0 && errno != EINTR ? -1 : 0;
  }
  pthread_mutex_lock(&c->io);
  int r;
  if (c->ssl) {
    r = SSL_read(c->ssl, buf, (int)n);
    if (r <= 0) {
      int e = SSL_get_error(c->ssl, r);
      r = (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) ? 0 : -1;
    }
  } else {
    ssize_t k = recv(c->fd, buf, n, 0);
    r = k > 0 ? (int)k : (k < 0 && (errno == EAGAIN || errno == EINTR)) ? 0 : -1;
  }
  pthread_mutex_unlock(&c->io);
  return r;
}

static int c_write_locked(xc_tsrv_conn *c, const void *buf, size_t n) {
  const char *p = buf;
  int spins = 0;
  while (n > 0) {
    if (atomic_load(&c->killed) || atomic_load(&c->s->stop)) return -1;
    int r;
    if (c->ssl) {
      r = SSL_write(c->ssl, p, (int)n);
      if (r <= 0) {
        int e = SSL_get_error(c->ssl, r);
        if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) return -1;
        r = 0;
      }
    } else {
      ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);
      if (k < 0 && errno != EAGAIN && errno != EINTR) return -1;
      r = k < 0 ? 0 : (int)k;
    }
    if (r == 0) {
      struct pollfd pf = {c->fd, POLLOUT, 0};
      poll(&pf, 1, 20);
      if (++spins > 2000) return -1;
      continue;
    }
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static int c_write(xc_tsrv_conn *c, const void *buf, size_t n) {
  if (atomic_load(&c->stalled)) return 0;
  pthread_mutex_lock(&c->io);
  int r = c_write_locked(c, buf, n);
  pthread_mutex_unlock(&c->io);
  return r;
}

/* ---- websocket -------------------------------------------------------------------------------- */

size_t xc_tsrv_frame_header(unsigned char *h, int opcode, bool fin, size_t len) {
  size_t n = 0;
  h[n++] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0f));
  if (len < 126) h[n++] = (unsigned char)len;
  else if (len < 65536) {
    h[n++] = 126;
    h[n++] = (unsigned char)(len >> 8);
    h[n++] = (unsigned char)len;
  } else {
    h[n++] = 127;
    for (int i = 7; i >= 0; i--) h[n++] = (unsigned char)((uint64_t)len >> (8 * i));
  }
  return n;
}

int xc_tsrv_send_frame(xc_tsrv_conn *c, int opcode, bool fin, const void *payload, size_t len) {
  if (atomic_load(&c->stalled)) return 0;
  unsigned char h[16];
  size_t hn = xc_tsrv_frame_header(h, opcode, fin, len);
  pthread_mutex_lock(&c->io);
  int r = c_write_locked(c, h, hn);
  if (r == 0 && len) r = c_write_locked(c, payload, len);
  pthread_mutex_unlock(&c->io);
  return r;
}

int xc_tsrv_send_raw(xc_tsrv_conn *c, const void *bytes, size_t len) { return c_write(c, bytes, len); }

int xc_tsrv_send_text(xc_tsrv_conn *c, const char *msg, size_t len) {
  return xc_tsrv_send_frame(c, 1, true, msg, len);
}

int xc_tsrv_send_fragmented(xc_tsrv_conn *c, const char *msg, size_t len, int parts) {
  if (parts < 1) parts = 1;
  size_t step = (len + (size_t)parts - 1) / (size_t)parts, off = 0;
  int i = 0;
  do {
    size_t n = len - off < step ? len - off : step;
    bool last = off + n >= len;
    if (xc_tsrv_send_frame(c, i == 0 ? 1 : 0, last, msg + off, n) != 0) return -1;
    off += n;
    i++;
  } while (off < len);
  return 0;
}

int xc_tsrv_close(xc_tsrv_conn *c, int code, const char *reason) {
  unsigned char p[128];
  size_t rl = reason ? strlen(reason) : 0;
  if (rl > 120) rl = 120;
  p[0] = (unsigned char)(code >> 8);
  p[1] = (unsigned char)code;
  if (rl) memcpy(p + 2, reason, rl);
  int r = xc_tsrv_send_frame(c, 8, true, p, 2 + rl);
  sleep_ms(20);
  xc_tsrv_kill(c);
  return r;
}

void xc_tsrv_kill(xc_tsrv_conn *c) {
  if (atomic_exchange(&c->killed, true)) return;
  shutdown(c->fd, SHUT_RDWR);
}

void xc_tsrv_kill_mid_frame(xc_tsrv_conn *c, const char *msg, size_t len) {
  unsigned char h[16];
  size_t hn = xc_tsrv_frame_header(h, 1, true, len);
  pthread_mutex_lock(&c->io);
  c_write_locked(c, h, hn);
  c_write_locked(c, msg, len / 2);
  pthread_mutex_unlock(&c->io);
  sleep_ms(5);
  xc_tsrv_kill(c);
}

void xc_tsrv_stall(xc_tsrv_conn *c) { atomic_store(&c->stalled, true); }

static void ws_accept_key(const char *key, char *out) {
  static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  char buf[256];
  snprintf(buf, sizeof buf, "%s%s", key, guid);
  unsigned char sha[20];
  SHA1((const unsigned char *)buf, strlen(buf), sha);
  EVP_EncodeBlock((unsigned char *)out, sha, 20);
}

/* Reads exactly n bytes into buf (0 ok, -1 closed). */
static int read_exact(xc_tsrv_conn *c, unsigned char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    if (atomic_load(&c->s->stop)) return -1;
    int r = c_read(c, buf + got, n - got);
    if (r < 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

static void ws_loop(xc_tsrv_conn *c) {
  xc_tsrv *s = c->s;
  size_t cap = 1 << 16, len = 0;
  char *msg = malloc(cap);
  unsigned char *pl = malloc(cap);
  size_t plcap = cap;
  for (;;) {
    unsigned char h[14];
    if (read_exact(c, h, 2)) break;
    bool fin = h[0] & 0x80;
    int op = h[0] & 0x0f;
    uint64_t n = h[1] & 0x7f;
    if (n == 126) {
      if (read_exact(c, h + 2, 2)) break;
      n = ((uint64_t)h[2] << 8) | h[3];
    } else if (n == 127) {
      if (read_exact(c, h + 2, 8)) break;
      n = 0;
      for (int i = 0; i < 8; i++) n = (n << 8) | h[2 + i];
    }
    unsigned char mask[4] = {0};
    if ((h[1] & 0x80) && read_exact(c, mask, 4)) break;
    if (n > (64u << 20)) break;
    if (n > plcap) {
      plcap = (size_t)n;
      unsigned char *np = realloc(pl, plcap);
      if (!np) break;
      pl = np;
    }
    if (n && read_exact(c, pl, (size_t)n)) break;
    for (uint64_t i = 0; i < n; i++) pl[i] ^= mask[i & 3];
    if (op == 9) {
      atomic_fetch_add(&s->pings, 1);
      if (!s->o.no_pong) xc_tsrv_send_frame(c, 10, true, pl, (size_t)n);
      continue;
    }
    if (op == 10) continue;
    if (op == 8) {
      xc_tsrv_send_frame(c, 8, true, pl, n >= 2 ? 2 : 0);
      break;
    }
    if (op == 1 || op == 2 || op == 0) {
      if (op != 0) len = 0;
      if (len + n + 1 > cap) {
        cap = (size_t)(len + n + 1) * 2;
        char *nm = realloc(msg, cap);
        if (!nm) break;
        msg = nm;
      }
      memcpy(msg + len, pl, (size_t)n);
      len += (size_t)n;
      if (fin) {
        msg[len] = 0;
        if (s->o.on_ws_msg) s->o.on_ws_msg(c, msg, len, s->o.user);
        len = 0;
      }
    }
  }
  free(msg);
  free(pl);
}

/* ---- http ------------------------------------------------------------------------------------- */

static const char *hdr_find(const char *hdrs, const char *name, char *out, size_t cap) {
  size_t nl = strlen(name);
  for (const char *p = hdrs; p && *p;) {
    const char *eol = strstr(p, "\r\n");
    if (!eol) break;
    if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
      const char *v = p + nl + 1;
      while (*v == ' ') v++;
      size_t vl = (size_t)(eol - v);
      if (vl >= cap) vl = cap - 1;
      memcpy(out, v, vl);
      out[vl] = 0;
      return out;
    }
    p = eol + 2;
  }
  return NULL;
}

static const char *reason_of(int st) {
  switch (st) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default: return "Status";
  }
}

static void conn_main_loop(xc_tsrv_conn *c) {
  xc_tsrv *s = c->s;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  int served = 0;
  for (;;) {
    char *eoh = NULL;
    while (!(eoh = (len ? strstr(buf, "\r\n\r\n") : NULL))) {
      if (len + 1 >= cap || atomic_load(&s->stop)) goto out;
      int r = c_read(c, buf + len, cap - len - 1);
      if (r < 0) goto out;
      len += (size_t)r;
      buf[len] = 0;
    }
    size_t hlen = (size_t)(eoh - buf) + 4;
    char tmp[256];
    if (hdr_find(buf, "Upgrade", tmp, sizeof tmp) && strcasecmp(tmp, "websocket") == 0) {
      char key[128], acc[64];
      if (!hdr_find(buf, "Sec-WebSocket-Key", key, sizeof key)) goto out;
      ws_accept_key(key, acc);
      char resp[512];
      int n = snprintf(resp, sizeof resp,
                       "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", acc);
      if (c_write(c, resp, (size_t)n)) goto out;
      atomic_store(&c->is_ws, true);
      atomic_fetch_add(&s->ws_opened, 1);
      pthread_mutex_lock(&s->mu);
      s->last_ws = c;
      pthread_mutex_unlock(&s->mu);
      if (s->o.on_ws_open) s->o.on_ws_open(c, s->o.user);
      ws_loop(c);
      if (s->o.on_ws_close) s->o.on_ws_close(c, s->o.user);
      goto out;
    }
    /* plain HTTP request */
    char method[16] = {0}, path[1024] = {0};
    sscanf(buf, "%15s %1023s", method, path);
    size_t clen = 0;
    if (hdr_find(buf, "Content-Length", tmp, sizeof tmp)) clen = (size_t)strtoul(tmp, NULL, 10);
    while (len < hlen + clen) {
      if (len + 1 >= cap) goto out;
      int r = c_read(c, buf + len, cap - len - 1);
      if (r < 0) goto out;
      len += (size_t)r;
      buf[len] = 0;
    }
    char *body = malloc(clen + 1);
    memcpy(body, buf + hlen, clen);
    body[clen] = 0;
    char saved = buf[hlen];
    buf[hlen] = 0;
    const char *hstart = strstr(buf, "\r\n") + 2;
    xc_tsrv_http_req rq = {method, path, hstart, body, clen, served};
    static xc_tsrv_http_resp zero;
    xc_tsrv_http_resp *rs = malloc(sizeof *rs);
    *rs = zero;
    rs->status = 200;
    if (s->o.on_http) s->o.on_http(c, &rq, rs, s->o.user);
    bool close_after = hdr_find(buf, "Connection", tmp, sizeof tmp) && strcasecmp(tmp, "close") == 0;
    buf[hlen] = saved;
    free(body);
    if (rs->delay_ms) {
      for (unsigned w = 0; w < rs->delay_ms && !atomic_load(&s->stop) && !atomic_load(&c->killed); w += 10)
        sleep_ms(10);
    }
    if (rs->action == XC_TSRV_DROP) {
      free(rs);
      goto out;
    }
    size_t blen = strlen(rs->body);
    char *out = malloc(blen + 2048);
    int n = snprintf(out, 2048, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\nContent-Type: application/json\r\n%s%s\r\n",
                     rs->status, reason_of(rs->status), blen, rs->headers, close_after ? "Connection: close\r\n" : "");
    memcpy(out + n, rs->body, blen);
    int wr = c_write(c, out, (size_t)n + blen);
    free(out);
    free(rs);
    served++;
    if (wr || close_after) goto out;
    memmove(buf, buf + hlen + clen, len - hlen - clen);
    len -= hlen + clen;
    buf[len] = 0;
  }
out:
  free(buf);
}

static void *conn_thread(void *arg) {
  xc_tsrv_conn *c = arg;
  xc_tsrv *s = c->s;
  if (atomic_load(&c->stalled)) { /* frozen from the start */
    while (!atomic_load(&c->killed) && !atomic_load(&s->stop)) sleep_ms(10);
    goto done;
  }
  if (s->ctx) {
    c->ssl = SSL_new(s->ctx);
    SSL_set_fd(c->ssl, c->fd);
    int spins = 0;
    for (;;) {
      pthread_mutex_lock(&c->io);
      int r = SSL_accept(c->ssl);
      int e = r == 1 ? 0 : SSL_get_error(c->ssl, r);
      pthread_mutex_unlock(&c->io);
      if (r == 1) break;
      if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || atomic_load(&s->stop) ||
          atomic_load(&c->killed) || ++spins > 500) {
        ERR_clear_error();
        goto done;
      }
      struct pollfd p = {c->fd, (short)(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
      poll(&p, 1, 20);
    }
  }
  conn_main_loop(c);
  if (c->ssl && !atomic_load(&c->killed)) {
    pthread_mutex_lock(&c->io);
    SSL_shutdown(c->ssl);
    pthread_mutex_unlock(&c->io);
  }
done:
  atomic_store(&c->killed, true);
  shutdown(c->fd, SHUT_RDWR);
  ERR_clear_error();
  atomic_store(&c->done, true);
  return NULL;
}

static void *listen_thread(void *arg) {
  xc_tsrv *s = arg;
  while (!atomic_load(&s->stop)) {
    struct pollfd p = {s->lfd, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0) continue;
    atomic_fetch_add(&s->accepted, 1);
    if (atomic_load(&s->refuse) > 0) {
      atomic_fetch_sub(&s->refuse, 1);
      struct linger lg = {1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    xc_tsrv_conn *c = calloc(1, sizeof *c);
    c->s = s;
    c->fd = fd;
    c->id = atomic_fetch_add(&s->next_id, 1) + 1;
    pthread_mutex_init(&c->io, NULL);
    if (atomic_load(&s->stall_new) > 0) {
      atomic_fetch_sub(&s->stall_new, 1);
      atomic_store(&c->stalled, true);
    }
    pthread_mutex_lock(&s->mu);
    c->next = s->conns;
    s->conns = c;
    pthread_mutex_unlock(&s->mu);
    pthread_create(&c->th, NULL, conn_thread, c);
  }
  return NULL;
}

xc_tsrv *xc_tsrv_start(const xc_tsrv_opts *o) {
  xc_tsrv *s = calloc(1, sizeof *s);
  s->o = *o;
  pthread_mutex_init(&s->mu, NULL);
  if (o->tls) {
    s->ctx = SSL_CTX_new(TLS_server_method());
    if (!s->ctx || SSL_CTX_use_certificate_chain_file(s->ctx, o->cert_file) != 1 ||
        SSL_CTX_use_PrivateKey_file(s->ctx, o->key_file, SSL_FILETYPE_PEM) != 1) {
      fprintf(stderr, "tsrv: cannot load %s / %s\n", o->cert_file, o->key_file);
      if (s->ctx) SSL_CTX_free(s->ctx);
      free(s);
      return NULL;
    }
  }
  s->lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (bind(s->lfd, (struct sockaddr *)&a, sizeof a) || listen(s->lfd, 64) ||
      getsockname(s->lfd, (struct sockaddr *)&a, &al)) {
    close(s->lfd);
    if (s->ctx) SSL_CTX_free(s->ctx);
    free(s);
    return NULL;
  }
  s->port = ntohs(a.sin_port);
  pthread_create(&s->th, NULL, listen_thread, s);
  return s;
}

int xc_tsrv_port(const xc_tsrv *s) { return s->port; }

void xc_tsrv_stop(xc_tsrv *s) {
  if (!s) return;
  atomic_store(&s->stop, true);
  pthread_join(s->th, NULL);
  close(s->lfd);
  pthread_mutex_lock(&s->mu);
  xc_tsrv_conn *c = s->conns;
  s->conns = NULL;
  pthread_mutex_unlock(&s->mu);
  while (c) {
    xc_tsrv_conn *n = c->next;
    xc_tsrv_kill(c);
    pthread_join(c->th, NULL);
    if (c->ssl) SSL_free(c->ssl);
    close(c->fd);
    pthread_mutex_destroy(&c->io);
    free(c);
    c = n;
  }
  if (s->ctx) SSL_CTX_free(s->ctx);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

int xc_tsrv_accepted(xc_tsrv *s) { return atomic_load(&s->accepted); }
int xc_tsrv_ws_opened(xc_tsrv *s) { return atomic_load(&s->ws_opened); }
int xc_tsrv_pings(xc_tsrv *s) { return atomic_load(&s->pings); }
void xc_tsrv_refuse(xc_tsrv *s, int n) { atomic_store(&s->refuse, n); }
void xc_tsrv_stall_new(xc_tsrv *s, int n) { atomic_store(&s->stall_new, n); }

xc_tsrv_conn *xc_tsrv_last_ws(xc_tsrv *s) {
  pthread_mutex_lock(&s->mu);
  xc_tsrv_conn *c = s->last_ws;
  if (c && atomic_load(&c->killed)) c = NULL;
  pthread_mutex_unlock(&s->mu);
  return c;
}

void xc_tsrv_kill_all(xc_tsrv *s) {
  pthread_mutex_lock(&s->mu);
  for (xc_tsrv_conn *c = s->conns; c; c = c->next) xc_tsrv_kill(c);
  pthread_mutex_unlock(&s->mu);
}

int xc_tsrv_conn_id(const xc_tsrv_conn *c) { return c->id; }
bool xc_tsrv_conn_open(xc_tsrv_conn *c) { return !atomic_load(&c->killed); }
void *xc_tsrv_conn_udata(xc_tsrv_conn *c) { return c->udata; }
void xc_tsrv_conn_set_udata(xc_tsrv_conn *c, void *p) { c->udata = p; }

static char g_cert_dir[256];

static void remove_cert_dir(void) {
  static const char *const files[] = {"ca.key", "ca.pem", "ca.srl", "server.key", "server.csr",
                                      "server.pem", "ext.cnf"};
  char p[400];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", g_cert_dir, files[i]);
    unlink(p);
  }
  rmdir(g_cert_dir);
}

int xc_tsrv_make_certs(const char **ca_file, const char **cert_file, const char **key_file) {
  static char ca[300], cert[300], key[300];
  char *dir = g_cert_dir;
  static int made = 0;
  if (!made) {
    snprintf(dir, sizeof g_cert_dir, "/tmp/xc_tsrv_XXXXXX");
    if (!mkdtemp(dir)) return -1;
    atexit(remove_cert_dir);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd %s && "
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
             "-keyout ca.key -out ca.pem -subj /CN=xconn-test-ca >/dev/null 2>&1 && "
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout server.key -out server.csr -subj /CN=localhost >/dev/null 2>&1 && "
             "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && "
             "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
             "-extfile ext.cnf -out server.pem >/dev/null 2>&1",
             dir);
    if (system(cmd) != 0) return -1;
    snprintf(ca, sizeof ca, "%.280s/ca.pem", dir);
    snprintf(cert, sizeof cert, "%.280s/server.pem", dir);
    snprintf(key, sizeof key, "%.280s/server.key", dir);
    made = 1;
  }
  *ca_file = ca;
  *cert_file = cert;
  *key_file = key;
  return 0;
}
