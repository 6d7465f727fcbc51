/* The Binance descriptor: capabilities, URLs (binance.md section 1) and the operations table. */
#include "venues/binance/binance.h"

#define CAP(c) (1u << (c))
#define MD_CAPS (CAP(XC_CAP_TICKER) | CAP(XC_CAP_TRADES) | CAP(XC_CAP_BOOK))

static const xc__venue_ops k_ops = {
    .venue_symbol = xc__bn_venue_symbol,
    .topic = xc__bn_topic,
    .ws_public_path = xc__bn_ws_public_path,
    .ws_hooks = xc__bn_ws_hooks,
    .route = xc__bn_route,
    .parse_md = xc__bn_parse_md,
    .instruments_path = xc__bn_instruments_path,
    .instruments_weight = xc__bn_instruments_weight,
    .parse_instruments = xc__bn_parse_instruments,
    .book_kind = xc__bn_book_kind,
    .book_partial = xc__bn_book_partial,
    .depth_path = xc__bn_depth_path,
    .rl_defaults = xc__bn_rl_defaults,
    .rl_header = xc__bn_rl_header,
    .rl_http = xc_rl_binance_http,
    .rl_configure = xc__bn_rl_configure,
    .rest_error = xc__bn_rest_error,
};

const xc__venue_desc xc__binance_desc = {
    .id = XC_VENUE_BINANCE,
    .name = "binance",
    .caps = {0, MD_CAPS, MD_CAPS},
    .rest_url = {NULL, "https://api.binance.com", "https://fapi.binance.com"},
    .ws_url = {NULL, "wss://stream.binance.com:9443", "wss://fstream.binance.com"},
    .test_rest_url = {NULL, "https://testnet.binance.vision", "https://testnet.binancefuture.com"},
    .test_ws_url = {NULL, "wss://stream.testnet.binance.vision", "wss://fstream.binancefuture.com"},
    .ep_venue_key = "binance",
    .ep_rest_key = {NULL, "spot_rest", "usdm_rest"},
    .ep_ws_key = {NULL, "spot_ws", "usdm_ws"},
    .ops = &k_ops,
};
