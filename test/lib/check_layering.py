"""Checks that dependencies between the source layers point down only:

    Utils < Dialect < {Conversion, ABI} < Codegen < Pipelines
          < {Registration, Runner} < CAPI

A file of one layer may include rope headers of its own layer and the
layers below, never of a layer above or of a sibling (Conversion and ABI
do not include each other). Prints each violation as
`path:line: <layer> includes <layer> (<header>)` and a summary line.

    check_layering.py SOURCE_ROOT
"""
import os
import re
import sys

LEVEL = {"Utils": 0, "Dialect": 1, "Conversion": 2, "ABI": 2, "Codegen": 3,
         "Pipelines": 4, "Registration": 5, "Runner": 5, "CAPI": 6}


def layer_of_path(rel):
    parts = rel.split(os.sep)
    if parts[0] == "include" and len(parts) > 2 and parts[1] == "rope":
        if parts[2] == "InitAllRope.h":
            return "Registration"
        return parts[2] if parts[2] in LEVEL else None
    if parts[0] == "include" and parts[1] == "rope-c":
        return "CAPI"
    if parts[0] == "lib" and len(parts) > 1:
        return parts[1] if parts[1] in LEVEL else None
    return None


def layer_of_header(header):
    if header.startswith("rope-c/"):
        return "CAPI"
    parts = header.split("/")
    if parts[0] != "rope":
        return None
    if parts[1] == "InitAllRope.h":
        return "Registration"
    return parts[1] if parts[1] in LEVEL else None


def main():
    root = sys.argv[1]
    bad = files = 0
    for top in ("include", "lib"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith((".h", ".cpp", ".td")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                mine = layer_of_path(rel)
                if mine is None:
                    continue
                files += 1
                for n, line in enumerate(open(path, encoding="utf-8"), 1):
                    m = re.match(r'\s*(?:#\s*include|include)\s+"([^"]+)"',
                                 line)
                    if not m:
                        continue
                    theirs = layer_of_header(m.group(1))
                    if theirs is None or theirs == mine:
                        continue
                    if LEVEL[theirs] >= LEVEL[mine]:
                        bad += 1
                        print("%s:%d: %s includes %s (%s)"
                              % (rel, n, mine, theirs, m.group(1)))
    print("layering: %d files, %d upward includes" % (files, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
