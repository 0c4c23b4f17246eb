"""A student opens an assignment on the instructor's uploaded dataset: the page lists it as the dataset in use,
draws its points and plans its network through the assignment, offers no delete, and Play trains on it."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.classroom import join, new_class, new_instructor

FISH = "length,weight,depth,kind\n" + "".join(
    f"{10 + i % 7}.5,{(i * 37) % 90 + 100},{(i % 5) - 2}.25,{'deep' if (i % 5) - 2 >= 0 else 'shallow'}\n"
    for i in range(40))
SPEC = {"data": {"dataset": "fish-e2e", "test_fraction": 0.25, "axes": ["depth", "length"]},
        "model": {"layers": [{"units": 4, "activation": "tanh"}]}, "train": {"epochs": 20}}


def test_the_student_trains_on_the_instructors_dataset(page: Page, accounts_server):
    teacher = new_instructor(accounts_server)
    uploaded = teacher.http.post("/datasets", files={"file": ("fish-e2e.csv", FISH.encode(), "text/csv")})
    assert uploaded.status_code == 201, uploaded.text
    klass = new_class(teacher, "Biology")
    made = teacher.http.post(f"/classes/{klass['id']}/assignments",
                             json={"title": "Fish lab", "spec": SPEC, "locked": ["data"]}).json()
    join(accounts_server, klass["join_code"], "warm-up")  # the class exists for joining

    page.goto(accounts_server.base_url)
    page.get_by_test_id("join-code").fill(klass["join_code"])
    page.get_by_test_id("join-name").fill("Kai")
    page.get_by_test_id("join-submit").click()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/data/preview")
                              and f'"assignment":"{made["id"]}"' in (r.request.post_data or "")
                              and '"axes":["depth","length"]' in (r.request.post_data or "")) as drawn:
        page.get_by_test_id("assignment").filter(has_text="Fish lab").get_by_test_id("open-assignment").click()
    assert drawn.value.status == 200 and drawn.value.json()["axes"] == ["depth", "length"]
    expect(page.get_by_test_id("dataset-fish-e2e")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("axis-x")).to_have_value("depth")
    expect(page.get_by_test_id("feature-weight")).to_be_visible()  # every feature column is an input
    expect(page.get_by_test_id("delete-dataset")).to_have_count(0)  # the instructor's: not the student's to delete

    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("status")).to_have_text("succeeded", timeout=90_000)
    runs = page.request.get(accounts_server.base_url + "/api/v1/runs").json()
    assert [(run["assignment"], run["status"], run["spec"]["data"]["dataset"]) for run in runs] == [
        (made["id"], "succeeded", "fish-e2e")]
    expect(page.get_by_test_id("leaderboard").get_by_test_id("leaderboard-user")).to_have_text(["Kai"])

    page.get_by_test_id("leave-assignment").click()  # off the assignment, its dataset is not the student's
    expect(page.get_by_test_id("dataset-fish-e2e")).to_have_count(0)
    expect(page.get_by_test_id("dataset-circle")).to_have_attribute("aria-pressed", "true")  # the default
