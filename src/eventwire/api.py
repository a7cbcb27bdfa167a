"""The HTTP API and the web dashboard: a thin FastAPI layer over `eventwire.query`.

`create_app(db)` serves one store, opened read-only: every request runs its query on its own
cursor of that connection, in a worker thread, under a time limit (`query_timeout`): a query still
running then is interrupted and the request answers 504. Errors are JSON `{"detail": reason}` with
their status code: 404 for an unknown article, 422 for a bad parameter (the reason names it),
503 while the store is busy, 504 for a query over its time.

With `allow_ingest`, `POST /api/ingest` adds a text, HTML or JSON Lines body to the store. It needs
a bearer token (`EVENTWIRE_TOKEN`) and a body under `max_ingest_bytes`. DuckDB does not let one
process hold the same file read-only and read-write at once, so an upload waits for the running
queries to finish, closes the read-only connection, writes through the normal `ingest` function in
a short-lived write connection and opens the store read-only again; queries that arrive meanwhile
wait for it (503 if that takes longer than the query time limit). One upload is written at a time.

The dashboard is static HTML/JS/CSS from `eventwire/web/static`; plotly.js comes from the installed
`plotly` package, the world basemap is bundled: nothing is fetched from another host. Only the
OpenAPI page at /docs loads its viewer (Swagger UI) from a CDN; /openapi.json is served locally.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import duckdb
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventwire import __version__, query
from eventwire.errors import EventwireError

T = TypeVar("T")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
QUERY_TIMEOUT = 10.0  # seconds a request's query may run
MAX_INGEST_BYTES = 10 * 1024 * 1024
MIN_TOKEN_LENGTH = 16
TOKEN_VARIABLE = "EVENTWIRE_TOKEN"
INGEST_TYPES = {  # content type of an upload -> file suffix it is read as (the reader sniffs the content anyway)
    "text/plain": ".txt", "text/html": ".html", "application/xhtml+xml": ".html",
    "application/x-ndjson": ".jsonl", "application/jsonl": ".jsonl", "application/json": ".jsonl",
}
# The dashboard's page runs only its own scripts: a second line of defence behind escaping article text.
DASHBOARD_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                 "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


class ApiError(Exception):
    """An error answer: status code and reason."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def static_dir() -> Path:
    """The dashboard's files, shipped inside the package."""
    return Path(str(resources.files("eventwire") / "web" / "static"))


def plotly_js() -> Path | None:
    """plotly.min.js of the installed plotly package, or None without it."""
    try:
        import plotly
    except ImportError:
        return None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


# --- the served database ------------------------------------------------------------------------------


class _Gate:
    """Many readers or one writer; a waiting writer keeps new readers out."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    def enter_read(self, timeout: float | None) -> bool:
        with self._cond:
            ok = self._cond.wait_for(lambda: not self._writing and not self._writers_waiting, timeout)
            if ok:
                self._readers += 1
            return ok

    def leave_read(self) -> None:
        with self._cond:
            self._readers -= 1
            self._cond.notify_all()

    def enter_write(self, timeout: float | None) -> bool:
        with self._cond:
            self._writers_waiting += 1
            try:
                ok = self._cond.wait_for(lambda: not self._writing and self._readers == 0, timeout)
                if ok:
                    self._writing = True
                return ok
            finally:
                self._writers_waiting -= 1
                self._cond.notify_all()

    def leave_write(self) -> None:
        with self._cond:
            self._writing = False
            self._cond.notify_all()


class _Job:
    """One request's query: its cursor, so that a timeout can interrupt it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cursor: duckdb.DuckDBPyConnection | None = None
        self.cancelled = False
        self.seconds = 0.0  # time spent in the query function

    def attach(self, cursor: duckdb.DuckDBPyConnection) -> bool:
        with self._lock:
            self._cursor = cursor
            return not self.cancelled

    def detach(self) -> None:
        with self._lock:
            self._cursor = None

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._cursor is not None:
                self._cursor.interrupt()


class Database:
    """The store as the server sees it: one read-only connection, a cursor per query, and a gate
    that lets an upload swap the connection for a write connection while no query runs."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = QUERY_TIMEOUT) -> None:
        self.path = os.fspath(path)
        self.timeout = timeout
        self._con: duckdb.DuckDBPyConnection | None = query.connect(self.path, read_only=True)
        self._gate = _Gate()

    def run(self, fn: Callable[[duckdb.DuckDBPyConnection], T], job: _Job) -> T:
        """fn(cursor) in the calling thread, with the store read-only."""
        if not self._gate.enter_read(self.timeout):
            raise ApiError(503, "the store is being updated; try again shortly", {"Retry-After": "5"})
        try:
            if self._con is None:
                raise ApiError(503, "the store is not open (an update failed); see the server's log")
            cursor = self._con.cursor()
            try:
                if not job.attach(cursor):
                    raise ApiError(504, "the query was cancelled")
                started = time.perf_counter()
                try:
                    return fn(cursor)
                finally:
                    job.seconds = time.perf_counter() - started
            finally:
                job.detach()
                cursor.close()
        finally:
            self._gate.leave_read()

    @contextlib.contextmanager
    def writing(self, timeout: float | None = None) -> Iterator[str]:
        """Close the read-only connection for the duration of a write (yields the path to write);
        the store is opened read-only again afterwards, whatever happened."""
        if not self._gate.enter_write(timeout):
            raise ApiError(503, "the store is busy; try again shortly", {"Retry-After": "5"})
        try:
            if self._con is not None:
                self._con.close()
                self._con = None
            try:
                yield self.path
            finally:
                self._con = query.connect(self.path, read_only=True)
        finally:
            self._gate.leave_write()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


# --- the app --------------------------------------------------------------------------------------


def create_app(db_path: str | os.PathLike[str], allow_ingest: bool = False, *, token: str | None = None,
               query_timeout: float = QUERY_TIMEOUT, max_ingest_bytes: int = MAX_INGEST_BYTES) -> FastAPI:
    """The HTTP API and dashboard over the store at `db_path` (opened read-only at once, so a bad
    path fails here with an EventwireError). `allow_ingest` adds `POST /api/ingest`, guarded by
    `token` (default: the EVENTWIRE_TOKEN environment variable, which must then be set)."""
    if allow_ingest:
        token = token if token is not None else os.environ.get(TOKEN_VARIABLE)
        if not token:
            raise EventwireError(f"--allow-ingest needs a token: set {TOKEN_VARIABLE} "
                                 f"(at least {MIN_TOKEN_LENGTH} characters)")
        if len(token) < MIN_TOKEN_LENGTH:
            raise EventwireError(f"{TOKEN_VARIABLE} is too short: use at least {MIN_TOKEN_LENGTH} characters")
    database = Database(db_path, timeout=query_timeout)
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="eventwire-query")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        executor.shutdown(wait=False, cancel_futures=True)
        database.close()

    app = FastAPI(
        title="eventwire", version=__version__, lifespan=lifespan, redoc_url=None,
        default_response_class=FastJSON,
        description="Event data coded from news: who did what to whom, when and where, with the evidence. "
                    "Read-only queries over one eventwire store.",
    )
    app.state.db = database
    app.state.executor = executor
    app.state.allow_ingest = allow_ingest
    app.state.stopping = set()  # tasks interrupting timed-out queries

    _add_error_handlers(app)
    _add_query_routes(app)
    if allow_ingest:
        assert token is not None
        _add_ingest_route(app, token, max_ingest_bytes)
    _add_dashboard(app)
    return app


class FastJSON(JSONResponse):
    """JSON without FastAPI's per-value encoding pass: query results are JSON types already."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _answer(request: Request, data: Any) -> FastJSON:
    """A query's result, with its time in the query layer as a Server-Timing header."""
    ms = getattr(request.state, "query_ms", None)
    headers = {"Server-Timing": f"query;dur={ms:.2f}"} if ms is not None else None
    return FastJSON(data, headers=headers)


async def _query(request: Request, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run fn(cursor) in a worker thread under the time limit; interrupt it when over."""
    db: Database = request.app.state.db
    job = _Job()
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(request.app.state.executor, db.run, fn, job)
    try:
        result = await asyncio.wait_for(asyncio.shield(future), db.timeout)
        request.state.query_ms = job.seconds * 1000
        return result
    except TimeoutError:
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # its error is expected: drop it
        task = asyncio.create_task(_interrupt_until_done(job, future))
        request.app.state.stopping.add(task)
        task.add_done_callback(request.app.state.stopping.discard)
        raise ApiError(504, f"the query took longer than {db.timeout:g} s and was stopped; narrow the filters") \
            from None
    except query.QueryError as exc:
        raise ApiError(422, str(exc)) from None


async def _interrupt_until_done(job: _Job, future: asyncio.Future[Any]) -> None:
    """Interrupt a timed-out query, again if it moved on to its next statement, until it has stopped."""
    while not future.done():
        job.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(future), 0.05)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
        reasons = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
            reasons.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
        return JSONResponse({"detail": "; ".join(reasons) or "invalid request"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(EventwireError)
    async def store_error(request: Request, exc: EventwireError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=500)


# --- read-only endpoints ----------------------------------------------------------------------------

_DATE_HELP = "YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY (since takes its first day, until its last)"


def _add_query_routes(app: FastAPI) -> None:
    @app.get("/api/health", tags=["store"], summary="Server and store status")
    async def health(request: Request) -> dict[str, Any]:
        def counts(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            articles = cur.execute("SELECT count(*) FROM articles").fetchall()[0][0]
            events = cur.execute("SELECT count(*) FROM events").fetchall()[0][0]
            version = cur.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
            span = cur.execute("SELECT min(date_start), max(date_end) FROM events").fetchall()[0]
            return {"articles": articles, "events": events, "schema_version": version,
                    "first_date": span[0].isoformat() if span[0] else None,
                    "last_date": span[1].isoformat() if span[1] else None}

        found = await _query(request, counts)
        return {"status": "ok", "version": __version__, "db": os.path.basename(request.app.state.db.path),
                "read_only": True, "ingest": request.app.state.allow_ingest, **found}

    @app.get("/api/codebook", tags=["store"], summary="CAMEO codes: name, root, QuadClass, Goldstein, PLOVER")
    async def codebook() -> dict[str, dict[str, Any]]:
        from eventwire.events.codebook import codebook as load

        return {c.code: {"name": c.name, "root": c.root, "quad": c.quad, "goldstein": c.goldstein,
                         "plover": c.plover} for c in load().values()}

    @app.get("/api/events", tags=["events"], summary="Events matching filters, one page at a time",
             description='`{"events": [...], "total": N, "limit": L, "offset": O}`: each event row with the '
                         "evidence of its first mention (sentence, trigger offsets, rule, article id). "
                         "Negated and hypothetical events only with `include_flagged`.")
    async def events(
        request: Request,
        source: str | None = Query(None, description="source actor code or prefix (USA, KORGOV)"),
        target: str | None = Query(None, description="target actor code or prefix"),
        dyad: str | None = Query(None, description="A,B: events between A and B, either direction"),
        code: str | None = Query(None, description="CAMEO code or prefix (04, 041)"),
        root: str | None = Query(None, description="CAMEO root code, 01-20"),
        quad: str | None = Query(None, description="QuadClass 1-4"),
        plover: str | None = Query(None, description="PLOVER event type (CONSULT, ASSAULT, ...)"),
        since: str | None = Query(None, description=_DATE_HELP),
        until: str | None = Query(None, description=_DATE_HELP),
        country: str | None = Query(None, description="ISO 3166 alpha-3 code of the event's place"),
        near: str | None = Query(None, description="LAT,LON,KM: the event's place within KM of the point"),
        q: str | None = Query(None, description="text in the evidence sentence (case-insensitive)"),
        min_sources: str | None = Query(None, description="at least this many distinct outlets"),
        include_flagged: str | None = Query(None, description="also negated and hypothetical events (true/false)"),
        limit: str | None = Query(None, description=f"page size, 1-{query.MAX_LIMIT} (default 50)"),
        offset: str | None = Query(None, description="events to skip"),
        sort: str | None = Query(None, description=f"one of {', '.join(query.SORTS)} (default -date)"),
    ) -> Response:
        try:
            f = query.EventFilter.from_strings(
                source=source, target=target, dyad=dyad, code=code, root=root, quad=quad, plover=plover,
                since=since, until=until, country=country, near=near, q=q, min_sources=min_sources,
                include_flagged=include_flagged, limit=limit, offset=offset, sort=sort)
        except query.QueryError as exc:
            raise ApiError(422, str(exc)) from None
        return _answer(request, await _query(request, lambda cur: query.events(cur, f)))

    @app.get("/api/events/{event_id}", tags=["events"], summary="One event with all its mentions")
    async def one_event(request: Request, event_id: str) -> Response:
        found = await _query(request, lambda cur: query.event(cur, event_id))
        if found is None:
            raise ApiError(404, f"no event with id {event_id!r}")
        return _answer(request, found)

    @app.get("/api/dyads/{a}/{b}/series", tags=["dyads"], summary="Events between two actors per period",
             description='`[{"period", "start", "events", "goldstein_mean", "goldstein_sum", "quad1".."quad4"}]`, '
                         "every period from the first to the last; A and B are actor codes or prefixes.")
    async def dyad_series(
        request: Request, a: str, b: str,
        by: str = Query("month", description="day, week or month"),
        directed: bool = Query(False, description="only events with source A and target B"),
        since: str | None = Query(None, description=_DATE_HELP),
        until: str | None = Query(None, description=_DATE_HELP),
        include_flagged: bool = Query(False, description="also negated and hypothetical events"),
    ) -> Response:
        return _answer(request, await _query(request, lambda cur: query.dyad_series(
            cur, a, b, by=by, directed=directed, since=since, until=until, include_flagged=include_flagged)))

    @app.get("/api/actors", tags=["actors"], summary="The actors in most events of a period")
    async def actors(
        request: Request,
        since: str | None = Query(None, description=_DATE_HELP),
        until: str | None = Query(None, description=_DATE_HELP),
        limit: int = Query(20, description=f"1-{query.MAX_LIMIT}"),
    ) -> Response:
        return _answer(request, await _query(request, lambda cur: query.top_actors(cur, since, until, limit)))

    @app.get("/api/dyads", tags=["dyads"], summary="The source → target pairs with most events of a period")
    async def dyads(
        request: Request,
        since: str | None = Query(None, description=_DATE_HELP),
        until: str | None = Query(None, description=_DATE_HELP),
        limit: int = Query(20, description=f"1-{query.MAX_LIMIT}"),
    ) -> Response:
        return _answer(request, await _query(request, lambda cur: query.top_dyads(cur, since, until, limit)))

    @app.get("/api/network", tags=["actors"], summary="The actor network of a period",
             description='`{"nodes": [{"id", "name", "events"}], "edges": [{"source", "target", "events", '
                         '"cooperation", "conflict", "goldstein_mean"}]}`')
    async def network(
        request: Request,
        since: str | None = Query(None, description=_DATE_HELP),
        until: str | None = Query(None, description=_DATE_HELP),
        limit: int = Query(100, description=f"most edges, 1-{query.MAX_LIMIT}"),
    ) -> Response:
        if not 1 <= limit <= query.MAX_LIMIT:
            raise ApiError(422, f"limit: must be between 1 and {query.MAX_LIMIT}, not {limit}")
        return _answer(request, await _query(request, lambda cur: query.network(cur, since, until, limit)))

    @app.get("/api/articles/{article_id}", tags=["articles"],
             summary="One article with its text, segments, actors, events, quotes, places and times")
    async def article(request: Request, article_id: str) -> Response:
        found = await _query(request, lambda cur: query.article(cur, article_id))
        if found is None:
            raise ApiError(404, f"no article with id {article_id!r}")
        return _answer(request, found)


# --- ingestion --------------------------------------------------------------------------------------


def _add_ingest_route(app: FastAPI, token: str, max_bytes: int) -> None:
    expected = f"Bearer {token}".encode()
    write_lock = threading.Lock()

    @app.post("/api/ingest", tags=["store"], summary="Add one text, HTML page or JSON Lines dump to the store",
              description=f"Needs `Authorization: Bearer $EVENTWIRE_TOKEN`; body at most {max_bytes} bytes, "
                          f"Content-Type one of {', '.join(INGEST_TYPES)}. Queries wait while it is written.")
    async def ingest_endpoint(
        request: Request,
        published: Annotated[date | None, Query(description="publication date for a text that carries none")] = None,
    ) -> dict[str, Any]:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise ApiError(401, "a valid bearer token is needed", {"WWW-Authenticate": "Bearer"})
        kind = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
        if kind not in INGEST_TYPES:
            raise ApiError(415, f"unsupported content type {kind!r}: use one of {', '.join(INGEST_TYPES)}")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise ApiError(413, f"the body is larger than {max_bytes} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                raise ApiError(413, f"the body is larger than {max_bytes} bytes")
        if not body.strip():
            raise ApiError(422, "the body is empty")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, _ingest_upload, app.state.db, bytes(body), INGEST_TYPES[kind],
                                          published, max_bytes, write_lock)


def _ingest_upload(db: Database, body: bytes, suffix: str, published: date | None, max_bytes: int,
                   write_lock: threading.Lock) -> dict[str, Any]:
    """Write one upload through `eventwire.ingest` in a short-lived write connection."""
    import hashlib

    from eventwire.ingest import IngestOptions, ingest
    from eventwire.read import ReadOptions

    name = f"upload-{hashlib.sha256(body).hexdigest()[:16]}{suffix}"
    with write_lock, tempfile.TemporaryDirectory(prefix="eventwire-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        # A long wait for running queries is fine: they are bounded by the query time limit.
        with db.writing(timeout=max(30.0, 3 * db.timeout)) as db_path:
            summary = ingest([str(path)], IngestOptions(db=db_path, read=ReadOptions(published=published,
                                                                                    max_bytes=max_bytes)))
    out = summary.to_dict()
    out.pop("db", None)
    if summary.error:
        raise ApiError(500, f"ingestion stopped: {summary.error}")
    return out


# --- the dashboard ------------------------------------------------------------------------------------


def _add_dashboard(app: FastAPI) -> None:
    folder = static_dir()
    plotly_path = plotly_js()

    @app.get("/", include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(folder / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": DASHBOARD_CSP, "X-Content-Type-Options": "nosniff",
                                     "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"})

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    async def plotly() -> FileResponse:
        if plotly_path is None:
            raise ApiError(404, "plotly.js is not installed: pip install plotly")
        return FileResponse(plotly_path, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=folder), name="static")


# --- running ----------------------------------------------------------------------------------------


def serve(db_path: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, allow_ingest: bool = False,
          log_level: str = "info") -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    app = create_app(db_path, allow_ingest=allow_ingest)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
