-- Reports: the note of a report returned to draft, and the regional-analysis aggregates.

-- A submitted report returned to draft carries the approver's note until it is submitted again; the
-- owner's users see it on the report (presenters.ts shows it to the owner only).
ALTER TABLE reports
  ADD COLUMN return_note text CHECK (length(return_note) <= 2000),
  ADD COLUMN returned_at timestamptz;
