//! Which segment files of a replica's folder to read: the head reachable without a gap, the
//! segments that cover what comes after a point, and which of two same-range files to take.

/// The highest sequence number reachable from 1 without a gap, given the segment ranges a
/// replica's folder holds (overlaps are fine: two runs may have written the same operations).
pub fn contiguous_head(ranges: &mut [(i64, i64)]) -> i64 {
    ranges.sort_unstable();
    let mut head = 0;
    for &(first, last) in ranges.iter() {
        if first > head + 1 {
            break;
        }
        head = head.max(last);
    }
    head
}

/// The segments to read, in order, to get every operation after `after` up to the contiguous
/// head.
pub fn segments_after(ranges: &mut [(i64, i64)], after: i64) -> Vec<(i64, i64)> {
    let head = contiguous_head(ranges);
    let mut reached = after;
    let mut wanted = Vec::new();
    // Sorted by first, then last: among segments starting at or before `reached + 1`, the one
    // reaching furthest is taken, so overlapping segments are read once.
    let mut i = 0;
    while reached < head {
        let mut best: Option<(i64, i64)> = None;
        while i < ranges.len() && ranges[i].0 <= reached + 1 {
            if ranges[i].1 > reached && best.is_none_or(|b| ranges[i].1 > b.1) {
                best = Some(ranges[i]);
            }
            i += 1;
        }
        let Some(segment) = best else { break };
        wanted.push(segment);
        reached = segment.1;
    }
    wanted
}

/// A segment file of a replica's folder: the range it covers and its name.
pub(super) type Named = ((i64, i64), String);

/// The file to read for `range`: of several covering exactly it (two writes of the same
/// operations), the first by name, so every machine reads the same one.
pub(super) fn name_of(named: &[Named], range: (i64, i64)) -> String {
    named
        .iter()
        .find(|(r, _)| *r == range)
        .map(|(_, name)| name.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_and_reads_with_gaps_and_overlaps() {
        let mut ranges = vec![(4, 6), (1, 3), (1, 2), (9, 10), (5, 7)];
        assert_eq!(contiguous_head(&mut ranges), 7);
        assert_eq!(segments_after(&mut ranges, 0), vec![(1, 3), (4, 6), (5, 7)]);
        assert_eq!(segments_after(&mut ranges, 5), vec![(5, 7)]);
        assert_eq!(segments_after(&mut ranges, 7), vec![]);
        assert_eq!(contiguous_head(&mut [(2, 3)]), 0);
    }
}
