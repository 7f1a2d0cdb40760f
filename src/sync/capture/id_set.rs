//! The ids of the records one write created, as the capture hook keeps them (see `seen.rs`).

/// A set of row ids kept as ascending, disjoint ranges `[first, last]` that never touch.
/// A bulk import creates a million records whose ids follow one another (AUTOINCREMENT): one
/// range here, where a list of ids took 8 MB (16 MB while it grew) until the import's commit.
#[derive(Default)]
pub(super) struct IdSet(Vec<(i64, i64)>);

impl IdSet {
    pub(super) fn insert(&mut self, id: i64) {
        // The usual case: the next id after the newest range.
        if let Some(newest) = self.0.last_mut()
            && newest.1.checked_add(1) == Some(id)
        {
            newest.1 = id;
            return;
        }
        let at = self.first_ending_at_or_after(id);
        if self.0.get(at).is_some_and(|&(first, _)| first <= id) {
            return;
        }
        let joins_before = at > 0 && self.0[at - 1].1.checked_add(1) == Some(id);
        let joins_after = self
            .0
            .get(at)
            .is_some_and(|&(first, _)| id.checked_add(1) == Some(first));
        match (joins_before, joins_after) {
            (true, true) => {
                self.0[at - 1].1 = self.0[at].1;
                self.0.remove(at);
            }
            (true, false) => self.0[at - 1].1 = id,
            (false, true) => self.0[at].0 = id,
            (false, false) => self.0.insert(at, (id, id)),
        }
    }

    pub(super) fn contains(&self, id: i64) -> bool {
        self.0
            .get(self.first_ending_at_or_after(id))
            .is_some_and(|&(first, _)| first <= id)
    }

    pub(super) fn remove(&mut self, id: i64) {
        let at = self.first_ending_at_or_after(id);
        let Some(&(first, last)) = self.0.get(at) else {
            return;
        };
        if id < first {
            return;
        }
        match (first == id, last == id) {
            (true, true) => {
                self.0.remove(at);
            }
            (true, false) => self.0[at].0 = id + 1,
            (false, true) => self.0[at].1 = id - 1,
            (false, false) => {
                self.0[at].1 = id - 1;
                self.0.insert(at + 1, (id + 1, last));
            }
        }
    }

    fn first_ending_at_or_after(&self, id: i64) -> usize {
        self.0.partition_point(|&(_, last)| last < id)
    }
}

#[cfg(test)]
mod tests {
    use super::IdSet;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[derive(Debug, Clone)]
    enum Step {
        Insert(i64),
        Remove(i64),
    }

    /// Ids near each other (so ranges join and split) and at the ends of i64.
    fn id() -> impl Strategy<Value = i64> {
        prop_oneof![
            8 => -3i64..40,
            1 => Just(i64::MIN),
            1 => Just(i64::MAX),
            1 => Just(i64::MAX - 1),
        ]
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![3 => id().prop_map(Step::Insert), 1 => id().prop_map(Step::Remove)]
    }

    proptest! {
        #[test]
        fn behaves_as_a_set_and_keeps_its_ranges_apart(steps in prop::collection::vec(step(), 0..200)) {
            let mut set = IdSet::default();
            let mut model = BTreeSet::new();
            for step in steps {
                match step {
                    Step::Insert(id) => { set.insert(id); model.insert(id); }
                    Step::Remove(id) => { set.remove(id); model.remove(&id); }
                }
                for probe in [i64::MIN, i64::MIN + 1, i64::MAX - 1, i64::MAX].into_iter().chain(-5..45) {
                    prop_assert_eq!(set.contains(probe), model.contains(&probe), "id {}", probe);
                }
                for pair in set.0.windows(2) {
                    prop_assert!(pair[0].1 < pair[1].0 - 1, "ranges {:?} touch or overlap", pair);
                }
                prop_assert!(set.0.iter().all(|&(first, last)| first <= last));
            }
        }
    }

    #[test]
    fn a_million_ids_in_order_are_one_range() {
        let mut set = IdSet::default();
        (1..=1_000_000).for_each(|id| set.insert(id));
        assert_eq!(set.0, vec![(1, 1_000_000)]);
    }
}
