-- The report (DiagnosticReport) each stored result belongs to, so a report resent or arriving by
-- another route under other ids is recognised as the one already stored, not only its results.
ALTER TABLE lab_result ADD COLUMN report_ref VARCHAR(140);
