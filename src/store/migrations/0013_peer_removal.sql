-- 0013: a laptop of the commune removed from the others' lists (lost or stolen; docs/SYNC.md, "Several
-- laptops of one commune", "A lost laptop"). Shipped: never edit; add a new numbered file instead.

-- When and by whom (the chief's laptop, or the laptop whose bundle said so) it was removed. A removed
-- laptop's peer bundles are refused, new peer bundles are no longer encrypted to it, and its row stays
-- so that no roster can bring it back.
ALTER TABLE peer ADD COLUMN removed_at TEXT;
ALTER TABLE peer ADD COLUMN removed_by TEXT;
