"""Assignments: an instructor sets a class a spec with locked settings; its members see it and its leaderboard;
the instructor downloads the results for the gradebook. A run is made for one with POST /runs `assignment`."""
from __future__ import annotations

from fastapi import APIRouter, Response

from .deps import AssignmentBook, Instructor, Owner
from .schemas import AssignmentIn, AssignmentOut, Standing

router = APIRouter(tags=["assignments"])


@router.post("/classes/{class_id}/assignments", status_code=201, response_model=AssignmentOut)
async def create_assignment(class_id: str, body: AssignmentIn, instructor: Instructor, assignments: AssignmentBook):
    """Set the class a lesson (`preset`) or a spec (the page's current settings), with the settings students
    may not change (`locked`, dotted spec paths) and maybe a due time."""
    return await assignments.create(instructor, class_id, body.title, body.preset, body.spec, body.locked, body.due)


@router.get("/classes/{class_id}/assignments", response_model=list[AssignmentOut])
async def list_assignments(class_id: str, caller: Owner, assignments: AssignmentBook):
    """The class's assignments, newest first: for its students and its instructor."""
    return await assignments.of_class(caller, class_id)


@router.get("/assignments/{assignment_id}/leaderboard", response_model=list[Standing])
async def leaderboard(assignment_id: str, caller: Owner, assignments: AssignmentBook):
    """Each student's best finished run of the assignment, best first, for everyone in its class."""
    return await assignments.leaderboard(caller, assignment_id)


CSV_RESPONSE = {200: {"content": {"text/csv": {}}, "description": "One row per student of the class: "
                      "student, student_id, rank, best_run, score, metric, late, runs_submitted, submitted_at, "
                      "finished_at (empty cells for a student without a finished run)."}}


@router.get("/assignments/{assignment_id}/results.csv", response_class=Response, responses=CSV_RESPONSE)
async def results(assignment_id: str, instructor: Instructor, assignments: AssignmentBook):
    """The results for the gradebook, as a CSV file to download."""
    found = await assignments.results(instructor, assignment_id)
    return Response(found.csv, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})
