"""Every detector by its name, as the CLI and the pipeline ask for them."""
from __future__ import annotations

from models.auto import AutoDetector
from models.base import Detector
from models.cusum import CusumDetector
from models.ears import EarsDetector
from models.noufaily import MONTHLY_SETTINGS, NoufailyDetector

METHODS = ("auto", "noufaily", "ears-c1", "ears-c2", "ears-c3", "cusum")


class SettingError(ValueError):
    """A method or frequency no detector here has; the message names the ones there are (a caller's input to refuse,
    told apart from a ValueError of NumPy or pandas, which is a fault)."""


def make_detector(method: str = "auto", frequency: int = 52, alpha: float | None = None) -> Detector:
    """A detector with its visible defaults; ``alpha`` overrides the Noufaily level where it applies."""
    if frequency not in (12, 52):
        raise SettingError(f"frequency {frequency} is not supported; use 52 (weekly) or 12 (monthly)")
    extra = {} if alpha is None else {"alpha": alpha}
    nouf = {**(MONTHLY_SETTINGS if frequency == 12 else {}), **extra}
    if method == "auto":
        return AutoDetector(frequency=frequency, **extra)
    if method == "noufaily":
        return NoufailyDetector(**nouf)
    if method == "cusum":
        return CusumDetector(baseline=NoufailyDetector(**nouf))
    if method in ("ears-c1", "ears-c2", "ears-c3"):      # not any ears-*: "ears-c9" was scored as C2 without a word
        return EarsDetector(method.split("-", 1)[1].upper())
    raise SettingError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
