-- One retro answer per person per release from now on: a second answer replaces the first
-- (0015 makes (release_id, author) unique). Answers saved before, several from one person,
-- become one: their texts joined in the order written, under the latest name and time.
-- Every answer as written stays in the audit trail (retro_answer events).
UPDATE retro_answers SET
  went_well = coalesce((SELECT group_concat(o.went_well, char(10) ORDER BY o.id) FROM retro_answers o WHERE o.release_id = retro_answers.release_id AND o.author = retro_answers.author AND o.went_well <> ''), ''),
  went_badly = coalesce((SELECT group_concat(o.went_badly, char(10) ORDER BY o.id) FROM retro_answers o WHERE o.release_id = retro_answers.release_id AND o.author = retro_answers.author AND o.went_badly <> ''), ''),
  action_items = coalesce((SELECT group_concat(o.action_items, char(10) ORDER BY o.id) FROM retro_answers o WHERE o.release_id = retro_answers.release_id AND o.author = retro_answers.author AND o.action_items <> ''), '')
WHERE id IN (SELECT max(id) FROM retro_answers GROUP BY release_id, author HAVING count(*) > 1);
--> statement-breakpoint
DELETE FROM retro_answers WHERE id NOT IN (SELECT max(id) FROM retro_answers GROUP BY release_id, author);
