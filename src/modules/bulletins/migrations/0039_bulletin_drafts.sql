-- Draft bulletins: seen by their owner member only and announced to no one. A draft's access fields
-- are owner-only, so the one sharing rule (and row-level security) keeps it in; the sharing it is
-- meant to have waits beside them, as the API takes sharing, and publishing copies it into the
-- access fields in one transaction. A draft has no versions yet: publishing makes version 1.
ALTER TABLE bulletins
  ADD COLUMN draft boolean NOT NULL DEFAULT false,
  ADD COLUMN intended_sharing jsonb,
  ADD CONSTRAINT bulletins_draft_owner_only CHECK (
    (draft = (intended_sharing IS NOT NULL)) AND (NOT draft OR audience_kind = 'owner')
    AND (intended_sharing IS NULL OR jsonb_typeof(intended_sharing) = 'object'));
CREATE INDEX bulletins_drafts ON bulletins (owner, id) WHERE draft;
