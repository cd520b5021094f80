"""What the gunpp Python tests need: the package from this tree, the
library from GUNPP_LIB (set by CTest), and for the interop test the gunpp
program (GUNPP_BIN) and GUN.js's node_modules (GUNPP_NODE_MODULES)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
