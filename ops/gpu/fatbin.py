"""Lists, or prunes, the CUDA device code in a shared library's fat binaries.

  python3 ops/gpu/fatbin.py LIB            # bytes of machine code (ELF) and PTX per architecture
  python3 ops/gpu/fatbin.py LIB --keep 90  # zeroes, in place, the machine code of every other one

ONNX Runtime's CUDA provider carries machine code for sm_60 to sm_120 and no PTX, and a GPU runs
only the code of its own architecture (sm_90 on Hopper). Zeroed entries keep their size and
headers (the CUDA runtime still parses them, never loads them), so the file stays a valid library
and compresses to a fraction of its size. The result runs only on the kept architectures.
"""
import argparse
import collections
import mmap
import struct

MAGIC = struct.pack("<I", 0xBA55ED50)  # fat binary container header


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lib")
    ap.add_argument("--keep", type=int, action="append", help="SM architecture to keep (e.g. 90); repeatable")
    a = ap.parse_args()
    keep = set(a.keep or [])
    with open(a.lib, "r+b" if keep else "rb") as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_WRITE if keep else mmap.ACCESS_READ)
        sizes, zeroed, pos = collections.Counter(), 0, 0
        while (i := m.find(MAGIC, pos)) >= 0:
            _, version, header, total = struct.unpack_from("<IHHQ", m, i)
            if version != 1 or header != 16 or i + header + total > len(m):
                pos = i + 4
                continue
            entry, end, valid = i + header, i + header + total, True
            while entry < end:
                kind, _, entry_header, size = struct.unpack_from("<HHIQ", m, entry)
                if kind not in (1, 2) or entry_header < 64 or entry + entry_header + size > end:
                    valid = False
                    break
                arch = struct.unpack_from("<I", m, entry + 28)[0]
                sizes[("PTX" if kind == 1 else "ELF", arch)] += size
                if keep and kind == 2 and arch not in keep:
                    m[entry + entry_header:entry + entry_header + size] = bytes(size)
                    zeroed += size
                entry += entry_header + size
            pos = end if valid else i + 4
        m.flush()
    for (kind, arch), size in sorted(sizes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        print(f"{kind} sm_{arch}: {size / 2**20:.0f} MiB")
    if keep:
        print(f"zeroed {zeroed / 2**20:.0f} MiB of machine code for other architectures than {sorted(keep)}")


if __name__ == "__main__":
    main()
