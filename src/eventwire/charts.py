"""Charts as image files (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from eventwire.errors import EventwireError

# QuadClass colours: cooperation in blues, conflict in oranges/reds (readable in grey and by the colour-blind).
QUADS = (("quad1", "verbal cooperation", "#9ecae1"), ("quad2", "material cooperation", "#3182bd"),
         ("quad3", "verbal conflict", "#fdae6b"), ("quad4", "material conflict", "#d94801"))


def dyad_chart(series: list[dict[str, Any]], a: str, b: str, path: str | Path, *, by: str = "month",
               directed: bool = False) -> Path:
    """Events per period stacked by QuadClass (bars) with the Goldstein mean (line, right axis)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    out = Path(path)
    if not out.parent.is_dir():
        raise EventwireError(f"cannot write {out}: the folder {out.parent} does not exist")
    labels = [p["period"] for p in series]
    x = list(range(len(series)))
    fig, ax = plt.subplots(figsize=(max(8.0, min(20.0, 0.25 * len(series) + 4)), 4.8), dpi=120)
    try:
        bottom = [0] * len(series)
        for key, name, colour in QUADS:
            values = [p[key] for p in series]
            ax.bar(x, values, bottom=bottom, color=colour, label=name, width=0.85, linewidth=0)
            bottom = [b_ + v for b_, v in zip(bottom, values, strict=True)]
        ax.set_ylabel("events")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(-0.6, len(series) - 0.4)
        step = max(1, len(series) // 16)
        ax.set_xticks(x[::step], labels[::step], rotation=45, ha="right", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
        twin = ax.twinx()
        means = [p["goldstein_mean"] for p in series]
        # NaN for a period without events: the line breaks there instead of bridging the gap.
        twin.plot(x, [math.nan if m is None else m for m in means], color="black", marker="o", markersize=3,
                  linewidth=1.2, label="Goldstein mean")
        twin.axhline(0, color="grey", linewidth=0.6, linestyle=":")
        twin.set_ylim(-10.5, 10.5)
        twin.set_ylabel("Goldstein mean (-10 conflict … +10 cooperation)")
        arrow = "→" if directed else "↔"
        total = sum(p["events"] for p in series)
        ax.set_title(f"{a} {arrow} {b}: {total} events per {by}, by QuadClass", loc="left")
        handles, names = ax.get_legend_handles_labels()
        more, more_names = twin.get_legend_handles_labels()
        ax.legend(handles + more, names + more_names, loc="upper left", fontsize=8, frameon=False, ncol=5,
                  bbox_to_anchor=(0, -0.22))
        fig.tight_layout()
        try:
            fig.savefig(os.fspath(out))
        except OSError as exc:
            raise EventwireError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
    return out
