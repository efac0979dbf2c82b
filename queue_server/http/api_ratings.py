"""Rating routes: 好差评 from the evaluator or kiosk, and the supervisor's follow-up list."""

from __future__ import annotations

from aiohttp import web

from onewindow import protocol as p
from queue_server.http.keys import RATINGS
from queue_server.http.routing import SUPERVISORS, Call, Routes, answer
from queue_server.ratings import rating_view

routes = Routes()


@routes.add(
    "POST",
    "/api/ratings",
    summary="Rate a served ticket, once (evaluator or kiosk)",
    tag="ratings",
    body=p.RatingRequest,
    answers={201: p.RatingView},
    allow=frozenset({"evaluator", "kiosk"}),
    errors=(404, 409),
)
async def rate(request: web.Request, call: Call) -> web.Response:
    assert call.principal is not None
    rating = await request.app[RATINGS].rate(call.principal, call.body)
    return answer(rating_view(rating), 201)


@routes.add(
    "GET",
    "/api/ratings",
    summary="Ratings, newest first; bad=1 for the follow-up list",
    tag="ratings",
    answers={200: p.RatingList},
    allow=SUPERVISORS,
    query={"bad": "1 for ratings of 1–2 only"},
)
async def list_ratings(request: web.Request, call: Call) -> web.Response:
    ratings = await request.app[RATINGS].follow_ups(request.query.get("bad") == "1")
    return answer(p.RatingList(ratings=[rating_view(x) for x in ratings]))


@routes.add(
    "POST",
    "/api/ratings/{id}/follow-up",
    summary="Record the follow-up of a bad rating",
    tag="ratings",
    body=p.FollowUpRequest,
    answers={200: p.RatingView},
    allow=SUPERVISORS,
    errors=(404,),
)
async def follow_up(request: web.Request, call: Call) -> web.Response:
    try:
        rating_id = int(request.match_info["id"])
    except ValueError:
        rating_id = -1
    rating = await request.app[RATINGS].follow_up(rating_id, call.body.note)
    return answer(rating_view(rating))
