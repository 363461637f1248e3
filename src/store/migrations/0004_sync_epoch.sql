-- 0004: the sync epoch. Shipped: never edit; add a new numbered file instead.
-- A restore from a backup moves the installation to a new epoch (counter 'epoch' + 1) and makes its
-- change sequence jump to at least epoch << 32, so sequence numbers already sent to the province
-- before the restore are never issued again.
INSERT INTO counter (name, value) VALUES ('epoch', 0);
