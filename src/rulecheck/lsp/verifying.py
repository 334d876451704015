"""`verify` on save: hypothesis's search takes seconds, so it runs in a process of its own, which a
newer save of the same document ends (a thread could not be stopped) before starting its own.

The process is started by `spawn`: forking the server (threads, an event loop, open pipes) is unsafe."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Mapping
from multiprocessing.connection import Connection

from ..diagnostics import Diagnostic
from ..i18n import speaking
from ..source import project_root


def findings(name: str, text: str, buffers: Mapping[str, str], lang: str, max_examples: int) -> list[Diagnostic]:
    """What `rulecheck verify` reports of the text (nothing when it does not check: check's findings
    are shown already)."""
    from ..api import analyze_text
    from ..cli.verify import already
    from ..verify import verify
    from .documents import OpenBuffers

    with speaking(lang):
        analysis = analyze_text(text, name, OpenBuffers(project_root(name), buffers))
        if analysis.compiled is None or analysis.proof is None:
            return []
        outcomes = verify(analysis, max_examples=max_examples)
        static = [d for d in analysis.proof.diagnostics if d.is_error]
        return [o.diagnostic for o in outcomes if o.diagnostic is not None
                and not any(already(d, o) for d in static)]


def _child(connection: Connection, *arguments) -> None:
    """The verifying process: its findings (or the error that stopped it, as text) sent back."""
    try:
        connection.send(("done", findings(*arguments)))
    except Exception as exc:  # reported to the editor, never a dead server
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


class Verifications:
    """The running verify of each document; `run` ends the one a newer save replaces."""

    def __init__(self) -> None:
        self.running: dict[str, multiprocessing.process.BaseProcess] = {}
        self.lock = threading.Lock()

    def run(self, uri: str, *arguments) -> tuple[str, object] | None:
        """Verify in a process and wait for it (call it in a worker thread): ('done', findings) or
        ('failed', reason); None when a newer save cancelled it."""
        context = multiprocessing.get_context("spawn")
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(sending, *arguments), daemon=True)
        with self.lock:
            self.cancel(uri)
            self.running[uri] = process
            process.start()
        sending.close()
        try:
            result = receiving.recv()
        except EOFError:  # ended by a newer save (or killed)
            result = None
        process.join()
        with self.lock:
            if self.running.get(uri) is process:
                del self.running[uri]
            elif result is not None:  # superseded after it finished: its findings are stale
                result = None
        return result

    def cancel(self, uri: str) -> None:
        """End the verify running for `uri`, if one is (the caller holds the lock)."""
        process = self.running.pop(uri, None)
        if process is not None and process.is_alive():
            process.terminate()

    def cancel_all(self) -> None:
        with self.lock:
            for uri in list(self.running):
                self.cancel(uri)

