/*
 * ossl: OpenSSL loaded at run time, only by a run that uses it.
 *
 * The programs are not linked with libssl and libcrypto: a run with --tls,
 * --upload or --service upload dlopen()s Debian's libssl3 (libcrypto.so.3,
 * libssl.so.3) once, in the main process before any socket (so prefork and
 * prethread workers inherit it and no connection loads anything), and every
 * other run maps neither. A linked OpenSSL costs every fork() its mappings
 * and every child the pages it faults in again: a bare fork()+waitpid() took
 * ~20% longer in a program linked with it, and so did a connection of the
 * fork model (README.md, "How fast").
 *
 * tls.c and upload.c include this header in place of OpenSSL's: their calls
 * stay as OpenSSL spells them (SSL_read, EVP_DigestUpdate, and the macros
 * that end in SSL_CTX_ctrl, BIO_ctrl...) and go through ossl_fn, a table of
 * pointers whose types are OpenSSL's own declarations (__typeof__). A
 * function added to tls.c or upload.c goes into OSSL_FUNCTIONS below: else
 * the program does not link (an undefined reference names it).
 *
 * SOCKFAM_LIBCRYPTO and SOCKFAM_LIBSSL, when set, name the libraries to load
 * in place of libcrypto.so.3 and libssl.so.3 (the tests name a missing one).
 */
#ifndef SOCKFAM_OSSL_H
#define SOCKFAM_OSSL_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sbuf.h"

/* What a run needs: libcrypto alone (SHA-256) or libssl with it (TLS). */
enum ossl_part { OSSL_CRYPTO = 1, OSSL_SSL = 2 };

/* X(part, function): the part is the library that defines it. */
#define OSSL_FUNCTIONS(X) \
	X(OSSL_CRYPTO, EVP_MD_CTX_new) X(OSSL_CRYPTO, EVP_MD_CTX_free) X(OSSL_CRYPTO, EVP_DigestInit_ex) \
	X(OSSL_CRYPTO, EVP_DigestUpdate) X(OSSL_CRYPTO, EVP_DigestFinal_ex) X(OSSL_CRYPTO, EVP_sha256) \
	X(OSSL_CRYPTO, ASN1_INTEGER_set_int64) \
	X(OSSL_CRYPTO, BIO_clear_flags) X(OSSL_CRYPTO, BIO_ctrl) X(OSSL_CRYPTO, BIO_free) \
	X(OSSL_CRYPTO, BIO_get_data) X(OSSL_CRYPTO, BIO_get_new_index) X(OSSL_CRYPTO, BIO_meth_new) \
	X(OSSL_CRYPTO, BIO_meth_set_create) X(OSSL_CRYPTO, BIO_meth_set_ctrl) \
	X(OSSL_CRYPTO, BIO_meth_set_read_ex) X(OSSL_CRYPTO, BIO_meth_set_write_ex) X(OSSL_CRYPTO, BIO_new) \
	X(OSSL_CRYPTO, BIO_s_mem) X(OSSL_CRYPTO, BIO_set_data) X(OSSL_CRYPTO, BIO_set_flags) \
	X(OSSL_CRYPTO, BIO_set_init) X(OSSL_CRYPTO, BIO_write) \
	X(OSSL_CRYPTO, ERR_clear_error) X(OSSL_CRYPTO, ERR_get_error) X(OSSL_CRYPTO, ERR_peek_error) \
	X(OSSL_CRYPTO, ERR_peek_last_error) X(OSSL_CRYPTO, ERR_reason_error_string) \
	X(OSSL_CRYPTO, EVP_PKEY_Q_keygen) X(OSSL_CRYPTO, EVP_PKEY_free) \
	X(OSSL_CRYPTO, PEM_read_bio_PrivateKey) X(OSSL_CRYPTO, PEM_read_bio_X509) \
	X(OSSL_CRYPTO, PEM_write_bio_PrivateKey) X(OSSL_CRYPTO, PEM_write_bio_X509) \
	X(OSSL_CRYPTO, X509V3_EXT_conf_nid) X(OSSL_CRYPTO, X509V3_set_ctx) X(OSSL_CRYPTO, X509_EXTENSION_free) \
	X(OSSL_CRYPTO, X509_NAME_add_entry_by_txt) X(OSSL_CRYPTO, X509_VERIFY_PARAM_set1_ip_asc) \
	X(OSSL_CRYPTO, X509_add_ext) X(OSSL_CRYPTO, X509_free) X(OSSL_CRYPTO, X509_get_serialNumber) \
	X(OSSL_CRYPTO, X509_get_subject_name) X(OSSL_CRYPTO, X509_getm_notAfter) \
	X(OSSL_CRYPTO, X509_getm_notBefore) X(OSSL_CRYPTO, X509_gmtime_adj) X(OSSL_CRYPTO, X509_new) \
	X(OSSL_CRYPTO, X509_set_issuer_name) X(OSSL_CRYPTO, X509_set_pubkey) X(OSSL_CRYPTO, X509_set_version) \
	X(OSSL_CRYPTO, X509_sign) X(OSSL_CRYPTO, X509_verify_cert_error_string) \
	X(OSSL_SSL, SSL_CIPHER_get_name) X(OSSL_SSL, SSL_CTX_check_private_key) X(OSSL_SSL, SSL_CTX_ctrl) \
	X(OSSL_SSL, SSL_CTX_free) X(OSSL_SSL, SSL_CTX_load_verify_locations) X(OSSL_SSL, SSL_CTX_new) \
	X(OSSL_SSL, SSL_CTX_set_num_tickets) X(OSSL_SSL, SSL_CTX_set_options) X(OSSL_SSL, SSL_CTX_set_verify) \
	X(OSSL_SSL, SSL_CTX_use_PrivateKey) X(OSSL_SSL, SSL_CTX_use_certificate) X(OSSL_SSL, SSL_ctrl) \
	X(OSSL_SSL, SSL_do_handshake) X(OSSL_SSL, SSL_free) X(OSSL_SSL, SSL_get0_param) \
	X(OSSL_SSL, SSL_get_current_cipher) X(OSSL_SSL, SSL_get_error) X(OSSL_SSL, SSL_get_verify_result) \
	X(OSSL_SSL, SSL_get_version) X(OSSL_SSL, SSL_is_init_finished) X(OSSL_SSL, SSL_new) \
	X(OSSL_SSL, SSL_read) X(OSSL_SSL, SSL_set1_host) X(OSSL_SSL, SSL_set_accept_state) \
	X(OSSL_SSL, SSL_set_bio) X(OSSL_SSL, SSL_set_connect_state) X(OSSL_SSL, SSL_shutdown) \
	X(OSSL_SSL, SSL_write) X(OSSL_SSL, TLS_client_method) X(OSSL_SSL, TLS_server_method)

#define OSSL_MEMBER(part, name) __typeof__(name) *name;
extern struct ossl_functions {
	OSSL_FUNCTIONS(OSSL_MEMBER)
} ossl_fn;
#undef OSSL_MEMBER

/* Loads what `part` needs (OSSL_SSL: both libraries) and every function of
 * it, once; later calls return at once. Safe from any thread, but called
 * from the main thread before serving. 0, or -1 with the loader's reason
 * (dlerror) in err; the program is then as before (nothing half loaded is used). */
int ossl_load(enum ossl_part part, struct sbuf *err);

/* ossl_load for `what` (the option that needs it: "--tls", "--upload"...),
 * saying "PROG: WHAT needs OpenSSL 3 ...: REASON" on stderr when it fails:
 * 0 or 1 (the exit status). */
int ossl_need(enum ossl_part part, const char *prog, const char *what);

/* The calls of tls.c and upload.c go through the table (ossl.c, which fills
 * it, defines OSSL_TABLE_ITSELF). Every name of OSSL_FUNCTIONS is here: one
 * missing fails the link (an undefined reference), one extra the build. */
#ifndef OSSL_TABLE_ITSELF
#define EVP_MD_CTX_new (ossl_fn.EVP_MD_CTX_new)
#define EVP_MD_CTX_free (ossl_fn.EVP_MD_CTX_free)
#define EVP_DigestInit_ex (ossl_fn.EVP_DigestInit_ex)
#define EVP_DigestUpdate (ossl_fn.EVP_DigestUpdate)
#define EVP_DigestFinal_ex (ossl_fn.EVP_DigestFinal_ex)
#define EVP_sha256 (ossl_fn.EVP_sha256)
#define ASN1_INTEGER_set_int64 (ossl_fn.ASN1_INTEGER_set_int64)
#define BIO_clear_flags (ossl_fn.BIO_clear_flags)
#define BIO_ctrl (ossl_fn.BIO_ctrl)
#define BIO_free (ossl_fn.BIO_free)
#define BIO_get_data (ossl_fn.BIO_get_data)
#define BIO_get_new_index (ossl_fn.BIO_get_new_index)
#define BIO_meth_new (ossl_fn.BIO_meth_new)
#define BIO_meth_set_create (ossl_fn.BIO_meth_set_create)
#define BIO_meth_set_ctrl (ossl_fn.BIO_meth_set_ctrl)
#define BIO_meth_set_read_ex (ossl_fn.BIO_meth_set_read_ex)
#define BIO_meth_set_write_ex (ossl_fn.BIO_meth_set_write_ex)
#define BIO_new (ossl_fn.BIO_new)
#define BIO_s_mem (ossl_fn.BIO_s_mem)
#define BIO_set_data (ossl_fn.BIO_set_data)
#define BIO_set_flags (ossl_fn.BIO_set_flags)
#define BIO_set_init (ossl_fn.BIO_set_init)
#define BIO_write (ossl_fn.BIO_write)
#define ERR_clear_error (ossl_fn.ERR_clear_error)
#define ERR_get_error (ossl_fn.ERR_get_error)
#define ERR_peek_error (ossl_fn.ERR_peek_error)
#define ERR_peek_last_error (ossl_fn.ERR_peek_last_error)
#define ERR_reason_error_string (ossl_fn.ERR_reason_error_string)
#define EVP_PKEY_Q_keygen (ossl_fn.EVP_PKEY_Q_keygen)
#define EVP_PKEY_free (ossl_fn.EVP_PKEY_free)
#define PEM_read_bio_PrivateKey (ossl_fn.PEM_read_bio_PrivateKey)
#define PEM_read_bio_X509 (ossl_fn.PEM_read_bio_X509)
#define PEM_write_bio_PrivateKey (ossl_fn.PEM_write_bio_PrivateKey)
#define PEM_write_bio_X509 (ossl_fn.PEM_write_bio_X509)
#define X509V3_EXT_conf_nid (ossl_fn.X509V3_EXT_conf_nid)
#define X509V3_set_ctx (ossl_fn.X509V3_set_ctx)
#define X509_EXTENSION_free (ossl_fn.X509_EXTENSION_free)
#define X509_NAME_add_entry_by_txt (ossl_fn.X509_NAME_add_entry_by_txt)
#define X509_VERIFY_PARAM_set1_ip_asc (ossl_fn.X509_VERIFY_PARAM_set1_ip_asc)
#define X509_add_ext (ossl_fn.X509_add_ext)
#define X509_free (ossl_fn.X509_free)
#define X509_get_serialNumber (ossl_fn.X509_get_serialNumber)
#define X509_get_subject_name (ossl_fn.X509_get_subject_name)
#define X509_getm_notAfter (ossl_fn.X509_getm_notAfter)
#define X509_getm_notBefore (ossl_fn.X509_getm_notBefore)
#define X509_gmtime_adj (ossl_fn.X509_gmtime_adj)
#define X509_new (ossl_fn.X509_new)
#define X509_set_issuer_name (ossl_fn.X509_set_issuer_name)
#define X509_set_pubkey (ossl_fn.X509_set_pubkey)
#define X509_set_version (ossl_fn.X509_set_version)
#define X509_sign (ossl_fn.X509_sign)
#define X509_verify_cert_error_string (ossl_fn.X509_verify_cert_error_string)
#define SSL_CIPHER_get_name (ossl_fn.SSL_CIPHER_get_name)
#define SSL_CTX_check_private_key (ossl_fn.SSL_CTX_check_private_key)
#define SSL_CTX_ctrl (ossl_fn.SSL_CTX_ctrl)
#define SSL_CTX_free (ossl_fn.SSL_CTX_free)
#define SSL_CTX_load_verify_locations (ossl_fn.SSL_CTX_load_verify_locations)
#define SSL_CTX_new (ossl_fn.SSL_CTX_new)
#define SSL_CTX_set_num_tickets (ossl_fn.SSL_CTX_set_num_tickets)
#define SSL_CTX_set_options (ossl_fn.SSL_CTX_set_options)
#define SSL_CTX_set_verify (ossl_fn.SSL_CTX_set_verify)
#define SSL_CTX_use_PrivateKey (ossl_fn.SSL_CTX_use_PrivateKey)
#define SSL_CTX_use_certificate (ossl_fn.SSL_CTX_use_certificate)
#define SSL_ctrl (ossl_fn.SSL_ctrl)
#define SSL_do_handshake (ossl_fn.SSL_do_handshake)
#define SSL_free (ossl_fn.SSL_free)
#define SSL_get0_param (ossl_fn.SSL_get0_param)
#define SSL_get_current_cipher (ossl_fn.SSL_get_current_cipher)
#define SSL_get_error (ossl_fn.SSL_get_error)
#define SSL_get_verify_result (ossl_fn.SSL_get_verify_result)
#define SSL_get_version (ossl_fn.SSL_get_version)
#define SSL_is_init_finished (ossl_fn.SSL_is_init_finished)
#define SSL_new (ossl_fn.SSL_new)
#define SSL_read (ossl_fn.SSL_read)
#define SSL_set1_host (ossl_fn.SSL_set1_host)
#define SSL_set_accept_state (ossl_fn.SSL_set_accept_state)
#define SSL_set_bio (ossl_fn.SSL_set_bio)
#define SSL_set_connect_state (ossl_fn.SSL_set_connect_state)
#define SSL_shutdown (ossl_fn.SSL_shutdown)
#define SSL_write (ossl_fn.SSL_write)
#define TLS_client_method (ossl_fn.TLS_client_method)
#define TLS_server_method (ossl_fn.TLS_server_method)
#endif

#endif
