"""Rewrites a fat jar for one Linux x86-64 host: uncompressed, without other platforms' natives.

  python3 ops/gpu/slim_jar.py IN OUT CLASS_PATH [NATIVES_OUT]

Drops ONNX Runtime's bundled natives (the kit's come from onnxruntime_gpu, loaded through
-Donnxruntime.native.path) and the natives of other operating systems and processors; moves the
linux-x86_64 ND4J and OpenBLAS libraries to NATIVES_OUT (one copy for every jar that names it in
CLASS_PATH, the manifest's Class-Path). Entries are stored, not deflated, so a zstd --long archive of
several jars holds their shared classes once.
"""
import re
import sys
import zipfile

OTHER_PLATFORMS = re.compile(
    r"(^ai/onnxruntime/native/|\.dSYM/|librocksdbjni-(?!linux64\.so)|^META-INF/.*\.(SF|RSA|DSA)$|"
    r"/(macosx|windows|win|osx|darwin|linux-arm|linux-aarch64|linux-ppc|linux-s390|android|ios|freebsd|aix|sunos"
    r"|linux-x86/|linux-riscv|linux-loongarch|linux-mips)[^/]*/)", re.I)
SHARED_NATIVES = re.compile(r"^org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64|^org/bytedeco/openblas/linux-x86_64/")


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    source, target, class_path = sys.argv[1:4]
    natives = zipfile.ZipFile(sys.argv[4], "w", zipfile.ZIP_STORED) if len(sys.argv) == 5 else None
    kept = dropped = 0
    with zipfile.ZipFile(source) as fat, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as slim:
        for entry in fat.infolist():
            name = entry.filename
            if SHARED_NATIVES.search(name):
                if natives and not name.endswith("/"):
                    natives.writestr(name, fat.read(entry))
                dropped += entry.file_size
                continue
            if OTHER_PLATFORMS.search(name):
                dropped += entry.file_size
                continue
            data = fat.read(entry)
            if name == "META-INF/MANIFEST.MF":
                lines = [l for l in data.decode().replace("\r\n", "\n").rstrip("\n").split("\n")
                         if not l.startswith("Class-Path")]
                data = ("\n".join(lines) + "\nClass-Path: " + class_path + "\n").encode()
            slim.writestr(zipfile.ZipInfo(name, entry.date_time), data)
            kept += len(data)
    if natives:
        natives.close()
    print(f"{target}: kept {kept / 2**20:.0f} MiB, left out {dropped / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
