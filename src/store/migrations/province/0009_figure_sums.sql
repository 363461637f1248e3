-- Province store 0009: each commune's figures for a reporting window, kept between reads (the
-- *Tổng hợp toàn tỉnh* page, its trend, the report and the exports read them again and again), and
-- dropped for a commune by any change to its records, in the transaction that changes them.
-- Shipped: never edit; add a new numbered file instead.

-- The running sums of `crate::figures::Builder` (JSON of `figures::Sums`: the figures before they
-- are named with the lists, so a list sent later still names them) of one commune for the window
-- [first_day, last_day], counted by the code `made_by` names (another release's are counted again).
CREATE TABLE figure_sums (
    commune_code TEXT NOT NULL,
    first_day    TEXT NOT NULL,           -- yyyy-mm-dd
    last_day     TEXT NOT NULL,           -- yyyy-mm-dd
    made_by      TEXT NOT NULL,
    sums         TEXT NOT NULL,
    PRIMARY KEY (commune_code, first_day, last_day)
) STRICT, WITHOUT ROWID;

-- Every write to the record table (an import, a quarantined record accepted, a held change decided,
-- whatever writes it later) drops the sums of the commune whose records changed.
CREATE TRIGGER figure_sums_on_insert AFTER INSERT ON record
BEGIN
    DELETE FROM figure_sums WHERE commune_code = NEW.commune_code;
END;

CREATE TRIGGER figure_sums_on_update AFTER UPDATE ON record
BEGIN
    DELETE FROM figure_sums WHERE commune_code IN (OLD.commune_code, NEW.commune_code);
END;

CREATE TRIGGER figure_sums_on_delete AFTER DELETE ON record
BEGIN
    DELETE FROM figure_sums WHERE commune_code = OLD.commune_code;
END;
