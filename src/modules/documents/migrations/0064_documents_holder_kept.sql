-- Retention (src/modules/documents/retention.ts) finds the holder details of cancelled documents and
-- rejected reports, by when they were cancelled or rejected; once erased a row leaves the index.
CREATE INDEX travel_documents_holder_kept ON travel_documents ((coalesce(cancelled_at, decided_at)))
  WHERE holder_sealed IS NOT NULL AND state IN ('cancelled', 'rejected');
