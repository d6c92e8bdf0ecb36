"""The build: settings, content, site model, then every output file made or kept by name (ocop.state).

Pages are rendered by worker processes straight into a staging folder beside output/; this process keeps
only paths, digests and the names each page read. A page is rendered again only when its job changed or
a name it read stands for something else now; the staged files then replace their old selves in output/
(a first build, or one that cannot trust the last, swaps in a whole new folder).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .assets import asset_versions, collect_assets
from .bodylinks import body_link_problems
from .cache import BuildCache
from .config import Config
from .content import load_catalog
from .errors import ContentErrors, Problem
from .files import other_files
from .images import product_pictures
from .kiosk import SW_TEMPLATE, kiosk_jobs, references, worker_files
from .names import Scope, config_fingerprint, job_keys, record_fingerprints
from .output import PAGES_LIMIT, Staging, write_file
from .pages import page_jobs
from .parallel import map_in_order
from .parts import Batch, OtherFile, pieces_added, remember_pieces
from .paths import PageJob
from .recording import RecordingEnvironment
from .refdata import load_refdata
from .render import load_all_translations, make_environment, render_page
from .site import Site, build_site
from .stamp import Stamp, code_version, folder_id, stamp_path, state_path
from .stamp import save as save_stamp, take as take_stamp
from .state import BuildState, Output, forget_state, load_state, reads_any, save_state



def load_site(config: Config, cache: BuildCache | None = None, unchanged: frozenset[str] | set[str] = frozenset()
              ) -> tuple[Site, dict[str, tuple], tuple[Problem, ...]]:
    """Read and validate everything (no output written); raise ContentErrors with every problem. Content files
    named in `unchanged` are taken from the cache without reading them (BuildCache.prepare)."""
    ref = load_refdata(config.data_dir)
    own = cache is None
    if own:
        cache = BuildCache(config.cache_dir if config.use_cache else None, config.jobs)
    try:
        cache.prepare(config.content_dir, unchanged)  # type: ignore[union-attr]
        catalog, problems = load_catalog(config.content_dir, ref, cache)
    finally:
        if own:
            cache.save()  # type: ignore[union-attr]
    if catalog is None:
        raise ContentErrors(problems)
    pictures, image_files, image_problems = product_pictures(catalog.products, config.cache_dir)
    if image_problems:
        raise ContentErrors(image_problems + [p for p in problems if not p.is_error])
    return build_site(config, catalog, ref, pictures), image_files, catalog.warnings


@dataclass
class BuildReport:
    """What one build did."""

    site: Site | None
    pages: int = 0  # pages rendered from templates
    rendered: int = 0  # of them, rendered by this build
    changed: list[str] = field(default_factory=list)  # output files written or removed
    size: int = 0  # bytes of the whole output
    largest: tuple[int, str] = (0, "")
    warnings: tuple[Problem, ...] = ()

    @property
    def too_big(self) -> bool:
        return self.size > PAGES_LIMIT


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _Renderer:
    """Renders jobs into the staging folder; made before the workers fork, so they inherit it."""

    def __init__(self, env: RecordingEnvironment, texts: dict, site: Site, root: Path, jobs: list[PageJob]):
        self.env, self.texts, self.site, self.root, self.jobs = env, texts, site, root, jobs
        self.base_path = site.config.base_path

    def __call__(self, index: int) -> tuple[bytes, int, list[str], tuple]:
        job = self.jobs[index]
        data, reads = render_page(self.env, self.texts, self.site, job)
        write_file(self.root, job.path, data)
        refs = references(self.base_path, job.path, data) if job.path.startswith("kiosk/") else ()
        # one string object per name in this process, so that a chunk of results carries each name once
        return _digest(data), len(data), [sys.intern(name) for name in reads], refs


class Builder:
    """Builds the site, keeping one build state between builds (`build` loads it; `serve` keeps it in memory)."""

    def __init__(self, keep_content: bool = True) -> None:
        """`keep_content`: keep the content read between builds (serve); a one-shot build lets it go once it
        is saved, with the pieces the records got (ocop.parts), after the files that are not pages."""
        self.keep_content = keep_content
        self.state: BuildState | None = None
        self.cache: BuildCache | None = None  # the content read by earlier builds of this process
        self.unsaved: tuple | None = None  # (state file, stamp, figures, made) of a build not saved yet (save=False)

    def build(self, config: Config, keep: tuple[Path, ...] = (), save: bool = True, started: Stamp | None = None
              ) -> BuildReport:
        """Make or keep every output file; raise SiteError (ContentErrors, TemplateError) on bad input.
        `started`: the stamp of the inputs as they were just found (ocop.stamp.take), if one was taken.

        `save=False` (serve) leaves the state, the stamp and the content cache in memory until save(): the
        files of the last saved state are removed before the output changes, so a process that stops before
        saving leaves a next build that simply starts afresh, never one that trusts a stale state."""
        output_dir = config.output_dir.resolve()
        where = state_path(config.cache_dir, output_dir) if config.use_cache else None
        state = self.state if self.state is not None else load_state(where)
        version, settings = code_version(), config_fingerprint(config) + str(config.today).encode()
        trusted = state.matches(version, settings, output_dir)
        started = started or take_stamp(config)
        if trusted and started.inputs == state.inputs:
            return self._finish(started, where, state, None, [], 0, state.warnings, save, False)
        if not trusted:
            state = BuildState()
        if self.cache is None or self.cache.folder != (config.cache_dir if config.use_cache else None):
            self.cache = BuildCache(config.cache_dir if config.use_cache else None, config.jobs)
        try:
            unchanged = {path for path, stamp in started.inputs.items() if state.inputs.get(path) == stamp}
            site, image_files, warnings = load_site(config, self.cache, unchanged)
            for record in (*site.products, *site.producers, *site.pages):
                record_fingerprints(record)  # kept with the records by the content cache, saved below
        except BaseException:
            if save:
                self.cache.save()
            raise
        assets = collect_assets(config.assets_dir)
        versions = asset_versions(assets)
        env = make_environment(config, versions)
        texts = load_all_translations(config.data_dir)
        templates = {name: _digest(env.loader.get_source(env, name)[0].encode("utf-8"))  # type: ignore[union-attr]
                     for name in env.list_templates()}
        scope = Scope(site, texts, templates, versions)
        changed = state.name_ids({n for n, fp in state.fingerprints.items() if scope.fingerprint(n) != fp}) \
            if trusted else ()
        read_changed = reads_any(changed)
        public = page_jobs(site)
        jobs = public + kiosk_jobs(site, env)
        keys = job_keys(jobs)
        old = state.outputs if trusted else {}
        todo = [i for i, job in enumerate(jobs) if (out := old.get(job.path)) is None or out.key != keys[i]
                or read_changed(out)]
        staging = Staging(output_dir, keep)
        try:
            outputs, written = self._render(env, texts, site, jobs, keys, todo, staging, state, old, config.jobs)
            remember_pieces(self.keep_content)  # for a next build of this process, if there is one
            made = other_files(site, scope, texts, public, assets, image_files, old, state, self.cache.extras)
            self._other_files(made, old, outputs, written, staging, config.jobs)
            source = env.loader.get_source(env, SW_TEMPLATE)[0]  # type: ignore[union-attr]
            for path, data in worker_files(site, source, outputs).items():  # kiosk/sw.js, kiosk/precache.json
                outputs[path] = Output(_digest(data), b"", size=len(data))
                if path not in old or old[path].digest != outputs[path].digest:
                    staging.write(path, data)
                    written.append(path)
            dead = body_link_problems(site.products + site.producers + site.pages, outputs, config.base_path,
                                      config.content_dir.parent)
            if dead:
                raise ContentErrors(dead + [p for p in warnings if not p.is_error])
            removed = sorted(old.keys() - outputs.keys())
            if not save and where is not None and (written or removed or not trusted):
                forget_state(where)
            staging.commit(not trusted, written, removed)
        except BaseException:
            staging.discard()
            raise
        finally:
            self._keep_content(save)  # what was read stays read, with the pieces the records got
        state.fingerprints = {name: scope.fingerprint(name) for name in state.names}  # mostly known by now
        state.outputs, state.inputs, state.warnings = outputs, started.settled(), warnings
        state.version, state.settings, state.output_dir = version, settings, str(output_dir)
        state.output_id = folder_id(output_dir)
        self.state = state
        return self._finish(started, where, state, site, sorted(written) + removed, len(todo), warnings, save, True)

    def _finish(self, started: Stamp, where: Path | None, state: BuildState, site: Site | None, changed: list[str],
                rendered: int, warnings: tuple[Problem, ...], save: bool, made: bool) -> BuildReport:
        """The report of a finished build; its state and its figures (in the stamp, for the next quick check)
        are saved now or by save()."""
        report = self._report(state, site, changed, rendered, warnings)
        if where is not None:
            figures = {"pages": report.pages, "size": report.size, "largest": report.largest, "warnings": warnings}
            made = made or (self.unsaved is not None and self.unsaved[3])
            self.unsaved = (where, started, figures, made)
            if save:
                self.save()
        return report

    def save(self) -> None:
        """Save what the last build left in memory: the build state, its stamp and the content cache."""
        if self.unsaved is None:
            return
        where, started, figures, made = self.unsaved
        self.unsaved = None
        if made:  # a build that made anything (else only the stamp is new)
            if self.cache is not None:
                self.cache.save()
            if self.state is not None:
                save_state(self.state, where)
        save_stamp(stamp_path(where), started, figures)

    def _keep_content(self, save: bool) -> None:
        """Save the content cache now (`save`) or with the state, with the pieces (ocop.parts) the records got
        while the other files were made; a one-shot build then lets it go."""
        added = pieces_added()
        if added:
            self.cache.note_change(added)  # type: ignore[union-attr]
        if save:
            self.cache.save()  # type: ignore[union-attr]
        if not self.keep_content:
            self.cache = None

    def _render(self, env, texts, site, jobs, keys, todo, staging, state, old, workers) -> tuple[dict, list]:
        """Render the jobs numbered in `todo` into the staging folder; keep the others' outputs as they were."""
        render = _Renderer(env, texts, site, staging.root, jobs)
        for name in sorted({jobs[i].template for i in todo}):  # compiled once, before workers fork
            try:
                env.get_template(name)
            except Exception:
                pass  # reported with its page
        fresh = dict.fromkeys(todo)
        pairs: dict[tuple[str, str], tuple[str, str]] = {}  # one object for each (URL, file) the kiosk pages name
        for i, (digest, size, reads, refs) in zip(todo, map_in_order(render, todo, workers)):
            refs = tuple([pairs.setdefault(pair, pair) for pair in refs])
            fresh[i] = Output(digest, keys[i], state.name_ids(reads), refs, size)  # as each comes: names as numbers
        outputs: dict[str, Output] = {}
        written: list[str] = []
        for i, job in enumerate(jobs):
            made = fresh.get(i)
            if made is None:
                outputs[job.path] = old[job.path]
                continue
            outputs[job.path] = made
            previous = old.get(job.path)
            if previous is None or previous.digest != made.digest:
                written.append(job.path)
            else:
                os.unlink(staging.root / job.path)  # the same bytes as in output/: nothing to move
        return outputs, written

    @staticmethod
    def _other_files(made: Iterable[OtherFile], old: dict[str, Output], outputs: dict[str, Output],
                     written: list[str], staging: Staging, workers: int) -> None:
        """Make and stage the files that are not pages (ocop.files) whose key changed; a run of Batch files
        (the QR codes) is made by the workers, in order."""
        runs: list[tuple[str, bytes, Batch]] = []

        def put(path: str, key: bytes, data: bytes) -> None:
            out, digest = old.get(path), _digest(data)
            outputs[path] = Output(digest, key, size=len(data))
            if out is None or out.digest != digest:
                staging.write(path, data)
                written.append(path)

        def flush() -> None:
            for (path, key, _), data in zip(runs, map_in_order(lambda item: item[2](), runs, workers)):
                put(path, key, data)
            runs.clear()

        for path, key, make in made:
            out = old.get(path)
            if out is not None and out.key == key:
                outputs[path] = out
            elif isinstance(make, Batch):
                outputs[path] = out  # its place in the state's order, filled by flush()
                runs.append((path, key, make))
            else:
                flush()
                put(path, key, make())  # type: ignore[misc]
        flush()

    @staticmethod
    def _report(state: BuildState, site: Site | None, changed: list[str], rendered: int,
                warnings: tuple[Problem, ...] = ()) -> BuildReport:
        sizes = [(out.size, path) for path, out in state.outputs.items()]
        pages = sum(1 for out in state.outputs.values() if out.reads)  # rendered from templates (they read something)
        return BuildReport(site, pages, rendered, changed,
                           sum(size for size, _ in sizes), max(sizes, default=(0, "")), warnings)
