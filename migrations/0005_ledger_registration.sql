-- The registration facts an exported ledger needs to be imported again (台账导出 → 批量导入):
-- the decision date (决策日期) and the description (事项内容) of a supervised item; sub-tasks carry
-- their item's decision date, rectification tasks and notices leave both empty.
-- Rows projected before this migration lack both, so the read models are rebuilt from the events:
-- rebuild: read models
-- depends: 0004_ledger_parent_index

ALTER TABLE rm_ledger ADD COLUMN decision_date TEXT;
ALTER TABLE rm_ledger ADD COLUMN description TEXT;
