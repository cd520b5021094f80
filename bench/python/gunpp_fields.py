"""The Python side of bench/python/run: NODES nodes of FIELDS fields written
through gunpp's Python package (one put per node) and read back (one get
per node), in memory. Prints {"seconds": ..., "fields_read": ...}."""
import json
import sys
import time

import gunpp


def main():
    nodes, fields = int(sys.argv[1]), int(sys.argv[2])
    data = [{f"k{j}": f"value {i} {j}" for j in range(fields)}
            for i in range(nodes)]
    with gunpp.Peer(sea=False) as peer:
        start = time.perf_counter()
        for i, node in enumerate(data):
            peer.put(f"node{i}", node)
        read = 0
        for i in range(nodes):
            got = peer.get(f"node{i}")
            read += sum(1 for j in range(fields)
                        if got.get(f"k{j}") == f"value {i} {j}")
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "fields_read": read}))


main()
