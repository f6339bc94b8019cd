-- Erasure after consent is withdrawn (docs/design/protection.md, section 5): a participant
-- whose `erased_reason` is set has had its personal fields erased, here and in the change log
-- (their changes keep only a commitment), and every later change of them is stored erased.
ALTER TABLE participant ADD COLUMN erased_reason TEXT;
INSERT INTO field_numbers(entity, no, name) VALUES (4, 13, 'erased_reason');
-- The erased participants: whether there is any is asked after every merge.
CREATE INDEX participant_erased ON participant(id) WHERE erased_reason IS NOT NULL;

-- The change log's entries may end with a cover (a salt, or a commitment once erased).
DROP VIEW changes;
CREATE VIEW changes(node, seq, study, entity, row_id, field, value, hlc, prev_hlc, prev_node, cover) AS
SELECT l.node, l.first_seq + j.key, nullif(s.study, ''), e.name, l.row_id,
       f.name, j.value ->> 1, l.hlc + (j.value ->> 2), j.value ->> 3, j.value ->> 4, j.value ->> 5
  FROM change_log l
  JOIN scopes s ON s.idx = l.scope
  JOIN entities e ON e.code = l.entity,
       json_each(l.fields) j
  JOIN field_numbers f ON f.entity = l.entity AND f.no = j.value ->> 0;
