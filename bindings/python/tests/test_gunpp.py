"""gunpp's Python package over libgunpp.so: the API a Python user writes
against, its errors, subscriptions, durability and sync with GUN.js."""
import json
import os
import re
import subprocess
import threading

import pytest

import gunpp


def test_put_then_get_in_memory():
    with gunpp.Peer() as peer:
        peer.put("alice", {"name": "Alice", "age": 41, "boss": {"#": "bob"},
                           "gone": None, "ok": True, "pi": 3.5})
        assert peer.get("alice") == {"name": "Alice", "age": 41,
                                     "boss": {"#": "bob"}, "gone": None,
                                     "ok": True, "pi": 3.5}
        assert peer.get("alice", "name") == "Alice"
        assert peer.get("alice", "boss") == {"#": "bob"}
        assert peer.get("alice", "missing") is None
        assert peer.get("nobody") is None
        assert gunpp.version() == "0.1.0"


def test_nested_objects_become_linked_nodes():
    with gunpp.Peer() as peer:
        peer.put("alice", {"address": {"city": "Paris", "geo": {"x": 1}}})
        assert peer.get("alice") == {"address": {"#": "alice/address"}}
        assert peer.get("alice/address/geo") == {"x": 1}
        assert peer.chain("alice").once(depth=2) == {
            "address": {"city": "Paris", "geo": {"x": 1}}}


def test_unicode_nul_and_big_numbers_round_trip():
    with gunpp.Peer() as peer:
        data = {"k\u0000é": "v\u0000😀\n", "big": 1e300, "neg": -0.5,
                "int": 2**53 - 1}
        peer.put("s\u0000/.", data)
        assert peer.get("s\u0000/.") == data


def test_explicit_states_go_through_ham():
    with gunpp.Peer() as peer:
        results = []
        peer.put("s", {"x": 2}, state=2000, callback=results.append)
        peer.put("s", {"x": 1}, state=1000, callback=results.append)
        assert peer.get("s") == {"x": 2}
        assert peer.states("s") == {"x": 2000}
        assert results == [None, None]
        with pytest.raises(gunpp.Error) as e:
            peer.put("s", {"x": float("nan")}, state=1)
        assert e.value.code == gunpp.INVALID_ARGUMENT


def test_bad_input_raises_and_applies_nothing():
    with gunpp.Peer() as peer:
        for bad in ([1, 2], "text", 5):
            with pytest.raises(gunpp.Error) as e:
                peer.put("s", bad)
            assert e.value.code == gunpp.INVALID_ARGUMENT
        with pytest.raises(gunpp.Error) as e:
            peer.put("s", {"a": 1, "b": [1]})
        assert "arrays" in e.value.message
        with pytest.raises(gunpp.Error):
            peer.put("s", {"a": float("inf")})
        with pytest.raises(gunpp.Error):
            peer.put("s", {"a": object()})
        with pytest.raises(gunpp.Error) as e:
            peer.put("", {"a": 1})
        assert e.value.name == "InvalidArgument"
        with pytest.raises(gunpp.Error):
            peer.put("s", {"a": "\ud800"})  # a lone surrogate is not UTF-8
        assert peer.get("s") is None
        with pytest.raises(gunpp.Error):
            peer.connect("http://not-a-gun-url")
        with pytest.raises(gunpp.Error) as e:
            peer.chain("s").put(5)  # a primitive on a root soul
    with pytest.raises(gunpp.Error) as e:
        peer.get("s")
    assert e.value.code == gunpp.CANCELLED


def test_subscriptions_and_their_end():
    with gunpp.Peer() as peer:
        seen = []
        sub = peer.on("alice", lambda key, value: seen.append((key, value)))
        peer.put("alice", {"name": "Alice"})
        peer.put("bob", {"name": "Bob"})
        peer.run_until_idle()
        assert seen == [("name", "Alice")]
        sub.off()
        sub.off()  # twice is harmless
        peer.put("alice", {"name": "Alicia"})
        peer.run_until_idle()
        assert seen == [("name", "Alice")]


def test_callback_exceptions_surface_from_the_pump():
    with gunpp.Peer() as peer:
        def boom(key, value):
            raise RuntimeError("from the callback")
        peer.on("a", boom)
        peer.put("a", {"x": 1})
        with pytest.raises(RuntimeError, match="from the callback"):
            peer.run_until_idle()
        assert peer.get("a") == {"x": 1}  # the store is whole


def test_chain_set_map_and_on():
    with gunpp.Peer(read_wait=0.01) as peer:
        chat = peer.chain("chat")
        items = []
        sub = chat.map().on(lambda key, value: items.append((key, value)))
        first = chat.set({"msg": "hi"})
        second = chat.set({"msg": "there"})
        peer.run(0.05)
        assert sorted(items) == sorted([(first, {"msg": "hi"}),
                                        (second, {"msg": "there"})])
        assert chat.map().once() == {first: {"msg": "hi"},
                                     second: {"msg": "there"}}
        sub.off()
        assert chat.get(first).get("msg").once() == "hi"
        assert peer.chain("nothing").once() is None


def test_sea_pairs_and_a_signed_user_space():
    pair = gunpp.Pair.new()
    again = gunpp.Pair.from_json(pair.to_json())
    assert again.pub == pair.pub
    signature = pair.sign("hello")
    assert gunpp.verify("hello", signature, pair.pub)
    assert not gunpp.verify("hellO", signature, pair.pub)
    with pytest.raises(gunpp.Error):
        gunpp.Pair.from_json("{}")
    with gunpp.Peer(read_wait=0.01) as peer:
        peer.user(pair).get("profile").put({"name": "Alice"})
        assert peer.user(pair).get("profile").once() == {"name": "Alice"}
        stored = peer.get("~" + pair.pub + "/profile", "name")
        assert '"~":' in stored  # signed envelope
        with pytest.raises(gunpp.Error) as e:
            peer.put("~" + pair.pub + "/profile", {"name": "Mallory"},
                     state=1)
        assert e.value.code == gunpp.UNAUTHENTICATED


def test_a_durable_store_reopened(tmp_path):
    db = str(tmp_path / "graph.db")
    with gunpp.Peer(db=db) as peer:
        peer.put("alice", {"name": "Alice", "address": {"city": "Paris"}})
        peer.flush()
    with gunpp.Peer(db=db) as peer:
        assert peer.get("alice", "name") == "Alice"
        assert peer.get("alice/address") == {"city": "Paris"}
    (tmp_path / "junk.db").write_text("not a database " * 10)
    with pytest.raises(gunpp.Error) as e:
        gunpp.Peer(db=str(tmp_path / "junk.db"))
    assert e.value.code == gunpp.CORRUPTION


def test_two_python_peers_and_threads():
    with gunpp.Peer(listen=0) as relay, \
            gunpp.Peer(peers=[f"ws://127.0.0.1:{relay.port}/gun"]) as client:
        seen = []
        relay.on("news", lambda k, v: seen.append((k, v)))
        client.put("news", {"headline": "hello"})

        def pump(peer):
            for _ in range(200):
                peer.run(0.01)
                if seen:
                    return
        threads = [threading.Thread(target=pump, args=(p,))
                   for p in (relay, client)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert seen == [("headline", "hello")]


@pytest.mark.skipif(not os.environ.get("GUNPP_BIN") or
                    not os.environ.get("GUNPP_NODE_MODULES"),
                    reason="needs GUNPP_BIN and GUNPP_NODE_MODULES")
def test_sync_with_a_gunjs_client_through_gunpp_relay():
    relay = subprocess.Popen(
        [os.environ["GUNPP_BIN"], "relay", "--host", "127.0.0.1", "--port",
         "0"], stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in relay.stderr:
            m = re.search(r"listening (?:on )?(ws://\S+)", line)
            if m:
                url = m.group(1)
                break
        assert url
        with gunpp.Peer(peers=[url]) as peer:
            seen = {}
            peer.on("py/gunjs", lambda k, v: seen.__setitem__(k, v))
            peer.put("py/python", {"from": "python", "n": 42})
            node = subprocess.Popen(
                ["node", os.path.join(os.path.dirname(__file__),
                                      "gun_client.js"),
                 os.environ["GUNPP_NODE_MODULES"], url],
                stdout=subprocess.PIPE, text=True)
            try:
                for _ in range(2000):
                    peer.run(0.01)
                    if seen.get("n") == 7 and node.poll() is not None:
                        break
                out, _ = node.communicate(timeout=20)
            finally:
                if node.poll() is None:
                    node.kill()
            assert node.returncode == 0, out
            assert json.loads(out) == {"from": "python", "n": 42}
            assert seen == {"from": "gunjs", "n": 7}
            assert peer.get("py/gunjs") == {"from": "gunjs", "n": 7}
    finally:
        relay.kill()
        relay.wait()
