-- Reports the office owes (issue 16, points 1 and 2): the weekly report to the district head, the
-- monthly and quarterly bulletins, the half-year report and the year-end summary, drafted by the
-- worker at each period's end, edited by the office and issued under a number.  rm_reports lists
-- them for the office's and the district head's pages (newest period first, by kind and status);
-- what an issued one prints stays in its event, not here.
--
-- No rebuild: no event recorded before this migration drafts a report, so the empty table is
-- exactly what replaying the events would write.
-- depends: 0012_found_defects

CREATE TABLE rm_reports (
    report_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    period_last TEXT NOT NULL,
    status TEXT NOT NULL,
    drafted_on TEXT NOT NULL,
    edited_on TEXT,
    edits INTEGER NOT NULL,
    number_label TEXT NOT NULL,
    issued_on TEXT,
    version INTEGER NOT NULL
);

CREATE INDEX rm_reports_district ON rm_reports (district, period_last, kind);
CREATE INDEX rm_reports_status ON rm_reports (district, status, period_last);
