"""``POST /api/v1/ingest/{channel}``: hand Kith a payload exactly as a network's API returned it.

The answer is 202: the payload is in the raw store (durable, deduplicated), and ``kith run`` turns it into
identities and interactions later. Normalising here would make a client wait on the slowest part of the
pipeline and hold a web worker for it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from starlette.concurrency import run_in_threadpool

from kith.auth.models import Role
from kith.auth.service import Principal
from kith.channels.service import ChannelDisabled, UnknownChannel
from kith.pipeline.schemas import IngestOut
from kith.pipeline.service import check_ingest, do_ingest_payload
from kith.web.api_common import ErrorOut, api_router
from kith.web.deps import SessionDep, require

router = api_router("ingest")
MAX_BODY = 10 * 1024 * 1024
Ingester = Annotated[Principal, Depends(require(Role.ADMIN, Role.AGENT, scope="ingest"))]
BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": "The network's API response as is (JSON, JSON Lines, XML, e-mail, CSV …), at most 10 MB.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


async def read_body(request: Request) -> bytes:
    """The request body, refusing more than ``MAX_BODY`` bytes before reading them all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, "The payload is larger than 10 MB; split it (e.g. one API page per request).")
    parts, size = [], 0
    async for part in request.stream():
        size += len(part)
        if size > MAX_BODY:
            raise HTTPException(413, "The payload is larger than 10 MB; split it (e.g. one API page per request).")
        parts.append(part)
    data = b"".join(parts)
    if not data.strip():
        raise HTTPException(400, "The payload is empty; send the network's API response as the request body.")
    return data


@router.post(
    "/ingest/{channel}",
    response_model=IngestOut,
    status_code=202,
    summary="Ingest a raw payload (admin, agent; token scope 'ingest')",
    openapi_extra=BODY_DOC,
    responses={
        409: {"model": ErrorOut, "description": "The channel is disabled"},
        413: {"model": ErrorOut, "description": "The payload is larger than 10 MB"},
    },
)
async def ingest(
    request: Request,
    session: SessionDep,
    principal: Ingester,
    channel: Annotated[str, Path(min_length=1, max_length=64, description="Channel name, e.g. x or mastodon.")],
) -> IngestOut:
    """Store the payload's items in the raw store; ``kith run`` processes them. Idempotent by item id."""
    engine = request.app.state.engine
    await run_in_threadpool(session.commit)  # end the request transaction (token use stamp): ingest has its own
    try:
        await run_in_threadpool(check_ingest, engine, channel)  # a wrong channel fails before the upload
        data = await read_body(request)
        result = await run_in_threadpool(do_ingest_payload, engine, channel, data, f"api:{principal.public_id}")
    except UnknownChannel as exc:
        raise HTTPException(404, str(exc)) from exc
    except ChannelDisabled as exc:
        raise HTTPException(409, str(exc)) from exc
    c = result.counts
    return IngestOut(raw_item_ids=result.raw_item_ids, new=c.new, duplicate=c.duplicate, quarantined=c.quarantined)
