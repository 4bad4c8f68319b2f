"""The AI service's FastAPI application: `uvicorn ai.main:app` (see the Procfile)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from ai import routes, signals
from ai.config import Settings, get_settings
from ai.deps import State
from ai.embeddings import load_encoder
from ai.registry import Registry
from ai.similarity import Indexes
from ai.static_embeddings import lazy_static_encoder


class RefuseBrowsers(BaseHTTPMiddleware):
    """Browsers send Origin or Sec-Fetch-* headers; server-to-server callers do not. Refusing them
    means a page can never talk to this service, even if it learnt the address and a token."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.headers.get("origin") or request.headers.get("sec-fetch-mode"):
            return JSONResponse({"detail": "not reachable from browsers"}, status_code=403)
        return await call_next(request)


@asynccontextmanager
async def _warm_up(app: FastAPI) -> AsyncIterator[None]:
    """Load the lazy detectors before the first ticket: their loading (seconds on a busy
    machine) would otherwise delay the first triage past its budget. The server answers
    /healthz only after this."""
    signals.sentiment("warm up")
    signals.language("warm up")
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    app = FastAPI(
        lifespan=_warm_up,
        title="Frontline AI",
        version="1",
        docs_url=None,  # nothing here is for people with browsers
        redoc_url=None,
        openapi_url=None,  # every route but /healthz needs the token; no public schema either
    )
    encoder = load_encoder() if settings.embeddings else None
    app.state.ai = State(
        settings=settings,
        registry=Registry(
            settings.data_dir,
            min_labelled=settings.min_labelled,
            min_per_label=settings.min_per_category,
            keep_versions=settings.keep_versions,
            encoder=encoder,
            static=lazy_static_encoder() if settings.classify_pipeline != "tfidf" else None,
            pipeline=settings.classify_pipeline,
        ),
        indexes=Indexes(settings.data_dir, encoder),
        encoder=encoder,
    )
    app.add_middleware(RefuseBrowsers)
    app.include_router(routes.health)
    app.include_router(routes.router)
    return app


def __getattr__(name: str) -> FastAPI:
    # `uvicorn ai.main:app` builds the app on first access, so importing this module stays cheap.
    if name == "app":
        application = create_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
