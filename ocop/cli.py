"""Command line: `build`, and the commands other modules add. Exit 0 ok, 1 content errors, 2 bad usage."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
from types import SimpleNamespace
from pathlib import Path

from . import quick
from .config import Config, load_config
from .errors import ContentErrors, SiteError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày phải có dạng YYYY-MM-DD, ví dụ 2026-01-31 (đang ghi \"{text}\")") from None


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="tệp cài đặt (mặc định: site.toml)")
    parser.add_argument("--content", type=Path, help="thư mục nội dung (mặc định: content/)")
    parser.add_argument("--output", type=Path, help="thư mục kết quả (mặc định: output/)")
    parser.add_argument("--base-url", help="địa chỉ gốc khi xuất bản, ví dụ https://ten.github.io/kho/")
    parser.add_argument("--today", type=_date, help="ngày dùng để tính hạn chứng nhận (mặc định: hôm nay)")
    parser.add_argument("--cache", type=Path, help="thư mục bộ nhớ đệm: ảnh đã xử lý, nội dung đã đọc, mã QR (mặc định: .cache/)")
    parser.add_argument("--jobs", type=int, help="số tiến trình dùng khi dựng trang lớn (mặc định: số nhân CPU; 1: một tiến trình)")
    parser.add_argument("--no-cache", action="store_true", help="không dùng và không ghi bộ nhớ đệm .cache/ (nội dung, Markdown, mã QR)")
    parser.add_argument("--debug", action="store_true", help="in chi tiết lỗi của chương trình")


def _add_kiosk_parser(commands: argparse._SubParsersAction) -> None:
    """The `kiosk` command and its options."""
    kiosk = commands.add_parser("kiosk", help="mở kiosk cho điểm giới thiệu sản phẩm (máy chủ 127.0.0.1 và Chromium)")
    _add_site_options(kiosk)
    kiosk.add_argument("--port", type=int, default=8000, help="cổng của máy chủ trên 127.0.0.1 (mặc định: 8000; 0 = cổng trống bất kỳ)")
    kiosk.add_argument("--rebuild", action="store_true", help="tạo lại trang trước khi mở kiosk")
    kiosk.add_argument("--no-browser", action="store_true", help="chỉ chạy máy chủ, không mở Chromium")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="build.py", description="Tạo trang danh mục sản phẩm OCOP từ các tệp Markdown.")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    build = commands.add_parser("build", help="tạo trang web vào thư mục output/ (mặc định)")
    _add_site_options(build)
    check = commands.add_parser("check", help="kiểm tra nội dung mà không tạo trang; --links: kiểm tra liên kết trong output/")
    _add_site_options(check)
    check.add_argument("--links", action="store_true",
                       help="sau khi tạo trang: báo liên kết hỏng, #mục không có và tệp thiếu trong output/ (mã thoát 1 nếu có)")
    check.add_argument("--strict", action="store_true", help="coi cảnh báo như lỗi (mã thoát 1 nếu có cảnh báo)")
    serve = commands.add_parser("serve", help="xem trước: tạo trang, mở máy chủ, tự dựng lại và tải lại khi lưu tệp")
    _add_site_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này); "
                       "--host 0.0.0.0 để điện thoại cùng mạng xem được")
    serve.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    serve.add_argument("--base-path", help="đường dẫn gốc khi xem trước, ví dụ /ocop-huu-lung/ "
                       "(mặc định: lấy từ base_url trong site.toml)")
    new = commands.add_parser("new", help="tạo tệp mới có đủ các trường và lời giải thích: new product \"Tên\" | new producer \"Tên\"")
    new.add_argument("kind", choices=("product", "producer"), help="product (sản phẩm) hoặc producer (chủ thể)")
    new.add_argument("name", help="tên sản phẩm hoặc chủ thể, trong ngoặc kép")
    new.add_argument("--producer", default="", help="mã chủ thể của sản phẩm (tên tệp trong content/producers/, không có .md)")
    new.add_argument("--content", type=Path, help="thư mục nội dung (mặc định: content/)")
    new.add_argument("--config", type=Path, help="tệp cài đặt (mặc định: site.toml)")
    _add_kiosk_parser(commands)
    return parser


def config_from_args(args: argparse.Namespace, account: bool = True) -> Config:
    """Settings from the config file, then the command-line overrides (ocop.config.load_config on `account`)."""
    config = load_config(args.config, account=account)
    return config.with_overrides(
        content_dir=args.content.resolve() if args.content else None,
        output_dir=args.output.resolve() if args.output else None,
        base_url=args.base_url,
        today=args.today,
        jobs=max(args.jobs, 1) if args.jobs is not None else None,
        use_cache=False if args.no_cache else None,
        cache_dir=args.cache.resolve() if args.cache else None,
    )


def report(problems, stream=None) -> None:
    """Print problems, one a line (to stderr unless another stream is given)."""
    for problem in problems:
        print(problem, file=stream or sys.stderr)


class _Recorder:
    """A stream that notes what is written to it on a shared tape (ocop.quick.Tape), as `stream` (1 or 2)."""

    def __init__(self, tape: quick.Tape, stream: int) -> None:
        self.tape, self.stream = tape, stream

    def write(self, text: str) -> int:
        self.tape.append((self.stream, text))
        return len(text)


WARNINGS_SHOWN = 30  # a build lists this many warnings; `check` lists them all


def print_build(result, config: Config, out=None, err=None) -> None:
    """The closing lines of a build: warnings (the first WARNINGS_SHOWN), what was made, and a warning when the
    site outgrows GitHub Pages (to stdout and stderr unless other streams are given)."""
    out, err = out or sys.stdout, err or sys.stderr
    report(result.warnings[:WARNINGS_SHOWN], err)
    if len(result.warnings) > WARNINGS_SHOWN:
        print(f"… và {len(result.warnings) - WARNINGS_SHOWN} cảnh báo khác; xem hết bằng lệnh: python build.py check",
              file=err)
    if result.site is None:
        print(f"Không có gì thay đổi: {result.pages} trang trong {config.output_dir} vẫn như lần dựng trước"
              + (f", {len(result.warnings)} cảnh báo" if result.warnings else ""), file=out)
    else:
        print(f"Đã tạo {result.pages} trang ({len(result.site.products)} sản phẩm) vào {config.output_dir}: "
              f"dựng lại {result.rendered} trang, {len(result.changed)} tệp thay đổi"
              + (f", {len(result.warnings)} cảnh báo" if result.warnings else ""), file=out)
    if result.too_big:
        from .output import PAGES_LIMIT

        print(f"Cảnh báo: trang web nặng {result.size / 1e9:.2f} GB, quá giới hạn {PAGES_LIMIT / 1e9:.0f} GB của "
              "GitHub Pages, nên sẽ không xuất bản được. Hãy bớt hoặc thu nhỏ ảnh (ảnh gốc nên dưới 2 MB), "
              "hoặc chuyển sang một nơi lưu trữ web khác.", file=err)


def run_build(args: argparse.Namespace) -> int:
    config = config_from_args(args, account=False)
    result, started = quick_check(config)
    if result is None:
        from .builder import Builder

        config = config_from_args(args)
        # a build's objects last until it ends: the collector's passes over them found little to free and
        # took a fifth of a one-edit build at 10,000 products (the workers collect as before)
        gc.disable()
        try:
            result = Builder(keep_content=False).build(config, keep=(config.content_dir, config.root), started=started)
        finally:
            gc.enable()
    print_build(result, config)
    if config.use_cache:
        remember_build(getattr(args, "argv", None), config)
    return 0


def _stamp_file(config: Config) -> Path:
    from .stamp import stamp_path, state_path

    return stamp_path(state_path(config.cache_dir, config.output_dir.resolve()))


def _unchanged_result(figures: dict) -> SimpleNamespace:
    """A build's report made from the figures of its stamp (ocop.stamp): nothing rendered, nothing changed."""
    from .output import PAGES_LIMIT

    return SimpleNamespace(site=None, rendered=0, changed=[], too_big=figures["size"] > PAGES_LIMIT, **figures)


def quick_check(config: Config) -> tuple[SimpleNamespace | None, object]:
    """(the last build's figures if nothing it read changed, without loading the engine; the stamp taken)."""
    if not config.use_cache:
        return None, None
    from .stamp import unchanged

    figures, started = unchanged(_stamp_file(config), config)
    return (None if figures is None else _unchanged_result(figures)), started


def remember_build(argv: list[str] | None, config: Config) -> None:
    """After a build run as `argv`: leave what the same command, run again with nothing changed, prints without
    reading the settings (ocop.quick)."""
    from .stamp import input_places, read

    stamp = _stamp_file(config)
    found = read(stamp) if argv is not None else None
    if found is None:
        return
    (code, _, output, inputs, _), figures = found
    tape: quick.Tape = []
    print_build(_unchanged_result(figures), config, _Recorder(tape, 1), _Recorder(tape, 2))
    quick.remember(argv, str(stamp), *input_places(config), code, inputs, output, tape)


def run_check(args: argparse.Namespace) -> int:
    """Validate the content without writing output; with --links, check the links of the built output instead."""
    config = config_from_args(args)
    if args.links:
        return run_link_check(config, base_url_given=bool(args.base_url))
    from .check import check_content, summary

    problems = check_content(config)
    report(problems, sys.stdout)
    print(summary(problems))
    errors = any(p.is_error for p in problems)
    return 1 if errors or (args.strict and problems) else 0


def run_serve(args: argparse.Namespace) -> int:
    """Preview with live reload under the site's base path (see ocop/serve.py)."""
    from .serve import preview_base_url, serve

    first = config_from_args(args)
    base_url = preview_base_url(args.host, args.port, args.base_path, first.base_url)
    output_dir = args.output.resolve() if args.output else first.cache_dir / "preview"

    def make_config() -> Config:
        return config_from_args(args).with_overrides(base_url=base_url, output_dir=output_dir)

    watch = [first.content_dir, first.templates_dir, first.assets_dir, first.data_dir,
             first.config_path or first.root / "site.toml"]
    return serve(make_config, output_dir, args.host, args.port, make_config().base_path, watch)


def run_new(args: argparse.Namespace) -> int:
    """Create a product or producer file from the schema (see ocop/scaffold.py)."""
    from .scaffold import new_producer, new_product

    content_dir = args.content.resolve() if args.content else load_config(args.config).content_dir
    try:
        path = new_producer(content_dir, args.name) if args.kind == "producer" else \
            new_product(content_dir, args.name, args.producer)
    except SiteError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(f"Đã tạo {path}. Mở tệp, điền các trường (dòng bắt đầu bằng # là lời giải thích), "
          "rồi chạy: python build.py check")
    return 0


def run_link_check(config: Config, base_url_given: bool) -> int:
    """Report broken links in the output folder; the base URL is the one it was built for unless given."""
    from .links import built_base_url, check_links

    if not (config.output_dir / "index.html").is_file():
        raise SiteError(f"chưa có trang nào trong {config.output_dir}: hãy chạy `python build.py build` trước")
    base_url = config.base_url if base_url_given else built_base_url(config.output_dir) or config.base_url
    problems = check_links(config.output_dir, base_url)
    report(problems)
    if problems:
        print(f"{len(problems)} liên kết hỏng hoặc tệp thiếu trong {config.output_dir} (địa chỉ gốc {base_url})",
              file=sys.stderr)
        return 1
    print(f"Không có liên kết hỏng trong {config.output_dir} (địa chỉ gốc {base_url})")
    return 0


def run_kiosk(args: argparse.Namespace) -> int:
    from .kiosk_serve import run_kiosk as start

    return start(args, config_from_args(args), run_build)


COMMANDS = {"kiosk": run_kiosk, "build": run_build, "check": run_check, "serve": run_serve, "new": run_new}


def main(argv: list[str] | None = None, checked: bool = False) -> int:
    """Run one command; bad input gives a message and an exit code, never a traceback. `checked`: the caller
    has already tried ocop.quick.run on the same command line (build.py)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    debug = "--debug" in argv
    try:
        shown = None if checked else quick.run(argv)  # the same build as last time, nothing changed
        if shown is not None:
            return shown
        args = make_parser().parse_args(argv)
        args.argv = argv
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"Lỗi cách dùng: {exc}\nXem: python build.py --help", file=sys.stderr)
        return 2
    except ContentErrors as exc:
        report(exc.problems)
        errors = sum(1 for p in exc.problems if p.is_error)
        print(f"Không tạo trang: {errors} lỗi cần sửa. Thư mục kết quả cũ được giữ nguyên.", file=sys.stderr)
        return 1
    except SiteError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        print("Không tạo trang. Thư mục kết quả cũ được giữ nguyên.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        if debug:
            raise
        print("Lỗi bất ngờ của chương trình (không phải do nội dung). Chạy lại với --debug để xem chi tiết "
              "và báo cho người phụ trách kỹ thuật:", file=sys.stderr)
        import traceback

        print(traceback.format_exc().splitlines()[-1], file=sys.stderr)
        return 1
