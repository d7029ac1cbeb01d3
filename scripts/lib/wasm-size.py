"""What takes the space in a .wasm: sizes of its sections, and of its code by
crate and by function (from the name section, so build with
KEEP_WASM_NAMES=1 scripts/build-worker; without names only sections count).
A dependency-free stand-in for twiggy.

    python3 scripts/lib/wasm-size.py worker/build/worker/index.wasm [TOP=20]
"""

import collections
import gzip
import re
import sys

SECTIONS = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
            6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}


def leb(b, i):
    result = shift = 0
    while True:
        x = b[i]
        i += 1
        result |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return result, i


def skip_limits(b, j):
    flags = b[j]
    j += 1
    _, j = leb(b, j)
    if flags & 1:
        _, j = leb(b, j)
    return j


def main():
    path, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    data = open(path, "rb").read()
    sections, i = [], 8
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        sections.append((sid, i, size))
        i += size
    imported, bodies, names = 0, [], {}
    for sid, off, size in sections:
        b = data[off:off + size]
        if sid == 2:
            n, j = leb(b, 0)
            for _ in range(n):
                for _ in range(2):
                    length, j = leb(b, j)
                    j += length
                kind = b[j]
                j += 1
                if kind == 0:
                    _, j = leb(b, j)
                    imported += 1
                elif kind == 1:
                    j = skip_limits(b, j + 1)
                elif kind == 2:
                    j = skip_limits(b, j)
                elif kind == 3:
                    j += 2
                elif kind == 4:
                    _, j = leb(b, j + 1)
        elif sid == 10:
            n, j = leb(b, 0)
            for _ in range(n):
                length, k = leb(b, j)
                bodies.append(k - j + length)
                j = k + length
        elif sid == 0:
            length, j = leb(b, 0)
            if b[j:j + length] == b"name":
                j += length
                while j < len(b):
                    sub = b[j]
                    sz, j = leb(b, j + 1)
                    if sub == 1:
                        n, k = leb(b, j)
                        for _ in range(n):
                            idx, k = leb(b, k)
                            length, k = leb(b, k)
                            names[idx] = b[k:k + length].decode("utf8", "replace")
                            k += length
                    j += sz
    print(f"{path}: {len(data):,} bytes, {len(gzip.compress(data, 9)):,} gzipped; {len(bodies)} functions")
    for sid, _, size in sections:
        print(f"  {SECTIONS.get(sid, sid):>9} section {size:>9,}")
    if not names:
        print("  (no name section: build with KEEP_WASM_NAMES=1 for code by crate and function)")
        return
    by_crate, functions = collections.Counter(), []
    for k, size in enumerate(bodies):
        name = names.get(imported + k, "?")
        functions.append((size, name))
        m = re.match(r"[<&]*(?:dyn )?(?:mut )?([A-Za-z_][A-Za-z0-9_]*)", name)
        by_crate[m.group(1) if m else name[:24]] += size
    print("code by crate (or first path segment):")
    for crate, size in by_crate.most_common(top):
        print(f"  {size:>9,}  {crate}")
    print("largest functions:")
    for size, name in sorted(functions, reverse=True)[:top]:
        print(f"  {size:>9,}  {name[:120]}")


main()
