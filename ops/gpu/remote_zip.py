"""Copies entries out of a zip or jar on an HTTP server (Maven Central) by range requests.

  python3 ops/gpu/remote_zip.py URL SUFFIX OUT_DIR

fetches only the central directory and the entries whose names end with SUFFIX, so a small
library comes out of a jar hundreds of times its size without downloading the jar.
"""
import io
import os
import sys
import urllib.request
import zipfile


class RangeFile(io.RawIOBase):
    """A read-only, seekable view of a remote file."""

    def __init__(self, url):
        self.url, self.pos = url, 0
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=60) as r:
            self.size = int(r.headers["Content-Length"])

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.pos

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = base + offset
        return self.pos

    def readinto(self, buffer):
        if self.pos >= self.size or len(buffer) == 0:
            return 0
        last = min(self.size, self.pos + len(buffer)) - 1
        request = urllib.request.Request(self.url, headers={"Range": f"bytes={self.pos}-{last}"})
        with urllib.request.urlopen(request, timeout=120) as r:
            data = r.read()
        buffer[:len(data)] = data
        self.pos += len(data)
        return len(data)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    url, suffix, out = sys.argv[1:]
    archive = zipfile.ZipFile(io.BufferedReader(RangeFile(url), 1 << 20))
    found = [e for e in archive.infolist() if e.filename.endswith(suffix)]
    if not found:
        sys.exit(f"remote_zip: no entry ending with {suffix} in {url}")
    os.makedirs(out, exist_ok=True)
    for entry in found:
        target = os.path.join(out, os.path.basename(entry.filename))
        with open(target, "wb") as f:
            f.write(archive.read(entry))
        print(f"{target} ({entry.file_size} bytes)")


if __name__ == "__main__":
    main()
