"""libgunpp.so through ctypes: finding it, and the C ABI's types and
functions (include/gunpp/gunpp.h), declared once."""

import ctypes
import ctypes.util
import os

SONAME = "libgunpp.so.0"


def _candidates():
    """Where the library may be, in the order it is looked for."""
    env = os.environ.get("GUNPP_LIB")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    try:  # written by cmake --install next to this file
        from ._location import LIBDIR  # type: ignore

        yield os.path.join(LIBDIR, SONAME)
    except ImportError:
        pass
    yield os.path.join(here, SONAME)
    found = ctypes.util.find_library("gunpp")
    yield found or SONAME


def load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError(
        "gunpp: libgunpp.so not found; set GUNPP_LIB to its path ("
        + "; ".join(errors) + ")")


class Str(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_size_t)]

    def bytes(self):
        return ctypes.string_at(self.data, self.size) if self.size else b""


class Value(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int32), ("boolean", ctypes.c_int32),
                ("number", ctypes.c_double), ("text", Str)]


class Field(ctypes.Structure):
    _fields_ = [("key", Str), ("value", Value), ("state", ctypes.c_double)]


class Node(ctypes.Structure):
    _fields_ = [("soul", Str), ("fields", ctypes.POINTER(Field)),
                ("count", ctypes.c_size_t)]


class Buf(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_size_t)]


class Options(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("db", ctypes.c_char_p),
                ("verify_sea", ctypes.c_int32), ("ca_file", ctypes.c_char_p),
                ("cache_bytes", ctypes.c_uint64),
                ("read_wait_ms", ctypes.c_uint32),
                ("read_timeout_ms", ctypes.c_uint32)]


class PutResult(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int32), ("message", Str),
                ("applied", ctypes.c_uint64), ("ignored", ctypes.c_uint64),
                ("deferred", ctypes.c_uint64)]


class Change(ctypes.Structure):
    _fields_ = [("soul", Str), ("key", Str), ("value", Value),
                ("state", ctypes.c_double)]


class Pair(ctypes.Structure):
    _fields_ = [("pub", Str), ("priv", Str), ("epub", Str), ("epriv", Str)]


class Path(ctypes.Structure):
    _fields_ = [("keys", ctypes.POINTER(Str)), ("count", ctypes.c_size_t),
                ("user", ctypes.POINTER(Pair))]


class ChainResult(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int32), ("message", Str),
                ("acked", ctypes.c_int32), ("soul", Str)]


PUT_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(PutResult))
CHANGE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(Change))
CHAIN_PUT_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p,
                                ctypes.POINTER(ChainResult))
SNAPSHOT_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, Str, ctypes.c_int32, Str)
DONE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)

P = ctypes.POINTER
_c = ctypes
PEER = ctypes.c_void_p

# name: (result type, argument types)
SIGNATURES = {
    "gunpp_version": (_c.c_char_p, []),
    "gunpp_last_error": (_c.c_void_p, []),
    "gunpp_last_error_size": (_c.c_size_t, []),
    "gunpp_status_name": (_c.c_char_p, [_c.c_int]),
    "gunpp_node_free": (None, [P(Node)]),
    "gunpp_buf_free": (None, [P(Buf)]),
    "gunpp_open": (_c.c_int, [P(Options), P(PEER)]),
    "gunpp_close": (None, [PEER]),
    "gunpp_connect": (_c.c_int, [PEER, _c.c_char_p]),
    "gunpp_listen": (_c.c_int, [PEER, _c.c_char_p, _c.c_uint16,
                                P(_c.c_uint16)]),
    "gunpp_peer_count": (_c.c_size_t, [PEER]),
    "gunpp_poll": (_c.c_size_t, [PEER]),
    "gunpp_run_for": (_c.c_int, [PEER, _c.c_uint32]),
    "gunpp_run_until_idle": (_c.c_int, [PEER]),
    "gunpp_next_wakeup": (_c.c_int, [PEER, P(_c.c_double)]),
    "gunpp_flush": (_c.c_int, [PEER]),
    "gunpp_put": (_c.c_int, [PEER, Str, P(Field), _c.c_size_t, PUT_FN,
                             _c.c_void_p]),
    "gunpp_write": (_c.c_int, [PEER, Str, P(Field), _c.c_size_t, PUT_FN,
                               _c.c_void_p]),
    "gunpp_get": (_c.c_int, [PEER, Str, P(P(Node))]),
    "gunpp_get_field": (_c.c_int, [PEER, Str, Str, P(P(Node))]),
    "gunpp_get_json": (_c.c_int, [PEER, Str, _c.c_int32, P(Buf)]),
    "gunpp_subscribe": (_c.c_int, [PEER, Str, CHANGE_FN, _c.c_void_p,
                                   P(_c.c_uint64)]),
    "gunpp_unsubscribe": (_c.c_int, [PEER, _c.c_uint64]),
    "gunpp_pair_new": (_c.c_int, [P(P(Pair))]),
    "gunpp_pair_from_json": (_c.c_int, [Str, P(P(Pair))]),
    "gunpp_pair_to_json": (_c.c_int, [P(Pair), P(Buf)]),
    "gunpp_pair_free": (None, [P(Pair)]),
    "gunpp_sign": (_c.c_int, [P(Pair), Str, P(Buf)]),
    "gunpp_verify": (_c.c_int, [Str, Str, Str]),
    "gunpp_chain_put": (_c.c_int, [PEER, P(Path), Str, _c.c_uint32,
                                   CHAIN_PUT_FN, _c.c_void_p]),
    "gunpp_chain_set": (_c.c_int, [PEER, P(Path), Str, _c.c_uint32,
                                   CHAIN_PUT_FN, _c.c_void_p, P(Buf)]),
    "gunpp_chain_once": (_c.c_int, [PEER, P(Path), _c.c_uint32, SNAPSHOT_FN,
                                    _c.c_void_p]),
    "gunpp_chain_map_once": (_c.c_int, [PEER, P(Path), SNAPSHOT_FN, DONE_FN,
                                        _c.c_void_p]),
    "gunpp_chain_on": (_c.c_int, [PEER, P(Path), _c.c_int32, SNAPSHOT_FN,
                                  _c.c_void_p, P(_c.c_uint64)]),
    "gunpp_chain_off": (_c.c_int, [PEER, _c.c_uint64]),
}


def bind(lib):
    for name, (restype, argtypes) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib = bind(load())
