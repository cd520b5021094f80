"""gunpp for Python: an embedded GUN peer on libgunpp's C ABI.

    import gunpp
    with gunpp.Peer(peers=["ws://127.0.0.1:8765/gun"]) as peer:
        peer.put("alice", {"name": "Alice", "age": 41})
        peer.run(0.5)                  # pump the network and the scheduler
        peer.get("alice")              # {'name': 'Alice', 'age': 41}
        sub = peer.on("alice", lambda key, value: print(key, value))
        sub.off()

A Peer pumps only when told to (run, or the calls that wait for an answer:
once, flush, get); callbacks run inside those calls, on the calling thread.
A Peer may be used from several threads: its calls are serialised by a lock.
Bad input raises gunpp.Error, whose .code is the C ABI's status.
"""

import ctypes
import json
import math
import threading
import time

from . import _native as _n

__all__ = ["Peer", "Ref", "Pair", "Subscription", "Error", "verify",
           "version"]

OK = 0
INVALID_ARGUMENT = 1
RESOURCE_EXHAUSTED = 2
NOT_FOUND = 3
CANCELLED = 4
IO_ERROR = 5
CORRUPTION = 6
UNAVAILABLE = 7
UNAUTHENTICATED = 8
INTERNAL = 9

_NULL, _BOOL, _NUMBER, _STRING, _LINK = range(5)


class Error(Exception):
    """A call the library refused: .code (e.g. gunpp.INVALID_ARGUMENT),
    .name ("InvalidArgument") and the message."""

    def __init__(self, code, message):
        self.code = code
        self.name = _n.lib.gunpp_status_name(code).decode()
        self.message = message
        super().__init__(f"{self.name}: {message}")


def _last_error(code):
    text = ctypes.string_at(_n.lib.gunpp_last_error(),
                            _n.lib.gunpp_last_error_size())
    return Error(code, text.decode("utf-8", "replace"))


def _check(code):
    if code != OK:
        raise _last_error(code)


def _utf8(text, what):
    if not isinstance(text, str):
        raise Error(INVALID_ARGUMENT, f"{what} must be a str")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise Error(INVALID_ARGUMENT, f"{what} is not UTF-8: {e}") from None


def _str(data):
    """A gunpp_str over `data` (bytes); the caller keeps `data` alive."""
    return _n.Str(ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p),
                  len(data))


def _text(s):
    return s.bytes().decode("utf-8")


def _json(data):
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as e:
        raise Error(INVALID_ARGUMENT, f"not GUN data: {e}") from None


def _value_of(v):
    """A gunpp_value's Python form; links as {"#": soul}."""
    if v.kind == _BOOL:
        return bool(v.boolean)
    if v.kind == _NUMBER:
        n = v.number
        return int(n) if n.is_integer() and abs(n) < 2**53 else n
    if v.kind == _STRING:
        return _text(v.text)
    if v.kind == _LINK:
        return {"#": _text(v.text)}
    return None


def _c_value(value, keep):
    """A Python value as a gunpp_value; `keep` holds its bytes."""
    if value is None:
        return _n.Value(_NULL, 0, 0.0, _n.Str())
    if isinstance(value, bool):
        return _n.Value(_BOOL, int(value), 0.0, _n.Str())
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise Error(INVALID_ARGUMENT, "a number is not finite")
        return _n.Value(_NUMBER, 0, float(value), _n.Str())
    if isinstance(value, str):
        data = _utf8(value, "a string value")
        keep.append(data)
        return _n.Value(_STRING, 0, 0.0, _str(data))
    if isinstance(value, dict) and len(value) == 1 and "#" in value:
        data = _utf8(value["#"], "a link's soul")
        keep.append(data)
        return _n.Value(_LINK, 0, 0.0, _str(data))
    raise Error(INVALID_ARGUMENT,
                f"{type(value).__name__} is not a GUN value (str, number, "
                "bool, None, {'#': soul})")


def version():
    return _n.lib.gunpp_version().decode()


def verify(text, signature, pub):
    """True when `signature` is `pub`'s SEA signature of `text`."""
    data = [_utf8(text, "text"), _utf8(signature, "signature"),
            _utf8(pub, "pub")]
    code = _n.lib.gunpp_verify(*(_str(d) for d in data))
    if code == UNAUTHENTICATED:
        return False
    _check(code)
    return True


class Pair:
    """A SEA key pair (pub, priv, epub, epriv), as SEA.pair() makes it."""

    def __init__(self, _handle):
        self._handle = _handle

    @classmethod
    def new(cls):
        handle = ctypes.POINTER(_n.Pair)()
        _check(_n.lib.gunpp_pair_new(ctypes.byref(handle)))
        return cls(handle)

    @classmethod
    def from_json(cls, text):
        data = _utf8(text, "the pair's JSON")
        handle = ctypes.POINTER(_n.Pair)()
        _check(_n.lib.gunpp_pair_from_json(_str(data), ctypes.byref(handle)))
        return cls(handle)

    def to_json(self):
        buf = _n.Buf()
        _check(_n.lib.gunpp_pair_to_json(self._handle, ctypes.byref(buf)))
        try:
            return ctypes.string_at(buf.data, buf.size).decode()
        finally:
            _n.lib.gunpp_buf_free(ctypes.byref(buf))

    @property
    def pub(self):
        return _text(self._handle.contents.pub)

    def sign(self, text):
        data = _utf8(text, "text")
        buf = _n.Buf()
        _check(_n.lib.gunpp_sign(self._handle, _str(data), ctypes.byref(buf)))
        try:
            return ctypes.string_at(buf.data, buf.size).decode()
        finally:
            _n.lib.gunpp_buf_free(ctypes.byref(buf))

    def __del__(self):
        if getattr(self, "_handle", None):
            _n.lib.gunpp_pair_free(self._handle)
            self._handle = None


class Subscription:
    """What on() returns: off() ends it (also on close)."""

    def __init__(self, peer, key, sub_id, off_fn):
        self._peer = peer
        self._key = key
        self.id = sub_id
        self._off = off_fn

    def off(self):
        if self._off is None:
            return
        off, self._off = self._off, None
        with self._peer._lock:
            if self._peer._handle:
                _check(off(self._peer._handle, self.id))
            self._peer._release(self._key)


class Ref:
    """A chain path, as GUN.js's gun.get(a).get(b): put, set, once, on,
    map. Cheap; made by Peer.chain() and Peer.user()."""

    def __init__(self, peer, keys, mapped=False, user=None):
        self._peer = peer
        self._keys = tuple(keys)
        self._mapped = mapped
        self._user = user

    def get(self, key):
        return Ref(self._peer, self._keys + (key,), False, self._user)

    def map(self):
        return Ref(self._peer, self._keys, True, self._user)

    @property
    def path(self):
        return self._keys

    def _path(self, keep):
        data = [_utf8(k, "a path key") for k in self._keys]
        keep.extend(data)
        keys = (_n.Str * len(data))(*(_str(d) for d in data))
        keep.append(keys)
        user = self._user._handle if self._user else None
        return _n.Path(keys, len(data), user)

    def put(self, data, callback=None, timeout=0):
        """Writes `data` here (objects nest into linked nodes). `callback`
        gets (error or None, acked) once a peer acks or after `timeout`
        seconds (0: 9)."""
        return self._peer._chain_put(self, data, callback, timeout, False)

    def set(self, data, callback=None, timeout=0):
        """Adds an item (an object) with a generated soul; returns the soul."""
        return self._peer._chain_put(self, data, callback, timeout, True)

    def once(self, depth=0, timeout=None):
        """The value here, asking the peers when this peer lacks it, or None.
        Pumps until answered (at most `timeout` seconds, else the peer's
        read timeout). Mapped: a dict of the items found."""
        return self._peer._chain_once(self, depth, timeout)

    def on(self, callback):
        """callback(key, value) for every change here (mapped: per item;
        a removed item comes with None), until off()."""
        return self._peer._chain_on(self, callback)


class Peer:
    """A GUN peer: a graph (in memory, or in a database: a SQLite file or a
    postgresql:// URI), its scheduler, and its connections."""

    def __init__(self, peers=(), db=None, listen=None, sea=True,
                 ca_file=None, read_wait=None, read_timeout=None):
        self._lock = threading.RLock()
        self._callbacks = {}
        self._errors = []
        self._next = 0
        self._handle = None
        options = _n.Options(ctypes.sizeof(_n.Options))
        options.db = db.encode() if db else None
        options.verify_sea = 1 if sea else 0
        options.ca_file = ca_file.encode() if ca_file else None
        options.read_wait_ms = int((read_wait or 0) * 1000)
        options.read_timeout_ms = int((read_timeout or 0) * 1000)
        handle = _n.PEER()
        _check(_n.lib.gunpp_open(ctypes.byref(options), ctypes.byref(handle)))
        self._handle = handle
        self.port = None
        try:
            for url in peers:
                self.connect(url)
            if listen is not None:
                host, port = listen if isinstance(listen, tuple) else (
                    "127.0.0.1", listen)
                self.port = self.listen(host, port)
        except Error:
            self.close()
            raise

    # -- lifetime ----------------------------------------------------------

    def close(self):
        """Commits to the database, ends the connections, frees the peer."""
        with self._lock:
            if self._handle:
                _n.lib.gunpp_close(self._handle)
                self._handle = None
            self._callbacks.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _peer(self):
        if not self._handle:
            raise Error(CANCELLED, "the peer is closed")
        return self._handle

    # -- network and pump --------------------------------------------------

    def connect(self, url):
        with self._lock:
            _check(_n.lib.gunpp_connect(self._peer(), url.encode()))

    def listen(self, host="127.0.0.1", port=0):
        """Accepts GUN peers on ws://host:port/gun; returns the port."""
        bound = ctypes.c_uint16()
        with self._lock:
            _check(_n.lib.gunpp_listen(self._peer(), host.encode(), port,
                                       ctypes.byref(bound)))
        return bound.value

    @property
    def connections(self):
        with self._lock:
            return _n.lib.gunpp_peer_count(self._peer())

    def _pumped(self, code):
        errors, self._errors = self._errors, []
        _check(code)
        if errors:
            raise errors[0]

    def run(self, seconds):
        """Pumps the network and the scheduler for `seconds`."""
        with self._lock:
            self._pumped(_n.lib.gunpp_run_for(self._peer(),
                                              int(seconds * 1000)))

    def run_until_idle(self):
        """Runs the ready work (puts, reads) without network I/O."""
        with self._lock:
            self._pumped(_n.lib.gunpp_run_until_idle(self._peer()))

    def flush(self):
        """With a database: commits now, and completes the puts it holds."""
        with self._lock:
            self._pumped(_n.lib.gunpp_flush(self._peer()))

    # -- callbacks ---------------------------------------------------------

    def _guard(self, fn):
        """A callback whose exceptions are raised from the pump that ran it."""
        def call(*args):
            try:
                fn(*args)
            except BaseException as e:  # noqa: B902 - re-raised by the pump
                self._errors.append(e)
        return call

    def _hold(self, ctype, fn, once=False):
        """`fn` as a C callback, kept alive until released (a one-shot
        callback releases itself when it fires). Returns (key, callback)."""
        self._next += 1
        key = self._next

        def fire(*args):
            if once:
                self._callbacks.pop(key, None)
            fn(*args)
        cfn = ctype(self._guard(fire))
        self._callbacks[key] = cfn
        return key, cfn

    def _release(self, key):
        self._callbacks.pop(key, None)

    # -- the graph ---------------------------------------------------------

    def put(self, soul, data, callback=None, state=None):
        """A local write of `data` (a dict) into node `soul`; nested dicts
        become linked nodes, {"#": soul} is a link, None deletes. With
        `state`, every field carries that state (flat data only) and HAM
        decides against what is held. `callback`, if given, gets an Error
        or None once merged here."""
        if not isinstance(data, dict):
            raise Error(INVALID_ARGUMENT, "put() takes a dict of fields")
        if state is None:
            return self.chain(soul).put(
                data, callback and (lambda err, acked: callback(err)))
        keep = []
        fields = (_n.Field * len(data))()
        for i, (key, value) in enumerate(data.items()):
            k = _utf8(key, "a key")
            keep.append(k)
            fields[i] = _n.Field(_str(k), _c_value(value, keep), float(state))
        s = _utf8(soul, "the soul")

        def done(_user, result):
            if callback:
                r = result.contents
                callback(None if r.status == OK else
                         Error(r.status, _text(r.message)))
        with self._lock:
            key, fn = self._hold(_n.PUT_FN, done, once=True)
            code = _n.lib.gunpp_put(self._peer(), _str(s), fields, len(data),
                                    fn, None)
            if code != OK:
                self._release(key)
            _check(code)

    def get(self, soul, key=None):
        """The node `soul` as a dict (or its field `key`), as this peer holds
        it after running the ready work; None when absent. Use once() to
        ask the peers."""
        s = _utf8(soul, "the soul")
        with self._lock:
            self._pumped(_n.lib.gunpp_run_until_idle(self._peer()))
            if key is None:
                buf = _n.Buf()
                code = _n.lib.gunpp_get_json(self._peer(), _str(s), 0,
                                             ctypes.byref(buf))
                if code == NOT_FOUND:
                    return None
                _check(code)
                try:
                    return json.loads(ctypes.string_at(buf.data, buf.size))
                finally:
                    _n.lib.gunpp_buf_free(ctypes.byref(buf))
            k = _utf8(key, "the key")
            node = ctypes.POINTER(_n.Node)()
            code = _n.lib.gunpp_get_field(self._peer(), _str(s), _str(k),
                                          ctypes.byref(node))
            if code == NOT_FOUND:
                return None
            _check(code)
            try:
                return _value_of(node.contents.fields[0].value)
            finally:
                _n.lib.gunpp_node_free(node)

    def states(self, soul):
        """{key: state} of node `soul` (GUN's state vector), or None."""
        s = _utf8(soul, "the soul")
        with self._lock:
            node = ctypes.POINTER(_n.Node)()
            code = _n.lib.gunpp_get(self._peer(), _str(s), ctypes.byref(node))
            if code == NOT_FOUND:
                return None
            _check(code)
            try:
                n = node.contents
                return {_text(n.fields[i].key): n.fields[i].state
                        for i in range(n.count)}
            finally:
                _n.lib.gunpp_node_free(node)

    def on(self, soul, callback):
        """callback(key, value) for every field of `soul` that changes from
        now on (and asks the peers for it); returns a Subscription."""
        s = _utf8(soul, "the soul")

        def each(_user, change):
            c = change.contents
            callback(_text(c.key), _value_of(c.value))
        sub_id = ctypes.c_uint64()
        with self._lock:
            key, fn = self._hold(_n.CHANGE_FN, each)
            code = _n.lib.gunpp_subscribe(self._peer(), _str(s), fn, None,
                                          ctypes.byref(sub_id))
            if code != OK:
                self._release(key)
            _check(code)
        return Subscription(self, key, sub_id.value, _n.lib.gunpp_unsubscribe)

    # -- the chain ---------------------------------------------------------

    def chain(self, soul):
        """gun.get(soul): a path to extend with .get(key)."""
        return Ref(self, (soul,))

    def user(self, pair):
        """The user space of `pair` ("~" + pub); puts there are signed."""
        return Ref(self, ("~" + pair.pub,), False, pair)

    def _chain_put(self, ref, data, callback, timeout, is_set):
        keep = []
        path = ref._path(keep)
        text = _json(data)

        def done(_user, result):
            if callback:
                r = result.contents
                err = None if r.status == OK else Error(r.status,
                                                        _text(r.message))
                callback(err, bool(r.acked))
        with self._lock:
            key, fn = self._hold(_n.CHAIN_PUT_FN, done, once=True)
            ms = int(timeout * 1000)
            if is_set:
                buf = _n.Buf()
                code = _n.lib.gunpp_chain_set(self._peer(), ctypes.byref(path),
                                              _str(text), ms, fn, None,
                                              ctypes.byref(buf))
            else:
                code = _n.lib.gunpp_chain_put(self._peer(), ctypes.byref(path),
                                              _str(text), ms, fn, None)
            if code != OK:
                self._release(key)
            _check(code)
            if is_set:
                try:
                    return ctypes.string_at(buf.data, buf.size).decode()
                finally:
                    _n.lib.gunpp_buf_free(ctypes.byref(buf))
            return None

    def _chain_once(self, ref, depth, timeout):
        keep = []
        path = ref._path(keep)
        answer = {}
        finished = []

        def item(_user, key, found, text):
            if found:
                answer[_text(key)] = json.loads(text.bytes())
            elif not ref._mapped:
                answer[_text(key)] = None
            if not ref._mapped:
                finished.append(True)

        def done(_user):
            finished.append(True)
        with self._lock:
            each_key, each = self._hold(_n.SNAPSHOT_FN, item,
                                        once=not ref._mapped)
            if ref._mapped:
                end_key, end = self._hold(_n.DONE_FN, done, once=True)
                code = _n.lib.gunpp_chain_map_once(self._peer(),
                                                   ctypes.byref(path), each,
                                                   end, None)
                if code != OK:
                    self._release(end_key)
            else:
                code = _n.lib.gunpp_chain_once(self._peer(), ctypes.byref(path),
                                               depth, each, None)
            if code != OK:
                self._release(each_key)
            _check(code)
            deadline = None if timeout is None else time.monotonic() + timeout
            while not finished:
                if deadline is not None and time.monotonic() >= deadline:
                    raise Error(UNAVAILABLE, "once() timed out")
                self._pumped(_n.lib.gunpp_run_for(self._peer(), 5))
            if ref._mapped:
                self._release(each_key)
                return answer
            return next(iter(answer.values()))

    def _chain_on(self, ref, callback):
        keep = []
        path = ref._path(keep)

        def each(_user, key, found, text):
            callback(_text(key), json.loads(text.bytes()) if found else None)
        sub_id = ctypes.c_uint64()
        with self._lock:
            key, fn = self._hold(_n.SNAPSHOT_FN, each)
            code = _n.lib.gunpp_chain_on(self._peer(), ctypes.byref(path),
                                         1 if ref._mapped else 0, fn, None,
                                         ctypes.byref(sub_id))
            if code != OK:
                self._release(key)
            _check(code)
        return Subscription(self, key, sub_id.value, _n.lib.gunpp_chain_off)
