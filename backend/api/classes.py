"""/classes and /join: an instructor's classes, their join codes and runs; a student joining by code."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from .auth import keep_signed_in
from .deps import Accounting, AppServices, ClassBook, Instructor, Returning, Reads, accounts_on
from .schemas import ClassIn, ClassOut, Joined, JoinIn, RunOut

router = APIRouter(tags=["classes"])


@router.post("/classes", status_code=201, response_model=ClassOut)
async def create_class(body: ClassIn, instructor: Instructor, classes: ClassBook):
    """A new class, open to students at once: its `join_code` is what they type on the page."""
    return await classes.create(instructor, body.name)


@router.get("/classes", response_model=list[ClassOut])
async def list_classes(instructor: Instructor, classes: ClassBook):
    """The classes the caller teaches (an admin: every class)."""
    return await classes.taught(instructor)


@router.post("/classes/{class_id}/code", response_model=ClassOut)
async def rotate_code(class_id: str, instructor: Instructor, classes: ClassBook):
    """A new join code (the class opens if it was closed); the old code stops working."""
    return await classes.set_code(instructor, class_id, open_=True)


@router.delete("/classes/{class_id}/code", response_model=ClassOut)
async def close_code(class_id: str, instructor: Instructor, classes: ClassBook):
    """No one joins any more (those in the class stay); rotate to open it again."""
    return await classes.set_code(instructor, class_id, open_=False)


@router.get("/classes/{class_id}/runs", response_model=list[RunOut])
async def class_runs(class_id: str, instructor: Instructor, classes: ClassBook, reads: Reads):
    """Every run of the class's students, newest first."""
    await classes.get(instructor, class_id)
    return await reads.class_runs(instructor, class_id)


@router.post("/join", status_code=201, response_model=Joined, dependencies=[Depends(accounts_on)],
             responses={404: {"description": "No open class has this code."}})
async def join(body: JoinIn, returning: Returning, classes: ClassBook, accounts: Accounting,
               services: AppServices, request: Request, response: Response):
    """Join a class with its code and a name, no password. A student already signed in (the page's cookie,
    or their token) joins with the account they have; anyone else becomes a new student. The answer's token
    is for scripts; the page keeps the same one as a session cookie."""
    token, student = await classes.join(body.code, body.name, returning)
    keep_signed_in(response, request, token, services.settings.token_seconds)
    return Joined(access_token=token, user=await accounts.profile(student))
