"""Prints the PTX (assembly) of every gpu.binary object in an MLIR file."""
import re
import sys

text = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
for m in re.finditer(r'assembly = "((?:[^"\\]|\\.)*)"', text):
    body = re.sub(r'\\([0-9A-Fa-f]{2})', lambda h: chr(int(h.group(1), 16)), m.group(1))
    print(body.replace('\\"', '"').replace('\\\\', '\\'))
