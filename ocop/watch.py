"""Seeing saves while previewing: the operating system's change notices (watchdog), or polling where it refuses."""

from __future__ import annotations

import os
import threading

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop, PeriodicCallback
from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
                             FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEvent, FileSystemEventHandler)
from watchdog.observers import Observer

POLL_MS = 250  # the fallback watcher's walk
# What a save, a new file, a deletion or a rename looks like; reads (opened, closed unwritten) and a folder's
# own "modified" (its list changed: the file events say which) are not changes.
CHANGES = (FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent)


class QuietWatcher(Watcher):
    """livereload's polling watcher, changed to see every file of a burst and never reload by itself."""

    def __init__(self) -> None:
        super().__init__()
        self._seen_lock = threading.Lock()
        self._seen: set[str] = set()

    def take_changed(self) -> set[str]:
        """The files seen added, changed or removed since the last call (called by the rebuild thread)."""
        with self._seen_lock:
            seen, self._seen = self._seen, set()
        return seen

    def _saw(self, path: str) -> None:
        with self._seen_lock:
            self._seen.add(path)

    def start(self, callback) -> bool:
        PeriodicCallback(callback, POLL_MS).start()
        return True

    def examine(self) -> tuple[None, None]:
        self._changes.clear()
        for path, item in self._tasks.items():
            self._task_mtimes = item["mtimes"]
            if self.is_changed(path, item["ignore"]) and item["func"]:
                item["func"]()
        return None, None

    def is_changed(self, path, ignore=None) -> bool:
        self._new_mtimes = {}
        if os.path.isdir(path):
            changed = self.is_folder_changed(path, ignore)
        else:
            changed = self.is_file_changed(path, ignore)
        removed = set(self._task_mtimes) - set(self._new_mtimes)
        for gone in removed:
            self._task_mtimes.pop(gone)
            self._saw(gone)
        self._task_mtimes.update(self._new_mtimes)
        return bool(changed or removed)

    def is_folder_changed(self, path, ignore=None) -> bool:
        changed = False
        for root, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if d not in self.ignored_dirs]
            for name in files:
                changed = self.is_file_changed(os.path.join(root, name), ignore) or changed
        return changed

    def is_file_changed(self, path, ignore=None) -> bool:
        known = self._task_mtimes.get(path)
        changed = super().is_file_changed(path, ignore)
        if changed or (known is None and path in self._new_mtimes):
            self._saw(path)  # every new file counts, even one older than the watcher
        return changed


class EventWatcher(QuietWatcher):
    """Hears of changes from the operating system as they happen (watchdog) instead of walking every file
    each poll: a save is seen at once, and a catalog of thousands costs nothing while nobody edits.
    Falls back to QuietWatcher's polling when the system cannot watch (e.g. its limit of watches is reached)."""

    def __init__(self) -> None:
        super().__init__()
        self._observer: Observer | None = None

    def start(self, callback) -> bool:
        loop = IOLoop.current()
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:  # on the observer's thread
                if isinstance(event, CHANGES):
                    watcher._heard(loop, event)

        observer = Observer()
        try:
            for path in self._tasks:
                folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
                observer.schedule(Handler(), folder, recursive=os.path.isdir(path))
            observer.daemon = True
            observer.start()
        except OSError as exc:
            print(f"Không theo dõi được thay đổi qua hệ điều hành ({exc}); chuyển sang kiểm tra tệp mỗi "
                  f"{POLL_MS} ms.", flush=True)
            return super().start(callback)
        self._observer = observer
        # Anything saved while the first build ran was not heard: one rebuild that checks every file.
        loop.add_callback(self._run_tasks)
        return True

    def _heard(self, loop: IOLoop, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)]
        if getattr(event, "dest_path", ""):
            paths.append(os.fsdecode(event.dest_path))
        for path in paths:
            if self._task_for(path) is not None:
                self._saw(path)
                loop.add_callback(self._run_tasks, path)

    def _task_for(self, path: str) -> dict | None:
        """The watch task a path belongs to: its folder's (with everything below), or its own file's."""
        for watched, item in self._tasks.items():
            if path == watched or path.startswith(watched.rstrip(os.sep) + os.sep) and os.path.isdir(watched):
                return item
        return None

    def _run_tasks(self, path: str | None = None) -> None:
        """Call the watch functions (on the IOLoop's thread): those of `path`'s task, or every one."""
        items = [self._task_for(path)] if path is not None else list(self._tasks.values())
        for item in {id(i): i for i in items if i and i["func"]}.values():
            item["func"]()
