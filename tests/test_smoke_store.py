from datetime import date

from domain.organisation import UnitKind


def test_district_and_unit_survive_a_reopen(app, store_env, clock, admin, office):
    from duban.application import Duban

    app.open_district("420105", "汉阳区", admin, on=date(2026, 1, 5))
    unit = app.register_unit("U01", "晴川街", UnitKind.SUBDISTRICT, office, on=date(2026, 1, 5))
    again = Duban(env=store_env, clock=clock)
    try:
        assert [u.name for u in again.units("420105")] == ["晴川街"]
        assert again.unit_by_code("420105", "U01").id == unit.id
    finally:
        again.close()
