/* Sans-I/O HTTP/1.1 request parser and WebSocket frame codec for the simulator server. */
#include "sim/sim_http.h"

#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

static const char *find_head_end(const char *buf, size_t len) {
  if (len < 4) return NULL;
  const char *p = buf, *end = buf + len - 3;
  while (p < end) {
    const char *cr = memchr(p, '\r', (size_t)(end - p));
    if (!cr) return NULL;
    if (cr[1] == '\n' && cr[2] == '\r' && cr[3] == '\n') return cr;
    p = cr + 1;
  }
  return NULL;
}

static int is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

const char *xc__sim_http_header(const xc__sim_header *h, int n, const char *name, size_t *len) {
  size_t nl = strlen(name);
  for (int i = 0; i < n; i++) {
    if (h[i].name_len == nl && strncasecmp(h[i].name, name, nl) == 0) {
      if (len) *len = h[i].value_len;
      return h[i].value;
    }
  }
  return NULL;
}

long xc__sim_http_parse(char *buf, size_t len, size_t max_body, xc__sim_req *req) {
  const char *he = find_head_end(buf, len);
  if (!he) return len > XC__SIM_HTTP_MAX_HEAD ? -431 : 0;
  size_t head_len = (size_t)(he - buf) + 4;
  if (head_len > XC__SIM_HTTP_MAX_HEAD) return -431;
  char *p = buf, *eol = memchr(buf, '\r', head_len);
  if (!eol || eol[1] != '\n') return -400;
  /* request line: METHOD SP target SP HTTP/1.x */
  char *sp1 = memchr(p, ' ', (size_t)(eol - p));
  if (!sp1 || sp1 == p) return -400;
  for (char *q = p; q < sp1; q++)
    if (!is_tchar(*q)) return -400;
  char *target = sp1 + 1;
  char *sp2 = memchr(target, ' ', (size_t)(eol - target));
  if (!sp2 || sp2 == target || *target != '/') return -400;
  size_t vlen = (size_t)(eol - sp2 - 1);
  if (vlen != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0) return -400;
  if (sp2[8] != '1' && sp2[8] != '0') return -505;
  for (char *q = target; q < sp2; q++)
    if ((unsigned char)*q <= 0x20 || *q == 0x7f) return -400;
  memset(req->headers, 0, sizeof req->headers);
  req->nheaders = 0;
  /* headers */
  char *line = eol + 2;
  while (line < buf + head_len - 2) {
    char *le = memchr(line, '\r', (size_t)(buf + head_len - line));
    if (!le || le[1] != '\n') return -400;
    if (le == line) break;
    char *colon = memchr(line, ':', (size_t)(le - line));
    if (!colon || colon == line) return -400;
    for (char *q = line; q < colon; q++)
      if (!is_tchar(*q)) return -400;
    char *v = colon + 1, *ve = le;
    while (v < ve && (*v == ' ' || *v == '\t')) v++;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
    for (char *q = v; q < ve; q++)
      if ((unsigned char)*q < 0x20 && *q != '\t') return -400;
    if (req->nheaders >= XC__SIM_MAX_HEADERS) return -431;
    xc__sim_header *h = &req->headers[req->nheaders++];
    h->name = line;
    h->name_len = (size_t)(colon - line);
    h->value = v;
    h->value_len = (size_t)(ve - v);
    line = le + 2;
  }
  /* body */
  size_t body_len = 0;
  size_t tl = 0;
  const char *te = xc__sim_http_header(req->headers, req->nheaders, "transfer-encoding", &tl);
  if (te && !(tl == 8 && strncasecmp(te, "identity", 8) == 0)) return -411;
  size_t cll = 0;
  const char *cl = xc__sim_http_header(req->headers, req->nheaders, "content-length", &cll);
  if (cl) {
    if (cll == 0 || cll > 12) return -400;
    for (size_t i = 0; i < cll; i++) {
      if (cl[i] < '0' || cl[i] > '9') return -400;
      body_len = body_len * 10 + (size_t)(cl[i] - '0');
    }
    if (body_len > max_body) return -413;
  }
  if (len - head_len < body_len) return 0;
  /* commit: NUL-terminate in place */
  *sp1 = 0;
  *sp2 = 0;
  req->method = p;
  req->path = target;
  char *qm = memchr(target, '?', (size_t)(sp2 - target));
  if (qm) {
    *qm = 0;
    req->query = qm + 1;
    req->query_len = (size_t)(sp2 - qm - 1);
    req->path_len = (size_t)(qm - target);
  } else {
    req->query = sp2; /* the NUL we just wrote */
    req->query_len = 0;
    req->path_len = (size_t)(sp2 - target);
  }
  req->body = buf + head_len;
  req->body_len = body_len;
  req->http10 = sp2[8] == '0';
  return (long)(head_len + body_len);
}

long xc__sim_ws_parse(uint8_t *buf, size_t len, uint64_t max_payload, xc__sim_frame *f) {
  if (len < 2) return 0;
  uint8_t b0 = buf[0], b1 = buf[1];
  if (b0 & 0x70) return -1; /* RSV bits: no extensions negotiated */
  int op = b0 & 0x0f;
  if (!(op == 0 || op == 1 || op == 2 || op == 8 || op == 9 || op == 10)) return -1;
  if (!(b1 & 0x80)) return -1; /* client frames must be masked */
  uint64_t plen = b1 & 0x7f;
  size_t hl = 2;
  if (plen == 126) {
    if (len < 4) return 0;
    plen = ((uint64_t)buf[2] << 8) | buf[3];
    hl = 4;
  } else if (plen == 127) {
    if (len < 10) return 0;
    plen = 0;
    for (int i = 0; i < 8; i++) plen = (plen << 8) | buf[2 + i];
    if (plen >> 63) return -1;
    hl = 10;
  }
  if (op >= 8 && (plen > 125 || !(b0 & 0x80))) return -1;
  if (plen > max_payload) return -1;
  if (len < hl + 4) return 0;
  const uint8_t *mask = buf + hl;
  hl += 4;
  if (len - hl < plen) return 0;
  uint8_t *pl = buf + hl;
  for (uint64_t i = 0; i < plen; i++) pl[i] ^= mask[i & 3];
  f->fin = (b0 & 0x80) != 0;
  f->opcode = op;
  f->payload = pl;
  f->len = plen;
  return (long)(hl + plen);
}

size_t xc__sim_ws_header(uint8_t hdr[10], int opcode, uint64_t len) {
  hdr[0] = (uint8_t)(0x80 | (opcode & 0x0f));
  if (len < 126) {
    hdr[1] = (uint8_t)len;
    return 2;
  }
  if (len <= 0xffff) {
    hdr[1] = 126;
    hdr[2] = (uint8_t)(len >> 8);
    hdr[3] = (uint8_t)len;
    return 4;
  }
  hdr[1] = 127;
  for (int i = 0; i < 8; i++) hdr[2 + i] = (uint8_t)(len >> (56 - 8 * i));
  return 10;
}

void xc__sim_ws_accept(const char *key, size_t key_len, char out[29]) {
  static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  char tmp[128 + sizeof guid];
  if (key_len > 128) key_len = 128;
  memcpy(tmp, key, key_len);
  memcpy(tmp + key_len, guid, sizeof guid - 1);
  EVP_Digest(tmp, key_len + sizeof guid - 1, md, &mdlen, EVP_sha1(), NULL);
  EVP_EncodeBlock((unsigned char *)out, md, 20);
  out[28] = 0;
}

bool xc__sim_http_wants_continue(const char *buf, size_t len) {
  const char *he = find_head_end(buf, len);
  if (!he) return false;
  size_t hl = (size_t)(he - buf);
  static const char key[] = "\r\nexpect:";
  for (size_t i = 0; i + sizeof key - 1 <= hl; i++) {
    if (strncasecmp(buf + i, key, sizeof key - 1) != 0) continue;
    const char *v = buf + i + sizeof key - 1;
    while (v < he && (*v == ' ' || *v == '\t')) v++;
    return (size_t)(he - v) >= 12 && strncasecmp(v, "100-continue", 12) == 0;
  }
  return false;
}
