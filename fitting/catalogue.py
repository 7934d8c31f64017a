"""The product catalogue: one versioned JSON file per product line, validated on load.

A size chart is data, not code: a store swaps in its own brand's charts without a
release. Because a wrong chart sells a wrong stocking, a file is refused outright when
anything is off, with a message naming the file, the line and the field. All ranges are
half-open millimetre intervals ``[low, high)``: a value equal to ``high`` belongs to the
next size, so every girth has exactly one size and boundaries are never ambiguous.

Rules beyond the types: sizes of one product may not overlap at the ankle and are listed
from small to large; the lengths of one size may not overlap; a product above the
self-service cap (20 mmHg) must say it needs a prescription; every file names its chart's
source and date and says whether it is illustrative.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from fitting.errors import InputInvalid, LegFitError
from fitting.json_input import LENGTH_RANGE_MM, JsonInvalid, parse_json
from fitting.json_lines import Path as JsonPath
from fitting.json_lines import line_of, value_lines
from fitting.outcome import Purpose

SCHEMA_VERSION = 1
SELF_SERVICE_MAX_MMHG = 20
BUNDLED_CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogues"

Style = Literal["sock", "knee-high", "thigh-high"]
STYLES: tuple[str, ...] = ("sock", "knee-high", "thigh-high")


class CatalogueInvalid(LegFitError):
    """A catalogue file (or folder) is unreadable or breaks a rule; names file, line, field."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.field = field


def _half_open(value: tuple[float, float]) -> tuple[float, float]:
    low, high = value
    if not 0 <= low < high:
        raise ValueError(f"a range [low, high) needs 0 <= low < high, not [{low:g}, {high:g}]")
    if high > RANGE_LIMIT_MM:
        raise ValueError(f"a range ends by {RANGE_LIMIT_MM:g} mm, not {high:g}")
    return value


MmRange = Annotated[tuple[float, float], AfterValidator(_half_open)]
RANGE_LIMIT_MM = LENGTH_RANGE_MM[1]
"""No size range reaches past the longest leg LegFit measures (a typo such as 37000)."""
"""A half-open millimetre interval ``[low, high)``."""

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def _in_range(value: float, mm_range: tuple[float, float]) -> bool:
    return mm_range[0] <= value < mm_range[1]


class LengthVariant(BaseModel):
    """One length of a size, chosen by the knee-high length lD (floor to cD)."""

    model_config = _STRICT
    name: str = Field(min_length=1)
    knee_high_length_mm: MmRange | None = None
    thigh_length_mm: MmRange | None = None
    """Floor to the top of a thigh-high (lG); the camera does not measure it."""

    def fits_knee_high_length(self, length_mm: float) -> bool:
        return self.knee_high_length_mm is not None and _in_range(
            length_mm, self.knee_high_length_mm)


class Size(BaseModel):
    """One size: the ankle girth cB chooses it; the calf girth cC must fit it (RAL)."""

    model_config = _STRICT
    size: str = Field(min_length=1)
    ankle_mm: MmRange
    calf_mm: MmRange
    thigh_mm: MmRange | None = None
    lengths: tuple[LengthVariant, ...] = Field(min_length=1)

    def fits_ankle(self, ankle_mm: float) -> bool:
        return _in_range(ankle_mm, self.ankle_mm)

    def fits_calf(self, calf_mm: float) -> bool:
        return _in_range(calf_mm, self.calf_mm)


class CompressionClass(BaseModel):
    """The pressure at the ankle in mmHg and how the shopper sees it labelled."""

    model_config = _STRICT
    mmhg: tuple[int, int]
    label: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)
    """The nearest class in named standards, e.g. {"RAL-GZ 387": "I"}."""


class Chart(BaseModel):
    """Where a size chart comes from: a product sold on a chart nobody can trace is a guess."""

    model_config = _STRICT
    source: str = Field(min_length=1)
    date: datetime.date
    note: str = ""


class Product(BaseModel):
    """One product line: brand, style, compression class and its size chart."""

    model_config = _STRICT
    schema_version: int
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    brand: str = Field(min_length=1)
    name: str = Field(min_length=1)
    style: Style
    compression: CompressionClass
    requires_prescription: bool
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    illustrative: bool
    chart: Chart
    sizes: tuple[Size, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Product:
        # A file reader collects every rule broken, with its line; anyone else building a
        # Product in code is refused on the first.
        if not (info.context or {}).get("defer_rules"):
            problems = _semantic_problems(self)
            if problems:
                first = problems[0]
                raise ValueError(f"{_format_path(first.path)}: {first.message}")
        return self

    @property
    def class_mmhg(self) -> tuple[int, int]:
        return self.compression.mmhg

    @property
    def self_service(self) -> bool:
        """Whether the kiosk may offer it without a confirmed prescription."""
        return (not self.requires_prescription
                and self.compression.mmhg[1] <= SELF_SERVICE_MAX_MMHG)

    def size_named(self, name: str) -> Size:
        for size in self.sizes:
            if size.size == name:
                return size
        raise KeyError(name)

    def to_summary(self) -> dict[str, Any]:
        """The normalised form shown by ``legfit catalogue show --json``."""
        sizes = []
        for size in self.sizes:
            lengths = []
            for length in size.lengths:
                entry: dict[str, Any] = {"name": length.name}
                if length.knee_high_length_mm is not None:
                    entry["knee_high_length_mm"] = _plain(length.knee_high_length_mm)
                if length.thigh_length_mm is not None:
                    entry["thigh_length_mm"] = _plain(length.thigh_length_mm)
                lengths.append(entry)
            item: dict[str, Any] = {"size": size.size, "ankle_mm": _plain(size.ankle_mm),
                                    "calf_mm": _plain(size.calf_mm), "lengths": lengths}
            if size.thigh_mm is not None:
                item["thigh_mm"] = _plain(size.thigh_mm)
            sizes.append(item)
        return {"id": self.id, "brand": self.brand, "name": self.name, "style": self.style,
                "class_mmhg": list(self.compression.mmhg),
                "class_label": self.compression.label,
                "requires_prescription": self.requires_prescription,
                "purposes": [p.value for p in self.purposes],
                "illustrative": self.illustrative,
                "chart": {"source": self.chart.source, "date": self.chart.date.isoformat()},
                "sizes": sizes}


def _plain(mm_range: tuple[float, float]) -> list[float | int]:
    """JSON-friendly range: whole millimetres print as integers."""
    return [int(v) if float(v).is_integer() else v for v in mm_range]


@dataclass(frozen=True)
class CatalogueProblem:
    """One thing wrong with one catalogue file, located as precisely as the file allows."""

    file: str
    message: str
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = ([f"line {self.line}"] if self.line else []) + (
            [f"field {self.field}"] if self.field else [])
        where = f"{', '.join(parts)}: " if parts else ""
        return f"catalogue file {self.file}: {where}{self.message}"

    def error(self) -> CatalogueInvalid:
        return CatalogueInvalid(str(self), file=self.file, line=self.line, field=self.field)


@dataclass(frozen=True)
class SourceStatus:
    """How one catalogue file fared on load: the staff screen shows this."""

    file: str
    product_id: str | None
    illustrative: bool | None
    chart_source: str | None
    chart_date: str | None
    problems: tuple[CatalogueProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(str(p) for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "product_id": self.product_id, "ok": self.ok,
                "illustrative": self.illustrative, "chart_source": self.chart_source,
                "chart_date": self.chart_date, "errors": list(self.errors)}


@dataclass(frozen=True)
class Catalogue:
    """The products the kiosk may recommend, in file-name order, and how each file fared."""

    products: tuple[Product, ...]
    sources: tuple[SourceStatus, ...] = ()

    @property
    def illustrative(self) -> bool:
        """True when any product's chart is demo data: the kiosk must say so."""
        return any(p.illustrative for p in self.products)

    def product(self, product_id: str) -> Product:
        for product in self.products:
            if product.id == product_id:
                return product
        raise KeyError(product_id)

    def to_dict(self) -> dict[str, Any]:
        return {"products": [p.to_summary() for p in self.products],
                "sources": [s.to_dict() for s in self.sources]}


class CatalogueRepository(Protocol):
    """Where the kiosk gets its catalogue from (a folder, a test fake, a future server)."""

    def load(self) -> Catalogue: ...


class DirectoryCatalogue:
    """The catalogue in a folder of JSON files (``None``: the bundled demo catalogue)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory

    def load(self) -> Catalogue:
        return load_catalogue(self.directory)


class StaticCatalogue:
    """A catalogue held in memory, for tests and tools."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    def load(self) -> Catalogue:
        return self._catalogue


@dataclass(frozen=True)
class _Problem:
    path: tuple[str | int, ...]
    message: str


def _format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _semantic_problems(product: Product) -> list[_Problem]:
    """The rules a type cannot say: order, overlaps, the prescription cap, style needs."""
    problems: list[_Problem] = []
    if product.schema_version != SCHEMA_VERSION:
        problems.append(_Problem(("schema_version",),
                                 f"schema_version {product.schema_version} is not supported "
                                 f"(this LegFit reads version {SCHEMA_VERSION})"))
    low, high = product.compression.mmhg
    if not 0 < low < high:
        problems.append(_Problem(("compression", "mmhg"),
                                 f"the class must rise from low to high mmHg, not [{low}, {high}]"))
    if high > SELF_SERVICE_MAX_MMHG and not product.requires_prescription:
        problems.append(_Problem(
            ("requires_prescription",),
            f"a {low}-{high} mmHg product is above the {SELF_SERVICE_MAX_MMHG} mmHg "
            "self-service cap and must set requires_prescription to true"))
    names: set[str] = set()
    for i, size in enumerate(product.sizes):
        if size.size in names:
            problems.append(_Problem(("sizes", i, "size"), f"size {size.size!r} appears twice"))
        names.add(size.size)
        if i and size.ankle_mm[0] < product.sizes[i - 1].ankle_mm[1]:
            prev = product.sizes[i - 1]
            problems.append(_Problem(
                ("sizes", i, "ankle_mm"),
                f"size {size.size!r} ankle range starts at {size.ankle_mm[0]:g} mm, inside or "
                f"below size {prev.size!r} (which ends at {prev.ankle_mm[1]:g} mm); sizes must "
                "not overlap and go from small to large"))
        if product.style == "thigh-high" and size.thigh_mm is None:
            problems.append(_Problem(("sizes", i, "thigh_mm"),
                                     "a thigh-high size needs a thigh_mm range"))
        length_names: set[str] = set()
        ranges: list[tuple[int, str, tuple[float, float]]] = []
        for j, length in enumerate(size.lengths):
            where = ("sizes", i, "lengths", j)
            if length.name in length_names:
                problems.append(_Problem((*where, "name"),
                                         f"length {length.name!r} appears twice in size "
                                         f"{size.size!r}"))
            length_names.add(length.name)
            if product.style == "thigh-high":
                if length.thigh_length_mm is None:
                    problems.append(_Problem((*where, "thigh_length_mm"),
                                             "a thigh-high length needs thigh_length_mm"))
            elif length.knee_high_length_mm is None:
                problems.append(_Problem((*where, "knee_high_length_mm"),
                                         f"a {product.style} length needs knee_high_length_mm"))
            for key in ("knee_high_length_mm", "thigh_length_mm"):
                key_range = getattr(length, key)
                if key_range is not None:
                    ranges.append((j, key, key_range))
        for key in ("knee_high_length_mm", "thigh_length_mm"):
            same = sorted((r for r in ranges if r[1] == key), key=lambda r: r[2][0])
            for (j_a, _, a), (j, _, b) in itertools.pairwise(same):
                if b[0] < a[1]:
                    problems.append(_Problem(
                        ("sizes", i, "lengths", j, key),
                        f"the lengths of size {size.size!r} overlap "
                        f"({size.lengths[j_a].name!r} and {size.lengths[j].name!r})"))
    return problems


_FRIENDLY = {"missing": "is missing", "extra_forbidden": "is not a known field"}


def _pydantic_problems(error: ValidationError) -> list[_Problem]:
    problems = []
    for item in error.errors(include_url=False):
        message = _FRIENDLY.get(item["type"], item["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        problems.append(_Problem(tuple(item["loc"]), message[0].lower() + message[1:]))
    return problems


def _locate(file_name: str, lines: dict[JsonPath, int], problem: _Problem) -> CatalogueProblem:
    return CatalogueProblem(file_name, problem.message, _format_path(problem.path),
                            line_of(lines, problem.path))


def parse_product_file(path: Path) -> tuple[Product | None, SourceStatus]:
    """Read and validate one product file; never raises for a bad file, reports instead."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = CatalogueProblem(name, f"cannot be read ({exc.__class__.__name__})")
        return None, SourceStatus(name, None, None, None, None, (problem,))
    try:
        raw = parse_json(text, "the file")
    except JsonInvalid as exc:
        problem = CatalogueProblem(name, f"not valid JSON ({exc.reason})", line=exc.line)
        return None, SourceStatus(name, None, None, None, None, (problem,))
    except InputInvalid as exc:
        problem = CatalogueProblem(name, str(exc).removeprefix("the file "))
        return None, SourceStatus(name, None, None, None, None, (problem,))
    lines = value_lines(text)
    product: Product | None = None
    try:
        product = Product.model_validate_json(text, context={"defer_rules": True})
        problems = _semantic_problems(product)
    except ValidationError as exc:
        problems = _pydantic_problems(exc)
    located = tuple(_locate(name, lines, p) for p in problems)
    raw = raw if isinstance(raw, dict) else {}
    raw_chart = raw.get("chart")
    chart: dict[str, Any] = raw_chart if isinstance(raw_chart, dict) else {}
    status = SourceStatus(
        file=name,
        product_id=raw.get("id") if isinstance(raw.get("id"), str) else None,
        illustrative=raw.get("illustrative") if isinstance(raw.get("illustrative"), bool)
        else None,
        chart_source=chart.get("source") if isinstance(chart.get("source"), str) else None,
        chart_date=chart.get("date") if isinstance(chart.get("date"), str) else None,
        problems=located)
    return (product if not located else None), status


def check_catalogue(directory: Path | None = None) -> tuple[tuple[Product, ...],
                                                             tuple[SourceStatus, ...]]:
    """Validate every file in ``directory``; return the good products and every file's status.

    Raises ``CatalogueInvalid`` only when the folder itself is unusable (missing, empty).
    """
    folder = BUNDLED_CATALOGUE_DIR if directory is None else Path(directory)
    if not folder.is_dir():
        raise CatalogueInvalid(f"catalogue folder {folder} does not exist", file=str(folder))
    files = sorted(p for p in folder.glob("*.json") if p.is_file())
    if not files:
        raise CatalogueInvalid(f"catalogue folder {folder} holds no product files (*.json)",
                               file=str(folder))
    products: list[Product] = []
    statuses: list[SourceStatus] = []
    seen: dict[str, str] = {}
    for path in files:
        product, status = parse_product_file(path)
        if product is not None and product.id in seen:
            problem = CatalogueProblem(
                path.name, f"product id {product.id!r} is already used by {seen[product.id]}",
                "id", line_of(value_lines(path.read_text(encoding="utf-8")), ("id",)))
            status = SourceStatus(status.file, status.product_id, status.illustrative,
                                  status.chart_source, status.chart_date, (problem,))
            product = None
        if product is not None:
            seen[product.id] = path.name
            products.append(product)
        statuses.append(status)
    return tuple(products), tuple(statuses)


def load_catalogue(directory: Path | None = None, *, strict: bool = True) -> Catalogue:
    """Load the catalogue in ``directory`` (``None``: the bundled demo catalogue).

    ``strict`` refuses the whole catalogue when any file is invalid, with that file's
    first problem as the message; otherwise invalid files are left out and reported in
    ``Catalogue.sources`` (a kiosk can keep selling the good lines while staff fix one).
    """
    products, statuses = check_catalogue(directory)
    bad = [s for s in statuses if not s.ok]
    if bad and strict:
        raise bad[0].problems[0].error()
    if not products:
        raise CatalogueInvalid("the catalogue holds no valid product")
    return Catalogue(products, statuses)
