-- Reports: what the source says of itself (issue 22), beside the report's own 300-character source
-- text: the source's identifier of the record, its links and its own grading of its quality. Imports
-- keep them from the file (the IOM Missing Migrants Project's Web ID or Incident ID, URL and Source
-- Quality) instead of folding them into the source text or dropping them; the region the source
-- places the incident in is the place's source_region (0017). The lengths are those of the API's schema.
ALTER TABLE reports
  ADD COLUMN source_record_id text CHECK (length(source_record_id) <= 200),
  ADD COLUMN source_url text CHECK (length(source_url) <= 2000),
  ADD COLUMN source_quality text CHECK (length(source_quality) <= 40);
