"""What a sync would do, decided without changing anything.

The plan is pure data built from counts the caller gathered (local outbox, remote change
counts, videos on each side). ``repcheck sync --dry-run`` prints it and stops; a real sync
prints the same summary of what it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Plan:
    push: dict[str, int] = field(default_factory=dict)  # local table -> rows
    pull: dict[str, int] = field(default_factory=dict)
    upload: list[tuple[str, int]] = field(default_factory=list)  # (sha256, bytes)
    download: list[tuple[str, int]] = field(default_factory=list)
    landmarks: int = 0  # landmark files uploaded (--keypoints-only)

    @property
    def empty(self) -> bool:
        return not (any(self.push.values()) or any(self.pull.values()) or self.upload
                    or self.download or self.landmarks)

    def describe(self, verb: str = "would") -> str:
        if self.empty:
            return "nothing to do: this device and the server agree"
        parts = []
        for label, counts in (("push", self.push), ("pull", self.pull)):
            items = [f"{n} {_noun(t, n)}" for t, n in counts.items() if n]
            if items:
                parts.append(f"{label} {', '.join(items)}")
        for label, blobs in (("upload", self.upload), ("download", self.download)):
            if blobs:
                size = sum(b for _, b in blobs)
                parts.append(f"{label} {len(blobs)} video{'s' if len(blobs) != 1 else ''} "
                             f"({size / 1e6:.0f} MB)")
        if self.landmarks:
            parts.append(f"upload {self.landmarks} landmark file"
                         f"{'s' if self.landmarks != 1 else ''}")
        return f"{verb} " + "; ".join(parts)

    def as_json(self) -> dict:
        return {"push": self.push, "pull": self.pull,
                "upload": {"videos": len(self.upload), "bytes": sum(b for _, b in self.upload)},
                "download": {"videos": len(self.download),
                             "bytes": sum(b for _, b in self.download)},
                "landmarks_uploaded": self.landmarks}


_NOUNS = {"sets": ("set", "sets"), "athletes": ("athlete", "athletes"),
          "exercises": ("exercise", "exercises"), "bodyweights": ("bodyweight", "bodyweights"),
          "videos": ("video record", "video records")}


def _noun(table: str, n: int) -> str:
    one, many = _NOUNS.get(table, (table, table))
    return one if n == 1 else many
