//! Page breaking: rows (the unbreakable horizontal slices the layout produces) onto pages.
//!
//! Rules, in order:
//! - a row marked `break_before` starts a new page (unless the page is still empty);
//! - a row and the rows chained to it by `keep_with_next` go to the next page together when they
//!   do not fit; a chain longer than a page is not kept (as word processors do);
//! - space after a row is dropped when a page ends there;
//! - a table row that goes to a new page brings its table's header row with it.

/// What the paginator needs to know about a row.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct RowBox {
    /// Height in points.
    pub height: f32,
    /// Space below the row when another row follows on the same page, in points.
    pub space_after: f32,
    /// Keep this row on the page of the next one.
    pub keep_with_next: bool,
    /// Start a new page before this row.
    pub break_before: bool,
    /// Index of the header row to repeat above this row when it starts a page (table rows).
    pub repeat: Option<usize>,
}

/// A row placed on a page, `y` points below the top of the text area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Placement {
    pub row: usize,
    pub y: f32,
}

/// Tolerance for "fits", in points.
const EPSILON: f32 = 0.01;

/// Keep flags for the lines of a paragraph of `n` lines (widow and orphan control): the first line
/// never stays alone at the bottom of a page and the last never goes alone to the next.
pub(crate) fn paragraph_keeps(n: usize) -> Vec<bool> {
    (0..n).map(|i| n >= 2 && (i == 0 || i == n - 2)).collect()
}

/// Height of row `i` and of the rows kept with it, in points. If they cannot fit on a page together,
/// the keep is ignored and the height is row `i`'s alone.
fn chain_height(rows: &[RowBox], i: usize, page: f32) -> f32 {
    let mut h = rows[i].height;
    let mut k = i;
    while rows[k].keep_with_next && k + 1 < rows.len() && !rows[k + 1].break_before {
        let more = rows[k].space_after + rows[k + 1].height;
        if h + more > page + EPSILON {
            return rows[i].height;
        }
        h += more;
        k += 1;
    }
    h
}

/// Places rows on pages whose text area is `page` points high. Returns the placements of each page,
/// or the index of a row that cannot fit on an empty page.
pub(crate) fn paginate(rows: &[RowBox], page: f32) -> Result<Vec<Vec<Placement>>, usize> {
    let mut pages: Vec<Vec<Placement>> = vec![Vec::new()];
    let mut y = 0.0f32;
    for (i, row) in rows.iter().enumerate() {
        let empty = pages.last().is_none_or(Vec::is_empty);
        if !empty && (row.break_before || y + chain_height(rows, i, page) > page + EPSILON) {
            pages.push(Vec::new());
            y = 0.0;
            if let Some(h) = row.repeat.filter(|&h| h != i && h < rows.len()) {
                if let Some(p) = pages.last_mut() {
                    p.push(Placement { row: h, y: 0.0 });
                }
                y = rows[h].height;
            }
        }
        if y + row.height > page + EPSILON {
            return Err(i);
        }
        if let Some(p) = pages.last_mut() {
            p.push(Placement { row: i, y });
        }
        y += row.height + row.space_after;
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(heights: &[f32]) -> Vec<RowBox> {
        heights.iter().map(|&height| RowBox { height, ..RowBox::default() }).collect()
    }

    /// Row indices per page.
    fn layout(rows: &[RowBox], page: f32) -> Vec<Vec<usize>> {
        paginate(rows, page).expect("fits").iter().map(|p| p.iter().map(|pl| pl.row).collect()).collect()
    }

    #[test]
    fn fills_pages_in_order() {
        let r = rows(&[10.0; 7]);
        assert_eq!(layout(&r, 30.0), [vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
        let p = paginate(&r, 30.0).expect("fits");
        assert_eq!(p[1].iter().map(|pl| pl.y).collect::<Vec<_>>(), [0.0, 10.0, 20.0]);
    }

    #[test]
    fn space_after_counts_inside_a_page_and_is_dropped_at_its_end() {
        let mut r = rows(&[10.0, 10.0, 10.0]);
        r[0].space_after = 6.0;
        r[1].space_after = 6.0;
        // 10 + 6 + 10 = 26; the third row would end at 42 > 30.
        let p = paginate(&r, 30.0).expect("fits");
        assert_eq!(p[0].iter().map(|pl| pl.y).collect::<Vec<_>>(), [0.0, 16.0]);
        assert_eq!(p[1][0].y, 0.0, "no space at the top of a page");
    }

    #[test]
    fn keep_with_next_moves_a_heading_with_its_text() {
        let mut r = rows(&[10.0, 10.0, 10.0, 10.0]);
        r[1].keep_with_next = true; // heading
        assert_eq!(layout(&r, 25.0), [vec![0], vec![1, 2], vec![3]]);
        r[1].keep_with_next = false;
        assert_eq!(layout(&r, 25.0), [vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn widow_and_orphan_control() {
        assert_eq!(paragraph_keeps(1), [false]);
        assert_eq!(paragraph_keeps(2), [true, false]);
        assert_eq!(paragraph_keeps(3), [true, true, false]);
        assert_eq!(paragraph_keeps(5), [true, false, false, true, false]);
        // A 5-line paragraph after 3 lines of 10 on a page of 50: 2 lines fit, which would leave no
        // orphan, but then the rest (3 lines) goes on; fine. After 4 lines only 1 fits: moved.
        let para = |before: usize| {
            let mut r = rows(&vec![10.0; before + 5]);
            for (i, k) in paragraph_keeps(5).into_iter().enumerate() {
                r[before + i].keep_with_next = k;
            }
            r
        };
        assert_eq!(layout(&para(3), 50.0), [vec![0, 1, 2, 3, 4], vec![5, 6, 7]]);
        assert_eq!(layout(&para(4), 50.0), [vec![0, 1, 2, 3], vec![4, 5, 6, 7, 8]], "no orphan");
        // After 1 line, 4 lines fit but the last would be a widow: 3 stay, 2 go.
        assert_eq!(layout(&para(1), 50.0), [vec![0, 1, 2, 3], vec![4, 5]], "no widow");
    }

    #[test]
    fn a_chain_taller_than_a_page_is_not_kept() {
        let mut r = rows(&[10.0; 6]);
        for row in &mut r {
            row.keep_with_next = true;
        }
        assert_eq!(layout(&r, 30.0), [vec![0, 1, 2], vec![3, 4, 5]]);
    }

    #[test]
    fn forced_break_but_never_a_blank_first_page() {
        let mut r = rows(&[10.0, 10.0, 10.0]);
        r[0].break_before = true;
        r[2].break_before = true;
        assert_eq!(layout(&r, 100.0), [vec![0, 1], vec![2]]);
    }

    #[test]
    fn table_header_repeats_on_each_new_page() {
        // Row 0: a paragraph; row 1: table header (kept with the first body row); rows 2..: body.
        let mut r = rows(&[10.0, 8.0, 10.0, 10.0, 10.0, 10.0, 10.0]);
        r[1].keep_with_next = true;
        for row in &mut r[2..] {
            row.repeat = Some(1);
        }
        let p = paginate(&r, 30.0).expect("fits");
        let ids: Vec<Vec<usize>> = p.iter().map(|p| p.iter().map(|pl| pl.row).collect()).collect();
        assert_eq!(ids, [vec![0, 1, 2], vec![1, 3, 4], vec![1, 5, 6]]);
        assert_eq!(p[1][1].y, 8.0, "the body row sits under the repeated header");
    }

    #[test]
    fn a_header_alone_at_the_bottom_goes_with_its_first_row() {
        let mut r = rows(&[20.0, 8.0, 10.0]);
        r[1].keep_with_next = true;
        r[2].repeat = Some(1);
        assert_eq!(layout(&r, 30.0), [vec![0], vec![1, 2]], "header not repeated twice");
    }

    #[test]
    fn a_row_taller_than_a_page_is_an_error() {
        let r = rows(&[10.0, 40.0]);
        assert_eq!(paginate(&r, 30.0), Err(1));
    }
}
