// Eddy's window onto the system's OpenSSL 3: the headers the TLS layer needs, plus functions
// for the parts OpenSSL exposes only as macros, which Swift cannot call.
#ifndef C_EDDY_OPENSSL_H
#define C_EDDY_OPENSSL_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/// `SSL_CTX_set_min_proto_version`; returns 1 on success.
static inline int eddy_ssl_ctx_set_min_version(SSL_CTX *ctx, int version) {
  return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

/// `SSL_CTX_set_max_proto_version`; returns 1 on success.
static inline int eddy_ssl_ctx_set_max_version(SSL_CTX *ctx, int version) {
  return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

/// `SSL_CTX_add_extra_chain_cert`: the context takes ownership of `cert` on success.
static inline int eddy_ssl_ctx_add_chain_cert(SSL_CTX *ctx, X509 *cert) {
  return (int)SSL_CTX_add_extra_chain_cert(ctx, cert);
}

/// `SSL_CTX_set_session_cache_mode` for a client that keeps sessions itself.
static inline void eddy_ssl_ctx_cache_client_sessions(SSL_CTX *ctx) {
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
}

/// `SSL_set_tlsext_host_name`: the server name sent in the client hello (SNI).
static inline int eddy_ssl_set_server_name(SSL *ssl, const char *name) {
  return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// `BIO_set_mem_eof_return(bio, -1)`: an empty memory BIO asks to retry instead of reporting EOF.
static inline void eddy_bio_retry_when_empty(BIO *bio) {
  (void)BIO_set_mem_eof_return(bio, -1);
}

/// Refuses renegotiation, turns off compression (`SSL_OP_NO_RENEGOTIATION`,
/// `SSL_OP_NO_COMPRESSION`) and lets idle connections release OpenSSL's record buffers
/// (`SSL_MODE_RELEASE_BUFFERS`); these option bits are macros.
static inline void eddy_ssl_ctx_apply_defaults(SSL_CTX *ctx) {
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

#endif
