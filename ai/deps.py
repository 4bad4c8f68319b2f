"""FastAPI dependencies: service-token auth and the shared service state, as Annotated aliases."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status

from ai.config import Settings
from ai.embeddings import Encoder
from ai.registry import Registry
from ai.similarity import Indexes


@dataclass
class State:
    settings: Settings
    registry: Registry
    indexes: Indexes
    encoder: Encoder | None


def get_state(request: Request) -> State:
    state: State = request.app.state.ai
    return state


StateDep = Annotated[State, Depends(get_state)]


def require_service_token(request: Request, state: StateDep) -> None:
    """Only core and its workers hold the token; browsers never get it."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if (
        scheme.lower() != "bearer"
        or not token
        or not hmac.compare_digest(token.encode(), state.settings.token.encode())
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "service token required", headers={"WWW-Authenticate": "Bearer"}
        )


ServiceAuth = Depends(require_service_token)
TenantId = Annotated[int, Path(ge=1, le=2**63 - 1, description="core's tenant id")]
