/* xconn sign: sign a payload the way the venues expect.
 *
 *   xconn sign --secret S --payload P                      HMAC-SHA256, lowercase hex
 *   xconn sign --alg ed25519|rsa --key-file PEM --payload P  base64
 *
 * The secret may also come from --secret-file FILE or the environment variable named by
 * --secret-env NAME (keeps it out of the process list); the payload from --payload-file FILE.
 * Exit codes: 0 ok, 1 crypto failure, 2 usage. The secret is never echoed; argv copies of it are
 * overwritten once read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/cli.h"
#include "core/sign.h"

static const char usage_text[] =
    "usage: xconn sign (--secret S | --secret-file F | --secret-env NAME) "
    "(--payload P | --payload-file F)\n"
    "       xconn sign --alg ed25519|rsa --key-file PEM (--payload P | --payload-file F)\n"
    "  HMAC-SHA256 prints lowercase hex; ed25519 and rsa (PKCS#1 v1.5, SHA-256) print base64.\n";

/* Overwrites the argv copy of --secret so it does not linger in /proc/<pid>/cmdline. */
static void scrub_secret_arg(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--secret") == 0 && i + 1 < argc) {
      memset(argv[i + 1], 'x', strlen(argv[i + 1]));
    } else if (strncmp(argv[i], "--secret=", 9) == 0) {
      memset(argv[i] + 9, 'x', strlen(argv[i] + 9));
    }
  }
}

int xc_cli_sign(int argc, char **argv); /* called by main.c's dispatcher */

int xc_cli_sign(int argc, char **argv) {
  if (xc_cli_flag(argc, argv, "--help") || xc_cli_flag(argc, argv, "-h")) {
    fputs(usage_text, stdout);
    return XC_CLI_OK;
  }
  /* Reject unknown options so a typo never silently signs with defaults. */
  static const char *const known[] = {"--secret", "--secret-file", "--secret-env", "--payload",
                                      "--payload-file", "--alg", "--key-file"};
  for (int i = 1; i < argc; i++) {
    bool ok = false;
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
      size_t n = strlen(known[k]);
      if (strncmp(argv[i], known[k], n) == 0 && (argv[i][n] == 0 || argv[i][n] == '=')) {
        ok = true;
        if (argv[i][n] == 0) i++; /* skip its value */
        break;
      }
    }
    if (!ok) {
      /* Never print the argument itself: it could be a misplaced secret. */
      fputs(usage_text, stderr);
      return xc_cli_usage("sign", "unknown or misplaced argument #%d", i);
    }
  }

  const char *alg_s = xc_cli_opt(argc, argv, "--alg");
  const char *secret_arg = xc_cli_opt(argc, argv, "--secret");
  const char *secret_file = xc_cli_opt(argc, argv, "--secret-file");
  const char *secret_env = xc_cli_opt(argc, argv, "--secret-env");
  const char *key_file = xc_cli_opt(argc, argv, "--key-file");
  const char *payload_arg = xc_cli_opt(argc, argv, "--payload");
  const char *payload_file = xc_cli_opt(argc, argv, "--payload-file");

  xc_sign_alg alg = XC_SIGN_HMAC_SHA256;
  if (alg_s) {
    if (!strcmp(alg_s, "hmac") || !strcmp(alg_s, "hmac-sha256")) alg = XC_SIGN_HMAC_SHA256;
    else if (!strcmp(alg_s, "ed25519")) alg = XC_SIGN_ED25519;
    else if (!strcmp(alg_s, "rsa")) alg = XC_SIGN_RSA_SHA256;
    else return xc_cli_usage("sign", "--alg must be hmac, ed25519 or rsa");
  }
  int nsecret = !!secret_arg + !!secret_file + !!secret_env;
  if (alg == XC_SIGN_HMAC_SHA256) {
    if (nsecret != 1)
      return xc_cli_usage("sign", "give exactly one of --secret, --secret-file, --secret-env");
    if (key_file) return xc_cli_usage("sign", "--key-file is for --alg ed25519|rsa");
  } else {
    if (!key_file) return xc_cli_usage("sign", "--alg %s needs --key-file PEM", alg_s);
    if (nsecret) return xc_cli_usage("sign", "--secret* options are for --alg hmac");
  }
  if (!!payload_arg + !!payload_file != 1)
    return xc_cli_usage("sign", "give exactly one of --payload, --payload-file");

  /* Payload */
  char *payload_buf = NULL;
  size_t payload_len;
  if (payload_file) {
    payload_buf = xc_cli_read_file(payload_file, &payload_len);
    if (!payload_buf) {
      fprintf(stderr, "xconn sign: cannot read payload file %s: %s\n", payload_file,
              strerror(errno));
      return XC_CLI_USAGE;
    }
  } else {
    payload_len = strlen(payload_arg);
  }
  const char *payload = payload_buf ? payload_buf : payload_arg;

  /* Key */
  xc_signer *signer = NULL;
  xc_status st;
  int rc = XC_CLI_OK;
  if (alg == XC_SIGN_HMAC_SHA256) {
    char *secret_buf = NULL;
    size_t secret_len = 0;
    const char *secret = NULL;
    if (secret_arg) {
      secret = secret_arg;
      secret_len = strlen(secret);
    } else if (secret_env) {
      secret = getenv(secret_env);
      if (!secret) {
        free(payload_buf);
        return xc_cli_usage("sign", "environment variable %s is not set", secret_env);
      }
      secret_len = strlen(secret);
    } else {
      secret_buf = xc_cli_read_file(secret_file, &secret_len);
      if (!secret_buf) {
        fprintf(stderr, "xconn sign: cannot read secret file %s: %s\n", secret_file,
                strerror(errno));
        free(payload_buf);
        return XC_CLI_USAGE;
      }
      /* A trailing newline from `echo secret > file` is not part of the secret. */
      while (secret_len && (secret_buf[secret_len - 1] == '\n' || secret_buf[secret_len - 1] == '\r'))
        secret_len--;
      secret = secret_buf;
    }
    if (secret_len == 0) {
      if (secret_buf) OPENSSL_clear_free(secret_buf, strlen(secret_buf));
      free(payload_buf);
      return xc_cli_usage("sign", "the secret is empty");
    }
    st = xc_signer_new_hmac(secret, secret_len, &signer);
    if (secret_buf) OPENSSL_clear_free(secret_buf, strlen(secret_buf) + 1);
    scrub_secret_arg(argc, argv);
  } else {
    size_t pem_len = 0;
    char *pem = xc_cli_read_file(key_file, &pem_len);
    if (!pem) {
      fprintf(stderr, "xconn sign: cannot read key file %s: %s\n", key_file, strerror(errno));
      free(payload_buf);
      return XC_CLI_USAGE;
    }
    st = pem_len ? xc_signer_new_pem(pem, pem_len, &signer) : XC_ECRYPTO;
    OPENSSL_clear_free(pem, pem_len + 1);
    if (st == XC_OK && xc_signer_alg(signer) != alg) {
      fprintf(stderr, "xconn sign: %s holds a %s key, not %s\n", key_file,
              xc_sign_alg_name(xc_signer_alg(signer)), xc_sign_alg_name(alg));
      xc_signer_free(signer);
      free(payload_buf);
      return XC_CLI_FAIL;
    }
    if (st == XC_OK && !xc_signer_can_sign(signer)) {
      fprintf(stderr, "xconn sign: %s holds a public key; signing needs the private key\n",
              key_file);
      xc_signer_free(signer);
      free(payload_buf);
      return XC_CLI_FAIL;
    }
  }
  if (st != XC_OK) {
    fprintf(stderr, "xconn sign: cannot load the key: %s\n", xc_status_str(st));
    free(payload_buf);
    return XC_CLI_FAIL;
  }

  char sig[XC_SIG_TEXT_MAX];
  size_t sig_len = 0;
  st = xc_signer_sign(signer, payload, payload_len, sig, sizeof sig, &sig_len);
  if (st != XC_OK) {
    fprintf(stderr, "xconn sign: signing failed: %s\n", xc_status_str(st));
    rc = XC_CLI_FAIL;
  } else {
    printf("%s\n", sig);
    if (fflush(stdout) != 0) rc = XC_CLI_FAIL;
  }
  xc_signer_free(signer);
  free(payload_buf);
  return rc;
}
