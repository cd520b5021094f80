/* gunpp's C ABI: a GUN peer for any language that can call C.
 *
 *   gunpp_peer* peer;
 *   if (gunpp_open(NULL, &peer) != GUNPP_OK) fail(gunpp_last_error());
 *   gunpp_field f = {GUNPP_STR("name"), GUNPP_TEXT("Alice"), 0};
 *   gunpp_write(peer, GUNPP_STR("alice"), &f, 1, NULL, NULL);
 *   gunpp_run_until_idle(peer);
 *   gunpp_node* node;
 *   if (gunpp_get(peer, GUNPP_STR("alice"), &node) == GUNPP_OK) {
 *     use(node->fields[0].value.text);       // borrowed from `node`
 *     gunpp_node_free(node);
 *   }
 *   gunpp_close(peer);
 *
 * docs/c-api.md has an example of every use. The rules that hold for every
 * function:
 *
 * Errors. A function that can fail returns an int: GUNPP_OK (0) or a
 * gunpp_status code, and then gunpp_last_error() says why. Nothing is
 * applied by a call that fails. No C++ exception leaves the library: a
 * broken invariant inside it is GUNPP_INTERNAL.
 *
 * Strings. Every string crosses as gunpp_str, a pointer and a size in bytes,
 * never NUL-terminated by contract: souls, keys and values are UTF-8 and may
 * hold NUL. A gunpp_str with data NULL and size 0 is the empty string where
 * a string is required, and "not given" where one is optional.
 *
 * Ownership. The caller owns what it passes in; the library copies what it
 * keeps. What the library returns through a pointer-to-pointer or a
 * gunpp_buf is the caller's and is freed by this library's matching
 * function (gunpp_node_free, gunpp_buf_free, gunpp_pair_free), never by
 * free(). What a callback receives is borrowed for the duration of the
 * callback only.
 *
 * Callbacks. A callback runs on the thread that pumps the peer, from inside
 * gunpp_poll, gunpp_run_for, gunpp_run_until_idle, gunpp_flush or
 * gunpp_close, never from inside the call that registered it. Its `user`
 * pointer is passed back untouched and must stay valid until the callback
 * has fired for the last time: once for a put or a read, until
 * gunpp_unsubscribe / gunpp_chain_off (or gunpp_close) for a subscription.
 * A callback may call any function on its peer but the pump functions and
 * gunpp_close (which return GUNPP_INVALID_ARGUMENT there).
 *
 * Threads. A gunpp_peer and everything done through it belongs to one
 * thread at a time: calls on one peer must not overlap (the caller
 * serialises them), and they may come from different threads one after
 * another. Distinct peers are independent. gunpp_node, gunpp_buf and
 * gunpp_pair are plain data. The SEA functions without a peer, and
 * gunpp_version, may be called from any thread at any time.
 * gunpp_last_error is per thread.
 *
 * Versions. Option structs start with their size: initialise them with
 * their _INIT macro, and a library newer than the header reads only the
 * members the caller knew of. The soname changes only when this ABI breaks.
 */
#ifndef GUNPP_GUNPP_H_
#define GUNPP_GUNPP_H_

#include <stddef.h>
#include <stdint.h>

/* The library's functions are its only exported symbols. */
#if defined(__GNUC__)
#define GUNPP_API __attribute__((visibility("default")))
#else
#define GUNPP_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define GUNPP_VERSION_MAJOR 0
#define GUNPP_VERSION_MINOR 1
#define GUNPP_VERSION_PATCH 0

/* The library's version, "major.minor.patch" (static storage). */
GUNPP_API const char* gunpp_version(void);

/* ---- Status ------------------------------------------------------------ */

typedef enum gunpp_status {
  GUNPP_OK = 0,
  GUNPP_INVALID_ARGUMENT = 1,   /* the input is malformed; nothing applied */
  GUNPP_RESOURCE_EXHAUSTED = 2, /* a bound was hit; nothing applied */
  GUNPP_NOT_FOUND = 3,          /* the soul, key or id does not exist */
  GUNPP_CANCELLED = 4,          /* the peer closed before the work ended */
  GUNPP_IO_ERROR = 5,           /* the operating system refused */
  GUNPP_CORRUPTION = 6,         /* stored data is damaged */
  GUNPP_UNAVAILABLE = 7,        /* a peer or database cannot be reached */
  GUNPP_UNAUTHENTICATED = 8,    /* a write is not proven to be its owner's */
  GUNPP_INTERNAL = 9            /* a bug in gunpp */
} gunpp_status;

/* The message of the last call on this thread that returned an error
 * (NUL-terminated, also when the message holds NUL: use
 * gunpp_last_error_size). Valid until the next failing call on this thread;
 * "" before any. Calls that succeed leave it alone. */
GUNPP_API const char* gunpp_last_error(void);
GUNPP_API size_t gunpp_last_error_size(void);
/* The name of a status code, e.g. "InvalidArgument" (static storage). */
GUNPP_API const char* gunpp_status_name(int status);

/* ---- Strings, values, fields ------------------------------------------- */

typedef struct gunpp_str {
  const char* data;
  size_t size;
} gunpp_str;

/* A gunpp_str of a string literal (a compound literal, so it can be passed
 * as an argument), or of a NUL-terminated string (NULL: not given). */
#ifdef __cplusplus
#define GUNPP_STR(literal) (gunpp_str{(literal), sizeof(literal) - 1})
#else
#define GUNPP_STR(literal) ((gunpp_str){(literal), sizeof(literal) - 1})
#endif
GUNPP_API gunpp_str gunpp_cstr(const char* nul_terminated);

typedef enum gunpp_kind {
  GUNPP_NULL = 0, /* deleted: GUN's tombstone */
  GUNPP_BOOL = 1,
  GUNPP_NUMBER = 2, /* finite only */
  GUNPP_STRING = 3,
  GUNPP_LINK = 4 /* {"#": soul}; `text` is the soul */
} gunpp_kind;

/* One value: `kind` says which member holds it. */
typedef struct gunpp_value {
  int32_t kind;
  int32_t boolean;
  double number;
  gunpp_str text; /* GUNPP_STRING's text, GUNPP_LINK's soul */
} gunpp_value;

/* Initialisers of a value: a string literal as text. */
#define GUNPP_TEXT(literal)                                  \
  {                                                          \
    GUNPP_STRING, 0, 0.0, { (literal), sizeof(literal) - 1 } \
  }

/* One field: a key, its value and its state (GUN's timestamp, ms since the
 * epoch; ignored by gunpp_write, which stamps its own). */
typedef struct gunpp_field {
  gunpp_str key;
  gunpp_value value;
  double state;
} gunpp_field;

/* Fields of one soul, owned by the library until gunpp_node_free (when
 * returned by gunpp_get*), or borrowed during a callback. */
typedef struct gunpp_node {
  gunpp_str soul;
  const gunpp_field* fields;
  size_t count;
} gunpp_node;

GUNPP_API void gunpp_node_free(gunpp_node* node); /* NULL is a no-op */

/* Bytes the library allocated for the caller, NUL-terminated after `size`
 * bytes; free with gunpp_buf_free, which also resets it to {NULL, 0}. */
typedef struct gunpp_buf {
  char* data;
  size_t size;
} gunpp_buf;

GUNPP_API void gunpp_buf_free(
    gunpp_buf* buf); /* NULL or an empty buf is a no-op */

/* ---- The peer: a store, its scheduler, and its network --------------- */

typedef struct gunpp_peer gunpp_peer;

typedef struct gunpp_options {
  uint32_t size; /* sizeof(gunpp_options): set by GUNPP_OPTIONS_INIT */
  /* NUL-terminated. NULL or "": the graph in memory only. A libpq URI
   * (postgresql://..., postgres://...): PostgreSQL. Anything else: a SQLite
   * file, created when missing. As gunpp's --db. */
  const char* db;
  /* Non-zero: every put is checked against SEA's rules (user space, signed
   * fields, content addressing) and refused when it fails them. */
  int32_t verify_sea;
  /* NUL-terminated PEM roots trusted for wss:// peers; NULL: the system's. */
  const char* ca_file;
  /* With a db: bytes of nodes kept in memory (0: no bound). */
  uint64_t cache_bytes;
  /* Chain reads: wait this long without news before answering (GUN's
   * once waits 99), and answer at the latest after read_timeout_ms. 0:
   * those defaults (99 and 3000). */
  uint32_t read_wait_ms;
  uint32_t read_timeout_ms;
} gunpp_options;

#define GUNPP_OPTIONS_INIT \
  { sizeof(gunpp_options), NULL, 1, NULL, 0, 0, 0 }

/* Opens a peer (options NULL: GUNPP_OPTIONS_INIT). Errors: INVALID_ARGUMENT
 * for options of an unknown size or a db that is not a database, the
 * database's error when it cannot be opened. */
GUNPP_API int gunpp_open(const gunpp_options* options, gunpp_peer** out);

/* Runs the ready turns (so that the puts made so far that wait for no
 * peer are merged), stops the network, commits what has converged to the
 * db, completes pending puts (with CANCELLED when not merged), drops
 * pending reads, and frees the peer. NULL is a no-op. From a callback, the
 * peer closes when the pump that ran the callback returns. */
GUNPP_API void gunpp_close(gunpp_peer* peer);

/* Dials a GUN relay (ws:// or wss://host[:port][/path]) and keeps
 * redialling with backoff after a failure or a close, until gunpp_close.
 * url is NUL-terminated. INVALID_ARGUMENT for a URL it cannot use. */
GUNPP_API int gunpp_connect(gunpp_peer* peer, const char* url);

/* Makes the peer a relay: accepts GUN peers (GUN.js browsers and relays,
 * other gunpp peers) on ws://host:port/gun. host is a NUL-terminated IP
 * address; port 0 picks a free port, which *bound_port (when not NULL)
 * receives. INVALID_ARGUMENT for a host that is not an IP address or a
 * second listen; UNAVAILABLE when the address cannot be bound. */
GUNPP_API int gunpp_listen(gunpp_peer* peer, const char* host, uint16_t port,
                           uint16_t* bound_port);

/* Peers connected now (dialled and accepted). */
GUNPP_API size_t gunpp_peer_count(gunpp_peer* peer);

/* ---- Pumping: gunpp starts no thread ---------------------------------- */

/* Runs the network's ready I/O and the ready turns, without blocking.
 * Returns how many ran. */
GUNPP_API size_t gunpp_poll(gunpp_peer* peer);
/* Pumps I/O and turns for `ms` milliseconds, sleeping when idle. */
GUNPP_API int gunpp_run_for(gunpp_peer* peer, uint32_t ms);
/* Runs turns until none is ready (puts merged, reads answered as far as
 * the graph here allows; timers not yet due wait). No network I/O. */
GUNPP_API int gunpp_run_until_idle(gunpp_peer* peer);
/* When the next turn is due, in ms from now (0: ready now); returns 0 and
 * leaves *in_ms alone when nothing is scheduled. The network may have work
 * before then: a host with its own loop polls at least every few ms while
 * connected. */
GUNPP_API int gunpp_next_wakeup(gunpp_peer* peer, double* in_ms);
/* Runs the ready turns, then, with a db, commits what has converged and
 * completes the puts it holds, now. Returns the storage's status (OK
 * without a db). */
GUNPP_API int gunpp_flush(gunpp_peer* peer);

/* ---- Writes ------------------------------------------------------------ */

typedef struct gunpp_put_result {
  int32_t status;    /* GUNPP_OK, or why the put was not merged */
  gunpp_str message; /* "" when OK */
  uint64_t applied;  /* fields now held */
  uint64_t ignored;  /* older than what is held, or lost the tie */
  uint64_t deferred; /* from the future: merged when their state is due */
} gunpp_put_result;

typedef void (*gunpp_put_fn)(void* user, const gunpp_put_result* result);

/* Merges `count` fields into `soul`, each with its own state (HAM decides),
 * and sends them to every peer (and to peers connecting in the next 9 s).
 * `done` (may be NULL) fires once, when the fields are merged here (with a
 * db: committed), with CANCELLED when the peer closes first, or with the
 * db's error. Errors returned at once (done not called): INVALID_ARGUMENT
 * for an empty soul, a value of an unknown kind, a number or state that is
 * not finite, text that is not UTF-8 or longer than the store's bounds;
 * RESOURCE_EXHAUSTED when the peer's queues are full; UNAUTHENTICATED when
 * SEA refuses it. */
GUNPP_API int gunpp_put(gunpp_peer* peer, gunpp_str soul,
                        const gunpp_field* fields, size_t count,
                        gunpp_put_fn done, void* user);

/* As gunpp_put, every field stamped with one fresh state from the peer's
 * clock (a local write; fields' states are ignored). INVALID_ARGUMENT also
 * for an empty key. */
GUNPP_API int gunpp_write(gunpp_peer* peer, gunpp_str soul,
                          const gunpp_field* fields, size_t count,
                          gunpp_put_fn done, void* user);

/* ---- Reads of the graph this peer holds ------------------------------- */

/* The node `soul`, its fields in the order they were first written.
 * NOT_FOUND when absent. */
GUNPP_API int gunpp_get(gunpp_peer* peer, gunpp_str soul, gunpp_node** out);

/* The field `key` of `soul`, as a node of one field. NOT_FOUND when absent. */
GUNPP_API int gunpp_get_field(gunpp_peer* peer, gunpp_str soul, gunpp_str key,
                              gunpp_node** out);

/* GUNPP_JSON_PLAIN: {"key":value,...}, links as {"#":soul}.
 * GUNPP_JSON_GUN: GUN's node form, {"_":{"#":soul,">":{key:state}},...}. */
enum { GUNPP_JSON_PLAIN = 0, GUNPP_JSON_GUN = 1 };

/* The node `soul` as JSON text (numbers as JavaScript prints them).
 * NOT_FOUND when absent. */
GUNPP_API int gunpp_get_json(gunpp_peer* peer, gunpp_str soul, int32_t form,
                             gunpp_buf* out);

/* A LEX query over a node's keys (GUN's "."): each bound that is given
 * (data not NULL) must hold. exact: "="; prefix: "*"; from and to: ">" and
 * "<", inclusive, in JavaScript's UTF-16 order. */
typedef struct gunpp_lex {
  gunpp_str exact;
  gunpp_str prefix;
  gunpp_str from;
  gunpp_str to;
} gunpp_lex;

/* A chunk of a read, borrowed during the callback; `last` is non-zero on
 * the final one. */
typedef void (*gunpp_chunk_fn)(void* user, const gunpp_node* chunk,
                               int32_t last);

/* Reads node `soul` a chunk per turn, `keys_per_chunk` fields each (0: 9,
 * as GUN's replies), the fields `range` matches (NULL: all) in key order, up
 * to `byte_budget` bytes of values (GUN's "%"; 0: no limit). With a db, a
 * node not in memory is loaded across turns. NOT_FOUND (no callback) when
 * the soul is absent or no key matches; RESOURCE_EXHAUSTED when the queue of
 * reads is full; INVALID_ARGUMENT when a bound of `range` is not UTF-8. */
GUNPP_API int gunpp_read(gunpp_peer* peer, gunpp_str soul,
                         const gunpp_lex* range, size_t byte_budget,
                         size_t keys_per_chunk, gunpp_chunk_fn each,
                         void* user);

/* ---- Subscriptions ----------------------------------------------------- */

typedef struct gunpp_change {
  gunpp_str soul;
  gunpp_str key;
  gunpp_value value;
  double state;
} gunpp_change;

typedef void (*gunpp_change_fn)(void* user, const gunpp_change* change);

/* Calls `each` for every field of `soul` that converges from now on (soul
 * not given: of every soul), and asks every peer for `soul`, now and after
 * every new connection, so that its updates keep flowing. *id receives the
 * subscription's id. */
GUNPP_API int gunpp_subscribe(gunpp_peer* peer, gunpp_str soul,
                              gunpp_change_fn each, void* user, uint64_t* id);
/* Ends a subscription; `each` is not called again. NOT_FOUND for an
 * unknown id. */
GUNPP_API int gunpp_unsubscribe(gunpp_peer* peer, uint64_t id);

/* ---- SEA: key pairs and signatures ------------------------------------ */

/* A SEA key pair (ECDSA pub/priv, ECDH epub/epriv, as SEA.pair() makes
 * them). The private halves are the caller's secrets. */
typedef struct gunpp_pair {
  gunpp_str pub;
  gunpp_str priv;
  gunpp_str epub;
  gunpp_str epriv;
} gunpp_pair;

/* A fresh pair, owned by the caller until gunpp_pair_free. */
GUNPP_API int gunpp_pair_new(gunpp_pair** out);
/* A pair from SEA.pair()'s JSON. INVALID_ARGUMENT when a member is missing
 * or malformed, or a private key is not its public key's. */
GUNPP_API int gunpp_pair_from_json(gunpp_str json, gunpp_pair** out);
/* The pair as SEA.pair() prints it (GUN.js's user.auth(pair) takes it). */
GUNPP_API int gunpp_pair_to_json(const gunpp_pair* pair, gunpp_buf* out);
GUNPP_API void gunpp_pair_free(gunpp_pair* pair); /* NULL is a no-op */

/* SEA.sign's signature of `text`. INVALID_ARGUMENT for a malformed pair. */
GUNPP_API int gunpp_sign(const gunpp_pair* pair, gunpp_str text,
                         gunpp_buf* signature);
/* OK when `signature` is pub's signature of `text`; UNAUTHENTICATED when
 * not; INVALID_ARGUMENT when pub or signature is malformed. */
GUNPP_API int gunpp_verify(gunpp_str text, gunpp_str signature, gunpp_str pub);

/* ---- GUN's chain API --------------------------------------------------- */

/* A path: keys[0] is the root soul, each further key leads through the link
 * its field holds (GUN's gun.get(k0).get(k1)...). With `user`, the path is
 * in that user's space: keys[0] must be "~" + user->pub, and every put on it
 * is signed with the pair. */
typedef struct gunpp_path {
  const gunpp_str* keys;
  size_t count;
  const gunpp_pair* user;
} gunpp_path;

typedef struct gunpp_chain_result {
  int32_t status;    /* GUNPP_OK, or why nothing was written */
  gunpp_str message; /* "" when OK */
  int32_t acked;     /* a peer acked the put before the timeout */
  gunpp_str soul;    /* the node written into (set: the new item's) */
} gunpp_chain_result;

typedef void (*gunpp_chain_put_fn)(void* user,
                                   const gunpp_chain_result* result);

/* gun.get(...).put(data): `data_json` is a string, number, boolean, null
 * (a delete), a link {"#":soul}, or an object whose members nest into
 * linked nodes (souls as GUN.js names them, parent + "/" + key). Every field
 * carries one state. `done` (may be NULL) fires once: when a peer acks, or
 * with acked 0 after timeout_ms (0: 9000). INVALID_ARGUMENT at once for
 * data that is not JSON or not GUN data (arrays), nesting deeper than 32,
 * an empty key in the path, or a non-object put on a root soul. */
GUNPP_API int gunpp_chain_put(gunpp_peer* peer, const gunpp_path* path,
                              gunpp_str data_json, uint32_t timeout_ms,
                              gunpp_chain_put_fn done, void* user);

/* gun.get(...).set(object): adds a node with a generated soul holding
 * `object_json` (an object) to the node at `path`, keyed and linked by its
 * soul, which *soul receives (when not NULL; free it). Otherwise as
 * gunpp_chain_put. */
GUNPP_API int gunpp_chain_set(gunpp_peer* peer, const gunpp_path* path,
                              gunpp_str object_json, uint32_t timeout_ms,
                              gunpp_chain_put_fn done, void* user,
                              gunpp_buf* soul);

/* What a read found at a path (or, mapped, at one item): `key` is the
 * path's last key (the item's key), `found` is 0 when nothing is there, and
 * `json` is the value: a primitive, a link {"#":soul}, or a node as an
 * object of its fields (deleted ones null), links read with a depth
 * replaced by the nodes they lead to; "null" when not found. */
typedef void (*gunpp_snapshot_fn)(void* user, gunpp_str key, int32_t found,
                                  gunpp_str json);

/* gun.get(...).once(): answers exactly once, asking the peers for what this
 * peer lacks: found, or not found once they have answered and
 * read_wait_ms has passed, or at the latest at read_timeout_ms. With a
 * depth, linked nodes come along to that many links (a cycle is cut). */
GUNPP_API int gunpp_chain_once(gunpp_peer* peer, const gunpp_path* path,
                               uint32_t depth, gunpp_snapshot_fn done,
                               void* user);

typedef void (*gunpp_done_fn)(void* user);

/* gun.get(...).map().once(): `each` for every item of the node at `path`
 * found within the read, then `done` once. */
GUNPP_API int gunpp_chain_map_once(gunpp_peer* peer, const gunpp_path* path,
                                   gunpp_snapshot_fn each, gunpp_done_fn done,
                                   void* user);

/* gun.get(...).on(), or with `mapped` non-zero gun.get(...).map().on():
 * every change from what is there now on, following links that are
 * repointed, until gunpp_chain_off(*id). Mapped, an item whose link is
 * removed comes with found 0. */
GUNPP_API int gunpp_chain_on(gunpp_peer* peer, const gunpp_path* path,
                             int32_t mapped, gunpp_snapshot_fn each, void* user,
                             uint64_t* id);
/* NOT_FOUND for an unknown id. */
GUNPP_API int gunpp_chain_off(gunpp_peer* peer, uint64_t id);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GUNPP_GUNPP_H_ */
