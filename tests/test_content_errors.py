"""Bad input: each case gives one clear message (file, line, field), exit 1, and leaves output/ as it was."""

from __future__ import annotations

import shutil

import pytest

from conftest import PRODUCER, PRODUCT, TODAY, tree_digest, write_files
from ocop.cli import main

X = "content/products/x.md"


def variant(*pairs: tuple[str, str]) -> str:
    """The valid sample product with its own traceability code and the given (old, new) replacements."""
    text = PRODUCT.replace("HL-MO-0001", "HL-MO-0002")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def without(line: str) -> str:
    return variant((line + "\n", ""))


CERTIFICATE = '  number: "1234/QĐ-UBND"\n  date: 2025-08-15\n  issuer: UBND tỉnh Lạng Sơn\n'

# (id, files added to a valid site, the exact message line expected on stderr)
CASES = [
    ("yaml-syntax-error", {"products/x.md": variant(("unit: chai 500 ml", "unit: [chai 500 ml"))},
     f"{X}:18: error: unit: lỗi cú pháp YAML: thiếu dấu ] đóng danh sách (hoặc thiếu dấu phẩy giữa các mục)"),
    ("yaml-colon-in-value", {"products/x.md": variant(("unit: chai 500 ml", "unit: giờ mở: 7h"))},
     f"{X}:18: error: unit: lỗi cú pháp YAML: có dấu hai chấm trong giá trị; hãy đặt giá trị trong ngoặc kép, "
     "ví dụ \"12:30\""),
    ("yaml-tab-indent", {"products/x.md": variant(("  number:", "\tnumber:"))},
     f"{X}:8: error: number: lỗi cú pháp YAML: có ký tự Tab; hãy thụt lề bằng dấu cách, không dùng phím Tab"),
    ("empty-file", {"products/x.md": ""},
     f"{X}:1: error: tệp trống; tệp cần phần thông tin đầu trang giữa hai dòng --- rồi đến nội dung"),
    ("no-front-matter", {"products/x.md": "title: Mật ong\n\nMật ong rừng.\n"},
     f"{X}:1: error: thiếu phần thông tin đầu trang: dòng đầu tiên phải là --- , tiếp theo là các trường như "
     "title: ..., rồi một dòng --- nữa"),
    ("front-matter-not-closed", {"products/x.md": "---\ntitle: Mật ong\n"},
     f"{X}:1: error: phần thông tin đầu trang chưa được đóng: thêm một dòng --- sau trường cuối cùng"),
    ("not-utf8", {"products/x.md": variant(("title: Mật ong rừng Hữu Liên", "title: Cà phê")).encode("cp1258", "replace")},
     f"{X}:2: error: tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8 (trong Notepad: Lưu thành… → Mã hoá: UTF-8)"),
    ("missing-title", {"products/x.md": without("title: Mật ong rừng Hữu Liên")},
     f"{X}:2: error: title: thiếu trường bắt buộc (tên sản phẩm)"),
    ("missing-category", {"products/x.md": without("category: thuc-pham")},
     f"{X}:2: error: category: thiếu trường bắt buộc (nhóm sản phẩm OCOP (xem data/groups.yaml), ví dụ thuc-pham)"),
    ("missing-commune", {"products/x.md": without("commune: Hữu Liên")},
     f"{X}:2: error: commune: thiếu trường bắt buộc (xã (tên mới từ 01/7/2025 hoặc tên xã cũ), ví dụ Hữu Liên)"),
    ("missing-producer", {"products/x.md": without("producer: htx-mat-ong-huu-lien")},
     f"{X}:2: error: producer: thiếu trường bắt buộc (mã chủ thể: tên tệp trong content/producers/ (không có .md))"),
    ("blank-title", {"products/x.md": variant(("title: Mật ong rừng Hữu Liên", 'title: "  "'))},
     f"{X}:2: error: title: thiếu trường bắt buộc (tên sản phẩm)"),
    ("blank-producer", {"products/x.md": variant(("producer: htx-mat-ong-huu-lien", "producer: ''"))},
     f"{X}:6: error: producer: thiếu trường bắt buộc (mã chủ thể: tên tệp trong content/producers/ (không có .md))"),
    ("blank-certificate-number", {"products/x.md": variant(('number: "1234/QĐ-UBND"', "number:"))},
     f"{X}:8: error: certificate.number: thiếu trường bắt buộc (số quyết định, đặt trong ngoặc kép, "
     "ví dụ \"1234/QĐ-UBND\")"),
    ("stars-6", {"products/x.md": variant(("stars: 4", "stars: 6"))},
     f"{X}:3: error: stars: hạng sao OCOP phải là 3, 4 hoặc 5; đang ghi \"6\""),
    ("stars-7-windows-line-endings", {"products/x.md": variant(("stars: 4", "stars: 7")).replace("\n", "\r\n")},
     f"{X}:3: error: stars: hạng sao OCOP phải là 3, 4 hoặc 5; đang ghi \"7\""),
    ("stars-7-after-blank-lines-and-bom", {"products/x.md": "\ufeff\n\n" + variant(("stars: 4", "stars: 7"))},
     f"{X}:5: error: stars: hạng sao OCOP phải là 3, 4 hoặc 5; đang ghi \"7\""),
    ("stars-3.5", {"products/x.md": variant(("stars: 4", "stars: 3.5"))},
     f"{X}:3: error: stars: hạng sao là số nguyên 3, 4 hoặc 5, không có số lẻ; đang ghi \"3.5\""),
    ("stars-word", {"products/x.md": variant(("stars: 4", "stars: bốn"))},
     f"{X}:3: error: stars: hãy viết hạng sao bằng chữ số: 4 thay cho \"bốn\""),
    ("stars-1-is-a-score", {"products/x.md": variant(("stars: 4", "stars: 1"))},
     f"{X}:3: error: stars: 1 sao là điểm đánh giá, không phải chứng nhận OCOP: chỉ 3, 4 hoặc 5 sao được cấp "
     "giấy chứng nhận; nếu sản phẩm chưa đạt hạng, hãy bỏ trường stars"),
    ("stars-2-is-a-score", {"products/x.md": variant(("stars: 4", "stars: 2"))},
     f"{X}:3: error: stars: 2 sao là điểm đánh giá, không phải chứng nhận OCOP: chỉ 3, 4 hoặc 5 sao được cấp "
     "giấy chứng nhận; nếu sản phẩm chưa đạt hạng, hãy bỏ trường stars"),
    ("unknown-category", {"products/x.md": variant(("category: thuc-pham", "category: thuc-phm"))},
     f"{X}:4: error: category: không có nhóm \"thuc-phm\" (có phải ý bạn là \"thuc-pham\"?); các nhóm hợp lệ: "
     "thuc-pham, do-uong, duoc-lieu, thu-cong-my-nghe, sinh-vat-canh, du-lich"),
    ("retired-2019-category", {"products/x.md": variant(("category: thuc-pham", "category: thao-duoc"))},
     f"{X}:4: error: category: nhóm \"Thảo dược\" thuộc danh sách cũ của QĐ 1048/QĐ-TTg (2019), đã thay bằng "
     "6 nhóm của QĐ 148/QĐ-TTg (2023); hãy dùng \"duoc-lieu\" (Dược liệu và sản phẩm từ dược liệu)"),
    ("stars-without-certificate", {"products/x.md": variant(("certificate:\n" + CERTIFICATE, ""))},
     f"{X}:3: error: certificate: sản phẩm 4 sao phải có giấy chứng nhận (certificate: number, date, issuer)"),
    ("stars-with-empty-certificate", {"products/x.md": variant(("certificate:\n" + CERTIFICATE, "certificate:\n"))},
     f"{X}:7: error: certificate: sản phẩm 4 sao phải có giấy chứng nhận (certificate: number, date, issuer)"),
    ("date-not-in-calendar", {"products/x.md": variant(("date: 2025-08-15", "date: 2023-02-30"))},
     f"{X}:9: error: certificate.date: không có ngày \"2023-02-30\" trong lịch"),
    ("date-not-a-date", {"products/x.md": variant(("date: 2025-08-15", "date: hôm qua"))},
     f"{X}:9: error: certificate.date: phải là một ngày dạng năm-tháng-ngày (2023-08-15) hoặc ngày/tháng/năm "
     "(15/08/2023); đang ghi \"hôm qua\""),
    ("valid-until-before-date", {"products/x.md": variant(("  issuer: UBND tỉnh Lạng Sơn\n",
                                                           "  issuer: UBND tỉnh Lạng Sơn\n  valid_until: 2024-01-01\n"))},
     f"{X}:11: error: certificate.valid_until: ngày hết hiệu lực (01/01/2024) đứng trước ngày cấp (15/08/2025); "
     "kiểm tra lại hai ngày"),
    ("same-slug", {"products/mat-ong-rung-huu-lien/index.md": variant()},
     "content/products/mat-ong-rung-huu-lien.md: error: trùng địa chỉ trang \"mat-ong-rung-huu-lien\" với tệp "
     "content/products/mat-ong-rung-huu-lien/index.md; hãy đổi tên một trong hai tệp"),
    ("same-traceability-code", {"products/b.md": PRODUCT},
     "content/products/mat-ong-rung-huu-lien.md:12: error: traceability.code: mã truy xuất \"HL-MO-0001\" đã dùng "
     "cho content/products/b.md; mỗi sản phẩm cần một mã riêng"),
    ("producer-without-file", {"products/x.md": variant(("producer: htx-mat-ong-huu-lien", "producer: htx-mat-ong"))},
     f"{X}:6: error: producer: không có chủ thể \"htx-mat-ong\": cần tệp content/producers/htx-mat-ong.md "
     "(có phải ý bạn là \"htx-mat-ong-huu-lien\"?)"),
    ("image-missing", {"products/x.md": variant(("unit: chai 500 ml", "unit: chai 500 ml\nimages: [anh-bia.jpg]"))},
     f"{X}:19: error: images: không tìm thấy tệp ảnh \"anh-bia.jpg\" (tìm ở content/products/anh-bia.jpg)"),
    ("path-escapes-content", {"products/x.md": variant(("unit: chai 500 ml", "unit: chai 500 ml\nimages: [../../etc/passwd]"))},
     f"{X}:19: error: images: đường dẫn \"../../etc/passwd\" đi ra ngoài thư mục nội dung; ảnh phải nằm trong "
     "thư mục content (tốt nhất là cạnh tệp .md)"),
    ("absolute-path", {"products/x.md": variant(("unit: chai 500 ml", "unit: chai 500 ml\nimages: [/etc/passwd]"))},
     f"{X}:19: error: images: đường dẫn \"/etc/passwd\" đi ra ngoài thư mục nội dung; ảnh phải nằm trong "
     "thư mục content (tốt nhất là cạnh tệp .md)"),
    ("unknown-commune", {"products/x.md": variant(("commune: Hữu Liên", "commune: Hữu Liêm"))},
     f"{X}:5: error: commune: không có xã \"Hữu Liêm\" trong data/communes.yaml (có phải ý bạn là \"Hữu Liên\"?)"),
    ("price-decimal", {"products/x.md": variant(("price: 250000", "price: 250.5"))},
     f"{X}:17: error: price: giá \"250.5\" có phần lẻ: giá tính bằng đồng, không có số lẻ. Dấu chấm chỉ dùng để "
     "tách hàng nghìn (250.000); tốt nhất viết liền: 250000"),
    ("price-comma", {"products/x.md": variant(("price: 250000", "price: 1,250,000"))},
     f"{X}:17: error: price: giá \"1,250,000\" dùng dấu phẩy; ở Việt Nam dấu phẩy là dấu thập phân. Hãy viết liền "
     "không dấu: 1250000"),
    ("duplicate-key", {"products/x.md": variant(("unit: chai 500 ml", "unit: chai 500 ml\nunit: hộp"))},
     f"{X}:19: error: unit: khoá bị ghi hai lần (lần đầu ở dòng 18); chỉ giữ một"),
    ("control-character", {"products/x.md": variant(("unit: chai 500 ml", "unit: chai\x00500 ml"))},
     f"{X}:18: error: unit: lỗi cú pháp YAML: tệp có ký tự điều khiển không in được; hãy xoá ký tự đó"),
    ("nul-in-body", {"products/x.md": variant(("Mật ong hoa rừng", "Mật ong\x00 hoa rừng"))},
     f"{X}:22: error: nội dung có ký tự điều khiển không in được (NUL, mã 0); hãy xoá ký tự đó"),
    ("field-is-a-list", {"products/x.md": variant(("stars: 4", "stars: [4]"))},
     f"{X}:3: error: stars: phải là một số 3, 4 hoặc 5, nhưng đang là một danh sách"),
    ("producer-bad-kind", {"producers/p.md": "---\nname: HTX Na\nkind: htx\n---\n"},
     "content/producers/p.md:3: error: kind: loại hình phải là một trong: hợp tác xã, doanh nghiệp, hộ kinh doanh, "
     "tổ hợp tác; đang ghi \"htx\""),
]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """A valid content folder and its output/, built once for this module."""
    root = tmp_path_factory.mktemp("good")
    write_files(root / "content", {"producers/htx-mat-ong-huu-lien.md": PRODUCER,
                                   "products/mat-ong-rung-huu-lien.md": PRODUCT})
    assert main(["build", "--content", str(root / "content"), "--output", str(root / "output"), "--today", TODAY]) == 0
    return root


@pytest.fixture
def good_site(built_once, tmp_path, capsys):
    """A copy of the valid site and its built output/ in tmp_path; returns (content dir, digest of output/)."""
    capsys.readouterr()
    shutil.copytree(built_once / "content", tmp_path / "content")
    shutil.copytree(built_once / "output", tmp_path / "output")
    return tmp_path / "content", tree_digest(tmp_path / "output")


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_output_kept(good_site, build, tmp_path, files, expected):
    content, before = good_site
    write_files(content, files)
    code, out, err = build(content)
    lines = err.splitlines()
    assert expected in lines, err
    assert code == 1
    assert "Traceback" not in err and "Lỗi bất ngờ" not in err
    assert lines[-1].startswith("Không tạo trang: ") and "Thư mục kết quả cũ được giữ nguyên" in lines[-1]
    assert tree_digest(tmp_path / "output") == before


def test_unknown_key_is_a_warning_with_a_suggestion(good_site, build, tmp_path):
    content, before = good_site
    write_files(content, {"products/x.md": variant(("price: 250000", "pirce: 250000"))})
    code, out, err = build(content)
    assert code == 0, err
    assert f"{X}:17: warning: pirce: trường không có trong mẫu, sẽ bị bỏ qua (có phải ý bạn là \"price\"?)" in err.splitlines()
    assert "1 cảnh báo" in out
    assert (tmp_path / "output/san-pham/x/index.html").is_file()


def test_all_errors_reported_together_sorted(good_site, build, tmp_path):
    content, before = good_site
    write_files(content, {
        "products/z.md": variant(("stars: 4", "stars: 6"), ("HL-MO-0002", "HL-MO-0009")),
        "products/a.md": variant(("category: thuc-pham", "category: thuc-phm"), ("date: 2025-08-15", "date: hôm qua")),
        "producers/p.md": "",
    })
    code, out, err = build(content)
    assert code == 1
    problems = [line for line in err.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] for line in problems] == [
        "content/producers/p.md:1", "content/products/a.md:4", "content/products/a.md:9", "content/products/z.md:3",
    ]
    assert err.splitlines()[-1] == "Không tạo trang: 4 lỗi cần sửa. Thư mục kết quả cũ được giữ nguyên."
    assert tree_digest(tmp_path / "output") == before


@pytest.mark.parametrize("written, label", [("Huu Lien", "Hữu Liên"), ("xã Hòa Lạc", "Tân Thành (xã Hòa Lạc cũ)"),
                                            ("hoa lac", "Tân Thành (xã Hòa Lạc cũ)"),
                                            ("xa Hoa Lac", "Tân Thành (xã Hòa Lạc cũ)")])
def test_commune_names_match_without_diacritics(make_site, build, tmp_path, written, label):
    from conftest import parse_html

    content = make_site({"products/x.md": variant(("commune: Hữu Liên", f"commune: {written}"))})
    code, _, err = build(content)
    assert code == 0, err
    doc = parse_html(tmp_path / "output/san-pham/x/index.html")
    assert label in [a.text for a in doc.find_all("a")]


def test_unexpected_failure_gives_no_traceback(make_site, build, monkeypatch):
    """Even a bug in the program prints one plain line, never a traceback."""
    import ocop.builder

    def broken(*args):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(ocop.builder, "page_jobs", broken)
    code, out, err = build(make_site())
    assert code == 1
    assert "Traceback" not in err
    assert err.splitlines()[0].startswith("Lỗi bất ngờ của chương trình")


def test_symlinked_image_outside_content_is_refused(good_site, build, tmp_path):
    """A photo that is a link to a file outside content/ is refused like ../../etc/passwd."""
    content, before = good_site
    secret = tmp_path / "bi-mat.jpg"
    secret.write_bytes(b"x")
    (content / "products").joinpath("anh.jpg").symlink_to(secret)
    write_files(content, {"products/x.md": variant(("unit: chai 500 ml", "unit: chai 500 ml\nimages: [anh.jpg]"))})
    code, out, err = build(content)
    assert code == 1
    assert (f"{X}:19: error: images: đường dẫn \"anh.jpg\" đi ra ngoài thư mục nội dung; ảnh phải nằm trong "
            "thư mục content (tốt nhất là cạnh tệp .md)") in err.splitlines()
    assert tree_digest(tmp_path / "output") == before


def alias_bomb() -> str:
    """A product whose tags expand to 9**9 (387 million) values through nested YAML aliases ("billion laughs")."""
    lines = ['lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for before, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}{name}: &{name} [" + ", ".join([f"*{before}"] * 9) + "]")
    return variant(("tags: [mật ong]", "\n".join(lines) + "\ntags: *i"))


@pytest.mark.parametrize("command", ["build", "check"])
def test_yaml_alias_bomb_is_refused_quickly_under_a_memory_and_time_cap(good_site, tmp_path, command):
    """Under 1 GiB of address space and 20 s of CPU (the whole command, Python start included), the file gets
    `file:line: tags` and exit 1; before the fix it was still expanding aliases after minutes."""
    import resource
    import subprocess
    import sys

    from conftest import ROOT

    content, digest = good_site
    write_files(content, {"products/x.md": alias_bomb()})
    tags_line = alias_bomb().split("\n").index("tags: *i") + 1

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_CPU, (20, 20))

    args = [sys.executable, str(ROOT / "build.py"), command, "--content", str(content), "--today", TODAY]
    if command == "build":
        args += ["--output", str(tmp_path / "output"), "--no-cache"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=60, preexec_fn=cap)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert f"{X}:{tags_line}: error: tags: bí danh YAML *i" in out
    assert "Traceback" not in out and tree_digest(tmp_path / "output") == digest


def test_yaml_alias_bomb_is_answered_within_a_second_of_cpu(good_site, tmp_path):
    """The reader alone, in a child process allowed one CPU second beyond what its imports took."""
    import subprocess
    import sys

    from conftest import ROOT

    content, _ = good_site
    write_files(content, {"products/x.md": alias_bomb()})
    script = (
        "import resource, sys, time\n"
        "from pathlib import Path\n"
        "from ocop.source import read_source\n"
        "used = resource.getrusage(resource.RUSAGE_SELF)\n"
        "limit = int(used.ru_utime + used.ru_stime) + 2\n"  # whole CPU seconds: 1 to 2 s beyond what imports took
        "resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))\n"
        "source, problems = read_source(Path(sys.argv[1]) / 'products/x.md', Path(sys.argv[1]))\n"
        "print(source, *problems, sep='\\n')\n")
    done = subprocess.run([sys.executable, "-c", script, str(content)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("None\n") and ": error: tags: bí danh YAML *i" in done.stdout
