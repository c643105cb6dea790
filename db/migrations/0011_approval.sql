ALTER TABLE `disclosure_submissions` ADD `supervision` text;--> statement-breakpoint
ALTER TABLE `disclosure_versions` ADD `supervision` text;--> statement-breakpoint
-- Hand-written: the append-only update trigger of 0010 again, now also keeping the new column unchanged (the
-- student-aid name scrub stays the one allowed update).
DROP TRIGGER `disclosure_versions_append_only_update`;--> statement-breakpoint
CREATE TRIGGER `disclosure_versions_append_only_update` BEFORE UPDATE ON `disclosure_versions`
WHEN NOT COALESCE((
  -- The one allowed update: an expired student-aid list's recipient names blanked, once, nothing else.
  OLD.`kind` = 'studentAid' AND OLD.`scrubbed_at` IS NULL AND NEW.`scrubbed_at` IS NOT NULL
  AND NEW.`id` IS OLD.`id` AND NEW.`disclosure_id` IS OLD.`disclosure_id` AND NEW.`version` IS OLD.`version`
  AND NEW.`kind` IS OLD.`kind` AND NEW.`unit_id` IS OLD.`unit_id` AND NEW.`change` IS OLD.`change`
  AND NEW.`reason` IS OLD.`reason` AND NEW.`submission_id` IS OLD.`submission_id`
  AND NEW.`approved_by` IS OLD.`approved_by` AND NEW.`approved_at` IS OLD.`approved_at`
  AND NEW.`supervision` IS OLD.`supervision`
  AND OLD.`data` IS NOT NULL AND json_valid(NEW.`data`)
  AND json_remove(NEW.`data`, '$.recipients') IS json_remove(OLD.`data`, '$.recipients')
  AND json_array_length(NEW.`data`, '$.recipients') IS json_array_length(OLD.`data`, '$.recipients')
  AND NOT EXISTS (
    SELECT 1 FROM json_each(OLD.`data`, '$.recipients') o
    WHERE json_remove(o.`value`, '$.name')
        IS NOT json_remove(json_extract(NEW.`data`, '$.recipients[' || o.`key` || ']'), '$.name')
      OR json_extract(NEW.`data`, '$.recipients[' || o.`key` || '].name') IS NOT '')
), 0)
BEGIN SELECT RAISE(ABORT, 'disclosure_versions: append-only'); END;
