"""Big-O values as a tiny algebra: `*` composes nested work, `|` keeps the dominant term.

A Cost is ordered first by growth family (polynomial < 2^n < n!), then by the power of
n, then by the power of log n, so `max` picks the asymptotically larger of two terms.
"""

from __future__ import annotations

POLY, EXPONENTIAL, FACTORIAL = 0, 1, 2
# A power beyond this is reported as-is but never grown further (deep-nesting bombs).
MAX_POWER = 20.0


class Cost:
    # A plain class rather than a dataclass: `dataclasses` costs milliseconds of import
    # time, and the analyser starts a fresh interpreter for every call.
    __slots__ = ("growth", "power", "logs", "_key")

    def __init__(self, growth: int = POLY, power: float = 0.0, logs: int = 0) -> None:
        self.growth = growth
        self.power = float(power)
        self.logs = logs
        self._key = (growth, self.power, logs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cost) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __lt__(self, other: "Cost") -> bool:
        return self._key < other._key

    def __le__(self, other: "Cost") -> bool:
        return self._key <= other._key

    def __gt__(self, other: "Cost") -> bool:
        return self._key > other._key

    def __ge__(self, other: "Cost") -> bool:
        return self._key >= other._key

    def __repr__(self) -> str:
        return f"Cost{self._key}"

    def __mul__(self, other: "Cost") -> "Cost":
        if self.growth or other.growth:
            return Cost(max(self.growth, other.growth))
        return Cost(POLY, min(self.power + other.power, MAX_POWER), min(self.logs + other.logs, 4))

    def __or__(self, other: "Cost") -> "Cost":
        return self if self >= other else other

    @property
    def constant(self) -> bool:
        return self == ONE

    def sqrt(self) -> "Cost":
        if self.growth:
            return self
        return Cost(POLY, self.power / 2, self.logs)

    def log(self) -> "Cost":
        """log of a size: log(2^n) = n, log(n^k) ~ log n, log(1) = 1."""
        if self.growth:
            return N
        return ONE if self.constant else LOG

    def label(self) -> str:
        if self.growth == FACTORIAL:
            return "O(n!)"
        if self.growth == EXPONENTIAL:
            return "O(2^n)"
        parts = []
        if self.power == 0.5:
            parts.append("sqrt n")
        elif self.power == 1:
            parts.append("n")
        elif self.power > 0:
            p = int(self.power) if float(self.power).is_integer() else self.power
            parts.append(f"n^{p}")
        if self.logs == 1:
            parts.append("log n")
        elif self.logs > 1:
            parts.append(f"log^{self.logs} n")
        return f"O({' '.join(parts) or '1'})"


ONE = Cost()
LOG = Cost(POLY, 0, 1)
SQRT = Cost(POLY, 0.5, 0)
N = Cost(POLY, 1, 0)
N_LOG_N = Cost(POLY, 1, 1)
EXP = Cost(EXPONENTIAL)
FACT = Cost(FACTORIAL)


def power_of_n(k: float) -> Cost:
    return Cost(POLY, min(k, MAX_POWER), 0)
