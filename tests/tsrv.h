/* A small loopback HTTP/1.1 + WebSocket test server with fault injection (tests only).
 *
 * Hand-written on blocking-style threads (one per connection, non-blocking sockets polled with a
 * short timeout) so that tests can do what a well-behaved server library will not: kill a
 * connection mid-frame, stall (stop reading and answering pings), refuse connections, send
 * fragmented or oversized frames, close with arbitrary codes, answer 5xx or nothing at all.
 * Plain TCP or TLS (OpenSSL) on 127.0.0.1 with an ephemeral port.
 *
 * Threading: handlers run on the connection's thread. The send/kill/stall functions are
 * thread-safe. Connection objects stay valid until xc_tsrv_stop().
 */
#ifndef XC_TSRV_H
#define XC_TSRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct xc_tsrv xc_tsrv;
typedef struct xc_tsrv_conn xc_tsrv_conn;

typedef struct xc_tsrv_http_req {
  const char *method;
  const char *path;    /* with query */
  const char *headers; /* raw header block ("Name: value\r\n"...) */
  const char *body;
  size_t body_len;
  int conn_requests;   /* requests served on this connection before this one */
} xc_tsrv_http_req;

enum { XC_TSRV_RESPOND = 0, XC_TSRV_DROP = 1 /* close without a response */ };

typedef struct xc_tsrv_http_resp {
  int status;               /* default 200 */
  char body[4096];          /* default "" */
  char headers[1024];       /* extra "Name: value\r\n" lines */
  unsigned delay_ms;        /* wait before answering */
  int action;               /* XC_TSRV_RESPOND or XC_TSRV_DROP */
} xc_tsrv_http_resp;

typedef struct xc_tsrv_opts {
  bool tls;
  const char *cert_file, *key_file;
  void (*on_ws_open)(xc_tsrv_conn *c, void *user);
  void (*on_ws_msg)(xc_tsrv_conn *c, const char *msg, size_t len, void *user);
  void (*on_ws_close)(xc_tsrv_conn *c, void *user);
  void (*on_http)(xc_tsrv_conn *c, const xc_tsrv_http_req *req, xc_tsrv_http_resp *resp, void *user);
  void *user;
  bool no_pong;             /* never answer pings */
} xc_tsrv_opts;

/* Starts listening on 127.0.0.1:<ephemeral>. Returns NULL on failure. */
xc_tsrv *xc_tsrv_start(const xc_tsrv_opts *o);
int xc_tsrv_port(const xc_tsrv *s);
/* Stops, joins every thread, frees every connection. */
void xc_tsrv_stop(xc_tsrv *s);

/* Counters. */
int xc_tsrv_accepted(xc_tsrv *s);    /* TCP connections accepted */
int xc_tsrv_ws_opened(xc_tsrv *s);   /* WebSocket handshakes completed */
int xc_tsrv_pings(xc_tsrv *s);       /* protocol pings received */
/* The most recent WebSocket connection still open (or NULL). */
xc_tsrv_conn *xc_tsrv_last_ws(xc_tsrv *s);
/* Refuses (accepts and immediately closes) the next n connections. */
void xc_tsrv_refuse(xc_tsrv *s, int n);
/* Accepts the next n connections and then never reads or writes (frozen TLS/WS handshake). */
void xc_tsrv_stall_new(xc_tsrv *s, int n);

int xc_tsrv_conn_id(const xc_tsrv_conn *c);
bool xc_tsrv_conn_open(xc_tsrv_conn *c);
void *xc_tsrv_conn_udata(xc_tsrv_conn *c);
void xc_tsrv_conn_set_udata(xc_tsrv_conn *c, void *p);

/* WebSocket sends (server frames are unmasked). Return 0 on success. */
int xc_tsrv_send_text(xc_tsrv_conn *c, const char *msg, size_t len);
int xc_tsrv_send_frame(xc_tsrv_conn *c, int opcode, bool fin, const void *payload, size_t len);
/* Writes raw bytes (e.g. many pre-built frames) in one go. */
int xc_tsrv_send_raw(xc_tsrv_conn *c, const void *bytes, size_t len);
/* Builds an unmasked server frame header into h (>= 10 bytes); returns its length. */
size_t xc_tsrv_frame_header(unsigned char *h, int opcode, bool fin, size_t len);
/* Sends the message split into `parts` fragments (text + continuations). */
int xc_tsrv_send_fragmented(xc_tsrv_conn *c, const char *msg, size_t len, int parts);
/* Sends a close frame with code and reason, then closes the TCP connection. */
int xc_tsrv_close(xc_tsrv_conn *c, int code, const char *reason);
/* Kills the TCP connection now (no close frame). */
void xc_tsrv_kill(xc_tsrv_conn *c);
/* Sends the first half of a text frame, then kills the connection. */
void xc_tsrv_kill_mid_frame(xc_tsrv_conn *c, const char *msg, size_t len);
/* Stops reading and writing on this connection (no pongs, no replies) until killed. */
void xc_tsrv_stall(xc_tsrv_conn *c);
/* Kills every open connection. */
void xc_tsrv_kill_all(xc_tsrv *s);

/* Generates a CA and a server certificate for "localhost" / 127.0.0.1 in a fresh temp dir with
 * the openssl CLI. Fills the paths (static storage). Returns 0 on success. */
int xc_tsrv_make_certs(const char **ca_file, const char **cert_file, const char **key_file);

#endif
