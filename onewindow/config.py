"""The hall's configuration: `config.toml` read once into frozen dataclasses.

Every bad value stops the program at start with a `ConfigError` that quotes the key
(`windows[3].role`) and the value, so the person editing the file knows what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from onewindow import case_numbers
from onewindow.config_table import ConfigError, Table

T = TypeVar("T")

SERVICE_MODES = ("direct", "consult_first")
WINDOW_ROLES = ("consultation", "acceptance", "guide", "specialist")
WINDOW_ORDERS = ("fifo", "listed")
DEVICE_ROLES = ("kiosk", "display", "evaluator")
PRINTER_BACKENDS = ("network", "usb", "serial", "file", "dummy")
LANGUAGES = ("zh", "en", "both")
_PREFIX = re.compile(r"^[A-Z]{1,2}$")


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    db: str = "var/onewindow.sqlite"
    public_url: str = ""
    synchronous: str = "FULL"


@dataclass(frozen=True)
class HallConfig:
    name: str
    timezone: str = "Asia/Shanghai"
    day_starts_at: dt.time = dt.time(0, 0)
    notice: str = ""
    # Carried by this hall's case numbers ([hall] code, else [uplink] hall); "" = none.
    code: str = ""

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ServiceConfig:
    code: str
    name_zh: str
    name_en: str
    mode: str = "direct"
    prefix: str = ""
    default_service_minutes: float = 6.0
    wait_alert_minutes: float = 30.0


@dataclass(frozen=True)
class WindowConfig:
    number: int
    name: str
    role: str
    services: tuple[str, ...]
    order: str = "fifo"
    printer: str = ""


@dataclass(frozen=True)
class DeviceConfig:
    name: str
    role: str
    token: str
    window: int | None = None


@dataclass(frozen=True)
class PrinterConfig:
    backend: str = "dummy"
    host: str = ""
    port: int = 9100
    timeout_s: float = 2.0
    device: str = ""
    vendor_id: int = 0
    product_id: int = 0
    baudrate: int = 9600
    width_mm: int = 80


@dataclass(frozen=True)
class CallingConfig:
    recalls_before_no_show: int = 2
    no_show_grace_minutes: float = 30.0
    special_prefix: str = "T"
    recent_service_samples: int = 20


@dataclass(frozen=True)
class KioskConfig:
    allow_priority: bool = True
    idle_seconds: float = 8.0


@dataclass(frozen=True)
class DisplayConfig:
    language: str = "zh"
    recent_calls: int = 10
    announce_repeat: int = 1
    voice_command: str = ""


@dataclass(frozen=True)
class CatalogueConfig:
    file: str = ""


@dataclass(frozen=True)
class CasesConfig:
    warning_days: int = 2  # working days before the deadline that a case is warned
    progress_attempts: int = 10  # wrong progress queries allowed per address ...
    progress_window_minutes: float = 10.0  # ... in this many minutes


@dataclass(frozen=True)
class UplinkConfig:
    """Where the hall ships its event log: the district centre (`[uplink]`)."""

    url: str
    hall: str
    token: str
    batch: int = 1000  # events per delivery
    interval_s: float = 0.5  # how often to look for new events when caught up
    heartbeat_s: float = 10.0  # an empty delivery when idle, so the centre sees the hall
    retry_max_s: float = 30.0  # the longest back-off after a failed delivery
    timeout_s: float = 10.0
    # The district's secret for case proofs, shared by the halls and never the centre.
    proof_key: str = ""


@dataclass(frozen=True)
class Config:
    server: ServerConfig
    hall: HallConfig
    services: tuple[ServiceConfig, ...]
    windows: tuple[WindowConfig, ...]
    devices: tuple[DeviceConfig, ...] = ()
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    calling: CallingConfig = field(default_factory=CallingConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    catalogue: CatalogueConfig = field(default_factory=CatalogueConfig)
    cases: CasesConfig = field(default_factory=CasesConfig)
    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()
    base_dir: Path = Path(".")
    uplink: UplinkConfig | None = None

    def service(self, code: str) -> ServiceConfig | None:
        return next((s for s in self.services if s.code == code), None)

    def window(self, number: int) -> WindowConfig | None:
        return next((w for w in self.windows if w.number == number), None)

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(path)
        return p if p.is_absolute() else self.base_dir / p

    @property
    def db_path(self) -> Path:
        """The hall's SQLite file (`[server] db`, relative to the config file)."""
        return self.resolve(self.server.db)


def _server(t: Table) -> ServerConfig:
    port = t.get("port", int, 8080)
    if not 0 <= port <= 65535:
        raise ConfigError(t.key("port"), port, "端口应在 0–65535 must be 0–65535")
    return ServerConfig(
        host=t.get("host", str, "127.0.0.1"),
        port=port,
        db=t.get("db", str, "var/onewindow.sqlite"),
        public_url=t.get("public_url", str, "").rstrip("/"),
        synchronous=t.choice("synchronous", ("FULL", "NORMAL"), "FULL"),
    )


def _hall(t: Table) -> HallConfig:
    tz = t.get("timezone", str, "Asia/Shanghai")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(t.key("timezone"), tz, "未知时区 unknown time zone") from None
    name = t.get("name", str)
    if not name.strip():
        raise ConfigError(t.key("name"), name, "不能为空 must not be empty")
    return HallConfig(
        name=name,
        timezone=tz,
        day_starts_at=t.time("day_starts_at"),
        notice=t.get("notice", str, ""),
    )


def _service(t: Table) -> ServiceConfig:
    code = t.get("code", str)
    prefix = t.get("prefix", str, code)
    if not _PREFIX.match(code):
        raise ConfigError(t.key("code"), code, "应为 1–2 个大写字母 must be 1–2 capital letters")
    if not _PREFIX.match(prefix):
        raise ConfigError(
            t.key("prefix"), prefix, "应为 1–2 个大写字母 must be 1–2 capital letters"
        )
    return ServiceConfig(
        code=code,
        name_zh=t.get("name_zh", str),
        name_en=t.get("name_en", str, code),
        mode=t.choice("mode", SERVICE_MODES, "direct"),
        prefix=prefix,
        default_service_minutes=t.positive("default_service_minutes", float, 6.0),
        wait_alert_minutes=t.positive("wait_alert_minutes", float, 30.0),
    )


def _window(t: Table, codes: set[str]) -> WindowConfig:
    number = t.positive("number", int, 0)
    services = t.data.get("services", [])
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        raise ConfigError(t.key("services"), services, "应为业务代码列表 must be a list of codes")
    for i, code in enumerate(services):
        if code not in codes:
            raise ConfigError(f"{t.key('services')}[{i}]", code, "未定义的业务 unknown service")
    role = t.choice("role", WINDOW_ROLES)
    if role != "guide" and not services:
        raise ConfigError(t.key("services"), services, "窗口至少办理一项业务 needs a service")
    return WindowConfig(
        number=number,
        name=t.get("name", str, f"{number}号窗口"),
        role=role,
        services=tuple(services),
        order=t.choice("order", WINDOW_ORDERS, "fifo"),
        printer=t.get("printer", str, ""),
    )


def _device(t: Table, windows: set[int]) -> DeviceConfig:
    token = t.get("token", str)
    if len(token) < 8:
        raise ConfigError(t.key("token"), "***", "令牌至少 8 个字符 must be 8+ characters")
    window = t.get("window", int, 0) or None
    if window is not None and window not in windows:
        raise ConfigError(t.key("window"), window, "未定义的窗口 unknown window")
    return DeviceConfig(
        name=t.get("name", str), role=t.choice("role", DEVICE_ROLES), token=token, window=window
    )


def _printer(t: Table) -> PrinterConfig:
    width = t.get("width_mm", int, 80)
    if width not in (58, 80):
        raise ConfigError(t.key("width_mm"), width, "纸宽应为 58 或 80 must be 58 or 80")
    backend = t.choice("backend", PRINTER_BACKENDS, "dummy")
    cfg = PrinterConfig(
        backend=backend,
        host=t.get("host", str, ""),
        port=t.positive("port", int, 9100),
        timeout_s=t.positive("timeout_s", float, 2.0),
        device=t.get("device", str, ""),
        vendor_id=t.get("vendor_id", int, 0),
        product_id=t.get("product_id", int, 0),
        baudrate=t.positive("baudrate", int, 9600),
        width_mm=width,
    )
    needs = {"network": "host", "file": "device", "serial": "device", "usb": "vendor_id"}
    if backend in needs and not getattr(cfg, needs[backend]):
        key = needs[backend]
        raise ConfigError(t.key(key), None, f"{backend} 打印机需要 requires {key}")
    return cfg


def _uplink(t: Table) -> UplinkConfig | None:
    if not t.data:
        return None
    url = t.get("url", str).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(t.key("url"), url, "应为 http(s):// 地址 must be an http(s) URL")
    hall = t.get("hall", str)
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", hall):
        raise ConfigError(t.key("hall"), hall, "应为字母数字（最多 32 个）letters and digits")
    token = t.get("token", str)
    if len(token) < 16:
        raise ConfigError(t.key("token"), "***", "令牌至少 16 个字符 must be 16+ characters")
    batch = t.positive("batch", int, 1000)
    if batch > 5000:  # the centre takes at most 5,000 events a delivery
        raise ConfigError(t.key("batch"), batch, "应为 1–5000 must be 1–5000")
    return UplinkConfig(
        url=url,
        hall=hall,
        token=token,
        batch=batch,
        interval_s=t.positive("interval_s", float, 0.5),
        heartbeat_s=t.positive("heartbeat_s", float, 10.0),
        retry_max_s=t.positive("retry_max_s", float, 30.0),
        timeout_s=t.positive("timeout_s", float, 10.0),
        proof_key=_proof_key(t),
    )


def _proof_key(t: Table) -> str:
    key = t.get("proof_key", str, "")
    if key and len(key) < 16:
        raise ConfigError(t.key("proof_key"), "***", "至少 16 个字符 must be 16+ characters")
    return key


def _case_code(hall: HallConfig, t: Table, uplink: UplinkConfig | None) -> HallConfig:
    """The code case numbers carry: one per hall, the district's own, so they stay unique."""
    code = t.get("code", str, "")
    if code and not case_numbers.HALL_CODE.match(code):
        raise ConfigError(t.key("code"), code, "应为 1–8 个大写字母 must be 1–8 capital letters")
    if uplink is None:
        return replace(hall, code=code)
    if code and code != uplink.hall:
        raise ConfigError(t.key("code"), code, f"应与 uplink.hall（{uplink.hall}）相同 must match")
    if not case_numbers.HALL_CODE.match(uplink.hall):
        raise ConfigError(
            "uplink.hall", uplink.hall, "办件编号用它：应为 1–8 个大写字母 must be A–Z only"
        )
    return replace(hall, code=uplink.hall)


def _unique(items: list[T], key: Callable[[T], object], path: str, what: str) -> None:
    seen: set[object] = set()
    for i, item in enumerate(items):
        k = key(item)
        if k in seen:
            raise ConfigError(f"{path}[{i}].{what}", k, "重复 is a duplicate")
        seen.add(k)


def parse_config(data: Mapping[str, Any], base_dir: Path = Path(".")) -> Config:
    """Build a `Config` from parsed TOML, checking every value."""
    root = Table(data, "")
    services = [_service(t) for t in root.tables("services")]
    if not services:
        raise ConfigError("services", [], "至少需要一项业务 at least one service is required")
    _unique(services, lambda s: s.code, "services", "code")
    _unique(services, lambda s: s.prefix, "services", "prefix")
    codes = {s.code for s in services}
    windows = [_window(t, codes) for t in root.tables("windows")]
    _unique(windows, lambda w: w.number, "windows", "number")
    devices = [_device(t, {w.number for w in windows}) for t in root.tables("devices")]
    _unique(devices, lambda d: d.token, "devices", "token")
    calling = root.sub("calling")
    special_prefix = calling.get("special_prefix", str, "T")
    if not _PREFIX.match(special_prefix) or special_prefix in {s.prefix for s in services}:
        raise ConfigError(
            "calling.special_prefix", special_prefix, "应为未被业务占用的大写字母 must be unused"
        )
    kiosk, display, holidays = root.sub("kiosk"), root.sub("display"), root.sub("holidays")
    cases = root.sub("cases")
    uplink = _uplink(root.sub("uplink"))
    return Config(
        server=_server(root.sub("server")),
        hall=_case_code(_hall(root.sub("hall")), root.sub("hall"), uplink),
        services=tuple(services),
        windows=tuple(windows),
        devices=tuple(devices),
        printer=_printer(root.sub("printer")),
        calling=CallingConfig(
            recalls_before_no_show=calling.positive("recalls_before_no_show", int, 2, zero_ok=True),
            no_show_grace_minutes=calling.positive("no_show_grace_minutes", float, 30.0),
            special_prefix=special_prefix,
            recent_service_samples=calling.positive("recent_service_samples", int, 20),
        ),
        kiosk=KioskConfig(
            allow_priority=kiosk.get("allow_priority", bool, True),
            idle_seconds=kiosk.positive("idle_seconds", float, 8.0),
        ),
        display=DisplayConfig(
            language=display.choice("language", LANGUAGES, "zh"),
            recent_calls=display.positive("recent_calls", int, 10),
            announce_repeat=display.positive("announce_repeat", int, 1),
            voice_command=display.get("voice_command", str, ""),
        ),
        catalogue=CatalogueConfig(file=root.sub("catalogue").get("file", str, "")),
        cases=CasesConfig(
            warning_days=cases.positive("warning_days", int, 2, zero_ok=True),
            progress_attempts=cases.positive("progress_attempts", int, 10),
            progress_window_minutes=cases.positive("progress_window_minutes", float, 10.0),
        ),
        holidays=holidays.dates("dates"),
        workdays=holidays.dates("workdays"),
        base_dir=base_dir,
        uplink=uplink,
    )


def load_config(path: str | Path) -> Config:
    """Read and check `config.toml`; raises `ConfigError` naming the bad key."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("--config", str(p), "文件不存在 file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(str(p), "", f"TOML 语法错误 syntax error: {e}") from None
    return parse_config(data, p.resolve().parent)
