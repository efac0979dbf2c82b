"""Intake routes: the catalogue, cases at the window, and the public progress query."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from onewindow import protocol as p
from onewindow.catalogue import CatalogueItem
from queue_server.http.keys import INTAKE, SESSIONS
from queue_server.http.routing import ANYONE_SIGNED_IN, STAFF, Call, Handler, Routes, answer

routes = Routes()
KIOSK_ALLOWANCE = 10  # a kiosk may make ten times an address's wrong progress queries


def item_view(item: CatalogueItem) -> p.CatalogueItemView:
    return p.CatalogueItemView(
        code=item.code,
        name_zh=item.name_zh,
        name_en=item.name_en,
        department=item.department,
        level=item.level,
        mode=item.mode,
        service=item.service,  # type: ignore[arg-type]
        immediate=item.immediate,
        legal_basis=list(item.legal_basis),
        conditions=item.conditions,
        materials=[
            p.MaterialView(name=m.name, required=m.required, copies=m.copies, note=m.note)
            for m in item.materials
        ],
        forms=list(item.forms),
        process=list(item.process),
        legal_limit_days=item.legal_limit_days,
        promised_limit_days=item.promised_limit_days,
        fee=item.fee,
        enquiry_phone=item.enquiry_phone,
    )


@routes.add(
    "GET",
    "/api/catalogue",
    summary="The whole service catalogue (search it client-side)",
    tag="intake",
    answers={200: p.CatalogueList},
    allow=ANYONE_SIGNED_IN,
    query={"q": "code prefix, part of a name, pinyin initials or department"},
)
async def catalogue(request: web.Request, call: Call) -> web.Response:
    cat = request.app[INTAKE].catalogue
    query = request.query.get("q", "")
    items = cat.search(query) if query else cat.items
    return answer(p.CatalogueList(items=[item_view(i) for i in items]))


@routes.add(
    "GET",
    "/api/catalogue/{code}",
    summary="One catalogue item with its materials",
    tag="intake",
    answers={200: p.CatalogueItemView},
    allow=ANYONE_SIGNED_IN,
    errors=(422,),
)
async def catalogue_item(request: web.Request, call: Call) -> web.Response:
    return answer(item_view(request.app[INTAKE].item(request.match_info["code"])))


@routes.add(
    "POST",
    "/api/cases",
    summary="Pre-check or submit a case from the window's ticket",
    tag="intake",
    body=p.NewCaseRequest,
    answers={201: p.CaseView},
    allow=STAFF,
    errors=(404, 409),
)
async def new_case(request: web.Request, call: Call) -> web.Response:
    assert call.principal is not None
    intake = request.app[INTAKE]
    case = await intake.create(call.principal, call.body)
    return answer(intake.view(case), 201)


@routes.add(
    "GET",
    "/api/cases",
    summary="Cases, newest first (masked applicants)",
    tag="intake",
    answers={200: p.CaseList},
    allow=STAFF,
    query={
        "state": "prechecked, returned, accepted, ...",
        "alert": "warning or overdue",
        "window": "a window number",
        "ticket": "a ticket number of today",
    },
)
async def list_cases(request: web.Request, call: Call) -> web.Response:
    intake = request.app[INTAKE]
    q = request.query
    cases = await intake.cases(
        state=q.get("state") or None,
        ticket=q["ticket"].upper() if q.get("ticket") else None,
        window=int(q["window"]) if q.get("window", "").isdigit() else None,
        open_with_deadline=q.get("alert") in ("warning", "overdue"),
    )
    views = [intake.view(c) for c in cases]
    if q.get("alert") == "warning":
        views = [v for v in views if v.warning]
    elif q.get("alert") == "overdue":
        views = [v for v in views if v.overdue]
    return answer(p.CaseList(cases=views))


@routes.add(
    "GET",
    "/api/cases/{ref}",
    summary="One case by id or case number",
    tag="intake",
    answers={200: p.CaseView},
    allow=STAFF,
    errors=(404,),
)
async def get_case(request: web.Request, call: Call) -> web.Response:
    intake = request.app[INTAKE]
    return answer(intake.view(await intake.case(request.match_info["ref"])))


def _case_action(path: str, summary: str, body: type | None) -> Callable[[Handler], Handler]:
    return routes.add(
        "POST",
        f"/api/cases/{{ref}}/{path}",
        summary=summary,
        tag="intake",
        body=body,
        answers={200: p.CaseView},
        allow=STAFF,
        errors=(404, 409),
    )


@_case_action(
    "submit", "Submit a pre-checked case: accepted, or returned with a notice", p.SubmitCaseRequest
)
async def submit_case(request: web.Request, call: Call) -> web.Response:
    assert call.principal is not None
    intake = request.app[INTAKE]
    case = await intake.submit(call.principal, request.match_info["ref"], call.body)
    return answer(intake.view(case))


@_case_action(
    "materials", "Materials brought for a returned case (the clock restarts)", p.MaterialsRequest
)
async def case_materials(request: web.Request, call: Call) -> web.Response:
    intake = request.app[INTAKE]
    return answer(intake.view(await intake.add_materials(request.match_info["ref"], call.body)))


@_case_action("return", "Send an accepted case back for missing materials", p.ReturnRequest)
async def return_case(request: web.Request, call: Call) -> web.Response:
    intake = request.app[INTAKE]
    return answer(intake.view(await intake.send_back(request.match_info["ref"], call.body)))


@_case_action("approve", "Approve an accepted case (办结)", p.DecisionRequest)
async def approve_case(request: web.Request, call: Call) -> web.Response:
    intake = request.app[INTAKE]
    case = await intake.decide(request.match_info["ref"], True, call.body.reason)
    return answer(intake.view(case))


@_case_action("reject", "Reject an accepted case with a reason", p.DecisionRequest)
async def reject_case(request: web.Request, call: Call) -> web.Response:
    intake = request.app[INTAKE]
    case = await intake.decide(request.match_info["ref"], False, call.body.reason)
    return answer(intake.view(case))


@_case_action("issue", "Hand over the result (出件)", None)
async def issue_case(request: web.Request, call: Call) -> web.Response:
    intake = request.app[INTAKE]
    return answer(intake.view(await intake.issue(request.match_info["ref"])))


@routes.add(
    "GET",
    "/api/progress",
    summary="Where is my case: case number + last 4 phone digits",
    tag="intake",
    answers={200: p.ProgressView},
    allow=None,
    errors=(404, 429),
    query={"case_no": "the 12-digit case number", "phone4": "last 4 digits of the phone"},
)
async def progress(request: web.Request, call: Call) -> web.Response:
    q = request.query
    who = request.app[SESSIONS].identify(request)
    if who is not None and who.role == "kiosk":
        # A kiosk asks for every visitor at the machine: limit it as a device, not an address.
        client, allowance = f"device:{who.name}", KIOSK_ALLOWANCE
    else:
        client, allowance = request.remote or "?", 1
    view = await request.app[INTAKE].progress(
        q.get("case_no", "").strip(), q.get("phone4", "").strip(), client, allowance
    )
    return answer(view)
